import CRMStore

/// The schema of the document chain: the catalogue, quotes, job cards,
/// invoices, credit notes and payments. Migrations 0300-0399.
public enum DocumentsSchema {
    public static let migrations: [Migration] = [
        Migration("0301-products", [
            """
            CREATE TABLE products (
                id INTEGER PRIMARY KEY NOT NULL,
                code TEXT NOT NULL,
                code_key TEXT NOT NULL,
                name TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind = 'part' OR kind = 'labour' OR kind = 'service' OR kind = 'goods'),
                unit TEXT NOT NULL,
                unit_price_minor BIGINT NOT NULL CHECK (unit_price_minor >= 0),
                currency TEXT NOT NULL,
                tax_rate_bp INTEGER NOT NULL CHECK (tax_rate_bp >= 0 AND tax_rate_bp <= 10000),
                revenue_account TEXT,
                warranty_months INTEGER NOT NULL CHECK (warranty_months >= 0 AND warranty_months <= 600),
                archived_at TEXT,
                version INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX products_code_key ON products (code_key)",
            "CREATE INDEX products_kind ON products (kind, id)",
        ]),
        // The lines of every document kind: quote, jobcard, invoice, credit_note.
        Migration("0302-document-lines", [
            """
            CREATE TABLE document_lines (
                document_type TEXT NOT NULL,
                document_id BIGINT NOT NULL,
                position INTEGER NOT NULL,
                product_id BIGINT REFERENCES products (id),
                description TEXT NOT NULL,
                quantity_milli BIGINT NOT NULL,
                unit_price_minor BIGINT NOT NULL,
                discount_bp INTEGER NOT NULL CHECK (discount_bp >= 0 AND discount_bp <= 10000),
                tax_rate_bp INTEGER NOT NULL CHECK (tax_rate_bp >= 0 AND tax_rate_bp <= 10000),
                net_minor BIGINT NOT NULL,
                tax_minor BIGINT NOT NULL,
                PRIMARY KEY (document_type, document_id, position)
            ) WITHOUT ROWID
            """,
        ]),
        // Quotes: a revision is a row of its own; its lines are in document_lines ("quote").
        Migration("0303-quotes", [
            """
            CREATE TABLE quotes (
                id INTEGER PRIMARY KEY NOT NULL,
                number TEXT NOT NULL,
                base_number TEXT NOT NULL,
                revision INTEGER NOT NULL CHECK (revision >= 1),
                revision_of BIGINT REFERENCES quotes (id),
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                contact_id BIGINT REFERENCES contacts (id),
                opportunity_id BIGINT,
                status TEXT NOT NULL CHECK (status = 'draft' OR status = 'sent' OR status = 'accepted' OR status = 'declined'
                    OR status = 'expired' OR status = 'superseded'),
                currency TEXT NOT NULL,
                issued_on TEXT,
                valid_until TEXT,
                subtotal_minor BIGINT NOT NULL,
                tax_minor BIGINT NOT NULL,
                total_minor BIGINT NOT NULL,
                notes TEXT,
                decline_reason TEXT,
                sent_at TEXT,
                accepted_on TEXT,
                accepted_at TEXT,
                declined_at TEXT,
                expired_at TEXT,
                superseded_at TEXT,
                version INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX quotes_number ON quotes (number)",
            "CREATE INDEX quotes_account ON quotes (account_id, id)",
            "CREATE INDEX quotes_opportunity ON quotes (opportunity_id, id)",
            "CREATE INDEX quotes_status ON quotes (status, id)",
        ]),
        // The account of the host's chart each posting role goes to (0303
        // and 0304 are the quotes' and the job cards').
        Migration("0305-ledger-mapping", [
            """
            CREATE TABLE ledger_mapping (
                role TEXT PRIMARY KEY NOT NULL,
                account TEXT NOT NULL
            )
            """,
        ]),
    ]
}
