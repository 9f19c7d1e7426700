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
/// `account.merge` folds an account into another. A row is exactly the full
/// computation as of its `as_of`; a read for another day, another currency
/// or other options falls back to the full computation. A summary whose
/// amounts do not fit 64 bits is not kept (reads fall back).
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

    /// Computes the score of `accountID` as of today with the default
    /// options and keeps it; an unknown account's row (or one whose amounts
    /// do not fit 64 bits) is deleted instead. Call inside a write.
    public static func refresh(_ store: Store, accountID: Int64) throws {
        let today = store.clock.now().date
        let figures: CreditScore
        do {
            figures = try CreditScoring.computed(store, accountID: accountID, asOf: today, currency: nil, collecting: false,
                                                 context: "credit_scores")
        } catch let error as CRMError where error.code == .notFound {
            try forget(store, accountID: accountID)
            return
        }
        try keep(store, figures)
    }

    /// Deletes the kept score of `accountID`, if any.
    public static func forget(_ store: Store, accountID: Int64) throws {
        try store.connection.run("DELETE FROM credit_scores WHERE account_id = ?", [.integer(accountID)])
    }

    /// Writes `figures` as the account's kept score (insert or replace).
    static func keep(_ store: Store, _ figures: CreditScore) throws {
        guard let late = Int64(exactly: figures.lateMinor), let total = Int64(exactly: figures.totalMinor),
              let overdue = Int64(exactly: figures.overdueMinor) else {
            try forget(store, accountID: figures.accountID)
            return
        }
        func optional(_ value: Int64?) -> SQLValue { value.map(SQLValue.integer) ?? .null }
        try store.connection.run(
            """
            INSERT INTO credit_scores (account_id, currency, as_of, score, recent, previous, experiences, late_minor, total_minor,
                adbt, overdue_minor, days_to_pay)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (account_id) DO UPDATE SET currency = excluded.currency, as_of = excluded.as_of, score = excluded.score,
                recent = excluded.recent, previous = excluded.previous, experiences = excluded.experiences,
                late_minor = excluded.late_minor, total_minor = excluded.total_minor, adbt = excluded.adbt,
                overdue_minor = excluded.overdue_minor, days_to_pay = excluded.days_to_pay
            """, [.integer(figures.accountID), .text(figures.currency), .text(figures.asOf.description), optional(figures.score),
                  optional(figures.recent), optional(figures.previous), .integer(Int64(figures.experienceCount)), .integer(late),
                  .integer(total), optional(figures.adbt), .integer(overdue), optional(figures.daysToPay)])
    }

    /// Rebuilds the kept score of every account as of today (after
    /// `credit.recompute` of the book derived the rows); answers how many.
    @discardableResult
    public static func rebuild(_ store: Store) throws -> Int {
        try store.connection.run("DELETE FROM credit_scores", [])
        let today = store.clock.now().date
        let accounts = try store.connection.rows("SELECT id FROM accounts ORDER BY id", []) { $0.integer(0) }
        for accountID in accounts {
            let figures = try CreditScoring.computed(store, accountID: accountID, asOf: today, currency: nil, collecting: false,
                                                     context: "credit.recompute")
            try keep(store, figures)
        }
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
