import CRMStore

/// The tables of dunning: the levels in force (with the defaults
/// 7/21/45 days written by the migration) and the letters sent.
/// Migrations 0420-0429.
public enum DunningSchema {
    public static let migrations: [Migration] = [
        Migration("0420-dunning", [
            """
            CREATE TABLE dunning_settings (
                id INTEGER PRIMARY KEY NOT NULL,
                version BIGINT NOT NULL,
                updated_at TEXT
            )
            """,
            "INSERT INTO dunning_settings (id, version, updated_at) VALUES (1, 1, NULL)",
            """
            CREATE TABLE dunning_levels (
                level INTEGER PRIMARY KEY NOT NULL,
                days_overdue INTEGER NOT NULL,
                template TEXT NOT NULL,
                fee_minor BIGINT NOT NULL,
                interest_bps_per_year INTEGER NOT NULL,
                channel_order TEXT NOT NULL
            )
            """,
            "INSERT INTO dunning_levels VALUES (1, 7, 'reminder', 0, 0, 'email,post,sms')",
            "INSERT INTO dunning_levels VALUES (2, 21, 'second_reminder', 0, 0, 'email,post,sms')",
            "INSERT INTO dunning_levels VALUES (3, 45, 'final_notice', 0, 0, 'email,post,sms')",
            """
            CREATE TABLE dunning_letters (
                id INTEGER PRIMARY KEY NOT NULL,
                invoice_id BIGINT NOT NULL REFERENCES invoices (id),
                invoice_number TEXT,
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                contact_id BIGINT REFERENCES contacts (id),
                level INTEGER NOT NULL,
                template TEXT NOT NULL,
                channel TEXT CHECK (channel = 'email' OR channel = 'sms' OR channel = 'phone' OR channel = 'post'),
                days_overdue INTEGER NOT NULL,
                outstanding_minor BIGINT NOT NULL,
                fee_minor BIGINT NOT NULL,
                interest_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                due_on TEXT NOT NULL,
                sent_on TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status = 'sent' OR status = 'resolved'),
                resolved_on TEXT,
                resolved_by TEXT CHECK (resolved_by = 'payment' OR resolved_by = 'credit_note'),
                version BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX dunning_letters_invoice ON dunning_letters (invoice_id, level)",
            "CREATE INDEX dunning_letters_account ON dunning_letters (account_id, id)",
            "CREATE INDEX dunning_letters_contact ON dunning_letters (contact_id) WHERE contact_id IS NOT NULL",
        ]),
    ]
}
