import Foundation
import Testing

@Suite("crm-harness funnel and forecast")
struct FunnelCommandTests {
    @Test("funnel shows reached stages and conversions per group; forecast the weighted amounts by month")
    func funnelAndForecastTables() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        #expect(try db.run(["exec", "account.create", #"{"name": "Mthembu Hardware"}"#]).status == CRMCode.ok)
        let first = try db.run(["exec", "opportunity.create",
                                #"{"account_id": 1, "title": "Gutters", "amount_minor": 4350001, "owner": "Sipho", "expected_close_on": "2027-01-29"}"#])
        #expect(first.status == CRMCode.ok, "\(first)")
        let second = try db.run(["exec", "opportunity.create", #"{"account_id": 1, "title": "Paint", "amount_minor": 100000, "owner": "Lerato"}"#])
        #expect(second.status == CRMCode.ok, "\(second)")
        #expect(try db.run(["exec", "opportunity.move", #"{"id": 1, "stage": "negotiation"}"#]).status == CRMCode.ok)
        #expect(try db.run(["exec", "opportunity.move", #"{"id": 2, "stage": "lost", "reason": "price"}"#]).status == CRMCode.ok)

        // Both reached prospecting; only the first (prospecting -> negotiation)
        // the later stages: 1/2 on to qualification, none won (0/1 from negotiation).
        let funnel = try db.run(["funnel", "--from", "2000-01-01", "--to", "2099-12-31"])
        #expect(funnel.status == CRMCode.ok, "\(funnel)")
        #expect(funnel.stdout.firstMatch(#"(prospecting\s+2\s+R 44 500.01\s+50.00% \(1/2\))"#) != nil, "\(funnel)")
        #expect(funnel.stdout.firstMatch(#"(negotiation\s+1\s+R 43 500.01\s+0.00% \(0/1\))"#) != nil, "\(funnel)")
        #expect(funnel.stdout.contains("open 1, won 0, lost 1; win rate 0.00% (0/2)"), "\(funnel)")

        let byOwner = try db.run(["funnel", "--from", "2000-01-01", "--to", "2099-12-31", "--by", "owner"])
        #expect(byOwner.status == CRMCode.ok, "\(byOwner)")
        #expect(byOwner.stdout.contains("owner: Lerato") && byOwner.stdout.contains("owner: Sipho") && byOwner.stdout.contains("total"), "\(byOwner)")

        let json = try db.run(["funnel", "--json", "--from", "2000-01-01", "--to", "2099-12-31"])
        let answer = try json.jsonObject()
        #expect((answer["total"] as? [String: Any])?["created"] as? Int == 2, "\(json)")

        // 4 350 001 x 70% = 3 045 000.7 -> 3 045 001 minor units in January; February and March empty.
        let forecast = try db.run(["forecast", "--from", "2027-01-01", "--to", "2027-03-31"])
        #expect(forecast.status == CRMCode.ok, "\(forecast)")
        #expect(forecast.stdout.firstMatch(#"(2027-01\s+1\s+R 43 500.01\s+R 30 450.01)"#) != nil, "\(forecast)")
        #expect(forecast.stdout.firstMatch(#"(2027-02\s+0\s+R 0.00\s+R 0.00)"#) != nil, "\(forecast)")

        let bad = try db.run(["funnel", "--from", "2027-02-01", "--to", "2027-01-01", "--by", "region"])
        #expect(bad.status == CRMCode.invalid, "\(bad)")
        #expect(bad.stderr.contains("from 2027-02-01 is after to 2027-01-01"), "\(bad)")
        let unknown = try db.run(["funnel", "--from", "2027-01-01", "--to", "2027-01-31", "--by", "region"])
        #expect(unknown.status == CRMCode.invalid, "\(unknown)")
        #expect(unknown.stderr.contains("group_by must be one of source_channel, owner"), "\(unknown)")
    }
}
