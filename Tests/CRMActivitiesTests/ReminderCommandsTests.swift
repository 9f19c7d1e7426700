import Testing
@testable import CRMActivities
import CRMStore

@Suite("reminder commands")
struct ReminderCommandsTests {
    @Test func theRulesHaveDefaultsAndAreConfigured() throws {
        let f = try ActivitiesFixture()
        let rules = try f.run("reminder.rules").items
        #expect(rules.map { $0["rule"]?.text } == ["lead_untouched", "opportunity_idle", "proposal_no_reply"])
        #expect(rules.map { $0["days"]?.int } == [3, 14, 7])
        #expect(rules.allSatisfy { $0["enabled"] == .bool(true) })
        let (rule, events) = try f.runWithEvents("reminder.configure", #"{"rule": "opportunity_idle", "days": 10}"#)
        #expect(rule["days"]?.int == 10)
        #expect(rule["enabled"] == .bool(true))
        #expect(rule["version"]?.int == 2)
        #expect(rule["updated_at"]?.text == "2026-12-01T09:30:00Z")
        #expect(events.map(\.type) == ["reminder.configured"])
        let (same, none) = try f.runWithEvents("reminder.configure", #"{"rule": "opportunity_idle", "days": 10, "enabled": true}"#)
        #expect(same["version"]?.int == 2)
        #expect(none.isEmpty)
        expectCRMError(.invalid, "rule is required") { try f.run("reminder.configure", #"{"days": 3}"#) }
        expectCRMError(.invalid, "rule must be one of") { try f.run("reminder.configure", #"{"rule": "stale_quote"}"#) }
        expectCRMError(.range, "days must be between 1 and 365") { try f.run("reminder.configure", #"{"rule": "lead_untouched", "days": 0}"#) }
        expectCRMError(.invalid, "days cannot be null") { try f.run("reminder.configure", #"{"rule": "lead_untouched", "days": null}"#) }
        expectCRMError(.invalid, "enabled must be true or false") { try f.run("reminder.configure", #"{"rule": "lead_untouched", "enabled": "no"}"#) }
    }

    @Test func aQuietLeadGetsOneReminderHoweverOftenTheRunComes() throws {
        let f = try ActivitiesFixture()
        let lead = try f.make("lead.create", #""company": "Khumalo Roofing", "owner": "thabo""#)
        #expect(try f.run("reminder.run", #"{"as_of": "2026-12-04T09:29:59Z"}"#)["created"]?.array == [])
        let (run, events) = try f.runWithEvents("reminder.run", #"{"as_of": "2026-12-04T09:30:00Z"}"#)
        let created = try #require(run["created"]?.array)
        #expect(created.count == 1)
        #expect(created.first?["rule"]?.text == "lead_untouched")
        #expect(created.first?["record_type"]?.text == "lead")
        #expect(created.first?["record_id"]?.int == lead)
        #expect(created.first?["last_touch_at"]?.text == "2026-12-01T09:30:00Z")
        #expect(created.first?["due_at"]?.text == "2026-12-04T09:30:00Z")
        let activity = try #require(created.first?["activity"])
        #expect(activity["kind"]?.text == "task")
        #expect(activity["owner"]?.text == "thabo")
        #expect(activity["lead_id"]?.int == lead)
        #expect(activity["reminder_rule"]?.text == "lead_untouched")
        #expect(activity["subject"]?.text == "Follow up lead \(lead): untouched since 2026-12-01")
        #expect(events.map(\.type) == ["reminder.due"])
        // Again, the same day or weeks later: nothing new.
        #expect(try f.run("reminder.run", #"{"as_of": "2026-12-04T09:30:00Z"}"#)["created"]?.array == [])
        f.advance(days: 20)
        #expect(try f.run("reminder.run", #"{"as_of": "2026-12-21"}"#)["created"]?.array == [])
        #expect(try f.run("reminder.run", "{}")["created"]?.array == [])
        #expect(try f.rows("activities") == 1)
        // Touched (the follow-up done), then quiet again for three days: one more.
        let reminderID = try #require(activity["id"]?.int)
        try f.run("activity.complete", #"{"id": \#(reminderID), "outcome": "Left a message"}"#)
        #expect(try f.run("reminder.run", #"{"as_of": "2026-12-24T09:29:59Z"}"#)["created"]?.array == [])
        let second = try #require(try f.run("reminder.run", #"{"as_of": "2026-12-24T09:30:00Z"}"#)["created"]?.array)
        #expect(second.count == 1)
        #expect(second.first?["last_touch_at"]?.text == "2026-12-21T09:30:00Z")
        #expect(try f.run("reminder.run", #"{"as_of": "2027-01-31"}"#)["created"]?.array == [])
        // A lead that moved on from new is no longer "untouched"; a disabled rule finds nothing.
        try f.run("lead.transition", #"{"id": \#(lead), "to": "contacted"}"#)
        let other = try f.make("lead.create", #""company": "Karoo Farm Supplies""#)
        try f.run("reminder.configure", #"{"rule": "lead_untouched", "enabled": false}"#)
        #expect(try f.run("reminder.run", #"{"as_of": "2027-06-30"}"#)["created"]?.array == [])
        try f.run("reminder.configure", #"{"rule": "lead_untouched", "enabled": true}"#)
        let third = try #require(try f.run("reminder.run", #"{"as_of": "2027-06-30"}"#)["created"]?.array)
        #expect(third.map { $0["record_id"]?.int } == [other])
        #expect(third.first?["owner"]?.isNull == true)
        expectCRMError(.invalid, "as_of must be a date") { try f.run("reminder.run", #"{"as_of": "soon"}"#) }
    }

    @Test func idleOpportunitiesAndUnansweredProposalsAreFollowedUp() throws {
        let f = try ActivitiesFixture()
        let account = try f.make("account.create", #""name": "Bester Hardware""#)
        let contact = try f.make("contact.create", #""account_id": \#(account), "last_name": "Bester""#)
        let idle = try f.opportunity(account: account, owner: "lerato")
        let proposal = try f.opportunity(account: account, contact: contact, owner: "thabo", stage: "proposal")
        try f.opportunity(account: account, owner: "thabo", stage: "won")
        let week = try #require(try f.run("reminder.run", #"{"as_of": "2026-12-08T09:30:00Z"}"#)["created"]?.array)
        #expect(week.map { $0["rule"]?.text } == ["proposal_no_reply"])
        #expect(week.first?["record_id"]?.int == proposal)
        #expect(week.first?["activity"]?["opportunity_id"]?.int == proposal)
        #expect(week.first?["activity"]?["account_id"]?.int == account)
        #expect(week.first?["activity"]?["contact_id"]?.int == contact)
        #expect(week.first?["activity"]?["owner"]?.text == "thabo")
        // The customer replies: the proposal is quiet again only seven days after that.
        try f.run("interaction.log", #"{"account_id": \#(account), "kind": "email", "direction": "inbound", "occurred_at": "2026-12-09T10:00:00Z"}"#)
        let fortnight = try #require(try f.run("reminder.run", #"{"as_of": "2026-12-16T09:59:59Z"}"#)["created"]?.array)
        #expect(fortnight.map { $0["rule"]?.text } == ["opportunity_idle", "opportunity_idle"])
        #expect(fortnight.map { $0["record_id"]?.int } == [idle, proposal])
        #expect(fortnight.first?["activity"]?["owner"]?.text == "lerato")
        let replied = try #require(try f.run("reminder.run", #"{"as_of": "2026-12-16T10:00:00Z"}"#)["created"]?.array)
        #expect(replied.map { $0["rule"]?.text } == ["proposal_no_reply"])
        #expect(replied.first?["last_touch_at"]?.text == "2026-12-09T10:00:00Z")
        // An activity planned for the idle opportunity touches it.
        f.clock.set(Timestamp(rfc3339: "2026-12-20T09:30:00Z")!)
        try f.make("activity.create", #""kind": "call", "subject": "Check in", "opportunity_id": \#(idle)"#)
        #expect(try f.run("reminder.run", #"{"as_of": "2027-01-03T09:29:59Z"}"#)["created"]?.array == [])
        let again = try #require(try f.run("reminder.run", #"{"as_of": "2027-01-03T09:30:00Z"}"#)["created"]?.array)
        #expect(again.map { $0["record_id"]?.int } == [idle])
        // A stage change touches it too.
        f.clock.set(Timestamp(rfc3339: "2027-01-10T09:30:00Z")!)
        try f.run("opportunity.move", #"{"id": \#(idle), "stage": "qualification"}"#)
        #expect(try f.run("reminder.run", #"{"as_of": "2027-01-24T09:29:59Z"}"#)["created"]?.array == [])
        let moved = try #require(try f.run("reminder.run", #"{"as_of": "2027-01-24T09:30:00Z"}"#)["created"]?.array)
        #expect(moved.map { $0["record_id"]?.int } == [idle])
        #expect(moved.first?["last_touch_at"]?.text == "2027-01-10T09:30:00Z")
    }

    @Test func theListShowsOpenRemindersDueByADate() throws {
        let f = try ActivitiesFixture()
        let first = try f.make("lead.create", #""company": "Khumalo Roofing", "owner": "thabo""#)
        f.advance(days: 1)
        try f.make("lead.create", #""company": "Karoo Farm Supplies", "owner": "lerato""#)
        f.advance(days: 1)
        let third = try f.make("lead.create", #""company": "Highveld Roofing", "owner": "thabo""#)
        try f.run("reminder.run", #"{"as_of": "2026-12-10"}"#)
        func leads(_ text: String) throws -> [Int64] {
            try f.run("reminder.list", text).items.compactMap { $0["lead_id"]?.int }
        }
        #expect(try leads(#"{"date": "2026-12-05"}"#).count == 2)
        #expect(try leads(#"{"date": "2026-12-06"}"#).count == 3)
        #expect(try leads(#"{"date": "2026-12-06", "owner": "thabo"}"#) == [first, third])
        #expect(try leads(#"{"date": "2026-12-03"}"#) == [])
        let page = try f.run("reminder.list", #"{"date": "2026-12-06", "limit": 2}"#)
        let cursor = try #require(page["next_cursor"]?.text)
        #expect(try leads(#"{"date": "2026-12-06", "limit": 2, "cursor": "\#(cursor)"}"#) == [third])
        // Done follow-ups leave the list; the date defaults to today.
        let id = try #require(try f.run("reminder.list", #"{"date": "2026-12-06", "owner": "thabo"}"#).items.first?["id"]?.int)
        try f.run("activity.complete", #"{"id": \#(id)}"#)
        #expect(try leads(#"{"date": "2026-12-06", "owner": "thabo"}"#) == [third])
        #expect(try leads("{}").isEmpty)
        expectCRMError(.invalid, "date must be a date") { try f.run("reminder.list", #"{"date": "2026-12-06T00:00:00Z"}"#) }
        expectCRMError(.invalid, "cursor") { try f.run("reminder.list", #"{"cursor": "7"}"#) }
    }
}
