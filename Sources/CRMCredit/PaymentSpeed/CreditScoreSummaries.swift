import CRMStore

/// The kept score of every account (`credit_scores`, migration 0402): the
/// figures `CreditScoring.score` gives with the default options (24-month
/// window, unweighted, the account's currency) as of the day in `as_of`,
/// so the common read, a score as of today, is one indexed lookup of one row.
///
/// Kept current in the transaction of every change that moves a score for
/// today: after the experience observer re-derives an invoice's rows (its
/// account, and the account its old rows belonged to), after
/// `credit.recompute`, when an account's currency changes and when
/// `account.merge` folds an account into another. The row keeps the sums
/// the figures come from: a change on the day of the row takes the
/// invoice's old rows out of the sums and adds its new ones (exact integer
/// arithmetic, the same classification as the full computation); a change
/// on a later day, or to an account without a row, sums the account's rows
/// again. A row is exactly the full computation as of its `as_of`; a read
/// for another day, another currency or other options falls back to the
/// full computation. A row whose sums do not fit 64 bits is not kept
/// (reads fall back).
public enum CreditScoreSummaries {
    /// Reads the kept score of `accountID` as of `asOf`; nil when none is
    /// kept for that day (unknown account, never written, another day).
    /// One statement: safe in `Store.readStatement`.
    public static func kept(_ store: Store, accountID: Int64, asOf: CalendarDate) throws -> CreditScore? {
        return try store.connection.row(
            """
            SELECT currency, score, recent, previous, experiences, late_minor, total_minor, adbt, overdue_minor, days_to_pay
            FROM credit_scores WHERE account_id = ? AND as_of = ?
            """, [.integer(accountID), .text(asOf.description)]) { row -> CreditScore in
            var figures = CreditScore(accountID: accountID, asOf: asOf, currency: row.text(0))
            figures.score = row.optionalInteger(1)
            figures.band = figures.score.map { CreditScore.Band(score: $0) }
            figures.recent = row.optionalInteger(2)
            figures.previous = row.optionalInteger(3)
            figures.experienceCount = Int(clamping: row.integer(4))
            figures.lateMinor = Int128(row.integer(5))
            figures.totalMinor = Int128(row.integer(6))
            figures.adbt = row.optionalInteger(7)
            figures.overdueMinor = Int128(row.integer(8))
            figures.daysToPay = row.optionalInteger(9)
            return figures
        }
    }

    /// One row of `credit_experiences` (part 0), `credit_settlements` (1)
    /// or `credit_open_invoices` (2), as the score reads it.
    struct Part {
        var part: Int64
        var accountID: Int64
        var currency: String
        /// Settled day (0, 1) or due day (2).
        var day: String
        /// Issue day (2).
        var issued: String
        var daysBeyondTerms: Int64
        var daysToPay: Int64
        var amount: Int64
    }

    /// The sums a score is made of, as of one day, unweighted (`CreditScoring.computed`).
    struct Sums {
        var asOf: CalendarDate
        var currency: String
        var window = CreditScoring.Sums(), recent = CreditScoring.Sums(), previous = CreditScoring.Sums()
        var payDays: Int128 = 0, paid: Int128 = 0, beyond: Int128 = 0, settled: Int128 = 0
        var late: Int128 = 0, total: Int128 = 0, overdue: Int128 = 0
        var count: Int64 = 0
        let windowStart: String, recentStart: String, previousStart: String, readFrom: String, day: String

        init(asOf: CalendarDate, currency: String) {
            self.asOf = asOf
            self.currency = currency
            windowStart = CreditScoring.date(asOf, minusMonths: CreditScoring.defaultWindowMonths).description
            recentStart = CreditScoring.date(asOf, minusMonths: CreditScoring.recentMonths).description
            previousStart = CreditScoring.date(asOf, minusMonths: CreditScoring.recentMonths + CreditScoring.previousMonths).description
            readFrom = min(windowStart, previousStart)
            day = asOf.description
        }

        /// Adds (`sign` 1) or takes out (-1) one row, exactly as the full
        /// computation as of `asOf` (today) counts it, or not at all.
        mutating func add(_ row: Part, sign: Int128) {
            guard row.currency == currency else { return }
            let amount = Int128(row.amount) * sign
            switch row.part {
            case 0:
                guard row.day > readFrom, row.day <= day else { return }
                if row.day > windowStart {
                    window.keyed += amount * Int128(PaymentSpeedKey.hundredths(daysBeyondTerms: row.daysBeyondTerms))
                    window.amounts += amount
                    payDays += amount * Int128(row.daysToPay)
                    paid += amount
                    total += amount
                    if row.daysBeyondTerms > 0 { late += amount }
                    count += Int64(sign)
                }
                if row.day > recentStart {
                    recent.keyed += amount * Int128(PaymentSpeedKey.hundredths(daysBeyondTerms: row.daysBeyondTerms))
                    recent.amounts += amount
                } else if row.day > previousStart {
                    previous.keyed += amount * Int128(PaymentSpeedKey.hundredths(daysBeyondTerms: row.daysBeyondTerms))
                    previous.amounts += amount
                }
            case 1:
                guard row.day > windowStart, row.day <= day else { return }
                beyond += amount * Int128(row.daysBeyondTerms)
                settled += amount
            default:
                guard row.day < day, row.issued <= day else { return }
                let due = CalendarDate(row.day)?.daysSinceEpoch ?? asOf.daysSinceEpoch
                let key = Int128(PaymentSpeedKey.hundredths(daysBeyondTerms: asOf.daysSinceEpoch - due))
                overdue += amount
                total += amount
                late += amount
                window.keyed += amount * key
                window.amounts += amount
                recent.keyed += amount * key
                recent.amounts += amount
                count += Int64(sign)
            }
        }

        /// The figures, rounded as `CreditScoring.computed` rounds them.
        func figures(accountID: Int64) -> CreditScore {
            var result = CreditScore(accountID: accountID, asOf: asOf, currency: currency)
            result.lateMinor = late
            result.totalMinor = total
            result.overdueMinor = overdue
            result.experienceCount = Int(clamping: count)
            result.daysToPay = paid > 0 ? CreditScoring.rounded(payDays, paid) : nil
            result.adbt = settled > 0 ? CreditScoring.rounded(beyond, settled) : nil
            if count >= CreditScoring.minimumExperiences, let score = window.score {
                result.score = score
                result.band = CreditScore.Band(score: score)
            }
            result.recent = recent.score
            result.previous = previous.score
            return result
        }
    }

    /// Every row of one invoice in the three tables (`Sums.add` decides
    /// which of them a score as of today counts).
    static func parts(_ store: Store, invoiceID: Int64) throws -> [Part] {
        let invoice = SQLValue.integer(invoiceID)
        return try store.connection.rows(
            """
            SELECT 0, account_id, currency, settled_on, settled_on, days_beyond_terms, days_to_pay, amount_minor FROM credit_experiences
            WHERE invoice_id = ?
            UNION ALL
            SELECT 1, account_id, currency, settled_on, settled_on, days_beyond_terms, 0, total_minor FROM credit_settlements
            WHERE invoice_id = ?
            UNION ALL
            SELECT 2, account_id, currency, due_on, issued_on, 0, 0, open_minor FROM credit_open_invoices
            WHERE invoice_id = ?
            """, [invoice, invoice, invoice], part)
    }

    static func part(_ row: Row) -> Part {
        Part(part: row.integer(0), accountID: row.integer(1), currency: row.text(2), day: row.text(3), issued: row.text(4),
             daysBeyondTerms: row.integer(5), daysToPay: row.integer(6), amount: row.integer(7))
    }

    /// Sums the account's rows as of today, in its currency; nil for an unknown account.
    static func summed(_ store: Store, accountID: Int64) throws -> Sums? {
        let currency: String
        do {
            currency = try CreditScoring.accountCurrency(store, accountID: accountID, context: "credit_scores")
        } catch let error as CRMError where error.code == .notFound {
            return nil
        }
        var sums = Sums(asOf: store.clock.now().date, currency: currency)
        let account = SQLValue.integer(accountID), code = SQLValue.text(currency), through = SQLValue.text(sums.day)
        let rows = try store.connection.rows(
            """
            SELECT 0, account_id, currency, settled_on, settled_on, days_beyond_terms, days_to_pay, amount_minor FROM credit_experiences
            WHERE account_id = ? AND currency = ? AND settled_on > ? AND settled_on <= ?
            UNION ALL
            SELECT 1, account_id, currency, settled_on, settled_on, days_beyond_terms, 0, total_minor FROM credit_settlements
            WHERE account_id = ? AND currency = ? AND settled_on > ? AND settled_on <= ?
            UNION ALL
            SELECT 2, account_id, currency, due_on, issued_on, 0, 0, open_minor FROM credit_open_invoices
            WHERE account_id = ? AND currency = ? AND due_on < ? AND issued_on <= ?
            """, [account, code, .text(sums.readFrom), through, account, code, .text(sums.windowStart), through,
                  account, code, through, through], part)
        for row in rows { sums.add(row, sign: 1) }
        return sums
    }

    /// The kept sums of `accountID` when its row is as of today.
    static func keptSums(_ store: Store, accountID: Int64) throws -> Sums? {
        let today = store.clock.now().date
        return try store.connection.row(
            """
            SELECT currency, experiences, late_minor, total_minor, overdue_minor, window_keyed, window_amounts, recent_keyed,
                recent_amounts, previous_keyed, previous_amounts, pay_days, paid_minor, beyond, settled_minor
            FROM credit_scores WHERE account_id = ? AND as_of = ?
            """, [.integer(accountID), .text(today.description)]) { row -> Sums in
            var sums = Sums(asOf: today, currency: row.text(0))
            sums.count = row.integer(1)
            sums.late = Int128(row.integer(2))
            sums.total = Int128(row.integer(3))
            sums.overdue = Int128(row.integer(4))
            sums.window.keyed = Int128(row.integer(5))
            sums.window.amounts = Int128(row.integer(6))
            sums.recent.keyed = Int128(row.integer(7))
            sums.recent.amounts = Int128(row.integer(8))
            sums.previous.keyed = Int128(row.integer(9))
            sums.previous.amounts = Int128(row.integer(10))
            sums.payDays = Int128(row.integer(11))
            sums.paid = Int128(row.integer(12))
            sums.beyond = Int128(row.integer(13))
            sums.settled = Int128(row.integer(14))
            return sums
        }
    }

    /// Sums the account's rows again as of today and keeps them; an unknown
    /// account's row is deleted instead. Call inside a write.
    public static func refresh(_ store: Store, accountID: Int64) throws {
        guard let sums = try summed(store, accountID: accountID) else {
            try forget(store, accountID: accountID)
            return
        }
        try keep(store, accountID: accountID, sums)
    }

    /// Re-derives one invoice's rows (`ExperienceRows.derive`) and keeps
    /// the scores of the accounts they belong to (before and after): a row
    /// as of today takes the old rows out and the new ones in; any other is
    /// summed again.
    static func derive(_ store: Store, invoiceID: Int64) throws {
        let before = try parts(store, invoiceID: invoiceID)
        try ExperienceRows.derive(store, .invoice(invoiceID))
        let after = try parts(store, invoiceID: invoiceID)
        var accounts = Set(before.map(\.accountID) + after.map(\.accountID))
        if let owner = try store.connection.integer("SELECT account_id FROM invoices WHERE id = ?", [.integer(invoiceID)]) {
            accounts.insert(owner)
        }
        for accountID in accounts.sorted() {
            guard var sums = try keptSums(store, accountID: accountID) else {
                try refresh(store, accountID: accountID)
                continue
            }
            for row in before where row.accountID == accountID { sums.add(row, sign: -1) }
            for row in after where row.accountID == accountID { sums.add(row, sign: 1) }
            try keep(store, accountID: accountID, sums)
        }
    }

    /// Deletes the kept score of `accountID`, if any.
    public static func forget(_ store: Store, accountID: Int64) throws {
        try store.connection.run("DELETE FROM credit_scores WHERE account_id = ?", [.integer(accountID)])
    }

    /// Writes `sums` and their figures as the account's kept score (insert
    /// or replace); deletes it when a sum does not fit 64 bits.
    static func keep(_ store: Store, accountID: Int64, _ sums: Sums) throws {
        let wide = [sums.late, sums.total, sums.overdue, sums.window.keyed, sums.window.amounts, sums.recent.keyed,
                    sums.recent.amounts, sums.previous.keyed, sums.previous.amounts, sums.payDays, sums.paid, sums.beyond, sums.settled]
        let narrow = wide.compactMap { Int64(exactly: $0) }
        guard narrow.count == wide.count else {
            try forget(store, accountID: accountID)
            return
        }
        let figures = sums.figures(accountID: accountID)
        func optional(_ value: Int64?) -> SQLValue { value.map(SQLValue.integer) ?? .null }
        try store.connection.run(
            """
            INSERT INTO credit_scores (account_id, currency, as_of, score, recent, previous, experiences, adbt, days_to_pay,
                late_minor, total_minor, overdue_minor, window_keyed, window_amounts, recent_keyed, recent_amounts, previous_keyed,
                previous_amounts, pay_days, paid_minor, beyond, settled_minor)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (account_id) DO UPDATE SET currency = excluded.currency, as_of = excluded.as_of, score = excluded.score,
                recent = excluded.recent, previous = excluded.previous, experiences = excluded.experiences, adbt = excluded.adbt,
                days_to_pay = excluded.days_to_pay, late_minor = excluded.late_minor, total_minor = excluded.total_minor,
                overdue_minor = excluded.overdue_minor, window_keyed = excluded.window_keyed,
                window_amounts = excluded.window_amounts, recent_keyed = excluded.recent_keyed,
                recent_amounts = excluded.recent_amounts, previous_keyed = excluded.previous_keyed,
                previous_amounts = excluded.previous_amounts, pay_days = excluded.pay_days, paid_minor = excluded.paid_minor,
                beyond = excluded.beyond, settled_minor = excluded.settled_minor
            """, [.integer(accountID), .text(sums.currency), .text(sums.day), optional(figures.score), optional(figures.recent),
                  optional(figures.previous), .integer(sums.count), optional(figures.adbt), optional(figures.daysToPay)]
                + narrow.map(SQLValue.integer))
    }

    /// Rebuilds the kept score of every account as of today (after
    /// `credit.recompute` of the book derived the rows); answers how many.
    @discardableResult
    public static func rebuild(_ store: Store) throws -> Int {
        try store.connection.run("DELETE FROM credit_scores", [])
        let accounts = try store.connection.rows("SELECT id FROM accounts ORDER BY id", []) { $0.integer(0) }
        for accountID in accounts { try refresh(store, accountID: accountID) }
        return accounts.count
    }

    /// Refreshes the kept score when an account's currency changes, and on
    /// `account.merge` forgets the merged account's and refreshes the
    /// survivor's (its rows moved over).
    public static let accountObserver = ChangeObserver(["account.updated", "account.merged"]) { store, type, sent in
        let record = sent.decoded
        if type == "account.merged" {
            if case .integer(let merged)? = record["merged_id"] { try forget(store, accountID: merged) }
            if case .integer(let survivor)? = record["survivor"]?["id"] { try refresh(store, accountID: survivor) }
            return
        }
        guard case .integer(let id)? = record["id"], case .array(let changed)? = record["changed"],
              changed.contains(where: { if case .string("currency") = $0 { return true } else { return false } }) else { return }
        try refresh(store, accountID: id)
    }
}
