import CRMStore

/// The tables of credit control: policies (default, per segment, per
/// account), credit holds and one-time overrides. Migrations 0410-0419.
enum PolicySchema {
    static let migrations: [Migration] = [
        Migration("0410-credit-policies", [
            """
            CREATE TABLE credit_policies (
                id INTEGER PRIMARY KEY NOT NULL,
                level TEXT NOT NULL CHECK (level = 'default' OR level = 'segment' OR level = 'account'),
                scope TEXT NOT NULL,
                account_id BIGINT,
                segment TEXT,
                currency TEXT,
                credit_limit_minor BIGINT,
                overdue_limit_minor BIGINT,
                overdue_days BIGINT NOT NULL,
                min_score BIGINT,
                quote_acceptance TEXT NOT NULL,
                jobcard_creation TEXT NOT NULL,
                invoice_issue TEXT NOT NULL,
                version BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (level, scope)
            )
            """,
            "CREATE INDEX credit_policies_account ON credit_policies (account_id)",
            """
            CREATE TABLE credit_holds (
                id INTEGER PRIMARY KEY NOT NULL,
                account_id BIGINT NOT NULL,
                kind TEXT NOT NULL CHECK (kind = 'automatic' OR kind = 'manual'),
                reasons TEXT NOT NULL,
                placed_by TEXT,
                reason TEXT,
                placed_at TEXT NOT NULL,
                released_at TEXT,
                released_by TEXT,
                release_reason TEXT,
                released_with TEXT,
                version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX credit_holds_account ON credit_holds (account_id, released_at)",
            """
            CREATE TABLE credit_overrides (
                id INTEGER PRIMARY KEY NOT NULL,
                account_id BIGINT NOT NULL,
                stage TEXT NOT NULL,
                document_id BIGINT,
                user_name TEXT NOT NULL,
                reason TEXT NOT NULL,
                expires_on TEXT,
                created_at TEXT NOT NULL,
                consumed_at TEXT,
                consumed_document_type TEXT,
                consumed_document_id BIGINT
            )
            """,
            "CREATE INDEX credit_overrides_account ON credit_overrides (account_id, stage, consumed_at)",
        ]),
    ]
}
