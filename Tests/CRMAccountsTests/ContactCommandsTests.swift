import Testing
@testable import CRMAccounts
import CRMStore

@Suite("contact commands")
struct ContactCommandsTests {
    // MARK: Create

    @Test func createFillsDefaultsAndKeepsFields() throws {
        let f = try Fixture()
        let account = try f.account()
        let contact = try f.run("contact.create", #"""
            {"account_id": \#(account), "first_name": "Lindiwe", "last_name": "Dlamini", "role": "buyer",
             "email": "Lindiwe@Acme.test", "phone": "021 555 0100", "mobile": "082 555 0101", "preferred_channel": "sms",
             "address": {"line1": "1 Main Rd", "kind": "postal"}}
            """#)
        #expect(contact["id"] == .integer(1))
        #expect(contact["account_id"] == .integer(account))
        #expect(contact["first_name"] == .string("Lindiwe"))
        #expect(contact["last_name"] == .string("Dlamini"))
        #expect(contact["role"] == .string("buyer"))
        #expect(contact["email"] == .string("Lindiwe@Acme.test"))
        #expect(contact["mobile"] == .string("082 555 0101"))
        #expect(contact["preferred_channel"] == .string("sms"))
        #expect(contact["address"]?["kind"] == .string("postal"))
        #expect(contact["address"]?["line1"] == .string("1 Main Rd"))
        #expect(contact["archived"] == .bool(false))
        #expect(contact["consent"] == (try args(#"{"email": null, "sms": null, "phone": null, "post": null}"#)))
        #expect(contact["preferences"] == (try args("{}")))
        #expect(contact["version"] == .integer(1))
        #expect(contact["created_at"] == .string(epochText))
        #expect(contact["replayed"] == .bool(false))
        let id = try #require(contact["id"]?.int)
        #expect(try f.run("contact.get", #"{"id": \#(id)}"#) == contact.removing("replayed"))
    }

    @Test func createRequiresAnOpenAccount() throws {
        let f = try Fixture()
        expectCRMError(.invalid, "account_id") { try f.run("contact.create", #"{"last_name": "Dlamini"}"#) }
        expectCRMError(.notFound, "account_id", "9") { try f.run("contact.create", #"{"account_id": 9, "last_name": "Dlamini"}"#) }
        let archived = try f.account("Gone")
        try f.run("account.archive", #"{"id": \#(archived)}"#)
        expectCRMError(.constraint, "archived") { try f.run("contact.create", #"{"account_id": \#(archived), "last_name": "Dlamini"}"#) }
        let survivor = try f.account("Survivor"), merged = try f.account("Merged")
        try f.run("account.merge", #"{"survivor_id": \#(survivor), "merged_id": \#(merged)}"#)
        expectCRMError(.constraint, "merged") { try f.run("contact.create", #"{"account_id": \#(merged), "last_name": "Dlamini"}"#) }
        #expect(try f.rows("contacts") == 0)
    }

    @Test func createValidatesFields() throws {
        let f = try Fixture()
        let account = try f.account()
        expectCRMError(.invalid, "last_name") { try f.run("contact.create", #"{"account_id": \#(account)}"#) }
        expectCRMError(.invalid, "last_name") { try f.run("contact.create", #"{"account_id": \#(account), "last_name": ""}"#) }
        expectCRMError(.range, "first_name") {
            try f.run("contact.create", "{\"account_id\": \(account), \"last_name\": \"D\", \"first_name\": \(quoted(String(repeating: "x", count: 101)))}")
        }
        expectCRMError(.invalid, "email") { try f.run("contact.create", #"{"account_id": \#(account), "last_name": "D", "email": "nope"}"#) }
        expectCRMError(.invalid, "preferred_channel") {
            try f.run("contact.create", #"{"account_id": \#(account), "last_name": "D", "preferred_channel": "fax"}"#)
        }
        expectCRMError(.invalid, "address", "country 'XX'") {
            try f.run("contact.create", #"{"account_id": \#(account), "last_name": "D", "address": {"line1": "x", "country": "XX"}}"#)
        }
        expectCRMError(.invalid, "address", "country") {
            try f.run("contact.create", #"{"account_id": \#(account), "last_name": "D", "address": {"line1": "x", "country": "za"}}"#)
        }
        expectCRMError(.invalid, "address", "line1") {
            try f.run("contact.create", #"{"account_id": \#(account), "last_name": "D", "address": {"city": "Durban"}}"#)
        }
        expectCRMError(.invalid, "unknown field 'surname'") {
            try f.run("contact.create", #"{"account_id": \#(account), "last_name": "D", "surname": "D"}"#)
        }
        expectCRMError(.invalid, "unknown field 'consent'") {
            try f.run("contact.create", #"{"account_id": \#(account), "last_name": "D", "consent": {}}"#)
        }
        #expect(try f.rows("contacts") == 0)
    }

    // MARK: Update and archive

    @Test func updateChangesOnlyTheGivenFieldsAndCanMoveTheContact() throws {
        let f = try Fixture()
        let first = try f.account("First"), second = try f.account("Second")
        let id = try f.contact(first, "Dlamini", #""first_name": "Lindiwe", "email": "l@d.test""#)
        let updated = try f.run("contact.update", #"{"id": \#(id), "role": "accounts payable", "email": null}"#)
        #expect(updated["role"] == .string("accounts payable"))
        #expect(updated["email"] == .null)
        #expect(updated["first_name"] == .string("Lindiwe"))
        #expect(updated["version"] == .integer(2))
        let moved = try f.run("contact.update", #"{"id": \#(id), "account_id": \#(second)}"#)
        #expect(moved["account_id"] == .integer(second))
        #expect(try f.ids("contact.list", #"{"account_id": \#(first)}"#) == [])
        #expect(try f.ids("contact.list", #"{"account_id": \#(second)}"#) == [id])
        let events = try f.events().filter { $0.type == "contact.updated" }
        #expect(events.map { $0.record["changed"]?.strings ?? [] } == [["role", "email"], ["account_id"]])
    }

    @Test func updateRules() throws {
        let f = try Fixture()
        let account = try f.account("A"), closed = try f.account("Closed")
        try f.run("account.archive", #"{"id": \#(closed)}"#)
        let id = try f.contact(account)
        expectCRMError(.constraint, "archived") { try f.run("contact.update", #"{"id": \#(id), "account_id": \#(closed)}"#) }
        expectCRMError(.notFound, "account_id") { try f.run("contact.update", #"{"id": \#(id), "account_id": 99}"#) }
        expectCRMError(.invalid, "last_name", "null") { try f.run("contact.update", #"{"id": \#(id), "last_name": null}"#) }
        expectCRMError(.invalid, "account_id", "null") { try f.run("contact.update", #"{"id": \#(id), "account_id": null}"#) }
        expectCRMError(.conflict, "expected_version") { try f.run("contact.update", #"{"id": \#(id), "expected_version": 3, "role": "x"}"#) }
        #expect(try f.run("contact.get", #"{"id": \#(id)}"#)["version"] == .integer(1))
        let (same, events) = try f.runWithEvents("contact.update", #"{"id": \#(id), "last_name": "Naidoo"}"#)
        #expect(events.isEmpty)
        #expect(same["version"] == .integer(1))
        expectCRMError(.notFound, "contact 77") { try f.run("contact.update", #"{"id": 77, "role": "x"}"#) }
    }

    @Test func archiveHidesTheContactFromListsAndStopsUpdates() throws {
        let f = try Fixture()
        let account = try f.account()
        let kept = try f.contact(account, "Kept"), gone = try f.contact(account, "Gone")
        f.clock.advance(seconds: 30)
        let archived = try f.run("contact.archive", #"{"id": \#(gone)}"#)
        #expect(archived["archived"] == .bool(true))
        #expect(archived["archived_at"] == .string("2026-12-01T09:30:30Z"))
        #expect(archived["version"] == .integer(2))
        expectCRMError(.constraint, "archived") { try f.run("contact.archive", #"{"id": \#(gone)}"#) }
        expectCRMError(.constraint, "archived") { try f.run("contact.update", #"{"id": \#(gone), "role": "x"}"#) }
        #expect(try f.ids("contact.list", #"{"account_id": \#(account)}"#) == [kept])
        #expect(try f.ids("contact.list", #"{"account_id": \#(account), "include_archived": true}"#) == [kept, gone])
    }

    // MARK: List

    @Test func listByAccountAndEmailWithPages() throws {
        let f = try Fixture()
        let a = try f.account("A"), b = try f.account("B")
        var ofA: [Int64] = []
        for number in 1...7 {
            ofA.append(try f.contact(a, "A\(number)"))
            try f.contact(b, "B\(number)")
        }
        let withEmail = try f.contact(b, "Mail", #""email": "Buyer@Example.test""#)
        #expect(try f.ids("contact.list", #"{"account_id": \#(a)}"#) == ofA)
        #expect(try f.ids("contact.list", #"{"email": "buyer@example.TEST"}"#) == [withEmail])
        #expect(try f.ids("contact.list", #"{"email": "buyer@example.test", "account_id": \#(a)}"#) == [])
        let first = try f.run("contact.list", #"{"account_id": \#(a), "limit": 4}"#)
        let cursor = try #require(first["next_cursor"]?.text)
        let second = try f.run("contact.list", #"{"account_id": \#(a), "limit": 4, "cursor": \#(quoted(cursor))}"#)
        #expect((first.items + second.items).compactMap { $0["id"]?.int } == ofA)
        #expect(second["next_cursor"] == .null)
        #expect(try f.run("contact.list").items.count == 15)
    }

    // MARK: Consent

    @Test func consentIsKeptPerChannelWithItsHistory() throws {
        let f = try Fixture()
        let account = try f.account()
        let id = try f.contact(account)
        let optedIn = try f.run("contact.consent", #"{"contact_id": \#(id), "channel": "email", "status": "opted_in", "source": "web form"}"#)
        #expect(optedIn["consent"]?["email"] == (try args(#"{"status": "opted_in", "recorded_at": "\#(epochText)", "source": "web form"}"#)))
        #expect(optedIn["consent"]?["sms"] == .null)
        f.clock.advance(seconds: 86_400)
        try f.run("contact.consent", #"{"contact_id": \#(id), "channel": "sms", "status": "opted_in", "source": "signed application"}"#)
        let optedOut = try f.run("contact.consent",
                                 #"{"contact_id": \#(id), "channel": "email", "status": "opted_out", "source": "unsubscribe link", "recorded_at": "2026-12-02T14:00:00+02:00"}"#)
        #expect(optedOut["consent"]?["email"]?["status"] == .string("opted_out"))
        #expect(optedOut["consent"]?["email"]?["recorded_at"] == .string("2026-12-02T12:00:00Z"))
        #expect(optedOut["consent"]?["sms"]?["status"] == .string("opted_in"))
        #expect(try f.run("contact.get", #"{"id": \#(id)}"#)["consent"] == optedOut["consent"])

        let history = try f.run("contact.consent_history", #"{"contact_id": \#(id)}"#).items
        #expect(history.count == 3)
        #expect(history.map { $0["channel"]?.text ?? "" } == ["email", "sms", "email"])
        #expect(history.map { $0["status"]?.text ?? "" } == ["opted_in", "opted_in", "opted_out"])
        #expect(history.map { $0["source"]?.text ?? "" } == ["web form", "signed application", "unsubscribe link"])
        #expect(history.first?["recorded_at"] == .string(epochText))
    }

    @Test func recordingTheSameStatusTwiceIsANoOpWithoutEvent() throws {
        let f = try Fixture()
        let account = try f.account()
        let id = try f.contact(account)
        let (_, firstEvents) = try f.runWithEvents("contact.consent",
                                                   #"{"contact_id": \#(id), "channel": "post", "status": "opted_out", "source": "phone call"}"#)
        #expect(firstEvents.map(\.type) == ["consent.changed"])
        f.clock.advance(seconds: 60)
        let (again, events) = try f.runWithEvents("contact.consent",
                                                  #"{"contact_id": \#(id), "channel": "post", "status": "opted_out", "source": "letter"}"#)
        #expect(events.isEmpty)
        #expect(again["consent"]?["post"]?["source"] == .string("phone call"))
        #expect(again["consent"]?["post"]?["recorded_at"] == .string(epochText))
        #expect(try f.run("contact.consent_history", #"{"contact_id": \#(id)}"#).items.count == 1)
        #expect(try f.eventTypes().filter { $0 == "consent.changed" }.count == 1)
        // The same status on another channel is a change.
        let (_, other) = try f.runWithEvents("contact.consent", #"{"contact_id": \#(id), "channel": "email", "status": "opted_out", "source": "letter"}"#)
        #expect(other.count == 1)
    }

    @Test func consentArgumentsAreChecked() throws {
        let f = try Fixture()
        let account = try f.account()
        let id = try f.contact(account)
        expectCRMError(.invalid, "channel") { try f.run("contact.consent", #"{"contact_id": \#(id), "channel": "fax", "status": "opted_in", "source": "x"}"#) }
        expectCRMError(.invalid, "channel") { try f.run("contact.consent", #"{"contact_id": \#(id), "status": "opted_in", "source": "x"}"#) }
        expectCRMError(.invalid, "status") { try f.run("contact.consent", #"{"contact_id": \#(id), "channel": "email", "status": "yes", "source": "x"}"#) }
        expectCRMError(.invalid, "source") { try f.run("contact.consent", #"{"contact_id": \#(id), "channel": "email", "status": "opted_in"}"#) }
        expectCRMError(.range, "source") {
            try f.run("contact.consent", "{\"contact_id\": \(id), \"channel\": \"email\", \"status\": \"opted_in\", \"source\": \(quoted(String(repeating: "s", count: 101)))}")
        }
        expectCRMError(.invalid, "recorded_at") {
            try f.run("contact.consent", #"{"contact_id": \#(id), "channel": "email", "status": "opted_in", "source": "x", "recorded_at": "yesterday"}"#)
        }
        expectCRMError(.invalid, "contact_id") { try f.run("contact.consent", #"{"channel": "email", "status": "opted_in", "source": "x"}"#) }
        expectCRMError(.notFound, "contact 99") { try f.run("contact.consent", #"{"contact_id": 99, "channel": "email", "status": "opted_in", "source": "x"}"#) }
        expectCRMError(.notFound, "contact 99") { try f.run("contact.consent_history", #"{"contact_id": 99}"#) }
        #expect(try f.rows("contact_consents") == 0)
    }

    // MARK: Preferences

    @Test func preferencesAreSetReplacedAndRemoved() throws {
        let f = try Fixture()
        let account = try f.account()
        let id = try f.contact(account)
        let set = try f.run("contact.preferences", #"{"contact_id": \#(id), "set": {"size": "L", "brand": "Acme"}}"#)
        #expect(set["preferences"] == (try args(#"{"brand": "Acme", "size": "L"}"#)))
        #expect(set["version"] == .integer(2))
        let changed = try f.run("contact.preferences", #"{"contact_id": \#(id), "set": {"size": "XL", "brand": null, "colour": "blue"}}"#)
        #expect(changed["preferences"] == (try args(#"{"colour": "blue", "size": "XL"}"#)))
        #expect(changed["version"] == .integer(3))
        #expect(try f.run("contact.get", #"{"id": \#(id)}"#)["preferences"] == changed["preferences"])
        let updates = try f.events().filter { $0.type == "contact.updated" }
        #expect(updates.count == 2)
        #expect(updates.allSatisfy { $0.record["changed"]?.strings == ["preferences"] })
    }

    @Test func preferencesThatChangeNothingWriteNoEvent() throws {
        let f = try Fixture()
        let account = try f.account()
        let id = try f.contact(account)
        try f.run("contact.preferences", #"{"contact_id": \#(id), "set": {"size": "L"}}"#)
        for text in [#"{"contact_id": \#(id), "set": {"size": "L"}}"#, #"{"contact_id": \#(id), "set": {"missing": null}}"#,
                     #"{"contact_id": \#(id), "set": {}}"#, #"{"contact_id": \#(id)}"#] {
            let (result, events) = try f.runWithEvents("contact.preferences", text)
            #expect(events.isEmpty, "\(text)")
            #expect(result["version"] == .integer(2))
        }
    }

    @Test func preferenceKeysAndValuesAreChecked() throws {
        let f = try Fixture()
        let account = try f.account()
        let id = try f.contact(account)
        expectCRMError(.range, "key") {
            try f.run("contact.preferences", "{\"contact_id\": \(id), \"set\": {\(quoted(String(repeating: "k", count: 51))): \"v\"}}")
        }
        expectCRMError(.invalid, "key") { try f.run("contact.preferences", #"{"contact_id": \#(id), "set": {"": "v"}}"#) }
        expectCRMError(.invalid, "set.size") { try f.run("contact.preferences", #"{"contact_id": \#(id), "set": {"size": ""}}"#) }
        expectCRMError(.invalid, "set.size") { try f.run("contact.preferences", #"{"contact_id": \#(id), "set": {"size": 42}}"#) }
        expectCRMError(.range, "set.note") {
            try f.run("contact.preferences", "{\"contact_id\": \(id), \"set\": {\"note\": \(quoted(String(repeating: "v", count: 501)))}}")
        }
        expectCRMError(.invalid, "set") { try f.run("contact.preferences", #"{"contact_id": \#(id), "set": ["size"]}"#) }
        expectCRMError(.notFound, "contact 5") { try f.run("contact.preferences", #"{"contact_id": 5, "set": {"a": "b"}}"#) }
        #expect(try f.rows("contact_preferences") == 0)
    }

    @Test func aContactKeepsAtMostAHundredPreferences() throws {
        let f = try Fixture()
        let account = try f.account()
        let id = try f.contact(account)
        let hundred = (1...100).map { "\"k\($0)\": \"v\"" }.joined(separator: ", ")
        let full = try f.run("contact.preferences", #"{"contact_id": \#(id), "set": {\#(hundred)}}"#)
        #expect(full["preferences"]?.keys.count == 100)
        let before = try f.outboxCount()
        expectCRMError(.range, "100") { try f.run("contact.preferences", #"{"contact_id": \#(id), "set": {"one_more": "v"}}"#) }
        #expect(try f.rows("contact_preferences") == 100)
        #expect(try f.outboxCount() == before)
        // Replacing a value or swapping one key for another stays within the limit.
        let swapped = try f.run("contact.preferences", #"{"contact_id": \#(id), "set": {"k1": null, "one_more": "v", "k2": "w"}}"#)
        #expect(swapped["preferences"]?.keys.count == 100)
        #expect(swapped["preferences"]?["k2"] == .string("w"))
        let hundredAndOne = (1...101).map { "\"n\($0)\": \"v\"" }.joined(separator: ", ")
        let other = try f.contact(account, "Other")
        expectCRMError(.range, "100") { try f.run("contact.preferences", #"{"contact_id": \#(other), "set": {\#(hundredAndOne)}}"#) }
    }
}
