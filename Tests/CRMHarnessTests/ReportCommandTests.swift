import Foundation
import Testing

@Suite("crm-harness report")
struct ReportCommandTests {
    @Test("report cycle, win-loss, lead-conversion and time print their tables; a bad dimension is refused")
    func reportTables() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        for (command, arguments) in [
            ("account.create", #"{"name": "Mthembu Hardware"}"#),
            ("opportunity.create", #"{"account_id": 1, "title": "Gutters", "amount_minor": 4350000, "competitor": "BuildIt"}"#),
            ("opportunity.create", #"{"account_id": 1, "title": "Bricks", "amount_minor": 1000000, "competitor": "BuildIt"}"#),
            ("opportunity.move", #"{"id": 1, "stage": "won", "reason": "price"}"#),
            ("opportunity.move", #"{"id": 2, "stage": "lost", "reason": "price"}"#),
            ("lead.create", #"{"company": "Dube Builders", "source_channel": "referral"}"#),
            ("activity.create", #"{"kind": "call", "subject": "Gutter price", "account_id": 1, "owner": "Sipho"}"#),
            ("activity.complete", #"{"id": 1, "minutes_spent": 15}"#),
        ] {
            let made = try db.run(["exec", command, arguments])
            #expect(made.status == CRMCode.ok, "\(made)")
        }
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))

        let winLoss = try db.run(["report", "win-loss", "--from", "2026-01-01", "--to", today, "--by", "competitor"])
        #expect(winLoss.status == CRMCode.ok, "\(winLoss)")
        // 1 won of 2; by value 43 500 of 53 500 = 81.31%.
        #expect(winLoss.stdout.firstMatch(#"BuildIt\s+1\s+R 43 500.00\s+1\s+R 10 000.00\s+50.00% \(1/2\)\s+(81.31%)"#) != nil, "\(winLoss)")

        let cycle = try db.run(["report", "cycle", "--from", "2026-01-01", "--to", today])
        #expect(cycle.status == CRMCode.ok, "\(cycle)")
        #expect(cycle.stdout.firstMatch(#"all\s+(2)\s+"#) == "2", "\(cycle)")

        let leads = try db.run(["report", "lead-conversion", "--from", "2026-01-01", "--to", today])
        #expect(leads.stdout.firstMatch(#"referral\s+(1)\s+0\s+0\s+0\s+0\s+0.00% \(0/1\)"#) == "1", "\(leads)")

        let time = try db.run(["report", "time", "--from", today, "--to", today])
        #expect(time.stdout.firstMatch(#"Sipho\s+1\s+(15)\s+15"#) == "15", "\(time)")

        let json = try db.run(["report", "win-loss", "--from", "2026-01-01", "--to", today, "--json"])
        #expect((try json.jsonObject()["rows"] as? [[String: Any]])?.count == 1, "\(json)")

        let bad = try db.run(["report", "win-loss", "--from", "2026-01-01", "--to", today, "--by", "colour"])
        #expect(bad.status == CRMCode.invalid, "\(bad)")
        #expect(bad.stderr.contains("group_by must be one of"), "\(bad)")
    }
}
