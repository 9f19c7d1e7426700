import CRMStore

/// The tables that keep every account's payment experiences current
/// (migrations 0401-0409), so reading a score is a few indexed range reads,
/// and the score as of today one lookup (`credit_scores`).
public enum ExperienceSchema {
    public static let migrations: [Migration] = [
        // credit_experiences: one row per invoice per settled day (the live
        // allocations of that day summed), keyed by account, currency and
        // day. credit_settlements: one row per fully settled invoice, for
        // ADBT, keyed the same way. Clustered by the key (WITHOUT ROWID on
        // SQLite) so a score reads its rows in one range, without lookups. Both are derived from the document chain by `ExperienceRows`.
        Migration("0401-credit-experiences", [
            """
            CREATE TABLE credit_experiences (
                account_id BIGINT NOT NULL,
                currency TEXT NOT NULL,
                settled_on TEXT NOT NULL,
                invoice_id BIGINT NOT NULL,
                days_beyond_terms BIGINT NOT NULL,
                days_to_pay BIGINT NOT NULL,
                amount_minor BIGINT NOT NULL,
                PRIMARY KEY (account_id, currency, settled_on, invoice_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX credit_experiences_invoice ON credit_experiences (invoice_id)",
            """
            CREATE TABLE credit_settlements (
                invoice_id BIGINT NOT NULL,
                account_id BIGINT NOT NULL,
                currency TEXT NOT NULL,
                settled_on TEXT NOT NULL,
                due_on TEXT NOT NULL,
                days_beyond_terms BIGINT NOT NULL,
                total_minor BIGINT NOT NULL,
                PRIMARY KEY (account_id, currency, settled_on, invoice_id)
            ) WITHOUT ROWID
            """,
            "CREATE UNIQUE INDEX credit_settlements_invoice ON credit_settlements (invoice_id)",
            // What each open invoice owes now, by due day: the past-due
            // experiences of a score as of today or later, in one range.
            """
            CREATE TABLE credit_open_invoices (
                account_id BIGINT NOT NULL,
                currency TEXT NOT NULL,
                due_on TEXT NOT NULL,
                invoice_id BIGINT NOT NULL,
                issued_on TEXT NOT NULL,
                open_minor BIGINT NOT NULL,
                PRIMARY KEY (account_id, currency, due_on, invoice_id)
            ) WITHOUT ROWID
            """,
            "CREATE UNIQUE INDEX credit_open_invoices_invoice ON credit_open_invoices (invoice_id)",
        ]),
        // credit_scores: each account's score as of `as_of` with the default
        // options, in the account's currency (`CreditScoreSummaries`), so a
        // score as of today is one lookup by the primary key. Kept in the
        // transaction of every change; a row for another day is not used.
        // The sums the figures come from (window_keyed ... settled_minor) let
        // a change of the same day be added to the row without reading the
        // account's other rows.
        Migration("0402-credit-scores", [
            """
            CREATE TABLE credit_scores (
                account_id INTEGER PRIMARY KEY,
                currency TEXT NOT NULL,
                as_of TEXT NOT NULL,
                score BIGINT,
                recent BIGINT,
                previous BIGINT,
                experiences BIGINT NOT NULL,
                late_minor BIGINT NOT NULL,
                total_minor BIGINT NOT NULL,
                adbt BIGINT,
                overdue_minor BIGINT NOT NULL,
                days_to_pay BIGINT,
                window_keyed BIGINT NOT NULL,
                window_amounts BIGINT NOT NULL,
                recent_keyed BIGINT NOT NULL,
                recent_amounts BIGINT NOT NULL,
                previous_keyed BIGINT NOT NULL,
                previous_amounts BIGINT NOT NULL,
                pay_days BIGINT NOT NULL,
                paid_minor BIGINT NOT NULL,
                beyond BIGINT NOT NULL,
                settled_minor BIGINT NOT NULL
            )
            """,
        ]),
    ]
}
