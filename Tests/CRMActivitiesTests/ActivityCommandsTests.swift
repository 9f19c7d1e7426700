import Testing
@testable import CRMActivities
import CRMStore

@Suite("activity commands")
struct ActivityCommandsTests {
    /// An account with one contact; returns both ids.
    func customer(_ f: ActivitiesFixture, _ name: String = "Bester Hardware", owner: String = "thabo") throws -> (account: Int64, contact: Int64) {
        let account = try f.make("account.create", #""name": "\#(name)", "owner": "\#(owner)", "region": "Gauteng", "phone": "011 555 0100""#)
        let contact = try f.make("contact.create", #""account_id": \#(account), "last_name": "Bester", "phone": "082 555 0101""#)
        return (account, contact)
    }

    @Test func anActivityIsPlannedWithItsLinksAndReplayedByReference() throws {
        let f = try ActivitiesFixture()
        let (account, contact) = try customer(f)
        let text = """
            {"kind": "call", "subject": "Discuss the spring order", "contact_id": \(contact), "due_at": "2026-12-02T10:00:00+02:00",
             "owner": "thabo", "notes": "Ask about the warehouse", "source": "ledger", "external_ref": "ACT-1"}
            """
        let (made, events) = try f.runWithEvents("activity.create", text)
        #expect(made["status"]?.text == "open")
        #expect(made["account_id"]?.int == account)  // taken from the contact
        #expect(made["due_at"]?.text == "2026-12-02T08:00:00Z")
        #expect(made["version"]?.int == 1)
        #expect(made["replayed"] == .bool(false))
        #expect(made["external_refs"]?.array?.count == 1)
        #expect(events.map(\.type) == ["activity.created"])
        let again = try f.run("activity.create", text)
        #expect(again["replayed"] == .bool(true))
        #expect(again["id"] == made["id"])
        expectCRMError(.conflict, "different subject", "activity.update") {
            try f.run("activity.create", text.replacingOccurrences(of: "spring order", with: "winter order"))
        }
        #expect(try f.run("activity.get", #"{"source": "ledger", "external_ref": "ACT-1"}"#)["id"] == made["id"])
        #expect(try f.rows("activities") == 1)
    }

    @Test func badInputNamesTheFieldAndWritesNothing() throws {
        let f = try ActivitiesFixture()
        let (account, contact) = try customer(f)
        let other = try f.make("account.create", #""name": "Karoo Farm Supplies""#)
        let before = try f.rows("crm_events")
        expectCRMError(.invalid, "kind is required") { try f.run("activity.create", #"{"subject": "x", "account_id": \#(account)}"#) }
        expectCRMError(.invalid, "subject is required") { try f.run("activity.create", #"{"kind": "call", "account_id": \#(account)}"#) }
        expectCRMError(.invalid, "kind must be one of") { try f.run("activity.create", #"{"kind": "fax", "subject": "x", "account_id": \#(account)}"#) }
        expectCRMError(.invalid, "subject must not be blank") { try f.run("activity.create", #"{"kind": "call", "subject": "  ", "account_id": \#(account)}"#) }
        expectCRMError(.invalid, "at least one of lead_id") { try f.run("activity.create", #"{"kind": "call", "subject": "x"}"#) }
        expectCRMError(.invalid, "due_at") { try f.run("activity.create", #"{"kind": "call", "subject": "x", "account_id": \#(account), "due_at": "tomorrow"}"#) }
        expectCRMError(.range, "subject") { try f.run("activity.create", #"{"kind": "call", "subject": "\#(String(repeating: "x", count: 201))", "account_id": \#(account)}"#) }
        expectCRMError(.invalid, "unknown field", "minutes_spent") { try f.run("activity.create", #"{"kind": "call", "subject": "x", "account_id": \#(account), "minutes_spent": 5}"#) }
        expectCRMError(.notFound, "lead_id 99") { try f.run("activity.create", #"{"kind": "call", "subject": "x", "lead_id": 99}"#) }
        expectCRMError(.notFound, "opportunity_id 99") { try f.run("activity.create", #"{"kind": "call", "subject": "x", "opportunity_id": 99}"#) }
        expectCRMError(.notFound, "account_id 99") { try f.run("activity.create", #"{"kind": "call", "subject": "x", "account_id": 99}"#) }
        expectCRMError(.notFound, "contact_id 99") { try f.run("activity.create", #"{"kind": "call", "subject": "x", "contact_id": 99}"#) }
        expectCRMError(.invalid, "contact_id \(contact) belongs to account \(account)") {
            try f.run("activity.create", #"{"kind": "call", "subject": "x", "contact_id": \#(contact), "account_id": \#(other)}"#)
        }
        expectCRMError(.range, "account_id") { try f.run("activity.create", #"{"kind": "call", "subject": "x", "account_id": 0}"#) }
        #expect(try f.rows("activities") == 0)
        #expect(try f.rows("crm_events") == before)
    }

    @Test func anUpdateChangesFieldsUnderItsVersion() throws {
        let f = try ActivitiesFixture()
        let (account, contact) = try customer(f)
        let id = try f.make("activity.create", #""kind": "meeting", "subject": "Site meeting", "account_id": \#(account)"#)
        f.clock.advance(seconds: 60)
        let (updated, events) = try f.runWithEvents("activity.update",
            #"{"id": \#(id), "expected_version": 1, "subject": "Site meeting in Pretoria", "contact_id": \#(contact), "due_at": "2026-12-03T08:00:00Z"}"#)
        #expect(updated["version"]?.int == 2)
        #expect(updated["contact_id"]?.int == contact)
        #expect(updated["updated_at"]?.text == "2026-12-01T09:31:00Z")
        #expect(events.first?.record["changed"]?.strings == ["subject", "contact_id", "due_at"])
        expectCRMError(.conflict, "expected_version 1 is stale") { try f.run("activity.update", #"{"id": \#(id), "expected_version": 1, "owner": "x"}"#) }
        // Nothing changed: no event, no new version.
        let (same, none) = try f.runWithEvents("activity.update", #"{"id": \#(id), "subject": "Site meeting in Pretoria"}"#)
        #expect(same["version"]?.int == 2)
        #expect(none.isEmpty)
        expectCRMError(.invalid, "at least one of lead_id") {
            try f.run("activity.update", #"{"id": \#(id), "contact_id": null, "account_id": null}"#)
        }
        expectCRMError(.invalid, "kind cannot be null") { try f.run("activity.update", #"{"id": \#(id), "kind": null}"#) }
        expectCRMError(.range, "minutes_spent") { try f.run("activity.update", #"{"id": \#(id), "minutes_spent": 10081}"#) }
        expectCRMError(.notFound, "activity 99 not found") { try f.run("activity.update", #"{"id": 99, "owner": "x"}"#) }
        try f.run("activity.cancel", #"{"id": \#(id), "reason": "customer postponed"}"#)
        expectCRMError(.constraint, "cancelled") { try f.run("activity.update", #"{"id": \#(id), "owner": "x"}"#) }
    }

    @Test func completingACallLogsItInTheInteractionHistory() throws {
        let f = try ActivitiesFixture()
        let (account, contact) = try customer(f)
        let opportunity = try f.opportunity(account: account, contact: contact, owner: "thabo")
        let call = try f.make("activity.create", #""kind": "call", "subject": "Price follow-up", "contact_id": \#(contact), "opportunity_id": \#(opportunity), "owner": "thabo""#)
        let (done, events) = try f.runWithEvents("activity.complete",
            #"{"id": \#(call), "outcome": "Order promised for March", "minutes_spent": 25, "completed_at": "2026-12-01T11:00:00Z"}"#)
        #expect(done["status"]?.text == "done")
        #expect(done["minutes_spent"]?.int == 25)
        #expect(done["completed_at"]?.text == "2026-12-01T11:00:00Z")
        #expect(events.map(\.type) == ["interaction.logged", "activity.completed"])
        let interactionID = try #require(done["interaction_id"]?.int)
        let interaction = try f.run("interaction.get", #"{"id": \#(interactionID)}"#)
        #expect(interaction["account_id"]?.int == account)
        #expect(interaction["contact_id"]?.int == contact)
        #expect(interaction["kind"]?.text == "call")
        #expect(interaction["direction"]?.text == "outbound")
        #expect(interaction["subject"]?.text == "Price follow-up")
        #expect(interaction["body"]?.text == "Order promised for March")
        #expect(interaction["performed_by"]?.text == "thabo")
        #expect(interaction["occurred_at"]?.text == "2026-12-01T11:00:00Z")
        #expect(interaction["links"]?.array?.compactMap { $0["record_type"]?.text } == ["activity", "opportunity"])
        expectCRMError(.constraint, "activity \(call) is done already") { try f.run("activity.complete", #"{"id": \#(call)}"#) }
        expectCRMError(.constraint, "is done already") { try f.run("activity.cancel", #"{"id": \#(call)}"#) }
        // A task is internal work: done without an interaction; completed_at defaults to now.
        let task = try f.make("activity.create", #""kind": "task", "subject": "Prepare the quote", "account_id": \#(account)"#)
        let (finished, taskEvents) = try f.runWithEvents("activity.complete", #"{"id": \#(task)}"#)
        #expect(finished["interaction_id"]?.isNull == true)
        #expect(finished["completed_at"]?.text == "2026-12-01T09:30:00Z")
        #expect(taskEvents.map(\.type) == ["activity.completed"])
        // A call about a lead has no customer yet: nothing to log.
        let lead = try f.make("lead.create", #""company": "Khumalo Roofing", "phone": "082 555 0142""#)
        let leadCall = try f.make("activity.create", #""kind": "call", "subject": "First call", "lead_id": \#(lead)"#)
        #expect(try f.run("activity.complete", #"{"id": \#(leadCall), "minutes_spent": 5}"#)["interaction_id"]?.isNull == true)
        #expect(try f.rows("interactions") == 1)
    }

    @Test func completionAndCancellationCheckTheirFields() throws {
        let f = try ActivitiesFixture()
        let (account, _) = try customer(f)
        let id = try f.make("activity.create", #""kind": "visit", "subject": "Visit", "account_id": \#(account)"#)
        expectCRMError(.range, "minutes_spent must be between 0 and 10080") { try f.run("activity.complete", #"{"id": \#(id), "minutes_spent": 10081}"#) }
        expectCRMError(.range, "minutes_spent") { try f.run("activity.complete", #"{"id": \#(id), "minutes_spent": -1}"#) }
        expectCRMError(.range, "minutes_spent", "64-bit") { try f.run("activity.complete", #"{"id": \#(id), "minutes_spent": 99999999999999999999}"#) }
        expectCRMError(.invalid, "minutes_spent must be a whole number") { try f.run("activity.complete", #"{"id": \#(id), "minutes_spent": 1.5}"#) }
        expectCRMError(.invalid, "completed_at") { try f.run("activity.complete", #"{"id": \#(id), "completed_at": "yesterday"}"#) }
        expectCRMError(.invalid, "outcome must not be empty") { try f.run("activity.complete", #"{"id": \#(id), "outcome": ""}"#) }
        expectCRMError(.conflict, "expected_version 3") { try f.run("activity.complete", #"{"id": \#(id), "expected_version": 3}"#) }
        expectCRMError(.notFound, "activity 42") { try f.run("activity.complete", #"{"id": 42}"#) }
        expectCRMError(.invalid, "id (or source and external_ref) is required") { try f.run("activity.cancel", "{}") }
        let (cancelled, events) = try f.runWithEvents("activity.cancel", #"{"id": \#(id), "reason": "rained out"}"#)
        #expect(cancelled["status"]?.text == "cancelled")
        #expect(cancelled["outcome"]?.text == "rained out")
        #expect(events.map(\.type) == ["activity.cancelled"])
        expectCRMError(.constraint, "is cancelled already") { try f.run("activity.complete", #"{"id": \#(id)}"#) }
        #expect(try f.rows("interactions") == 0)
    }

    @Test func theListFiltersAndPages() throws {
        let f = try ActivitiesFixture()
        let (account, contact) = try customer(f)
        let lead = try f.make("lead.create", #""company": "Khumalo Roofing""#)
        let a = try f.make("activity.create", #""kind": "call", "subject": "a", "account_id": \#(account), "owner": "thabo", "due_at": "2026-12-02T08:00:00Z""#)
        let b = try f.make("activity.create", #""kind": "email", "subject": "b", "contact_id": \#(contact), "owner": "lerato", "due_at": "2026-12-05T08:00:00Z""#)
        let c = try f.make("activity.create", #""kind": "task", "subject": "c", "lead_id": \#(lead), "owner": "thabo""#)
        try f.run("activity.complete", #"{"id": \#(b)}"#)
        func ids(_ text: String) throws -> [Int64] { try f.run("activity.list", text).items.compactMap { $0["id"]?.int } }
        #expect(try ids("{}") == [a, b, c])
        #expect(try ids(#"{"owner": "thabo"}"#) == [a, c])
        #expect(try ids(#"{"status": "open"}"#) == [a, c])
        #expect(try ids(#"{"lead_id": \#(lead)}"#) == [c])
        #expect(try ids(#"{"account_id": \#(account)}"#) == [a, b])
        #expect(try ids(#"{"contact_id": \#(contact)}"#) == [b])
        #expect(try ids(#"{"due_before": "2026-12-03"}"#) == [a])
        #expect(try ids(#"{"due_before": "2026-12-05T08:00:01Z"}"#) == [a, b])
        let first = try f.run("activity.list", #"{"limit": 2}"#)
        #expect(first.items.count == 2)
        let cursor = try #require(first["next_cursor"]?.text)
        #expect(try ids(#"{"limit": 2, "cursor": "\#(cursor)"}"#) == [c])
        expectCRMError(.invalid, "status must be one of") { try f.run("activity.list", #"{"status": "late"}"#) }
        expectCRMError(.invalid, "due_before") { try f.run("activity.list", #"{"due_before": "soon"}"#) }
        expectCRMError(.invalid, "cursor") { try f.run("activity.list", #"{"cursor": "x"}"#) }
        expectCRMError(.range, "limit") { try f.run("activity.list", #"{"limit": 501}"#) }
    }

    @Test func theSummaryCountsCompletedActivities() throws {
        let f = try ActivitiesFixture()
        let (account, _) = try customer(f)
        let lead = try f.make("lead.create", #""company": "Khumalo Roofing""#)
        let empty = try f.run("activity.summary", #"{"lead_id": \#(lead)}"#)
        #expect(empty == .object([("count", .integer(0)), ("last_completed_at", .null)]))
        for day in 1...3 {
            let id = try f.make("activity.create", #""kind": "call", "subject": "call \#(day)", "lead_id": \#(lead), "account_id": \#(account)"#)
            if day < 3 { try f.run("activity.complete", #"{"id": \#(id), "completed_at": "2026-11-2\#(day)T10:00:00Z"}"#) }
        }
        let summary = try f.run("activity.summary", #"{"lead_id": \#(lead)}"#)
        #expect(summary == .object([("count", .integer(2)), ("last_completed_at", .string("2026-11-22T10:00:00Z"))]))
        #expect(try f.run("activity.summary", #"{"account_id": \#(account)}"#)["count"]?.int == 2)
        #expect(try f.run("activity.summary", #"{"opportunity_id": 5}"#)["count"]?.int == 0)
        expectCRMError(.invalid, "exactly one of lead_id, opportunity_id or account_id") { try f.run("activity.summary", "{}") }
        expectCRMError(.invalid, "exactly one") { try f.run("activity.summary", #"{"lead_id": 1, "account_id": 1}"#) }
    }

    @Test func theTimeReportIsExactPerRepAndPerCustomer() throws {
        let f = try ActivitiesFixture()
        let (bester, _) = try customer(f)
        let (karoo, _) = try customer(f, "Karoo Farm Supplies", owner: "lerato")
        func done(_ account: Int64, _ owner: String?, _ minutes: Int?, _ at: String) throws {
            let ownerField = owner.map { #", "owner": "\#($0)""# } ?? ""
            let id = try f.make("activity.create", #""kind": "task", "subject": "work", "account_id": \#(account)\#(ownerField)"#)
            let minutesField = minutes.map { #", "minutes_spent": \#($0)"# } ?? ""
            try f.run("activity.complete", #"{"id": \#(id), "completed_at": "\#(at)"\#(minutesField)}"#)
        }
        try done(bester, "thabo", 30, "2026-11-02T08:00:00Z")
        try done(bester, "thabo", 45, "2026-11-15T08:00:00Z")
        try done(karoo, "thabo", 20, "2026-11-30T23:59:59Z")
        try done(karoo, "lerato", 10, "2026-11-10T08:00:00Z")
        try done(karoo, nil, nil, "2026-11-11T08:00:00Z")
        try done(bester, "thabo", 500, "2026-12-01T00:00:00Z")  // outside November
        try f.make("activity.create", #""kind": "call", "subject": "open", "account_id": \#(bester), "owner": "thabo""#)
        let byOwner = try f.run("report.time", #"{"from": "2026-11-01", "to": "2026-11-30", "by": "owner"}"#)
        #expect(byOwner["items"] == .array([
            .object([("owner", .string("lerato")), ("completed", .integer(1)), ("minutes_spent", .integer(10)), ("average_minutes", .integer(10))]),
            .object([("owner", .string("thabo")), ("completed", .integer(3)), ("minutes_spent", .integer(95)), ("average_minutes", .integer(31))]),
            .object([("owner", .null), ("completed", .integer(1)), ("minutes_spent", .integer(0)), ("average_minutes", .integer(0))]),
        ]))
        #expect(byOwner["total"] == .object([("completed", .integer(5)), ("minutes_spent", .integer(105)), ("average_minutes", .integer(21))]))
        #expect(byOwner["from"]?.text == "2026-11-01T00:00:00Z")
        #expect(byOwner["to"]?.text == "2026-11-30T23:59:59Z")
        let byAccount = try f.run("report.time", #"{"from": "2026-11-01", "to": "2026-11-30", "by": "account"}"#)
        #expect(byAccount.items.map { $0["account_id"]?.int } == [bester, karoo])
        #expect(byAccount.items.map { $0["account_name"]?.text } == ["Bester Hardware", "Karoo Farm Supplies"])
        #expect(byAccount.items.map { $0["minutes_spent"]?.int } == [75, 30])
        #expect(byAccount.items.map { $0["completed"]?.int } == [2, 3])
        #expect(byAccount.items.map { $0["average_minutes"]?.int } == [37, 10])
        let empty = try f.run("report.time", #"{"from": "2025-01-01", "to": "2025-12-31", "by": "owner"}"#)
        #expect(empty.items.isEmpty)
        #expect(empty["total"] == .object([("completed", .integer(0)), ("minutes_spent", .integer(0)), ("average_minutes", .integer(0))]))
        expectCRMError(.invalid, "from is required") { try f.run("report.time", #"{"to": "2026-11-30", "by": "owner"}"#) }
        expectCRMError(.invalid, "to is required") { try f.run("report.time", #"{"from": "2026-11-30", "by": "owner"}"#) }
        expectCRMError(.invalid, "by is required") { try f.run("report.time", #"{"from": "2026-11-01", "to": "2026-11-30"}"#) }
        expectCRMError(.invalid, "by must be one of") { try f.run("report.time", #"{"from": "2026-11-01", "to": "2026-11-30", "by": "region"}"#) }
        expectCRMError(.invalid, "to 2026-10-31T23:59:59Z is before from") { try f.run("report.time", #"{"from": "2026-11-01", "to": "2026-10-31", "by": "owner"}"#) }
        expectCRMError(.invalid, "from must be a date") { try f.run("report.time", #"{"from": "November", "to": "2026-10-31", "by": "owner"}"#) }
    }

    @Test func aMergeMovesTheActivitiesToTheSurvivor() throws {
        let f = try ActivitiesFixture()
        let (survivor, _) = try customer(f)
        let merged = try f.make("account.create", #""name": "Bester Hardware (old)""#)
        let id = try f.make("activity.create", #""kind": "call", "subject": "x", "account_id": \#(merged)"#)
        let (_, events) = try f.runWithEvents("account.merge", #"{"survivor_id": \#(survivor), "merged_id": \#(merged)}"#)
        #expect(events.last?.record["moved"]?["activities"]?.int == 1)
        #expect(try f.run("activity.get", #"{"id": \#(id)}"#)["account_id"]?.int == survivor)
        expectCRMError(.constraint, "merged into account \(survivor)") {
            try f.run("activity.create", #"{"kind": "call", "subject": "x", "account_id": \#(merged)}"#)
        }
    }
}

@Suite("activity personal data")
struct ActivityPersonalDataTests {
    @Test func exportHandsOverAndEraseBlanksTheActivitiesOfAContact() throws {
        let f = try ActivitiesFixture()
        let account = try f.make("account.create", #""name": "Bester Hardware""#)
        let contact = try f.make("contact.create", #""account_id": \#(account), "last_name": "Bester""#)
        let other = try f.make("contact.create", #""account_id": \#(account), "last_name": "Nel""#)
        let id = try f.make("activity.create", """
            "kind": "visit", "subject": "Visit Mr Bester at home", "notes": "Recovering from surgery", "contact_id": \(contact),
            "source": "ledger", "external_ref": "ACT-9"
            """)
        try f.run("activity.complete", #"{"id": \#(id), "outcome": "Spoke about his health", "minutes_spent": 40}"#)
        let kept = try f.make("activity.create", #""kind": "call", "subject": "Call Ms Nel", "contact_id": \#(other)"#)
        let export = try f.run("contact.export", #"{"id": \#(contact)}"#)
        #expect(export["activities"]?.array?.map { $0["id"]?.int } == [id])
        #expect(export["events"]?.array?.compactMap { $0["type"]?.text }.contains("activity.completed") == true)
        try f.run("contact.erase", #"{"id": \#(contact)}"#)
        let erased = try f.run("activity.get", #"{"id": \#(id)}"#)
        #expect(erased["subject"]?.text == "erased")
        #expect(erased["notes"]?.isNull == true)
        #expect(erased["outcome"]?.isNull == true)
        #expect(erased["minutes_spent"]?.int == 40)
        #expect(erased["status"]?.text == "done")
        #expect(try f.run("activity.get", #"{"id": \#(kept)}"#)["subject"]?.text == "Call Ms Nel")
        let texts = try f.store.connection.rows("SELECT record_json FROM crm_events", []) { $0.text(0) }
            + f.store.connection.rows("SELECT request_json FROM crm_external_refs", []) { $0.text(0) }
        #expect(!texts.contains { $0.contains("Mr Bester") || $0.contains("surgery") || $0.contains("his health") })
    }

    @Test("lead.export hands over a lead that never became a contact with its history, activities and events; lead.erase blanks the person everywhere and the lead takes no more changes")
    func exportHandsOverAndEraseBlanksALeadAndItsActivities() throws {
        let f = try ActivitiesFixture()
        let lead = try f.make("lead.create", """
            "first_name": "Thandi", "last_name": "Mokoena", "company": "Mokoena Tiling", "email": "thandi@mokoena.example",
            "phone": "082 555 0177", "interest": "Tiles for a school hall", "estimated_value_minor": 4500000,
            "source_channel": "web", "source": "web-form", "external_ref": "WF-88"
            """)
        try f.run("lead.transition", #"{"id": \#(lead), "to": "contacted", "reason": "called back"}"#)
        let call = try f.make("activity.create", #""kind": "call", "subject": "Call Thandi about her tiles", "notes": "Prefers mornings", "lead_id": \#(lead)"#)
        let other = try f.make("lead.create", #""first_name": "Sipho", "last_name": "Dube", "email": "sipho@dube.example", "source_channel": "web""#)
        let otherCall = try f.make("activity.create", #""kind": "call", "subject": "Call Sipho", "lead_id": \#(other)"#)

        let export = try f.run("lead.export", #"{"source": "web-form", "external_ref": "WF-88"}"#)
        #expect(export["lead"]?["email"]?.text == "thandi@mokoena.example")
        #expect(export["history"]?.array?.compactMap { $0["to"]?.text } == ["new", "contacted"])
        #expect(export["activities"]?.array?.map { $0["id"]?.int } == [call])
        #expect(export["events"]?.array?.compactMap { $0["type"]?.text } == ["lead.created", "lead.transitioned", "activity.created"])

        let (erased, events) = try f.runWithEvents("lead.erase", #"{"id": \#(lead)}"#)
        #expect(events.map(\.type) == ["lead.erased"])
        for field in ["first_name", "last_name", "email", "phone"] { #expect(erased[field]?.isNull == true, "\(field)") }
        #expect(erased["company"]?.text == "Mokoena Tiling" && erased["estimated_value_minor"]?.int == 4_500_000)
        #expect(erased["erased_at"]?.text == "2026-12-01T09:30:00Z")
        #expect(try f.run("activity.get", #"{"id": \#(call)}"#)["subject"]?.text == "erased")
        #expect(try f.run("activity.get", #"{"id": \#(otherCall)}"#)["subject"]?.text == "Call Sipho")
        #expect(try f.run("lead.get", #"{"id": \#(other)}"#)["email"]?.text == "sipho@dube.example")
        let texts = try f.store.connection.rows("SELECT record_json FROM crm_events", []) { $0.text(0) }
            + f.store.connection.rows("SELECT request_json FROM crm_external_refs", []) { $0.text(0) }
        #expect(!texts.contains { $0.contains("Thandi") || $0.contains("thandi@") || $0.contains("0177") || $0.contains("mornings") })
        #expect(texts.contains { $0.contains("sipho@dube.example") })

        // Erased: no more changes, and erasing again changes nothing.
        expectCRMError(.constraint, "was erased") { try f.run("lead.update", #"{"id": \#(lead), "first_name": "Thandi"}"#) }
        expectCRMError(.constraint, "was erased") { try f.run("lead.transition", #"{"id": \#(lead), "to": "qualified"}"#) }
        let (again, none) = try f.runWithEvents("lead.erase", #"{"id": \#(lead)}"#)
        #expect(none.isEmpty && again == erased.removing("replayed"))
        // The same enquiry sent again by the host is not taken in again as a new person.
        expectCRMError(.conflict, "first_name") {
            try f.run("lead.create", #"{"first_name": "Thandi", "last_name": "Mokoena", "company": "Mokoena Tiling", "email": "thandi@mokoena.example", "phone": "082 555 0177", "interest": "Tiles for a school hall", "estimated_value_minor": 4500000, "source_channel": "web", "source": "web-form", "external_ref": "WF-88"}"#)
        }
    }

    @Test("lead.erase refuses a lead converted into a contact (contact.erase erases both) and names a missing lead")
    func aConvertedLeadIsErasedThroughItsContact() throws {
        let f = try ActivitiesFixture()
        let lead = try f.make("lead.create", #""first_name": "Naledi", "last_name": "Khumalo", "company": "Khumalo Roofing", "source_channel": "web""#)
        let call = try f.make("activity.create", #""kind": "call", "subject": "Call Naledi back", "notes": "Her husband answers before nine", "lead_id": \#(lead), "source": "dialler", "external_ref": "C-1""#)
        try f.run("lead.transition", #"{"id": \#(lead), "to": "contacted"}"#)
        try f.run("lead.transition", #"{"id": \#(lead), "to": "qualified"}"#)
        let converted = try f.run("lead.convert", #"{"id": \#(lead), "opportunity": null}"#)
        let contact = try #require(converted["contact"]?["id"]?.int)
        expectCRMError(.constraint, "converted into contact \(contact)") { try f.run("lead.erase", #"{"id": \#(lead)}"#) }
        #expect(try f.run("lead.get", #"{"id": \#(lead)}"#)["last_name"]?.text == "Khumalo", "the refusal wrote nothing")
        #expect(try f.run("contact.export", #"{"id": \#(contact)}"#)["activities"]?.array?.map { $0["id"]?.int } == [call],
                "the lead's activities are the contact's")
        try f.run("contact.erase", #"{"id": \#(contact)}"#)
        let erased = try f.run("lead.get", #"{"id": \#(lead)}"#)
        #expect(erased["last_name"]?.isNull == true && erased["erased_at"]?.isNull == false)
        #expect(try f.run("activity.get", #"{"id": \#(call)}"#)["subject"]?.text == "erased")
        let texts = try f.store.connection.rows("SELECT record_json FROM crm_events", []) { $0.text(0) }
            + f.store.connection.rows("SELECT request_json FROM crm_external_refs", []) { $0.text(0) }
        #expect(!texts.contains { $0.contains("Naledi") || $0.contains("husband") })
        expectCRMError(.notFound, "lead 99") { try f.run("lead.erase", #"{"id": 99}"#) }
        expectCRMError(.invalid, "unknown field") { try f.run("lead.export", #"{"id": \#(lead), "limit": 1}"#) }
    }
}
