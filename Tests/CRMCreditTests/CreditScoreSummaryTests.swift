import Testing
import CRMStore
import CRMCredit

/// The kept score of each account (`credit_scores`): one row as of today,
/// always equal to the full computation of that day, and never used for
/// another day, another currency or other options.
@Suite("credit kept scores")
struct CreditScoreSummaryTests {
    /// The figures of a score, as one line to compare.
    func line(_ s: CreditScore) -> String {
        let values: [String] = [
            String(s.accountID), s.asOf.description, s.currency, s.score.map(String.init) ?? "-", s.band?.rawValue ?? "-",
            s.recent.map(String.init) ?? "-", s.previous.map(String.init) ?? "-", String(s.experienceCount),
            String(s.lateMinor), String(s.totalMinor), s.adbt.map(String.init) ?? "-", String(s.overdueMinor),
            s.daysToPay.map(String.init) ?? "-",
        ]
        return values.joined(separator: " ")
    }

    /// The kept row of `account` as of `day`, if any.
    func kept(_ f: CreditFixture, _ account: Int64, _ day: String) throws -> String? {
        let asOf = try #require(CalendarDate(day))
        return try f.store.read { try CreditScoreSummaries.kept(f.store, accountID: account, asOf: asOf) }.map(line)
    }

    /// The full computation, never the kept row.
    func computed(_ f: CreditFixture, _ account: Int64, _ day: String) throws -> String {
        let asOf = try #require(CalendarDate(day))
        return line(try f.store.read {
            try CreditScoring.computed(f.store, accountID: account, asOf: asOf, currency: nil, collecting: false, context: "test")
        })
    }

    /// What `crm_credit_score`'s path answers (the kept row when there is one).
    func answered(_ f: CreditFixture, _ account: Int64, _ day: String) throws -> String {
        let asOf = try #require(CalendarDate(day))
        return line(try f.store.read {
            try CreditScoring.score(f.store, accountID: account, asOf: asOf, currency: nil, collecting: false, context: "test")
        })
    }

    func table(_ f: CreditFixture) throws -> [String] {
        try f.store.connection.rows(
            """
            SELECT account_id, currency, as_of, score, recent, previous, experiences, late_minor, total_minor, adbt, overdue_minor,
                days_to_pay FROM credit_scores ORDER BY account_id
            """) { row in (0..<12).map { [1, 2].contains($0) ? row.text($0) : row.optionalInteger($0).map(String.init) ?? "-" }.joined(separator: " ") }
    }

    /// The kept sums the figures come from, by account.
    func sums(_ f: CreditFixture) throws -> [String] {
        try f.store.connection.rows(
            """
            SELECT account_id, window_keyed, window_amounts, recent_keyed, recent_amounts, previous_keyed, previous_amounts,
                pay_days, paid_minor, beyond, settled_minor FROM credit_scores ORDER BY account_id
            """) { row in (0..<11).map { String(row.integer($0)) }.joined(separator: " ") }
    }

    /// The hand-worked fixture, kept as of 2026-12-01. Account 1: score 76,
    /// moderate, 3 experiences, 1,000 late of 10,000, ADBT 6, 36 days to pay.
    /// Account 2 (Thin, unrated): 300 paid 11 days early (key 85.50) and 400
    /// 10 days late (key 73.33), both in the last 3 months: recent
    /// (300 × 8550 + 400 × 7333) / 70,000 = 78.55 → 79; ADBT 10 (settled
    /// 10-11, due 10-01); days to pay (300 × 19 + 400 × 40) / 700 = 31.
    @Test func theKeptRowHoldsTheHandWorkedFigures() throws {
        let f = try CreditScoreTests().fixture()
        #expect(try table(f) == [
            "1 ZAR 2026-12-01 76 76 - 3 1000 10000 6 0 36",
            "2 ZAR 2026-12-01 - 79 - 2 400 700 10 0 31",
        ])
        #expect(try answered(f, 1, "2026-12-01") == "1 2026-12-01 ZAR 76 moderate 76 - 3 1000 10000 6 0 36")
        // Σ amount × key: 4000 × 8000 + 1000 × 4000 + 5000 × 8000 = 76,000,000 over 10,000 (all recent);
        // days to pay 360,000 over 10,000; days beyond terms 60,000 over 10,000 settled.
        #expect(try sums(f)[0] == "1 76000000 10000 76000000 10000 0 0 360000 10000 60000 10000")
        #expect(try answered(f, 1, "2026-12-01") == computed(f, 1, "2026-12-01"))
        // credit.score (the JSON answer, with its experiences) is unchanged.
        let score = try f.run("credit.score", #"{"account_id": 1}"#)
        #expect(score["score"]?.int == 76 && score["largest_late"]?.array?.count == 1)
    }

    @Test(arguments: [UInt64(14), 2026, 77])
    func keptScoresEqualTheFullComputationAndTheRebuild(seed: UInt64) throws {
        let f = try CreditFixture()
        try CreditRecomputeTests().generate(f, seed: seed)
        let accounts = Int64(CreditRecomputeTests.accounts)
        for account in 1...accounts {
            let row = try #require(try kept(f, account, "2026-12-01"))
            #expect(row == (try computed(f, account, "2026-12-01")))
            #expect(try answered(f, account, "2026-12-01") == row)
            // Another day is not kept: the answer falls back and matches.
            #expect(try kept(f, account, "2026-06-30") == nil)
            #expect(try answered(f, account, "2026-06-30") == computed(f, account, "2026-06-30"))
        }
        let incremental = try table(f), sums = try self.sums(f)
        #expect(incremental.count == Int(accounts))
        let rebuilt = try f.run("credit.recompute")
        #expect(rebuilt["scores"]?.int == accounts)
        #expect(try table(f) == incremental && self.sums(f) == sums)
        let one = try f.run("credit.recompute", #"{"account_id": 3}"#)
        #expect(one["scores"]?.int == 1)
        #expect(try table(f) == incremental && self.sums(f) == sums)
    }

    /// A day later the kept row (of yesterday) is not used; the next change
    /// to the account keeps it as of the new day.
    @Test func aLaterDayFallsBackUntilTheNextChange() throws {
        let f = try CreditScoreTests().fixture()
        // S-4 2,000 due 2026-12-01, open: not past due on 12-01, a day late on 12-02.
        try CreditScoreTests().record(f, "S-4", account: 1, issued: "2026-11-01", due: "2026-12-01", total: 2_000)
        #expect(try kept(f, 1, "2026-12-01") == computed(f, 1, "2026-12-01"))
        f.clock.advance(seconds: 86_400)
        #expect(try kept(f, 1, "2026-12-02") == nil)
        let fallback = try answered(f, 1, "2026-12-02")
        #expect(fallback == (try computed(f, 1, "2026-12-02")))
        // 4 experiences, 3,000 late of 12,000, ADBT 6, 2,000 overdue, 36 days to pay.
        #expect(fallback.contains(" 4 3000 12000 6 2000 36"))
        try CreditScoreTests().pay(f, account: 1, invoice: 5, amount: 500, on: "2026-12-02")
        #expect(try kept(f, 1, "2026-12-02") == computed(f, 1, "2026-12-02"))
        // 500 paid a day late (31 days to pay) and 1,500 still a day overdue:
        // 5 experiences, 3,000 late of 12,000, (360,000 + 15,500) / 10,500 = 35.76 → 36 days to pay.
        #expect(try kept(f, 1, "2026-12-02")?.contains(" 5 3000 12000 6 1500 36") == true)
        // A second change the same day is added to the kept sums: the rest of S-4 paid, so its day is one
        // experience of 2,000 a day late and S-4 is settled: 4 experiences, 3,000 late of 12,000,
        // ADBT (60,000 + 2,000 × 1) / 12,000 = 5.17 → 5, nothing overdue, (360,000 + 2,000 × 31) / 12,000 = 35.17 → 35.
        try CreditScoreTests().pay(f, account: 1, invoice: 5, amount: 1_500, on: "2026-12-02")
        #expect(try kept(f, 1, "2026-12-02") == computed(f, 1, "2026-12-02"))
        #expect(try kept(f, 1, "2026-12-02")?.contains(" 4 3000 12000 5 0 35") == true)
        // Account 2 had no change today: still yesterday's row, not used today.
        #expect(try kept(f, 2, "2026-12-02") == nil && kept(f, 2, "2026-12-01") != nil)
    }

    @Test func aMergeLeavesNoStaleScore() throws {
        let f = try CreditScoreTests().fixture()
        try f.run("account.merge", #"{"survivor_id": 1, "merged_id": 2}"#)
        #expect(try kept(f, 2, "2026-12-01") == nil)
        let survivor = try #require(try kept(f, 1, "2026-12-01"))
        #expect(survivor == (try computed(f, 1, "2026-12-01")))
        #expect(survivor.hasPrefix("1 2026-12-01 ZAR ") && survivor.contains(" 5 1400 10700 "))
        #expect(try answered(f, 2, "2026-12-01") == computed(f, 2, "2026-12-01"))
        #expect(try computed(f, 2, "2026-12-01").contains(" 0 0 0 - 0 -"))
    }

    @Test func aCurrencyChangeLeavesNoStaleScore() throws {
        let f = try CreditScoreTests().fixture()
        try f.run("account.update", #"{"id": 1, "currency": "USD"}"#)
        let row = try #require(try kept(f, 1, "2026-12-01"))
        #expect(row == "1 2026-12-01 USD - - - - 0 0 0 - 0 -")
        #expect(row == (try computed(f, 1, "2026-12-01")))
        // The ZAR score is still there when asked for: the full computation.
        let zar = try f.run("credit.score", #"{"account_id": 1, "currency": "ZAR"}"#)
        #expect(zar["score"]?.int == 76)
        // Another change (a name) does not touch the kept row.
        try f.run("account.update", #"{"id": 1, "name": "Karoo Irrigation (Pty) Ltd"}"#)
        #expect(try kept(f, 1, "2026-12-01") == row)
    }

    /// Options other than the defaults never read the kept row.
    @Test func otherOptionsFallBack() throws {
        let f = try CreditScoreTests().fixture()
        // Spoil the kept row: a read with the defaults shows it, others do not.
        try f.store.connection.run("UPDATE credit_scores SET score = 1 WHERE account_id = 1")
        let asOf = try #require(CalendarDate("2026-12-01"))
        let defaults = try f.store.read {
            try CreditScoring.score(f.store, accountID: 1, asOf: asOf, currency: nil, collecting: false, context: "test")
        }
        #expect(defaults.score == 1)
        for (window, weighted, currency) in [(12, false, nil), (24, true, nil), (24, false, "USD")] as [(Int64, Bool, String?)] {
            let other = try f.store.read {
                try CreditScoring.score(f.store, accountID: 1, asOf: asOf, currency: currency, windowMonths: window,
                                        recencyWeighted: weighted, collecting: false, context: "test")
            }
            #expect(other.score != 1)
        }
        #expect(try f.run("credit.score", #"{"account_id": 1}"#)["score"]?.int == 76)
        expectCRMError(.notFound, "account_id 9") {
            _ = try f.store.read { try CreditScoring.score(f.store, accountID: 9, asOf: asOf, currency: nil, collecting: false, context: "test") }
        }
    }
}
