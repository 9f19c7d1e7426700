import Testing
import CRMStore

/// Lead scoring reads engagement through `activity.summary`: with the
/// activities module registered, completed activities with the lead raise
/// its rule score.
@Suite("lead engagement from activities")
struct LeadEngagementTests {
    @Test func completedActivitiesWithTheLeadCountInItsRuleScore() throws {
        let f = try ActivitiesFixture()
        let lead = try f.make("lead.create", #""company": "Dube Builders", "source_channel": "web""#)
        func factor(_ name: String) throws -> JSONValue? {
            try f.run("lead.score", #"{"id": \#(lead)}"#)["rule"]?["factors"]?.array?.first { $0["factor"]?.text == name }
        }
        #expect(try factor("activities")?["points"]?.int == 0)
        #expect(try factor("recency")?["value"]?.text == "none")
        for subject in ["First call", "Site visit"] {
            let id = try f.make("activity.create", #""kind": "call", "subject": "\#(subject)", "lead_id": \#(lead)"#)
            try f.run("activity.complete", #"{"id": \#(id), "minutes_spent": 20}"#)
        }
        // An open activity is not engagement yet.
        try f.make("activity.create", #""kind": "task", "subject": "Send brochure", "lead_id": \#(lead)"#)
        // Two completed: the 2-3 band (10 points); the last today: 0-7 days (20 points).
        #expect(try factor("activities")?["value"]?.text == "2-3")
        #expect(try factor("activities")?["points"]?.int == 10)
        #expect(try factor("recency")?["value"]?.text == "0-7")
        #expect(try factor("recency")?["points"]?.int == 20)
        // web 10 + 10 + 20 of 100.
        #expect(try f.run("lead.score", #"{"id": \#(lead)}"#)["rule"]?["score"]?.int == 40)
    }
}
