import CRMStore

/// The schema of leads, their status history, territories and scoring:
/// migrations 0200-0239.
public enum LeadsSchema {
    public static let migrations: [Migration] = [
        Migration("0201-leads", [
            """
            CREATE TABLE leads (
                id INTEGER PRIMARY KEY NOT NULL,
                first_name TEXT,
                last_name TEXT,
                company TEXT,
                email TEXT,
                email_key TEXT,
                phone TEXT,
                phone_key TEXT,
                name_key TEXT,
                company_key TEXT,
                region TEXT,
                interest TEXT,
                estimated_value_minor BIGINT CHECK (estimated_value_minor >= 0),
                currency TEXT NOT NULL,
                owner TEXT,
                source_channel TEXT NOT NULL CHECK (source_channel = 'web' OR source_channel = 'phone_in'
                    OR source_channel = 'walk_in' OR source_channel = 'telemarketing' OR source_channel = 'email'
                    OR source_channel = 'referral' OR source_channel = 'partner' OR source_channel = 'campaign'
                    OR source_channel = 'social' OR source_channel = 'other'),
                campaign TEXT,
                referred_by_account_id BIGINT REFERENCES accounts (id),
                referred_by_contact_id BIGINT REFERENCES contacts (id),
                status TEXT NOT NULL CHECK (status = 'new' OR status = 'contacted' OR status = 'qualified'
                    OR status = 'converted' OR status = 'disqualified'),
                status_reason TEXT,
                status_changed_at TEXT NOT NULL,
                version INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX leads_email_key ON leads (email_key) WHERE email_key IS NOT NULL",
            "CREATE INDEX leads_phone_key ON leads (phone_key) WHERE phone_key IS NOT NULL",
            "CREATE INDEX leads_name_key ON leads (name_key) WHERE name_key IS NOT NULL",
            "CREATE INDEX leads_company_key ON leads (company_key) WHERE company_key IS NOT NULL",
            "CREATE INDEX leads_status ON leads (status, id)",
            "CREATE INDEX leads_referred_by_account ON leads (referred_by_account_id) WHERE referred_by_account_id IS NOT NULL",
            """
            CREATE TABLE lead_transitions (
                id INTEGER PRIMARY KEY NOT NULL,
                lead_id BIGINT NOT NULL REFERENCES leads (id),
                from_status TEXT NOT NULL,
                to_status TEXT NOT NULL,
                reason TEXT,
                performed_by TEXT,
                occurred_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX lead_transitions_lead ON lead_transitions (lead_id, id)",
            // A contact's phone is a duplicate key for leads: the accounts
            // module keeps the column, the lookup needs its index.
            "CREATE INDEX contacts_phone_key_for_leads ON contacts (phone_key) WHERE phone_key IS NOT NULL",
            """
            CREATE TABLE lead_settings (
                key TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
            )
            """,
        ]),
        // Territories: which sales reps work the leads of a region, in turn.
        Migration("0202-lead-territories", [
            """
            CREATE TABLE lead_territories (
                region TEXT PRIMARY KEY NOT NULL,
                next_position INTEGER NOT NULL,
                version INTEGER NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE lead_territory_reps (
                region TEXT NOT NULL REFERENCES lead_territories (region),
                position INTEGER NOT NULL,
                rep TEXT NOT NULL,
                PRIMARY KEY (region, position)
            ) WITHOUT ROWID
            """,
        ]),
        // Lead scoring: the lead's kind and size band (fit), the points the
        // rule score gives each factor's values where a user changed the
        // defaults, and the counts the predictive model learned from
        // converted and disqualified leads (replaced whole by lead.train).
        Migration("0203-lead-scoring", [
            """
            ALTER TABLE leads ADD COLUMN kind TEXT CHECK (kind = 'business' OR kind = 'consumer' OR kind = 'dealer'
                OR kind = 'distributor')
            """,
            "ALTER TABLE leads ADD COLUMN size_band TEXT CHECK (size_band = 'micro' OR size_band = 'small' OR size_band = 'medium' OR size_band = 'large' OR size_band = 'enterprise')",
            """
            CREATE TABLE lead_scoring_points (
                factor TEXT NOT NULL,
                value TEXT NOT NULL,
                points INTEGER NOT NULL CHECK (points >= 0 AND points <= 100),
                PRIMARY KEY (factor, value)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE lead_scoring_counts (
                feature TEXT NOT NULL,
                value TEXT NOT NULL,
                converted INTEGER NOT NULL,
                disqualified INTEGER NOT NULL,
                PRIMARY KEY (feature, value)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE lead_scoring_model (
                model TEXT PRIMARY KEY NOT NULL,
                converted INTEGER NOT NULL,
                disqualified INTEGER NOT NULL,
                trained_at TEXT NOT NULL
            )
            """,
        ]),
        // Conversions: what each converted lead became, and the referral
        // it credits to the account that referred it.
        Migration("0204-lead-conversions", [
            """
            CREATE TABLE lead_conversions (
                lead_id BIGINT PRIMARY KEY NOT NULL REFERENCES leads (id),
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                contact_id BIGINT REFERENCES contacts (id),
                opportunity_id BIGINT,
                account_created INTEGER NOT NULL CHECK (account_created = 0 OR account_created = 1),
                referred_by_account_id BIGINT REFERENCES accounts (id),
                request TEXT NOT NULL,
                performed_by TEXT,
                converted_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX lead_conversions_account ON lead_conversions (account_id)",
            "CREATE INDEX lead_conversions_referrer ON lead_conversions (referred_by_account_id) WHERE referred_by_account_id IS NOT NULL",
        ]),
        // When a lead's person was erased (lead.erase, or contact.erase of
        // the contact it became): the lead then takes no more changes.
        Migration("0205-lead-erasure", [
            "ALTER TABLE leads ADD COLUMN erased_at TEXT",
        ]),
    ]
}
