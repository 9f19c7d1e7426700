import CRMStore

/// The schema of accounts, contacts and interactions, as named,
/// append-only steps.
///
/// Value sets are checked with `a = 'x' OR a = 'y'` rather than `a IN (...)`:
/// SQLite builds a temporary index for every IN list on every insert, which
/// cost a third of the time of `account.create`. Tables keyed by their
/// parent (preferences, links) are WITHOUT ROWID: the primary key is the
/// table, one b-tree write per row instead of two.
public enum AccountsSchema {
    /// Migrations 0100-0199, in the order they apply.
    public static let migrations: [Migration] = [
        Migration("0101-accounts", [
            """
            CREATE TABLE accounts (
                id INTEGER PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                name_key TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind = 'business' OR kind = 'consumer' OR kind = 'dealer' OR kind = 'distributor'),
                strategic INTEGER NOT NULL DEFAULT 0 CHECK (strategic = 0 OR strategic = 1),
                national INTEGER NOT NULL DEFAULT 0 CHECK (national = 0 OR national = 1),
                size_band TEXT CHECK (size_band = 'micro' OR size_band = 'small' OR size_band = 'medium' OR size_band = 'large' OR size_band = 'enterprise'),
                segment TEXT,
                region TEXT,
                currency TEXT NOT NULL,
                payment_terms_days INTEGER NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 365),
                credit_limit_minor BIGINT CHECK (credit_limit_minor >= 0),
                owner TEXT,
                status TEXT NOT NULL CHECK (status = 'prospect' OR status = 'active' OR status = 'dormant' OR status = 'lost'),
                parent_account_id BIGINT REFERENCES accounts (id),
                tax_number TEXT,
                tax_number_key TEXT,
                email TEXT,
                email_key TEXT,
                phone TEXT,
                phone_key TEXT,
                website TEXT,
                notes TEXT,
                archived_at TEXT,
                merged_into_id BIGINT REFERENCES accounts (id),
                version BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX accounts_name_key ON accounts (name_key)",
            "CREATE INDEX accounts_email_key ON accounts (email_key) WHERE email_key IS NOT NULL",
            "CREATE INDEX accounts_phone_key ON accounts (phone_key) WHERE phone_key IS NOT NULL",
            "CREATE INDEX accounts_tax_number_key ON accounts (tax_number_key) WHERE tax_number_key IS NOT NULL",
            "CREATE INDEX accounts_parent ON accounts (parent_account_id) WHERE parent_account_id IS NOT NULL",
            """
            CREATE TABLE account_tags (
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                tag TEXT NOT NULL,
                PRIMARY KEY (account_id, tag)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE account_addresses (
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                position INTEGER NOT NULL,
                kind TEXT NOT NULL,
                line1 TEXT NOT NULL,
                line2 TEXT,
                city TEXT,
                region TEXT,
                postal_code TEXT,
                country TEXT,
                PRIMARY KEY (account_id, position)
            ) WITHOUT ROWID
            """,
        ]),
        Migration("0102-contacts", [
            """
            CREATE TABLE contacts (
                id INTEGER PRIMARY KEY NOT NULL,
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                first_name TEXT,
                last_name TEXT NOT NULL,
                role TEXT,
                email TEXT,
                email_key TEXT,
                phone TEXT,
                phone_key TEXT,
                mobile TEXT,
                preferred_channel TEXT CHECK (preferred_channel = 'email' OR preferred_channel = 'sms' OR preferred_channel = 'phone' OR preferred_channel = 'post'),
                address_json TEXT,
                archived_at TEXT,
                version BIGINT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX contacts_account ON contacts (account_id)",
            "CREATE INDEX contacts_email_key ON contacts (email_key) WHERE email_key IS NOT NULL",
            """
            CREATE TABLE contact_consents (
                id INTEGER PRIMARY KEY NOT NULL,
                contact_id BIGINT NOT NULL REFERENCES contacts (id),
                channel TEXT NOT NULL CHECK (channel = 'email' OR channel = 'sms' OR channel = 'phone' OR channel = 'post'),
                status TEXT NOT NULL CHECK (status = 'opted_in' OR status = 'opted_out'),
                recorded_at TEXT NOT NULL,
                source TEXT NOT NULL
            )
            """,
            "CREATE INDEX contact_consents_contact ON contact_consents (contact_id, channel, id)",
            """
            CREATE TABLE contact_preferences (
                contact_id BIGINT NOT NULL REFERENCES contacts (id),
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (contact_id, key)
            ) WITHOUT ROWID
            """,
        ]),
        Migration("0103-interactions", [
            """
            CREATE TABLE interactions (
                id INTEGER PRIMARY KEY NOT NULL,
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                contact_id BIGINT REFERENCES contacts (id),
                kind TEXT NOT NULL CHECK (kind = 'call' OR kind = 'email' OR kind = 'meeting' OR kind = 'sms' OR kind = 'letter' OR kind = 'visit' OR kind = 'complaint' OR kind = 'note'),
                direction TEXT NOT NULL CHECK (direction = 'inbound' OR direction = 'outbound' OR direction = 'internal'),
                subject TEXT,
                body TEXT,
                performed_by TEXT,
                occurred_at TEXT NOT NULL,
                created_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX interactions_account ON interactions (account_id, occurred_at, id)",
            "CREATE INDEX interactions_contact ON interactions (contact_id, occurred_at, id)",
            "CREATE INDEX interactions_occurred ON interactions (occurred_at, id)",
            """
            CREATE TABLE interaction_links (
                interaction_id BIGINT NOT NULL REFERENCES interactions (id),
                position INTEGER NOT NULL,
                record_type TEXT NOT NULL,
                record_id TEXT NOT NULL,
                PRIMARY KEY (interaction_id, position)
            ) WITHOUT ROWID
            """,
        ]),
        // Tags and addresses move into the account row as JSON arrays: they
        // are read and written only with their account, and the two child
        // tables cost two thirds of account.get and a fifth of account.create.
        // The copy needs each engine's JSON functions: a statement list per engine.
        Migration("0104-account-tags-and-addresses-inline", sqlite: [
            "ALTER TABLE accounts ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE accounts ADD COLUMN addresses_json TEXT NOT NULL DEFAULT '[]'",
            """
            UPDATE accounts SET tags_json = (
                SELECT json_group_array(tag) FROM (SELECT tag FROM account_tags t WHERE t.account_id = accounts.id ORDER BY tag)
            ) WHERE id IN (SELECT account_id FROM account_tags)
            """,
            """
            UPDATE accounts SET addresses_json = (
                SELECT json_group_array(json_object('kind', kind, 'line1', line1, 'line2', line2, 'city', city,
                                                    'region', region, 'postal_code', postal_code, 'country', country))
                FROM (SELECT * FROM account_addresses d WHERE d.account_id = accounts.id ORDER BY position)
            ) WHERE id IN (SELECT account_id FROM account_addresses)
            """,
            "DROP TABLE account_tags",
            "DROP TABLE account_addresses",
        ], postgresql: [
            "ALTER TABLE accounts ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE accounts ADD COLUMN addresses_json TEXT NOT NULL DEFAULT '[]'",
            """
            UPDATE accounts SET tags_json = (
                SELECT CAST(json_agg(tag ORDER BY tag) AS TEXT) FROM account_tags t WHERE t.account_id = accounts.id
            ) WHERE id IN (SELECT account_id FROM account_tags)
            """,
            """
            UPDATE accounts SET addresses_json = (
                SELECT CAST(json_agg(json_build_object('kind', kind, 'line1', line1, 'line2', line2, 'city', city,
                                                       'region', region, 'postal_code', postal_code, 'country', country)
                                     ORDER BY position) AS TEXT)
                FROM account_addresses d WHERE d.account_id = accounts.id
            ) WHERE id IN (SELECT account_id FROM account_addresses)
            """,
            "DROP TABLE account_tags",
            "DROP TABLE account_addresses",
        ]),
        // contact.erase: when a contact's personal data was erased.
        Migration("0105-contact-erasure", [
            "ALTER TABLE contacts ADD COLUMN erased_at TEXT",
        ]),
    ]
}
