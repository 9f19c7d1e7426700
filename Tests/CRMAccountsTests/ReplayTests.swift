import Foundation
import Testing
@testable import CRMAccounts
import CRMStore

@Suite("replay of creates by source and external_ref")
struct ReplayTests {
    static let acme = #"{"source": "ledger", "external_ref": "CUST-0042", "name": "Acme Trading", "email": "info@acme.test", "tags": ["vip"]}"#

    @Test func theSameReferenceAndContentReturnsTheSameRecord() throws {
        let f = try Fixture()
        let (first, firstEvents) = try f.runWithEvents("account.create", Self.acme)
        #expect(first["replayed"] == .bool(false))
        #expect(firstEvents.map(\.type) == ["account.created"])
        #expect(first["external_refs"] == (try args(#"[{"source": "ledger", "external_ref": "CUST-0042"}]"#)))
        f.clock.advance(seconds: 600)
        let (second, secondEvents) = try f.runWithEvents("account.create", Self.acme)
        #expect(second["replayed"] == .bool(true))
        #expect(second["id"] == first["id"])
        #expect(second.removing("replayed") == first.removing("replayed"))
        #expect(secondEvents.isEmpty)
        #expect(try f.eventTypes() == ["account.created"])
        #expect(try f.rows("accounts") == 1)
        #expect(try f.rows("crm_external_refs") == 1)
    }

    @Test func fieldOrderDoesNotMakeADifferentContent() throws {
        let f = try Fixture()
        let first = try f.run("account.create", Self.acme)
        let reordered = try f.run("account.create",
                                  #"{"tags": ["vip"], "email": "info@acme.test", "name": "Acme Trading", "external_ref": "CUST-0042", "source": "ledger"}"#)
        #expect(reordered["replayed"] == .bool(true))
        #expect(reordered["id"] == first["id"])
    }

    @Test func aReplayAfterAnUpdateStillReturnsTheRecord() throws {
        let f = try Fixture()
        let first = try f.run("account.create", Self.acme)
        let id = try #require(first["id"]?.int)
        try f.run("account.update", #"{"id": \#(id), "owner": "thandi"}"#)
        let replay = try f.run("account.create", Self.acme)
        #expect(replay["replayed"] == .bool(true))
        #expect(replay["id"] == .integer(id))
        #expect(replay["owner"] == .string("thandi"))
        #expect(try f.rows("accounts") == 1)
    }

    @Test(arguments: [
        (#"{"source": "ledger", "external_ref": "CUST-0042", "name": "Acme Trading Ltd", "email": "info@acme.test", "tags": ["vip"]}"#, "name"),
        (#"{"source": "ledger", "external_ref": "CUST-0042", "name": "Acme Trading", "email": "sales@acme.test", "tags": ["vip"]}"#, "email"),
        (#"{"source": "ledger", "external_ref": "CUST-0042", "name": "Acme Trading", "email": "info@acme.test", "tags": ["vip"], "phone": "1"}"#, "phone"),
        (#"{"source": "ledger", "external_ref": "CUST-0042", "name": "Acme Trading", "email": "info@acme.test"}"#, "tags"),
    ])
    func differentContentIsAConflictNamingTheField(replay: String, field: String) throws {
        let f = try Fixture()
        let first = try f.run("account.create", Self.acme)
        let id = try #require(first["id"]?.int)
        expectCRMError(.conflict, "different \(field)", "CUST-0042", "account \(id)") { try f.run("account.create", replay) }
        #expect(try f.rows("accounts") == 1)
        #expect(try f.eventTypes() == ["account.created"])
        #expect(try f.run("account.get", #"{"id": \#(id)}"#)["name"] == .string("Acme Trading"))
    }

    @Test func theSameExternalRefInAnotherSourceIsAnotherRecord() throws {
        let f = try Fixture()
        let ledger = try f.run("account.create", Self.acme)
        let webShop = try f.run("account.create",
                                #"{"source": "web-shop", "external_ref": "CUST-0042", "name": "Acme Trading", "email": "info@acme.test", "tags": ["vip"]}"#)
        #expect(webShop["replayed"] == .bool(false))
        #expect(webShop["id"] != ledger["id"])
        #expect(try f.rows("accounts") == 2)
        #expect(try f.run("account.get", #"{"source": "web-shop", "external_ref": "CUST-0042"}"#)["id"] == webShop["id"])
        #expect(try f.run("account.get", #"{"source": "ledger", "external_ref": "CUST-0042"}"#)["id"] == ledger["id"])
        // A different reference in the same source is a new record too.
        let other = try f.run("account.create", #"{"source": "ledger", "external_ref": "CUST-0043", "name": "Acme Trading"}"#)
        #expect(other["replayed"] == .bool(false))
        #expect(try f.rows("accounts") == 3)
    }

    @Test func referencesAreBothOrNeitherWithinTheirLengths() throws {
        let f = try Fixture()
        expectCRMError(.invalid, "source") { try f.run("account.create", #"{"external_ref": "C1", "name": "A"}"#) }
        expectCRMError(.invalid, "external_ref") { try f.run("account.create", #"{"source": "ledger", "name": "A"}"#) }
        expectCRMError(.invalid, "external_ref") { try f.run("account.create", #"{"source": "ledger", "external_ref": "", "name": "A"}"#) }
        expectCRMError(.range, "source") {
            try f.run("account.create", "{\"source\": \(quoted(String(repeating: "s", count: 101))), \"external_ref\": \"C1\", \"name\": \"A\"}")
        }
        expectCRMError(.range, "external_ref") {
            try f.run("account.create", "{\"source\": \"ledger\", \"external_ref\": \(quoted(String(repeating: "r", count: 201))), \"name\": \"A\"}")
        }
        #expect(try f.rows("accounts") == 0)
        #expect(try f.rows("crm_external_refs") == 0)
    }

    @Test func aFailedCreateDoesNotClaimItsReference() throws {
        let f = try Fixture()
        expectCRMError(.invalid, "email") {
            try f.run("account.create", #"{"source": "ledger", "external_ref": "C1", "name": "A", "email": "broken"}"#)
        }
        let made = try f.run("account.create", #"{"source": "ledger", "external_ref": "C1", "name": "A", "email": "a@b.test"}"#)
        #expect(made["replayed"] == .bool(false))
        #expect(try f.rows("crm_external_refs") == 1)
    }

    @Test func oneReferenceMayNameOneRecordOfEachType() throws {
        let f = try Fixture()
        let account = try f.run("account.create", #"{"source": "ledger", "external_ref": "42", "name": "A"}"#)
        let accountID = try #require(account["id"]?.int)
        let contact = try f.run("contact.create", #"{"source": "ledger", "external_ref": "42", "account_id": \#(accountID), "last_name": "Dlamini"}"#)
        #expect(contact["replayed"] == .bool(false))
        let interaction = try f.run("interaction.log",
                                    #"{"source": "ledger", "external_ref": "42", "account_id": \#(accountID), "kind": "note", "occurred_at": "2026-11-30T08:00:00Z"}"#)
        #expect(interaction["replayed"] == .bool(false))
        #expect(try f.run("contact.get", #"{"source": "ledger", "external_ref": "42"}"#)["id"] == contact["id"])
        #expect(try f.run("interaction.get", #"{"source": "ledger", "external_ref": "42"}"#)["id"] == interaction["id"])
        #expect(try f.run("account.get", #"{"source": "ledger", "external_ref": "42"}"#)["id"] == .integer(accountID))
    }

    @Test func contactReplays() throws {
        let f = try Fixture()
        let account = try f.account("A")
        let text = #"{"source": "ledger", "external_ref": "P-7", "account_id": \#(account), "first_name": "Lindiwe", "last_name": "Dlamini", "email": "l@d.test"}"#
        let first = try f.run("contact.create", text)
        let second = try f.run("contact.create", text)
        #expect(first["replayed"] == .bool(false))
        #expect(second["replayed"] == .bool(true))
        #expect(second["id"] == first["id"])
        #expect(try f.rows("contacts") == 1)
        #expect(try f.eventTypes() == ["account.created", "contact.created"])
        expectCRMError(.conflict, "different first_name", "contact") {
            try f.run("contact.create",
                      #"{"source": "ledger", "external_ref": "P-7", "account_id": \#(account), "first_name": "Lindi", "last_name": "Dlamini", "email": "l@d.test"}"#)
        }
        #expect(try f.rows("contacts") == 1)
    }

    @Test func interactionReplays() throws {
        let f = try Fixture()
        let account = try f.account("A")
        let text = #"{"source": "phone-system", "external_ref": "CALL-991", "account_id": \#(account), "kind": "call", "direction": "inbound", "subject": "Query", "occurred_at": "2026-11-30T08:00:00Z"}"#
        let first = try f.run("interaction.log", text)
        f.clock.advance(seconds: 5)
        let second = try f.run("interaction.log", text)
        #expect(second["replayed"] == .bool(true))
        #expect(second["id"] == first["id"])
        #expect(second["created_at"] == first["created_at"])
        #expect(try f.rows("interactions") == 1)
        #expect(try f.eventTypes() == ["account.created", "interaction.logged"])
        expectCRMError(.conflict, "different subject", "interaction") {
            try f.run("interaction.log",
                      #"{"source": "phone-system", "external_ref": "CALL-991", "account_id": \#(account), "kind": "call", "direction": "inbound", "subject": "Other", "occurred_at": "2026-11-30T08:00:00Z"}"#)
        }
        #expect(try f.rows("interactions") == 1)
    }

    @Test func replaysSurviveReopeningTheFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("crm.db").path
            let firstID: JSONValue?
            do {
                let f = try Fixture(path: path)
                firstID = try f.run("account.create", Self.acme)["id"]
            }
            let f = try Fixture(path: path)
            let replay = try f.run("account.create", Self.acme)
            #expect(replay["replayed"] == .bool(true))
            #expect(replay["id"] == firstID)
            #expect(try f.rows("accounts") == 1)
        }
    }

    @Test func theSameRecordSentAnotherWayIsAReplay() throws {
        let f = try Fixture()
        let first = try f.run("account.create", #"{"source": "ledger", "external_ref": "D1", "name": "Defaults", "tags": ["tools", "paint"]}"#)
        // Defaults spelled out, tags in another order: the record would be the same.
        let second = try f.run("account.create",
                               #"{"source": "ledger", "external_ref": "D1", "name": "Defaults", "kind": "business", "currency": "ZAR", "payment_terms_days": 30, "tags": ["paint", "tools"]}"#)
        #expect(second["replayed"] == .bool(true))
        #expect(second["id"] == first["id"])
        let account = try #require(first["id"]?.int)
        let call = #"{"source": "pbx", "external_ref": "CALL-1", "account_id": \#(account), "kind": "call", "occurred_at": "2026-11-30T12:00:00+02:00"}"#
        let logged = try f.run("interaction.log", call)
        // The same instant written in UTC, with a fraction of a second that is not kept.
        let again = try f.run("interaction.log",
                              #"{"source": "pbx", "external_ref": "CALL-1", "account_id": \#(account), "kind": "call", "occurred_at": "2026-11-30T10:00:00.250Z"}"#)
        #expect(again["replayed"] == .bool(true))
        #expect(again["id"] == logged["id"])
        expectCRMError(.conflict, "different kind") {
            try f.run("account.create", #"{"source": "ledger", "external_ref": "D1", "name": "Defaults", "kind": "dealer", "tags": ["paint", "tools"]}"#)
        }
        #expect(try f.rows("accounts") == 1)
    }
}
