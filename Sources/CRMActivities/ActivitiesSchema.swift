import CRMStore

/// The schema of activities, follow-up reminders and call lists:
/// migrations 0270-0299.
public enum ActivitiesSchema {
    public static let migrations: [Migration] = [
        Migration("0271-activities", [
            // A telemarketing call list: the filter it was built from and
            // what it holds. Its calls are activities naming the list.
            """
            CREATE TABLE call_lists (
                id INTEGER PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                built_from TEXT NOT NULL CHECK (built_from = 'leads' OR built_from = 'accounts'),
                filter_json TEXT NOT NULL,
                owner TEXT,
                entry_count INTEGER NOT NULL,
                skipped_count INTEGER NOT NULL,
                created_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE activities (
                id INTEGER PRIMARY KEY NOT NULL,
                kind TEXT NOT NULL CHECK (kind = 'call' OR kind = 'meeting' OR kind = 'email' OR kind = 'task' OR kind = 'visit'),
                subject TEXT NOT NULL,
                notes TEXT,
                lead_id BIGINT REFERENCES leads (id),
                opportunity_id BIGINT REFERENCES opportunities (id),
                account_id BIGINT REFERENCES accounts (id),
                contact_id BIGINT REFERENCES contacts (id),
                due_at TEXT,
                owner TEXT,
                status TEXT NOT NULL CHECK (status = 'open' OR status = 'done' OR status = 'cancelled'),
                outcome TEXT,
                minutes_spent INTEGER CHECK (minutes_spent >= 0),
                completed_at TEXT,
                interaction_id BIGINT REFERENCES interactions (id),
                reminder_rule TEXT,
                reminder_key TEXT UNIQUE,
                call_list_id BIGINT REFERENCES call_lists (id),
                version BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                CHECK (lead_id IS NOT NULL OR opportunity_id IS NOT NULL OR account_id IS NOT NULL OR contact_id IS NOT NULL)
            )
            """,
            "CREATE INDEX activities_owner ON activities (owner, status, due_at)",
            "CREATE INDEX activities_lead ON activities (lead_id, id) WHERE lead_id IS NOT NULL",
            "CREATE INDEX activities_opportunity ON activities (opportunity_id, id) WHERE opportunity_id IS NOT NULL",
            "CREATE INDEX activities_account ON activities (account_id, id) WHERE account_id IS NOT NULL",
            "CREATE INDEX activities_contact ON activities (contact_id, id) WHERE contact_id IS NOT NULL",
            "CREATE INDEX activities_completed ON activities (status, completed_at)",
            "CREATE INDEX activities_call_list ON activities (call_list_id, id) WHERE call_list_id IS NOT NULL",
            "CREATE INDEX activities_reminders ON activities (status, due_at) WHERE reminder_key IS NOT NULL",
            // Who a call list could not call, and why.
            """
            CREATE TABLE call_list_skips (
                call_list_id BIGINT NOT NULL REFERENCES call_lists (id),
                position INTEGER NOT NULL,
                lead_id BIGINT REFERENCES leads (id),
                account_id BIGINT REFERENCES accounts (id),
                contact_id BIGINT REFERENCES contacts (id),
                reason TEXT NOT NULL CHECK (reason = 'opted_out' OR reason = 'no_phone'),
                PRIMARY KEY (call_list_id, position)
            ) WITHOUT ROWID
            """,
            // The follow-up rules reminder.run applies: after how many quiet
            // days a record is due for a follow-up.
            """
            CREATE TABLE reminder_rules (
                rule TEXT PRIMARY KEY NOT NULL,
                days INTEGER NOT NULL CHECK (days >= 1 AND days <= 365),
                enabled INTEGER NOT NULL CHECK (enabled = 0 OR enabled = 1),
                version BIGINT NOT NULL,
                updated_at TEXT
            )
            """,
            "INSERT INTO reminder_rules (rule, days, enabled, version) VALUES ('lead_untouched', 3, 1, 1)",
            "INSERT INTO reminder_rules (rule, days, enabled, version) VALUES ('opportunity_idle', 14, 1, 1)",
            "INSERT INTO reminder_rules (rule, days, enabled, version) VALUES ('proposal_no_reply', 7, 1, 1)",
        ]),
    ]
}
