import Foundation
import Testing

@Suite("crm-harness leads")
struct LeadsCommandTests {
    @Test("leads lists the lead book as a table, --history one lead's moves, --json the library's page")
    func leadsTableAndHistory() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let create = try db.run(["exec", "lead.create",
                                 #"{"first_name": "Sibusiso", "last_name": "Ndlovu", "company": "Ndlovu Roofing", "source_channel": "web", "estimated_value_minor": 18500000, "owner": "Lerato"}"#,
                                 "--json"])
        #expect(create.status == CRMCode.ok, "\(create)")
        let moved = try db.run(["exec", "lead.transition", #"{"id": 1, "to": "contacted", "performed_by": "Lerato"}"#])
        #expect(moved.status == CRMCode.ok, "\(moved)")

        let table = try db.run(["leads"])
        #expect(table.status == CRMCode.ok, "\(table)")
        #expect(table.stdout.contains("contacted"), "\(table)")
        #expect(table.stdout.contains("Sibusiso Ndlovu"), "\(table)")
        #expect(table.stdout.contains("R 185 000.00"), "\(table)")
        #expect(table.stdout.contains("1 lead"), "\(table)")

        let history = try db.run(["leads", "--history", "1"])
        #expect(history.status == CRMCode.ok, "\(history)")
        #expect(history.stdout.contains("(captured)"), "\(history)")
        #expect(history.stdout.contains("contacted"), "\(history)")

        let json = try db.run(["leads", "--json", "--status", "contacted"])
        let page = try json.jsonObject()
        #expect((page["items"] as? [[String: Any]])?.count == 1, "\(json)")

        let score = try db.run(["leads", "--score", "1"])
        #expect(score.status == CRMCode.ok, "\(score)")
        // web 10 of 100 points: no kind, size band, region points or activities.
        #expect(score.stdout.contains("rule score 10/100"), "\(score)")
        #expect(score.stdout.firstMatch(#"source_channel\s+web\s+(10)\s+30"#) == "10", "\(score)")
        #expect(score.stdout.contains("predicted conversion: none yet"), "\(score)")

        let bad = try db.run(["leads", "--status", "won"])
        #expect(bad.status == CRMCode.invalid, "\(bad)")
        #expect(bad.stderr.contains("status must be one of"), "\(bad)")
    }
}
