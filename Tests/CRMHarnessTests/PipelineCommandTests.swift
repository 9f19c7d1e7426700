import Foundation
import Testing

@Suite("crm-harness pipeline")
struct PipelineCommandTests {
    @Test("pipeline lists opportunities with their weighted amounts, --stages the stages, --history one deal's moves")
    func pipelineTableStagesAndHistory() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let account = try db.run(["exec", "account.create", #"{"name": "Mthembu Hardware"}"#])
        #expect(account.status == CRMCode.ok, "\(account)")
        let made = try db.run(["exec", "opportunity.create",
                               #"{"account_id": 1, "title": "Gutters, 30 houses", "amount_minor": 4350001, "owner": "Sipho", "expected_close_on": "2027-01-29"}"#])
        #expect(made.status == CRMCode.ok, "\(made)")
        let moved = try db.run(["exec", "opportunity.move", #"{"id": 1, "stage": "negotiation", "performed_by": "Sipho"}"#])
        #expect(moved.status == CRMCode.ok, "\(moved)")

        let table = try db.run(["pipeline"])
        #expect(table.status == CRMCode.ok, "\(table)")
        #expect(table.stdout.contains("Mthembu Hardware"), "\(table)")
        #expect(table.stdout.contains("negotiation"), "\(table)")
        // 4 350 001 x 70% = 3 045 000.7 minor units, rounded half away from zero.
        #expect(table.stdout.contains("R 43 500.01") && table.stdout.contains("R 30 450.01"), "\(table)")
        #expect(table.stdout.contains("1 opportunity"), "\(table)")

        let stages = try db.run(["pipeline", "--stages"])
        #expect(stages.status == CRMCode.ok, "\(stages)")
        #expect(stages.stdout.firstMatch(#"proposal\s+Proposal\s+(\d+)%"#) == "50", "\(stages)")

        let history = try db.run(["pipeline", "--history", "1"])
        #expect(history.status == CRMCode.ok, "\(history)")
        #expect(history.stdout.contains("(created)") && history.stdout.contains("negotiation"), "\(history)")

        let json = try db.run(["pipeline", "--json", "--status", "open"])
        let page = try json.jsonObject()
        #expect((page["items"] as? [[String: Any]])?.count == 1, "\(json)")

        let bad = try db.run(["pipeline", "--status", "pending"])
        #expect(bad.status == CRMCode.invalid, "\(bad)")
        #expect(bad.stderr.contains("status must be one of"), "\(bad)")
    }
}
