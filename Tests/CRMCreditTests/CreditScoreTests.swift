import Testing
import CRMStore
import CRMCredit

@Suite("credit score")
struct CreditScoreTests {
    /// Account 1 "Karoo Irrigation" (ZAR), as of 2026-12-01 (the clock):
    ///   1 S-1 4,000 issued 09-01 due 10-01, paid 10-01 (0 days, key 80, 30 days to pay)
    ///   2 S-2 1,000 issued 08-01 due 08-31, paid 10-30 (60 days late, key 40, 90 days to pay)
    ///   3 S-3 5,000 issued 09-15 due 10-15, paid 10-15 (0 days, key 80, 30 days to pay)
    /// 9,000 on time and 1,000 60 days late: (9000 × 8000 + 1000 × 4000) / (100 × 10000) = 76.
    /// Account 2 "Thin": two experiences only (unrated).
    func fixture() throws -> CreditFixture {
        let f = try CreditFixture()
        try f.make("account.create", #""name": "Karoo Irrigation", "currency": "ZAR""#)
        try f.make("account.create", #""name": "Thin", "currency": "ZAR""#)
        try record(f, "S-1", account: 1, issued: "2026-09-01", due: "2026-10-01", total: 4_000)
        try record(f, "S-2", account: 1, issued: "2026-08-01", due: "2026-08-31", total: 1_000)
        try record(f, "S-3", account: 1, issued: "2026-09-15", due: "2026-10-15", total: 5_000)
        try pay(f, account: 1, invoice: 1, amount: 4_000, on: "2026-10-01")
        try pay(f, account: 1, invoice: 2, amount: 1_000, on: "2026-10-30")
        try pay(f, account: 1, invoice: 3, amount: 5_000, on: "2026-10-15")
        try record(f, "T-1", account: 2, issued: "2026-09-01", due: "2026-10-01", total: 700)
        try pay(f, account: 2, invoice: 4, amount: 300, on: "2026-09-20")
        try pay(f, account: 2, invoice: 4, amount: 400, on: "2026-10-11")
        return f
    }

    func record(_ f: CreditFixture, _ number: String, account: Int, issued: String, due: String, total: Int64) throws {
        try f.make("invoice.record", #""source": "ledger", "external_ref": "\#(number)", "account_id": \#(account), "number": "\#(number)", "issued_on": "\#(issued)", "due_on": "\#(due)", "total_minor": \#(total), "currency": "ZAR""#)
    }

    func pay(_ f: CreditFixture, account: Int, invoice: Int, amount: Int64, on day: String) throws {
        try f.make("payment.record", #""account_id": \#(account), "amount_minor": \#(amount), "method": "eft", "received_on": "\#(day)", "allocations": [{"invoice_id": \#(invoice), "amount_minor": \#(amount)}]"#)
    }

    @Test func scoreOfThreeSettledInvoices() throws {
        let f = try fixture()
        let score = try f.run("credit.score", #"{"account_id": 1}"#)
        #expect(score["as_of"]?.text == "2026-12-01" && score["currency"]?.text == "ZAR")
        #expect(score["score"]?.int == 76 && score["unrated"] == nil && score["band"]?.text == "moderate")
        #expect(score["experiences"]?.int == 3 && score["overdue_minor"]?.int == 0)
        // ADBT (4000 × 0 + 5000 × 0 + 1000 × 60) / 10000 = 6; days to pay (4000 × 30 + 5000 × 30 + 1000 × 90) / 10000 = 36.
        #expect(score["adbt"]?.int == 6 && score["days_to_pay"]?.int == 36)
        #expect(score["late_share"]?["numerator"]?.int == 1_000 && score["late_share"]?["denominator"]?.int == 10_000)
        #expect(score["late_share"]?["rate_bp"]?.int == 1_000)
        let late = try #require(score["largest_late"]?.array)
        #expect(late.count == 1 && late[0]["invoice_id"]?.int == 2 && late[0]["number"]?.text == "S-2")
        #expect(late[0]["amount_minor"]?.int == 1_000 && late[0]["days_beyond_terms"]?.int == 60 && late[0]["settled_on"]?.text == "2026-10-30")
        // Everything is in the last 3 months: no previous score, no direction.
        #expect(score["trend"]?["recent"]?.int == 76 && score["trend"]?["previous"] == .null && score["trend"]?["direction"] == .null)
    }

    /// Adding 5 S-4 2,000 issued 10-01 due 10-31, open on 12-01 (31 days late:
    /// key 5000 − 1000 × 1 / 30 = 4966.67 → 4967 hundredths) and 6 S-5 1,000
    /// issued 02-01 due 03-01 paid 03-01 (key 80, 28 days to pay, in the 12
    /// months before the last 3):
    ///   score (72,000,000 + 4,000,000 + 2000 × 4967 + 1000 × 8000) / 1,300,000 = 72.26 → 72
    ///   recent (76,000,000 + 9,934,000) / 1,200,000 = 71.61 → 72; previous 80; change −8: slipping.
    @Test func openPastDueAndTrend() throws {
        let f = try fixture()
        try record(f, "S-4", account: 1, issued: "2026-10-01", due: "2026-10-31", total: 2_000)
        try record(f, "S-5", account: 1, issued: "2026-02-01", due: "2026-03-01", total: 1_000)
        try pay(f, account: 1, invoice: 6, amount: 1_000, on: "2026-03-01")
        let score = try f.run("credit.score", #"{"account_id": 1, "as_of": "2026-12-01"}"#)
        #expect(score["score"]?.int == 72 && score["band"]?.text == "moderate" && score["experiences"]?.int == 5)
        #expect(score["overdue_minor"]?.int == 2_000)
        #expect(score["trend"]?["recent"]?.int == 72 && score["trend"]?["previous"]?.int == 80)
        #expect(score["trend"]?["change"]?.int == -8 && score["trend"]?["direction"]?.text == "slipping")
        // 3,000 of 13,000 late: 2307.69 → 2308 basis points.
        #expect(score["late_share"]?["numerator"]?.int == 3_000 && score["late_share"]?["rate_bp"]?.int == 2_308)
        // ADBT 60,000 / 11,000 = 5.45 → 5; days to pay (360,000 + 28,000) / 11,000 = 35.27 → 35.
        #expect(score["adbt"]?.int == 5 && score["days_to_pay"]?.int == 35)
        let late = try #require(score["largest_late"]?.array)
        #expect(late.map { $0["invoice_id"]?.int } == [5, 2])
        #expect(late[0]["settled_on"] == .null && late[0]["days_beyond_terms"]?.int == 31 && late[0]["amount_minor"]?.int == 2_000)
        // A 6-month window leaves S-5 out.
        let short = try f.run("credit.score", #"{"account_id": 1, "window_months": 6}"#)
        #expect(short["score"]?.int == 72 && short["experiences"]?.int == 4 && short["adbt"]?.int == 6)
        // Recency weighted: S-5 (275 days old) weighs 1, the rest 4:
        // (4 × 85,934,000 + 8,000,000) / (100 × (4 × 12,000 + 1,000)) = 351,736,000 / 4,900,000 = 71.78 → 72.
        let weighted = try f.run("credit.score", #"{"account_id": 1, "recency_weighted": true}"#)
        #expect(weighted["score"]?.int == 72 && weighted["recency_weighted"]?.flag == true)
    }

    /// As of 2026-10-20 (before today, from the dated records): S-1 and S-3
    /// paid; S-2 open, 50 days past due (key 5000 − 1000 × 20 / 30 = 4333):
    /// (9000 × 8000 + 1000 × 4333) / 1,000,000 = 76.33 → 76, overdue 1,000.
    @Test func scoreAsOfAnEarlierDay() throws {
        let f = try fixture()
        let score = try f.run("credit.score", #"{"account_id": 1, "as_of": "2026-10-20"}"#)
        #expect(score["score"]?.int == 76 && score["experiences"]?.int == 3 && score["overdue_minor"]?.int == 1_000)
        #expect(score["largest_late"]?.array?.first?["days_beyond_terms"]?.int == 50)
        #expect(score["adbt"]?.int == 0)
    }

    @Test func fewExperiencesAreUnrated() throws {
        let f = try fixture()
        let score = try f.run("credit.score", #"{"account_id": 2}"#)
        #expect(score["score"] == .null && score["unrated"]?.flag == true && score["band"] == .null)
        // Paid 11 days early and 10 days late; settled 10 days late.
        #expect(score["experiences"]?.int == 2 && score["adbt"]?.int == 10)
    }

    @Test func bands() {
        #expect([100, 80, 79, 50, 49, 30, 29, 1].map { CreditScore.Band(score: $0).rawValue }
            == ["low_risk", "low_risk", "moderate", "moderate", "high", "high", "severe", "severe"])
    }

    /// Keyed 76,000,000 over 10,000 = 7600 hundredths. Without S-3:
    /// 36,000,000 / 5,000 = 7200 (+400); without S-2: 72,000,000 / 9,000 =
    /// 8000 (−400); without S-1: 44,000,000 / 6,000 = 7333 (+267).
    @Test func explainOrdersByEffect() throws {
        let f = try fixture()
        let explain = try f.run("credit.explain", #"{"account_id": 1}"#)
        #expect(explain["score"]?.int == 76 && explain["score_hundredths"]?.int == 7_600)
        let items = try #require(explain["explained"]?.array)
        #expect(items.map { $0["invoice_id"]?.int } == [3, 2, 1])
        #expect(items.map { $0["effect_hundredths"]?.int } == [400, -400, 267])
        #expect(items.map { $0["key"]?.int } == [80, 40, 80])
        #expect(items[1]["days_beyond_terms"]?.int == 60 && items[1]["amount_minor"]?.int == 1_000 && items[1]["number"]?.text == "S-2")
        let one = try f.run("credit.explain", #"{"account_id": 1, "limit": 1}"#)
        #expect(one["explained"]?.array?.count == 1)
    }

    @Test func keptCurrentByPaymentsReversalsAndCreditNotes() throws {
        let f = try fixture()
        // Reversing S-2's payment: S-2 is open again, 92 days past due on 12-01 (key 3000 − 1000 × 2 / 30 = 2933).
        try f.run("payment.reverse", #"{"payment_id": 2, "reason": "Bounced"}"#)
        #expect(try f.rows("credit_experiences") == 4 && f.rows("credit_settlements") == 3)
        var score = try f.run("credit.score", #"{"account_id": 1}"#)
        // (72,000,000 + 1000 × 2933) / 1,000,000 = 74.93 → 75.
        #expect(score["score"]?.int == 75 && score["overdue_minor"]?.int == 1_000 && score["adbt"]?.int == 0)
        // A credit note for half of S-2 on 11-10, then the rest paid on 11-20 (81 days late, key 4000 − 1000 × 21 / 30 = 3300).
        try f.make("credit_note.record", #""source": "ledger", "external_ref": "CN-1", "invoice_id": 2, "number": "CN-1", "issued_on": "2026-11-10", "line_positions": [0], "quantities_milli": [500]"#)
        try pay(f, account: 1, invoice: 2, amount: 500, on: "2026-11-20")
        score = try f.run("credit.score", #"{"account_id": 1}"#)
        // (72,000,000 + 500 × 3300) / 950,000 = 77.53 → 78; ADBT (1000 × 81) / 10000 = 8.1 → 8.
        #expect(score["score"]?.int == 78 && score["overdue_minor"]?.int == 0 && score["adbt"]?.int == 8)
        #expect(score["experiences"]?.int == 3)
    }

    @Test func recomputeRebuildsTheSameRows() throws {
        let f = try fixture()
        let before = try f.run("credit.score", #"{"account_id": 1}"#)
        let (result, events) = try f.runWithEvents("credit.recompute")
        #expect(result["experiences"]?.int == 5 && result["settlements"]?.int == 4 && result["account_id"] == .null)
        #expect(events.map(\.type) == ["credit.recomputed"])
        #expect(try f.run("credit.score", #"{"account_id": 1}"#) == before)
        let one = try f.run("credit.recompute", #"{"account_id": 2}"#)
        #expect(one["experiences"]?.int == 2 && one["settlements"]?.int == 1 && one["account_id"]?.int == 2)
        #expect(try f.rows("credit_experiences") == 5)
    }

    /// Merging account 2 (Thin: 2 experiences, 1 settlement) into account 1
    /// moves its rows: account 1 then has 5 experiences, and the kept rows
    /// still equal a rebuild.
    @Test func aMergedAccountsExperiencesMove() throws {
        let f = try fixture()
        let (_, events) = try f.runWithEvents("account.merge", #"{"survivor_id": 1, "merged_id": 2}"#)
        let moved = events.first { $0.type == "account.merged" }?.record["moved"]
        #expect(moved?["credit_experiences"]?.int == 2 && moved?["credit_settlements"]?.int == 1)
        let merged = try f.run("credit.score", #"{"account_id": 1}"#)
        #expect(merged["experiences"]?.int == 5)
        try f.run("credit.recompute")
        #expect(try f.run("credit.score", #"{"account_id": 1}"#) == merged)
    }

    @Test func badInputNamesTheField() throws {
        let f = try fixture()
        let events = try f.rows("crm_events")
        expectCRMError(.invalid, "credit.score: account_id is required") { try f.run("credit.score") }
        expectCRMError(.notFound, "credit.score: account_id 9") { try f.run("credit.score", #"{"account_id": 9}"#) }
        expectCRMError(.invalid, "as_of") { try f.run("credit.score", #"{"account_id": 1, "as_of": "2026-02-30"}"#) }
        expectCRMError(.range, "window_months") { try f.run("credit.score", #"{"account_id": 1, "window_months": 0}"#) }
        expectCRMError(.invalid, "currency") { try f.run("credit.score", #"{"account_id": 1, "currency": "ABC"}"#) }
        expectCRMError(.invalid, "recency_weighted") { try f.run("credit.score", #"{"account_id": 1, "recency_weighted": 1}"#) }
        expectCRMError(.invalid, "credit.explain: account_id is required") { try f.run("credit.explain") }
        expectCRMError(.range, "limit") { try f.run("credit.explain", #"{"account_id": 1, "limit": 0}"#) }
        expectCRMError(.invalid, "credit.suggest_limit: account_id is required") { try f.run("credit.suggest_limit") }
        expectCRMError(.notFound, "account_id 9") { try f.run("credit.suggest_limit", #"{"account_id": 9}"#) }
        expectCRMError(.notFound, "credit.recompute: account_id 9") { try f.run("credit.recompute", #"{"account_id": 9}"#) }
        expectCRMError(.invalid, "account_id") { try f.run("credit.recompute", #"{"account_id": "x"}"#) }
        #expect(try f.rows("crm_events") == events && f.rows("credit_experiences") == 5)
    }

    /// Account 3 bills 1,234,567 on the 15th of every month from 2025-11-15
    /// to 2026-11-15, each paid on its due date (the day it is issued): score
    /// 80, low_risk. The 12 months to 2026-12-01 bill 12 × 1,234,567 =
    /// 14,814,804: 1,234,567 a month; 2× = 2,469,134; 12 months of history;
    /// rounded down to 1,000.00: 2,400,000.
    @Test func suggestLimitFromBillingAndBand() throws {
        let f = try fixture()
        try f.make("account.create", #""name": "Steady", "currency": "ZAR""#)
        for month in 0..<13 {
            let (year, m) = month < 2 ? (2025, 11 + month) : (2026, month - 1)
            let day = "\(year)-\(m < 10 ? "0" : "")\(m)-15"
            try record(f, "B-\(month)", account: 3, issued: day, due: day, total: 1_234_567)
            try pay(f, account: 3, invoice: 5 + month, amount: 1_234_567, on: day)
        }
        let limit = try f.run("credit.suggest_limit", #"{"account_id": 3}"#)
        #expect(limit["score"]?.int == 80 && limit["band"]?.text == "low_risk" && limit["history_months"]?.int == 12)
        #expect(limit["average_monthly_billing_minor"]?.int == 1_234_567 && limit["limit_minor"]?.int == 2_400_000)
        #expect(limit["currency"]?.text == "ZAR")
        let reasons = limit["reasons"]?.strings ?? []
        #expect(reasons.count == 4)
        #expect(reasons.first == "Billed ZAR 148148.04 in the 12 months to 2026-12-01: an average of ZAR 12345.67 a month over 12 months.")
        #expect(reasons.last == "Rounded down to ZAR 24000.00.")
    }

    /// Account 3 bills 1,000,000 on 2026-09-10 and 10-10 and 1,100,000 on
    /// 11-10, paid on the day: score 80. History 2 months (09-10 to 12-01):
    /// 3,100,000 / 2 = 1,550,000 a month; 2× = 3,100,000; scaled 2/6 =
    /// 1,033,333; rounded down to 1,000,000. Account 2 (unrated, 700 billed
    /// over 3 months): 233 a month, 0.5× = 116, scaled 3/6 = 58, rounded down to 0.
    @Test func suggestLimitForShortHistoryAndUnrated() throws {
        let f = try fixture()
        try f.make("account.create", #""name": "New", "currency": "ZAR""#)
        for (index, (day, total)) in [("2026-09-10", 1_000_000), ("2026-10-10", 1_000_000), ("2026-11-10", 1_100_000)].enumerated() {
            try record(f, "N-\(index)", account: 3, issued: day, due: day, total: Int64(total))
            try pay(f, account: 3, invoice: 5 + index, amount: Int64(total), on: day)
        }
        let limit = try f.run("credit.suggest_limit", #"{"account_id": 3, "as_of": "2026-12-01"}"#)
        #expect(limit["history_months"]?.int == 2 && limit["average_monthly_billing_minor"]?.int == 1_550_000)
        #expect(limit["limit_minor"]?.int == 1_000_000)
        #expect((limit["reasons"]?.strings ?? []).contains("History of 2 months since the first invoice (2026-09-10): scaled by 2/6."))
        let thin = try f.run("credit.suggest_limit", #"{"account_id": 2}"#)
        #expect(thin["score"] == .null && thin["limit_minor"]?.int == 0 && thin["average_monthly_billing_minor"]?.int == 233)
        #expect((thin["reasons"]?.strings ?? []).contains { $0.hasPrefix("Unrated") })
        // No invoices at all: no limit.
        try f.make("account.create", #""name": "Nobody", "currency": "ZAR""#)
        let none = try f.run("credit.suggest_limit", #"{"account_id": 4}"#)
        #expect(none["limit_minor"]?.int == 0 && none["history_months"]?.int == 0)
    }
}
