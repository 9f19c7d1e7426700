import Testing
@testable import CRMActivities
import CRMStore

@Suite("call list commands")
struct CallListCommandsTests {
    @Test func aCallListSkipsEveryoneWhoOptedOutOfPhoneCalls() throws {
        let f = try ActivitiesFixture()
        let bester = try f.make("account.create", #""name": "Bester Hardware", "region": "Gauteng", "owner": "thabo", "segment": "hardware""#)
        let reachable = try f.make("contact.create", #""account_id": \#(bester), "last_name": "Bester", "phone": "082 555 0101""#)
        let optedOut = try f.make("contact.create", #""account_id": \#(bester), "last_name": "Nel", "mobile": "082 555 0102""#)
        let noPhone = try f.make("contact.create", #""account_id": \#(bester), "last_name": "Dube""#)
        let changedMind = try f.make("contact.create", #""account_id": \#(bester), "last_name": "Mokoena", "mobile": "082 555 0104""#)
        try f.run("contact.consent", #"{"contact_id": \#(optedOut), "channel": "phone", "status": "opted_out", "source": "call centre"}"#)
        try f.run("contact.consent", #"{"contact_id": \#(changedMind), "channel": "phone", "status": "opted_out", "source": "call centre", "recorded_at": "2026-11-01T08:00:00Z"}"#)
        try f.run("contact.consent", #"{"contact_id": \#(changedMind), "channel": "phone", "status": "opted_in", "source": "web form", "recorded_at": "2026-11-20T08:00:00Z"}"#)
        try f.run("contact.consent", #"{"contact_id": \#(reachable), "channel": "email", "status": "opted_out", "source": "web form"}"#)
        let shop = try f.make("account.create", #""name": "Soweto Spares", "region": "Gauteng", "phone": "011 555 0200", "tags": ["hardware"]"#)
        let cape = try f.make("account.create", #""name": "Cape Steel", "region": "Western Cape", "phone": "021 555 0300""#)
        try f.make("contact.create", #""account_id": \#(cape), "last_name": "Adams", "phone": "082 555 0301""#)
        let (list, events) = try f.runWithEvents("calllist.build",
            #"{"from": "accounts", "name": "Gauteng hardware", "region": "Gauteng", "due_at": "2026-12-02T08:00:00Z"}"#)
        #expect(list["entry_count"]?.int == 3)
        #expect(list["skipped_count"]?.int == 2)
        #expect(list["skipped"] == .object([("opted_out", .integer(1)), ("no_phone", .integer(1))]))
        #expect(list["from"]?.text == "accounts")
        #expect(list["filter"]?["region"]?.text == "Gauteng")
        #expect(events.map(\.type) == ["calllist.built"])
        let id = try #require(list["id"]?.int)
        let got = try f.run("calllist.get", #"{"id": \#(id)}"#)
        let entries = try #require(got["entries"]?.array)
        #expect(entries.map { $0["contact_id"]?.int } == [reachable, changedMind, nil])
        #expect(entries.map { $0["account_id"]?.int } == [bester, bester, shop])
        #expect(entries.map { $0["phone"]?.text } == ["082 555 0101", "082 555 0104", "011 555 0200"])
        #expect(entries.map { $0["owner"]?.text } == ["thabo", "thabo", nil])
        #expect(entries.allSatisfy { $0["status"]?.text == "open" })
        #expect(got["skipped"]?.array?.map { $0["contact_id"]?.int } == [optedOut, noPhone])
        #expect(got["skipped"]?.array?.map { $0["reason"]?.text } == ["opted_out", "no_phone"])
        let first = try #require(entries.first?["activity_id"]?.int)
        let call = try f.run("activity.get", #"{"id": \#(first)}"#)
        #expect(call["kind"]?.text == "call")
        #expect(call["call_list_id"]?.int == id)
        #expect(call["due_at"]?.text == "2026-12-02T08:00:00Z")
        // The outcome comes back as the activity's completion, and into the customer's history.
        let done = try f.run("activity.complete", #"{"id": \#(first), "outcome": "Interested in a quote", "minutes_spent": 6}"#)
        #expect(done["interaction_id"]?.int != nil)
        let after = try f.run("calllist.get", #"{"id": \#(id)}"#)
        #expect(after["entries"]?.array?.first?["status"]?.text == "done")
        #expect(after["entries"]?.array?.first?["outcome"]?.text == "Interested in a quote")
        // Segment (the account's segment or a tag), kind and last contact narrow the list.
        let segment = try f.run("calllist.build", #"{"from": "accounts", "name": "Hardware", "segment": "hardware", "owner": "lerato"}"#)
        #expect(segment["entry_count"]?.int == 3)
        let dealers = try f.run("calllist.build", #"{"from": "accounts", "name": "Dealers", "kind": "dealer"}"#)
        #expect(dealers["entry_count"]?.int == 0)
        let quiet = try f.run("calllist.build", #"{"from": "accounts", "name": "Quiet", "last_contact_before": "2026-12-01"}"#)
        #expect(quiet["entry_count"]?.int == 2)  // Bester was called today; Soweto Spares and Cape Steel were not
        let segmentEntries = try f.run("calllist.get", #"{"id": \#(segment["id"]?.int ?? 0)}"#)["entries"]?.array ?? []
        #expect(segmentEntries.allSatisfy { $0["owner"]?.text == "lerato" })
    }

    @Test func aCallListBuiltWithTheHostsReferenceIsBuiltOnce() throws {
        let f = try ActivitiesFixture()
        let account = try f.make("account.create", #""name": "Bester Hardware", "region": "Gauteng", "phone": "011 555 0100""#)
        let build = #"{"from": "accounts", "name": "December dealers", "region": "Gauteng", "source": "campaigns", "external_ref": "DEC-1"}"#
        let (first, events) = try f.runWithEvents("calllist.build", build)
        #expect(first["replayed"] == .bool(false) && first["entry_count"]?.int == 1)
        #expect(events.map(\.type) == ["calllist.built"])
        // A new account since: the replay still answers the list made then.
        try f.make("account.create", #""name": "Soweto Spares", "region": "Gauteng", "phone": "011 555 0200""#)
        let (again, none) = try f.runWithEvents("calllist.build", build)
        #expect(again["replayed"] == .bool(true))
        #expect(again["id"] == first["id"] && again["entry_count"]?.int == 1)
        #expect(again["skipped"] == first["skipped"])
        #expect(none.isEmpty)
        #expect(try f.rows("call_lists") == 1)
        #expect(try f.run("activity.list", #"{"account_id": \#(account)}"#).items.count == 1)
        expectCRMError(.conflict, "region") {
            try f.run("calllist.build", #"{"from": "accounts", "name": "December dealers", "region": "Limpopo", "source": "campaigns", "external_ref": "DEC-1"}"#)
        }
    }

    @Test func aCallListOfLeadsTakesOpenLeadsWithAPhone() throws {
        let f = try ActivitiesFixture()
        let a = try f.make("lead.create", #""company": "Khumalo Roofing", "phone": "082 555 0142", "region": "Gauteng", "owner": "thabo""#)
        let b = try f.make("lead.create", #""company": "Karoo Farm Supplies", "region": "Gauteng""#)
        let c = try f.make("lead.create", #""company": "Highveld Roofing", "phone": "082 555 0143", "region": "Gauteng""#)
        try f.make("lead.create", #""company": "Cape Steel", "phone": "082 555 0144", "region": "Western Cape""#)
        try f.run("lead.transition", #"{"id": \#(c), "to": "disqualified", "reason": "no budget"}"#)
        let list = try f.run("calllist.build", #"{"from": "leads", "name": "Gauteng leads", "region": "Gauteng"}"#)
        #expect(list["entry_count"]?.int == 1)
        #expect(list["skipped"] == .object([("opted_out", .integer(0)), ("no_phone", .integer(1))]))
        let got = try f.run("calllist.get", #"{"id": \#(list["id"]?.int ?? 0)}"#)
        #expect(got["entries"]?.array?.map { $0["lead_id"]?.int } == [a])
        #expect(got["entries"]?.array?.first?["phone"]?.text == "082 555 0142")
        #expect(got["entries"]?.array?.first?["owner"]?.text == "thabo")
        #expect(got["skipped"]?.array?.map { $0["lead_id"]?.int } == [b])
        // A lead called since the date is left out.
        let activity = try #require(got["entries"]?.array?.first?["activity_id"]?.int)
        try f.run("activity.complete", #"{"id": \#(activity), "outcome": "Call back next week"}"#)
        #expect(try f.run("calllist.build", #"{"from": "leads", "name": "Again", "last_contact_before": "2026-12-01"}"#)["entry_count"]?.int == 1)  // Cape Steel only
        #expect(try f.run("calllist.build", #"{"from": "leads", "name": "Again", "last_contact_before": "2026-12-02"}"#)["entry_count"]?.int == 2)
    }

    @Test func badInputNamesTheFieldAndWritesNothing() throws {
        let f = try ActivitiesFixture()
        expectCRMError(.invalid, "from is required") { try f.run("calllist.build", #"{"name": "x"}"#) }
        expectCRMError(.invalid, "from must be one of") { try f.run("calllist.build", #"{"from": "contacts", "name": "x"}"#) }
        expectCRMError(.invalid, "name is required") { try f.run("calllist.build", #"{"from": "leads"}"#) }
        expectCRMError(.invalid, "name must not be blank") { try f.run("calllist.build", #"{"from": "leads", "name": " "}"#) }
        expectCRMError(.invalid, "segment applies to accounts only") { try f.run("calllist.build", #"{"from": "leads", "name": "x", "segment": "y"}"#) }
        expectCRMError(.invalid, "kind applies to accounts only") { try f.run("calllist.build", #"{"from": "leads", "name": "x", "kind": "dealer"}"#) }
        expectCRMError(.invalid, "kind must be one of") { try f.run("calllist.build", #"{"from": "accounts", "name": "x", "kind": "shop"}"#) }
        expectCRMError(.invalid, "last_contact_before must be a date") { try f.run("calllist.build", #"{"from": "accounts", "name": "x", "last_contact_before": "May"}"#) }
        expectCRMError(.invalid, "unknown field 'segmnt'") { try f.run("calllist.build", #"{"from": "accounts", "name": "x", "segmnt": "y"}"#) }
        expectCRMError(.notFound, "call list 9 not found") { try f.run("calllist.get", #"{"id": 9}"#) }
        expectCRMError(.invalid, "id is required") { try f.run("calllist.get", "{}") }
        #expect(try f.rows("call_lists") == 0)
        #expect(try f.rows("crm_events") == 0)
    }
}
