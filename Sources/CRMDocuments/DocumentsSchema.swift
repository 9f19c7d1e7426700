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
        // Job cards (work orders): the card, its technicians (one row each, for
        // the technician filter) and its labour entries; its parts are
        // document_lines of type "jobcard".
        Migration("0304-jobcards", [
            """
            CREATE TABLE jobcards (
                id INTEGER PRIMARY KEY NOT NULL,
                number TEXT NOT NULL,
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                contact_id BIGINT REFERENCES contacts (id),
                quote_id BIGINT,
                opportunity_id BIGINT,
                status TEXT NOT NULL CHECK (status = 'open' OR status = 'scheduled' OR status = 'in_progress'
                    OR status = 'on_hold' OR status = 'completed' OR status = 'invoiced' OR status = 'cancelled'),
                currency TEXT NOT NULL,
                scheduled_on TEXT,
                scheduled_at TEXT,
                site TEXT,
                asset_description TEXT,
                serial_number TEXT,
                warranty INTEGER NOT NULL,
                description TEXT,
                tasks TEXT NOT NULL,
                hold_reason TEXT,
                signed_by TEXT,
                signed_at TEXT,
                completed_at TEXT,
                cancel_reason TEXT,
                cancelled_at TEXT,
                invoice_id BIGINT,
                invoiced_at TEXT,
                subtotal_minor BIGINT NOT NULL,
                tax_minor BIGINT NOT NULL,
                total_minor BIGINT NOT NULL,
                version INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX jobcards_number ON jobcards (number)",
            "CREATE INDEX jobcards_account ON jobcards (account_id, id)",
            "CREATE INDEX jobcards_status ON jobcards (status, id)",
            "CREATE INDEX jobcards_scheduled ON jobcards (scheduled_on, id)",
            "CREATE INDEX jobcards_quote ON jobcards (quote_id)",
            """
            CREATE TABLE jobcard_technicians (
                jobcard_id BIGINT NOT NULL REFERENCES jobcards (id),
                position INTEGER NOT NULL,
                name TEXT NOT NULL,
                name_key TEXT NOT NULL,
                PRIMARY KEY (jobcard_id, position)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX jobcard_technicians_name ON jobcard_technicians (name_key, jobcard_id)",
            """
            CREATE TABLE jobcard_labour (
                jobcard_id BIGINT NOT NULL REFERENCES jobcards (id),
                position INTEGER NOT NULL,
                technician TEXT NOT NULL,
                minutes INTEGER NOT NULL CHECK (minutes >= 1 AND minutes <= 1440),
                worked_on TEXT NOT NULL,
                product_id BIGINT REFERENCES products (id),
                description TEXT NOT NULL,
                unit_price_minor BIGINT NOT NULL,
                tax_rate_bp INTEGER NOT NULL CHECK (tax_rate_bp >= 0 AND tax_rate_bp <= 10000),
                quantity_milli BIGINT NOT NULL,
                net_minor BIGINT NOT NULL,
                tax_minor BIGINT NOT NULL,
                PRIMARY KEY (jobcard_id, position)
            ) WITHOUT ROWID
            """,
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
        // The gapless number series of issued documents (NumberSeries).
        Migration("0306-number-series", [
            """
            CREATE TABLE number_series (
                series TEXT PRIMARY KEY NOT NULL,
                prefix TEXT NOT NULL,
                next_number BIGINT NOT NULL CHECK (next_number >= 1),
                width INTEGER NOT NULL CHECK (width >= 1 AND width <= 12)
            )
            """,
            "INSERT INTO number_series (series, prefix, next_number, width) VALUES ('invoice', 'INV-', 1, 6)",
            "INSERT INTO number_series (series, prefix, next_number, width) VALUES ('credit_note', 'CN-', 1, 6)",
        ]),
        // Invoices; their lines are document_lines ("invoice"); invoice_sources
        // names the job card or quote line each line invoices and how much of it,
        // so no more is invoiced than was done or quoted.
        Migration("0307-invoices", [
            """
            CREATE TABLE invoices (
                id INTEGER PRIMARY KEY NOT NULL,
                number TEXT,
                status TEXT NOT NULL CHECK (status = 'draft' OR status = 'issued' OR status = 'partially_paid'
                    OR status = 'paid' OR status = 'credited'),
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                contact_id BIGINT REFERENCES contacts (id),
                jobcard_id BIGINT,
                quote_id BIGINT,
                currency TEXT NOT NULL,
                issued_on TEXT,
                due_on TEXT,
                subtotal_minor BIGINT NOT NULL,
                tax_minor BIGINT NOT NULL,
                total_minor BIGINT NOT NULL,
                credited_minor BIGINT NOT NULL,
                paid_minor BIGINT NOT NULL,
                recorded INTEGER NOT NULL,
                notes TEXT,
                issued_at TEXT,
                version INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX invoices_number ON invoices (recorded, number)",
            "CREATE INDEX invoices_account ON invoices (account_id, id)",
            "CREATE INDEX invoices_status ON invoices (status, id)",
            "CREATE INDEX invoices_jobcard ON invoices (jobcard_id)",
            "CREATE INDEX invoices_quote ON invoices (quote_id)",
            """
            CREATE TABLE invoice_sources (
                invoice_id BIGINT NOT NULL REFERENCES invoices (id),
                position INTEGER NOT NULL,
                source_type TEXT NOT NULL,
                source_id BIGINT NOT NULL,
                source_position INTEGER NOT NULL,
                quantity_milli BIGINT NOT NULL,
                PRIMARY KEY (invoice_id, position)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX invoice_sources_source ON invoice_sources (source_type, source_id, source_position)",
        ]),
        // Credit notes against an invoice; their lines are document_lines
        // ("credit_note"); credit_note_sources names the invoice line each
        // credits, so no more is credited than was invoiced.
        Migration("0308-credit-notes", [
            """
            CREATE TABLE credit_notes (
                id INTEGER PRIMARY KEY NOT NULL,
                number TEXT,
                status TEXT NOT NULL CHECK (status = 'draft' OR status = 'issued'),
                invoice_id BIGINT NOT NULL REFERENCES invoices (id),
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                currency TEXT NOT NULL,
                issued_on TEXT,
                subtotal_minor BIGINT NOT NULL,
                tax_minor BIGINT NOT NULL,
                total_minor BIGINT NOT NULL,
                recorded INTEGER NOT NULL,
                reason TEXT,
                issued_at TEXT,
                version INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX credit_notes_number ON credit_notes (recorded, number)",
            "CREATE INDEX credit_notes_invoice ON credit_notes (invoice_id, id)",
            "CREATE INDEX credit_notes_account ON credit_notes (account_id, id)",
            """
            CREATE TABLE credit_note_sources (
                credit_note_id BIGINT NOT NULL REFERENCES credit_notes (id),
                position INTEGER NOT NULL,
                invoice_id BIGINT NOT NULL,
                invoice_position INTEGER NOT NULL,
                quantity_milli BIGINT NOT NULL,
                net_minor BIGINT NOT NULL,
                tax_minor BIGINT NOT NULL,
                PRIMARY KEY (credit_note_id, position)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX credit_note_sources_invoice ON credit_note_sources (invoice_id, invoice_position)",
        ]),
        // Payments: allocated to invoices (payment_allocations, which also
        // hold credit notes' offsets: payment_id or credit_note_id), the rest
        // unallocated credit (amount − allocated − refunded, derived).
        Migration("0309-payments", [
            """
            CREATE TABLE payments (
                id INTEGER PRIMARY KEY NOT NULL,
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
                currency TEXT NOT NULL,
                received_on TEXT NOT NULL,
                method TEXT NOT NULL CHECK (method = 'eft' OR method = 'cash' OR method = 'card' OR method = 'cheque'
                    OR method = 'debit_order' OR method = 'other'),
                reference TEXT,
                allocated_minor BIGINT NOT NULL CHECK (allocated_minor >= 0),
                refunded_minor BIGINT NOT NULL CHECK (refunded_minor >= 0),
                status TEXT NOT NULL CHECK (status = 'recorded' OR status = 'reversed'),
                reversed_on TEXT,
                reversal_reason TEXT,
                version INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX payments_account ON payments (account_id, id)",
            "CREATE INDEX payments_status ON payments (status, id)",
            """
            CREATE TABLE payment_allocations (
                id INTEGER PRIMARY KEY NOT NULL,
                payment_id BIGINT REFERENCES payments (id),
                credit_note_id BIGINT REFERENCES credit_notes (id),
                invoice_id BIGINT NOT NULL REFERENCES invoices (id),
                amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
                allocated_on TEXT NOT NULL,
                reversed INTEGER NOT NULL CHECK (reversed = 0 OR reversed = 1),
                created_at TEXT NOT NULL,
                CHECK (payment_id IS NOT NULL OR credit_note_id IS NOT NULL)
            )
            """,
            "CREATE INDEX payment_allocations_payment ON payment_allocations (payment_id, id)",
            "CREATE INDEX payment_allocations_invoice ON payment_allocations (invoice_id, id)",
            "CREATE INDEX payment_allocations_credit_note ON payment_allocations (credit_note_id, id)",
            """
            CREATE TABLE payment_refunds (
                id INTEGER PRIMARY KEY NOT NULL,
                payment_id BIGINT NOT NULL REFERENCES payments (id),
                amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
                refunded_on TEXT NOT NULL,
                reason TEXT,
                created_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id, id)",
        ]),
        // Oldest-first allocation reads an account's open invoices by due
        // date a page at a time; the condition is the query's, word for word.
        Migration("0310-open-invoices", [
            """
            CREATE INDEX invoices_open ON invoices (account_id, currency, COALESCE(due_on, '9999-12-31'), id)
            WHERE status = 'issued' OR status = 'partially_paid'
            """,
        ]),
        // Whether a payment's money moves write postings: false for history
        // the host's ledger holds already (payment.record {posting: false});
        // its later allocations, refunds and reversal then post nothing either.
        Migration("0311-payment-posted", [
            "ALTER TABLE payments ADD COLUMN posted INTEGER NOT NULL DEFAULT 1",
        ]),
    ]
}
