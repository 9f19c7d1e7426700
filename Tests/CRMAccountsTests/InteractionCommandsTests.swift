import Testing
@testable import CRMAccounts
import CRMStore

@Suite("interaction commands")
struct InteractionCommandsTests {
    @Test func logKeepsEveryField() throws {
        let f = try Fixture()
        let account = try f.account()
        let contact = try f.contact(account)
        let logged = try f.run("interaction.log", #"""
            {"account_id": \#(account), "contact_id": \#(contact), "kind": "complaint", "direction": "inbound",
             "subject": "Late delivery", "body": "", "performed_by": "thandi", "occurred_at": "2026-11-30T08:15:00Z",
             "links": [{"record_type": "invoice", "record_id": "INV-1042"}, {"record_type": "job_card", "record_id": "JC-7"}]}
            """#)
        #expect(logged["account_id"] == .integer(account))
        #expect(logged["contact_id"] == .integer(contact))
        #expect(logged["kind"] == .string("complaint"))
        #expect(logged["direction"] == .string("inbound"))
        #expect(logged["subject"] == .string("Late delivery"))
        #expect(logged["body"] == .string(""))
        #expect(logged["performed_by"] == .string("thandi"))
        #expect(logged["occurred_at"] == .string("2026-11-30T08:15:00Z"))
        #expect(logged["created_at"] == .string(epochText))
        #expect(logged["links"] == (try args(#"[{"record_type": "invoice", "record_id": "INV-1042"}, {"record_type": "job_card", "record_id": "JC-7"}]"#)))
        #expect(logged["replayed"] == .bool(false))
        let id = try #require(logged["id"]?.int)
        #expect(try f.run("interaction.get", #"{"id": \#(id)}"#) == logged.removing("replayed"))
    }

    @Test func logRequiresAnExistingAccount() throws {
        let f = try Fixture()
        expectCRMError(.invalid, "account_id") { try f.run("interaction.log", #"{"kind": "call", "occurred_at": "\#(epochText)"}"#) }
        expectCRMError(.notFound, "account_id", "12") { try f.run("interaction.log", #"{"account_id": 12, "kind": "call", "occurred_at": "\#(epochText)"}"#) }
        #expect(try f.rows("interactions") == 0)
        #expect(try f.outboxCount() == 0)
    }

    @Test func theContactMustBelongToTheAccount() throws {
        let f = try Fixture()
        let mine = try f.account("Mine"), theirs = try f.account("Theirs")
        let stranger = try f.contact(theirs)
        expectCRMError(.invalid, "contact \(stranger)", "account \(theirs)", "account \(mine)") {
            try f.run("interaction.log", #"{"account_id": \#(mine), "contact_id": \#(stranger), "kind": "call", "occurred_at": "\#(epochText)"}"#)
        }
        expectCRMError(.notFound, "contact_id", "40") {
            try f.run("interaction.log", #"{"account_id": \#(mine), "contact_id": 40, "kind": "call", "occurred_at": "\#(epochText)"}"#)
        }
        #expect(try f.rows("interactions") == 0)
        let own = try f.contact(mine)
        let logged = try f.run("interaction.log", #"{"account_id": \#(mine), "contact_id": \#(own), "kind": "call", "occurred_at": "\#(epochText)"}"#)
        #expect(logged["contact_id"] == .integer(own))
    }

    @Test(arguments: [("note", "internal"), ("call", "outbound"), ("email", "outbound"), ("meeting", "outbound"),
                      ("sms", "outbound"), ("letter", "outbound"), ("visit", "outbound"), ("complaint", "outbound")])
    func directionDefaultsByKind(kind: String, direction: String) throws {
        let f = try Fixture()
        let account = try f.account()
        let logged = try f.run("interaction.log", #"{"account_id": \#(account), "kind": "\#(kind)", "occurred_at": "\#(epochText)"}"#)
        #expect(logged["direction"] == .string(direction))
        #expect(logged["contact_id"] == .null)
        #expect(logged["subject"] == .null)
        #expect(logged["links"] == .array([]))
    }

    @Test func anExplicitDirectionIsKept() throws {
        let f = try Fixture()
        let account = try f.account()
        let note = try f.run("interaction.log", #"{"account_id": \#(account), "kind": "note", "direction": "inbound", "occurred_at": "\#(epochText)"}"#)
        #expect(note["direction"] == .string("inbound"))
        expectCRMError(.invalid, "direction") {
            try f.run("interaction.log", #"{"account_id": \#(account), "kind": "call", "direction": "sideways", "occurred_at": "\#(epochText)"}"#)
        }
    }

    @Test func occurredAtIsConvertedToUTC() throws {
        let f = try Fixture()
        let account = try f.account()
        let plus = try f.run("interaction.log", #"{"account_id": \#(account), "kind": "call", "occurred_at": "2026-12-01T11:30:00+02:00"}"#)
        #expect(plus["occurred_at"] == .string("2026-12-01T09:30:00Z"))
        let minus = try f.run("interaction.log", #"{"account_id": \#(account), "kind": "call", "occurred_at": "2026-11-30T22:15:00-05:00"}"#)
        #expect(minus["occurred_at"] == .string("2026-12-01T03:15:00Z"))
        let fraction = try f.run("interaction.log", #"{"account_id": \#(account), "kind": "call", "occurred_at": "2026-12-01T09:30:00.750Z"}"#)
        #expect(fraction["occurred_at"] == .string("2026-12-01T09:30:00Z"))
        let id = try #require(plus["id"]?.int)
        #expect(try f.run("interaction.get", #"{"id": \#(id)}"#)["occurred_at"] == .string("2026-12-01T09:30:00Z"))
    }

    @Test func logArgumentsAreChecked() throws {
        let f = try Fixture()
        let account = try f.account()
        expectCRMError(.invalid, "kind") { try f.run("interaction.log", #"{"account_id": \#(account), "occurred_at": "\#(epochText)"}"#) }
        expectCRMError(.invalid, "kind") { try f.run("interaction.log", #"{"account_id": \#(account), "kind": "fax", "occurred_at": "\#(epochText)"}"#) }
        expectCRMError(.invalid, "occurred_at") { try f.run("interaction.log", #"{"account_id": \#(account), "kind": "call"}"#) }
        for bad in ["2026-12-01", "2026-12-01 09:30", "2026-13-01T09:30:00Z", "yesterday", "2026-12-01T09:30:00"] {
            expectCRMError(.invalid, "occurred_at") { try f.run("interaction.log", #"{"account_id": \#(account), "kind": "call", "occurred_at": "\#(bad)"}"#) }
        }
        expectCRMError(.range, "subject") {
            try f.run("interaction.log", "{\"account_id\": \(account), \"kind\": \"call\", \"occurred_at\": \"\(epochText)\", \"subject\": \(quoted(String(repeating: "s", count: 201)))}")
        }
        expectCRMError(.range, "body") {
            try f.run("interaction.log", "{\"account_id\": \(account), \"kind\": \"call\", \"occurred_at\": \"\(epochText)\", \"body\": \(quoted(String(repeating: "b", count: 20_001)))}")
        }
        let links = Array(repeating: #"{"record_type": "invoice", "record_id": "1"}"#, count: 21).joined(separator: ", ")
        expectCRMError(.range, "links") {
            try f.run("interaction.log", #"{"account_id": \#(account), "kind": "call", "occurred_at": "\#(epochText)", "links": [\#(links)]}"#)
        }
        expectCRMError(.invalid, "links[0]", "record_id") {
            try f.run("interaction.log", #"{"account_id": \#(account), "kind": "call", "occurred_at": "\#(epochText)", "links": [{"record_type": "invoice"}]}"#)
        }
        expectCRMError(.invalid, "links[0]", "unknown field 'amount'") {
            try f.run("interaction.log",
                      #"{"account_id": \#(account), "kind": "call", "occurred_at": "\#(epochText)", "links": [{"record_type": "invoice", "record_id": "1", "amount": 5}]}"#)
        }
        expectCRMError(.invalid, "unknown field 'outcome'") {
            try f.run("interaction.log", #"{"account_id": \#(account), "kind": "call", "occurred_at": "\#(epochText)", "outcome": "sold"}"#)
        }
        #expect(try f.rows("interactions") == 0)
    }

    @Test func interactionsAreNeverUpdated() throws {
        #expect(commands.command(named: "interaction.update") == nil)
        #expect(commands.command(named: "interaction.delete") == nil)
        let f = try Fixture()
        expectCRMError(.invalid, "interaction.update") { try f.run("interaction.update", #"{"id": 1}"#) }
        expectCRMError(.notFound, "interaction 3") { try f.run("interaction.get", #"{"id": 3}"#) }
    }

    // MARK: List

    @Test func listFiltersByAccountContactAndKind() throws {
        let f = try Fixture()
        let a = try f.account("A"), b = try f.account("B")
        let lindiwe = try f.contact(a, "Dlamini"), sipho = try f.contact(a, "Zulu")
        let call = try f.interaction(a, kind: "call", at: "2026-11-01T08:00:00Z", #""contact_id": \#(lindiwe)"#)
        let email = try f.interaction(a, kind: "email", at: "2026-11-02T08:00:00Z", #""contact_id": \#(sipho)"#)
        let note = try f.interaction(a, kind: "note", at: "2026-11-03T08:00:00Z")
        let other = try f.interaction(b, kind: "call", at: "2026-11-04T08:00:00Z")
        #expect(try f.ids("interaction.list", #"{"account_id": \#(a)}"#) == [call, email, note])
        #expect(try f.ids("interaction.list", #"{"account_id": \#(b)}"#) == [other])
        #expect(try f.ids("interaction.list", #"{"contact_id": \#(lindiwe)}"#) == [call])
        #expect(try f.ids("interaction.list", #"{"kind": "call"}"#) == [call, other])
        #expect(try f.ids("interaction.list", #"{"kind": "call", "account_id": \#(a)}"#) == [call])
        #expect(try f.ids("interaction.list", #"{"kind": "visit"}"#) == [])
        #expect(try f.ids("interaction.list") == [call, email, note, other])
        expectCRMError(.invalid, "kind") { try f.run("interaction.list", #"{"kind": "fax"}"#) }
    }

    @Test func fromAndToAreInclusiveAndADateIncludesTheWholeDay() throws {
        let f = try Fixture()
        let account = try f.account()
        let before = try f.interaction(account, at: "2026-11-29T23:59:59Z")
        let startOfFrom = try f.interaction(account, at: "2026-11-30T00:00:00Z")
        let middle = try f.interaction(account, at: "2026-12-01T12:00:00Z")
        let lastSecondOfTo = try f.interaction(account, at: "2026-12-02T23:59:59Z")
        let after = try f.interaction(account, at: "2026-12-03T00:00:00Z")
        // 2026-12-03T01:00:00+02:00 is still 2 December in UTC.
        let offsetLate = try f.interaction(account, at: "2026-12-03T01:00:00+02:00")
        // offsetLate is 2026-12-02T23:00:00Z, before lastSecondOfTo.
        #expect(try f.ids("interaction.list", #"{"from": "2026-11-30", "to": "2026-12-02"}"#) == [startOfFrom, middle, offsetLate, lastSecondOfTo])
        #expect(try f.ids("interaction.list", #"{"from": "2026-12-03"}"#) == [after])
        #expect(try f.ids("interaction.list", #"{"to": "2026-11-29"}"#) == [before])
        #expect(try f.ids("interaction.list", #"{"to": "2026-12-01T12:00:00Z"}"#) == [before, startOfFrom, middle])
        #expect(try f.ids("interaction.list", #"{"from": "2026-12-01T12:00:00Z", "to": "2026-12-01T12:00:00Z"}"#) == [middle])
        #expect(try f.ids("interaction.list", #"{"from": "2026-12-01T14:00:00+02:00", "to": "2026-12-01"}"#) == [middle])
        #expect(try f.ids("interaction.list", #"{"from": "2026-12-02", "to": "2026-12-01"}"#) == [])
        expectCRMError(.invalid, "from") { try f.run("interaction.list", #"{"from": "last week"}"#) }
        expectCRMError(.invalid, "to") { try f.run("interaction.list", #"{"to": "2026-02-30"}"#) }
    }

    @Test func listIsOrderedByOccurredAtThenID() throws {
        let f = try Fixture()
        let account = try f.account()
        let late = try f.interaction(account, at: "2026-12-05T10:00:00Z")
        let early = try f.interaction(account, at: "2026-12-01T10:00:00Z")
        let tieFirst = try f.interaction(account, at: "2026-12-03T10:00:00Z")
        let tieSecond = try f.interaction(account, at: "2026-12-03T12:00:00+02:00")
        let middle = try f.interaction(account, at: "2026-12-02T10:00:00Z")
        #expect(try f.ids("interaction.list", #"{"account_id": \#(account)}"#) == [early, middle, tieFirst, tieSecond, late])
    }

    @Test func listPagesWithACursorAcrossEqualTimes() throws {
        let f = try Fixture()
        let account = try f.account()
        var groups: [[Int64]] = []
        // Three interactions at each of three times, logged newest time first.
        for time in ["2026-12-03T10:00:00Z", "2026-12-02T10:00:00Z", "2026-12-01T10:00:00Z"] {
            var group: [Int64] = []
            for _ in 0..<3 { group.append(try f.interaction(account, at: time)) }
            groups.append(group)
        }
        let expected = Array(groups.reversed().joined())
        #expect(expected == [7, 8, 9, 4, 5, 6, 1, 2, 3])
        var seen: [Int64] = []
        var cursor: String?
        var pages = 0
        repeat {
            let text = cursor.map { #"{"account_id": \#(account), "limit": 2, "cursor": \#(quoted($0))}"# } ?? #"{"account_id": \#(account), "limit": 2}"#
            let page = try f.run("interaction.list", text)
            #expect(page.items.count <= 2)
            seen += page.items.compactMap { $0["id"]?.int }
            cursor = page["next_cursor"]?.text
            pages += 1
        } while cursor != nil && pages < 20
        #expect(pages == 5)
        #expect(seen == expected)
        // The order itself: by time, then id.
        let times = try f.run("interaction.list", #"{"limit": 500}"#).items.compactMap { $0["occurred_at"]?.text }
        #expect(times == times.sorted())
        expectCRMError(.invalid, "cursor") { try f.run("interaction.list", #"{"cursor": "12"}"#) }
        expectCRMError(.range, "limit") { try f.run("interaction.list", #"{"limit": 0}"#) }
    }

    @Test func getBySourceAndExternalRef() throws {
        let f = try Fixture()
        let account = try f.account()
        let id = try f.interaction(account, #""source": "phone-system", "external_ref": "CALL-1""#)
        let found = try f.run("interaction.get", #"{"source": "phone-system", "external_ref": "CALL-1"}"#)
        #expect(found["id"] == .integer(id))
        #expect(found["external_refs"] == (try args(#"[{"source": "phone-system", "external_ref": "CALL-1"}]"#)))
        expectCRMError(.notFound, "CALL-2") { try f.run("interaction.get", #"{"source": "phone-system", "external_ref": "CALL-2"}"#) }
    }
}
