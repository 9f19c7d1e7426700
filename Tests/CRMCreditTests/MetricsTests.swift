import Testing
import CRMStore

/// `ar.metrics` over the window 2026-09-01..2026-11-30 (91 days: September
/// 30, October 31, November 30) of `receivablesBook()`, every figure worked
/// by hand below.
@Suite("receivables metrics")
struct MetricsTests {
    let window = #""from": "2026-09-01", "to": "2026-11-30""#

    /// The book (ZAR):
    /// - credit sales S: A-2 3,000 (Sep) + A-3 6,000 (Oct) + A-4 9,000 + B-2 1,000 (Nov) = 19,000
    /// - beginning receivables B (on 08-31): A-1 4,000 + B-1 2,000 = 6,000
    /// - ending receivables E (on 11-30): A-3 6,000 − 2,000 = 4,000, A-4 9,000,
    ///   B-1 2,000 (its payment was reversed) = 15,000; A-1, A-2 paid, B-2 credited
    /// - ending current Ec: A-4 (due 12-10) = 9,000
    /// - simple DSO = 15,000 × 91 / 19,000 = 1,365/19 = 71.842 → 72 days, 7184 hundredths
    /// - best possible DSO = 9,000 × 91 / 19,000 = 819/19 = 43.105 → 43, 4311
    /// - average days delinquent = 1,365/19 − 819/19 = 546/19 = 28.737 → 29, 2874
    /// - average days to pay, over the live allocations in the window (P4's was
    ///   reversed on 10-15): P1 4,000 × (09-20 − 08-15 = 36) + P2 3,000 × (10-25 −
    ///   09-10 = 45) + P3 2,000 × (11-20 − 10-05 = 46) = 144,000 + 135,000 + 92,000
    ///   = 371,000 over 9,000 = 371/9 = 41.222 → 41, 4122
    /// - CEI = (B + S − E) / (B + S − Ec) = (6,000 + 19,000 − 15,000) / (6,000 +
    ///   19,000 − 9,000) = 10,000 / 16,000 = 6250 bp
    /// - ADBT over the invoices fully settled in the window: A-1 settled 09-20,
    ///   due 09-14: 6 days × 4,000; A-2 settled 10-25, due 10-10: 15 × 3,000;
    ///   B-2 credited 11-20, due 11-15: 5 × 1,000 → (24,000 + 45,000 + 5,000) /
    ///   8,000 = 74,000 / 8,000 = 37/4 = 9.25 → 9, 925
    @Test func theBookByTheSimpleMethod() throws {
        let f = try receivablesBook()
        let m = try f.run("ar.metrics", #"{\#(window), "currency": "ZAR"}"#)
        #expect(m["account_id"] == .null && m["currency"]?.text == "ZAR" && m["dso_method"]?.text == "simple")
        #expect(m["days"]?.int == 91 && m["from"]?.text == "2026-09-01" && m["to"]?.text == "2026-11-30")
        #expect(m["credit_sales_minor"]?.int == 19_000)
        #expect(m["beginning_receivables_minor"]?.int == 6_000)
        #expect(m["ending_receivables_minor"]?.int == 15_000 && m["ending_current_receivables_minor"]?.int == 9_000)
        #expect(m["dso"]?.dayFigure == [1_365, 19, 72, 7_184])
        #expect(m["best_possible_dso"]?.dayFigure == [819, 19, 43, 4_311])
        #expect(m["average_days_delinquent"]?.dayFigure == [546, 19, 29, 2_874])
        #expect(m["allocated_minor"]?.int == 9_000)
        #expect(m["average_days_to_pay"]?.dayFigure == [371, 9, 41, 4_122])
        #expect(m["cei"]?.rateFigure == [10_000, 16_000, 6_250])
        #expect(m["settled_invoices"]?.int == 3 && m["settled_minor"]?.int == 8_000)
        #expect(m["adbt"]?.dayFigure == [37, 4, 9, 925])
    }

    /// Count-back from 11-30 over the book's 15,000: November's sales 10,000
    /// are used up (30 days, 5,000 left); October's 6,000 cover the rest:
    /// 30 + 5,000 × 31 / 6,000 = (180,000 + 155,000) / 6,000 = 335/6 = 55.833
    /// → 56 days, 5583 hundredths. Days delinquent: 335/6 − 819/19 = (6,365 −
    /// 4,914) / 114 = 1,451/114 = 12.728 → 13, 1273. The other figures do not
    /// depend on the method.
    @Test func theBookByCountBack() throws {
        let f = try receivablesBook()
        let m = try f.run("ar.metrics", #"{\#(window), "currency": "ZAR", "dso_method": "countback"}"#)
        #expect(m["dso_method"]?.text == "countback")
        #expect(m["dso"]?.dayFigure == [335, 6, 56, 5_583])
        #expect(m["best_possible_dso"]?.dayFigure == [819, 19, 43, 4_311])
        #expect(m["average_days_delinquent"]?.dayFigure == [1_451, 114, 13, 1_273])
        #expect(m["cei"]?.rateFigure == [10_000, 16_000, 6_250])
        #expect(m["adbt"]?.dayFigure == [37, 4, 9, 925])
    }

    /// Account 1 alone: S = 3,000 + 6,000 + 9,000 = 18,000; B = A-1 4,000;
    /// E = 4,000 + 9,000 = 13,000; Ec = 9,000 (P5's unallocated 1,500 is not
    /// a receivable).
    /// - simple DSO = 13,000 × 91 / 18,000 = 1,183/18 = 65.722 → 66, 6572
    /// - best = 9,000 × 91 / 18,000 = 91/2 = 45.5 → 46 (half away from zero), 4550
    /// - delinquent = 1,183/18 − 819/18 = 364/18 = 182/9 = 20.222 → 20, 2022
    /// - count-back: November's 9,000 used up (30 days, 4,000 left), then
    ///   4,000 × 31 / 6,000 of October: 30 + 62/3 = 152/3 = 50.667 → 51, 5067
    /// - days to pay: the book's three allocations are all account 1's: 371/9
    /// - CEI = (4,000 + 18,000 − 13,000) / (4,000 + 18,000 − 9,000) = 9,000 /
    ///   13,000 = 6923.08 → 6923 bp
    /// - ADBT = (4,000 × 6 + 3,000 × 15) / 7,000 = 69/7 = 9.857 → 10, 986
    @Test func oneAccountByBothMethods() throws {
        let f = try receivablesBook()
        let m = try f.run("ar.metrics", #"{\#(window), "account_id": 1}"#)
        #expect(m["account_id"]?.int == 1 && m["currency"]?.text == "ZAR")
        #expect(m["credit_sales_minor"]?.int == 18_000 && m["beginning_receivables_minor"]?.int == 4_000)
        #expect(m["ending_receivables_minor"]?.int == 13_000 && m["ending_current_receivables_minor"]?.int == 9_000)
        #expect(m["dso"]?.dayFigure == [1_183, 18, 66, 6_572])
        #expect(m["best_possible_dso"]?.dayFigure == [91, 2, 46, 4_550])
        #expect(m["average_days_delinquent"]?.dayFigure == [182, 9, 20, 2_022])
        #expect(m["average_days_to_pay"]?.dayFigure == [371, 9, 41, 4_122])
        #expect(m["cei"]?.rateFigure == [9_000, 13_000, 6_923])
        #expect(m["adbt"]?.dayFigure == [69, 7, 10, 986])
        let countback = try f.run("ar.metrics", #"{\#(window), "account_id": 1, "dso_method": "countback"}"#)
        #expect(countback["dso"]?.dayFigure == [152, 3, 51, 5_067])
    }

    /// Account 2: S = B-2 1,000; B = E = B-1 2,000; Ec = 0.
    /// - simple DSO = 2,000 × 91 / 1,000 = 182; best = 0; delinquent = 182
    /// - count-back: November's 1,000 (30 days, 1,000 left), October and
    ///   September sold nothing (31 + 30 days): the window is used up with
    ///   1,000 left, counted at the window's daily sales: 91 + 1,000 × 91 /
    ///   1,000 = 182
    /// - no live allocation (P4 was reversed): days to pay null, allocated 0
    /// - CEI = (2,000 + 1,000 − 2,000) / (2,000 + 1,000 − 0) = 1,000 / 3,000 = 3333 bp
    /// - ADBT: B-2, credited 5 days after its due date: 5
    @Test func anAccountWhoseReceivablesOutlastTheWindow() throws {
        let f = try receivablesBook()
        let m = try f.run("ar.metrics", #"{\#(window), "account_id": 2}"#)
        #expect(m["dso"]?.dayFigure == [182, 1, 182, 18_200])
        #expect(m["best_possible_dso"]?.dayFigure == [0, 1, 0, 0])
        #expect(m["average_days_delinquent"]?.dayFigure == [182, 1, 182, 18_200])
        #expect(m["average_days_to_pay"] == .null && m["allocated_minor"]?.int == 0)
        #expect(m["cei"]?.rateFigure == [1_000, 3_000, 3_333])
        #expect(m["adbt"]?.dayFigure == [5, 1, 5, 500])
        let countback = try f.run("ar.metrics", #"{\#(window), "account_id": 2, "dso_method": "countback"}"#)
        #expect(countback["dso"]?.dayFigure == [182, 1, 182, 18_200])
    }

    /// Nothing sold, owed or settled: every ratio has a zero denominator and
    /// is null. December sold nothing either: DSO is null, but the CEI is
    /// (15,000 + 0 − 15,000) / (15,000 + 0 − 0) = 0 (A-4 fell due on 12-10).
    @Test func zeroDenominatorsAreNull() throws {
        let f = try receivablesBook()
        for method in ["simple", "countback"] {
            let quiet = try f.run("ar.metrics", #"{\#(window), "account_id": 3, "dso_method": "\#(method)"}"#)
            for field in ["dso", "best_possible_dso", "average_days_delinquent", "average_days_to_pay", "cei", "adbt"] {
                #expect(quiet[field] == .null, "\(method) \(field)")
            }
            #expect(quiet["credit_sales_minor"]?.int == 0 && quiet["ending_receivables_minor"]?.int == 0)
        }
        let december = try f.run("ar.metrics", #"{"from": "2026-12-01", "to": "2026-12-31", "currency": "ZAR", "dso_method": "countback"}"#)
        #expect(december["dso"] == .null && december["best_possible_dso"] == .null && december["average_days_delinquent"] == .null)
        #expect(december["cei"]?.rateFigure == [0, 15_000, 0])
        #expect(december["adbt"] == .null && december["average_days_to_pay"] == .null)
    }

    /// Receivables at a date are exact as of it: on 10-14 B-1's payment
    /// (reversed 10-15) still stood, so account 2 owed nothing then.
    @Test func receivablesAreExactAsOfTheWindowsEnd() throws {
        let f = try receivablesBook()
        let m = try f.run("ar.metrics", #"{"from": "2026-10-01", "to": "2026-10-14", "account_id": 2}"#)
        #expect(m["ending_receivables_minor"]?.int == 0 && m["beginning_receivables_minor"]?.int == 2_000)
        #expect(m["credit_sales_minor"]?.int == 0 && m["dso"] == .null)
        // P4's allocation on 10-01 stood on 10-14: 2,000 × (10-01 − 07-01 = 92) / 2,000.
        #expect(m["average_days_to_pay"]?.dayFigure == [92, 1, 92, 9_200])
        // B-1 was settled on 10-01, 62 days after its due date 07-31.
        #expect(m["adbt"]?.dayFigure == [62, 1, 62, 6_200])
        #expect(m["cei"]?.rateFigure == [2_000, 2_000, 10_000])
    }

    @Test func badInputNamesTheField() throws {
        let f = try receivablesBook()
        let events = try f.rows("crm_events")
        expectCRMError(.invalid, "from", "after", "to") {
            try f.run("ar.metrics", #"{"from": "2026-12-01", "to": "2026-11-30", "currency": "ZAR"}"#)
        }
        expectCRMError(.invalid, "dso_method", "simple, countback") {
            try f.run("ar.metrics", #"{\#(window), "currency": "ZAR", "dso_method": "average"}"#)
        }
        expectCRMError(.invalid, "from is required") { try f.run("ar.metrics", #"{"to": "2026-11-30", "currency": "ZAR"}"#) }
        expectCRMError(.invalid, "to is required") { try f.run("ar.metrics", #"{"from": "2026-11-01", "currency": "ZAR"}"#) }
        expectCRMError(.invalid, "from") { try f.run("ar.metrics", #"{"from": "2026-02-30", "to": "2026-11-30"}"#) }
        expectCRMError(.invalid, "currency") { try f.run("ar.metrics", #"{\#(window), "currency": "ABC"}"#) }
        expectCRMError(.invalid, "currency is required") { try f.run("ar.metrics", #"{\#(window)}"#) }
        expectCRMError(.notFound, "account_id 9") { try f.run("ar.metrics", #"{\#(window), "account_id": 9}"#) }
        expectCRMError(.invalid, "dso") { try f.run("ar.metrics", #"{\#(window), "account_id": 1, "dso": "simple"}"#) }
        #expect(try f.rows("crm_events") == events)
    }
}
