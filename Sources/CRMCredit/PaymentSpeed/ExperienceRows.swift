import CRMStore

/// Derives the rows of `credit_experiences` and `credit_settlements` from
/// the document chain's tables, with one SQL text whether it is one invoice
/// (the observer, in the transaction of the change), one account or the
/// whole book (`credit.recompute`): delete the rows, insert them again.
/// `credit_open_invoices` keeps what each open invoice (issued or partly
/// paid, with issue and due dates) owes now, for scores as of today.
///
/// An experience is a live allocation (not reversed, its payment not
/// reversed; credit-note offsets count, a credit note against its own
/// invoice does not) to an invoice that is not a draft and has issue and due
/// dates; the allocations of one invoice on one day are one row. A
/// settlement is an invoice that is paid or credited, settled on the latest
/// of its live allocations' days and its issued credit notes' days.
public enum ExperienceRows {
    /// Which rows to derive: one invoice, one account, or all of them.
    public enum Scope: Sendable {
        case invoice(Int64)
        case account(Int64)
        case book
    }

    /// The events of the document chain after which an invoice's
    /// allocations, credit notes or dates may have changed.
    public static let events = [
        "invoice.paid", "invoice.reopened", "invoice.credited", "invoice.recorded", "invoice.issued",
        "invoice.updated", "invoice.deleted",
    ]

    /// Re-derives the invoice of an event (the record is the invoice, with
    /// its id) and keeps the scores of the accounts its rows belong to,
    /// before and after (`CreditScoreSummaries.derive`).
    public static let observer = ChangeObserver(events) { store, _, record in
        guard case .integer(let id)? = record["id"] else { return }
        try CreditScoreSummaries.derive(store, invoiceID: id)
    }

    /// The whole days from `start` to `end` (two 'YYYY-MM-DD' texts) on this engine.
    static func days(_ kind: EngineKind, _ end: String, _ start: String) -> String {
        switch kind {
        case .sqlite: return "CAST(julianday(\(end)) - julianday(\(start)) AS INTEGER)"
        case .postgresql: return "(CAST(\(end) AS DATE) - CAST(\(start) AS DATE))"
        }
    }

    /// The condition and values restricting invoices `i` to `scope`.
    static func filter(_ scope: Scope) -> (String, [SQLValue]) {
        switch scope {
        case .invoice(let id): return ("i.id = ?", [.integer(id)])
        case .account(let id): return ("i.account_id = ?", [.integer(id)])
        case .book: return ("1 = 1", [])
        }
    }

    /// Deletes and re-inserts the rows of `scope`; answers how many
    /// experience and settlement rows it wrote.
    @discardableResult
    public static func derive(_ store: Store, _ scope: Scope) throws -> (experiences: Int, settlements: Int, open: Int) {
        let connection = store.connection
        switch scope {
        case .invoice(let id):
            try connection.run("DELETE FROM credit_experiences WHERE invoice_id = ?", [.integer(id)])
            try connection.run("DELETE FROM credit_settlements WHERE invoice_id = ?", [.integer(id)])
            try connection.run("DELETE FROM credit_open_invoices WHERE invoice_id = ?", [.integer(id)])
        case .account(let id):
            try connection.run("DELETE FROM credit_experiences WHERE account_id = ?", [.integer(id)])
            try connection.run("DELETE FROM credit_settlements WHERE account_id = ?", [.integer(id)])
            try connection.run("DELETE FROM credit_open_invoices WHERE account_id = ?", [.integer(id)])
        case .book:
            try connection.run("DELETE FROM credit_experiences", [])
            try connection.run("DELETE FROM credit_settlements", [])
            try connection.run("DELETE FROM credit_open_invoices", [])
        }
        let kind = connection.kind
        let (condition, values) = filter(scope)
        let experiences = try connection.run(
            """
            INSERT INTO credit_experiences (account_id, currency, settled_on, invoice_id, days_beyond_terms, days_to_pay, amount_minor)
            SELECT i.account_id, i.currency, a.allocated_on, i.id, \(days(kind, "a.allocated_on", "i.due_on")),
                \(days(kind, "a.allocated_on", "i.issued_on")), CAST(SUM(a.amount_minor) AS BIGINT)
            FROM invoices i
            JOIN payment_allocations a ON a.invoice_id = i.id
            LEFT JOIN payments p ON p.id = a.payment_id
            LEFT JOIN credit_notes n ON n.id = a.credit_note_id
            WHERE \(condition) AND i.status <> ? AND i.due_on IS NOT NULL AND i.issued_on IS NOT NULL AND a.reversed = ?
              AND (p.id IS NULL OR p.status <> ?) AND (n.id IS NULL OR n.invoice_id <> i.id)
            GROUP BY i.account_id, i.currency, a.allocated_on, i.id, i.due_on, i.issued_on
            """, values + [.text("draft"), .integer(0), .text("reversed")])
        // One aggregate per invoice: the latest live allocation and the latest
        // issued credit note (the LEFT JOINs may pair them up; MAX does not mind).
        let settlements = try connection.run(
            """
            INSERT INTO credit_settlements (invoice_id, account_id, currency, settled_on, due_on, days_beyond_terms, total_minor)
            SELECT id, account_id, currency, settled_on, due_on, \(days(kind, "settled_on", "due_on")), total_minor FROM (
                SELECT id, account_id, currency, due_on, total_minor,
                    CASE WHEN paid_on IS NULL THEN credited_on
                         WHEN credited_on IS NULL OR paid_on >= credited_on THEN paid_on
                         ELSE credited_on END AS settled_on
                FROM (
                    SELECT i.id, i.account_id, i.currency, i.due_on, i.total_minor,
                        MAX(a.allocated_on) AS paid_on, MAX(c.issued_on) AS credited_on
                    FROM invoices i
                    LEFT JOIN payment_allocations a ON a.invoice_id = i.id AND a.reversed = ?
                        AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = a.payment_id AND p.status = ?)
                        AND NOT EXISTS (SELECT 1 FROM credit_notes n WHERE n.id = a.credit_note_id AND n.invoice_id = i.id)
                    LEFT JOIN credit_notes c ON c.invoice_id = i.id AND c.status = ?
                    WHERE \(condition) AND (i.status = ? OR i.status = ?) AND i.due_on IS NOT NULL
                    GROUP BY i.id, i.account_id, i.currency, i.due_on, i.total_minor
                ) s
            ) t
            WHERE settled_on IS NOT NULL
            """, [.integer(0), .text("reversed"), .text("issued")] + values + [.text("paid"), .text("credited")])
        let open = try connection.run(
            """
            INSERT INTO credit_open_invoices (account_id, currency, due_on, invoice_id, issued_on, open_minor)
            SELECT i.account_id, i.currency, i.due_on, i.id, i.issued_on, i.total_minor - i.paid_minor - i.credited_minor
            FROM invoices i
            WHERE \(condition) AND (i.status = ? OR i.status = ?) AND i.due_on IS NOT NULL AND i.issued_on IS NOT NULL
              AND i.total_minor - i.paid_minor - i.credited_minor > ?
            """, values + [.text("issued"), .text("partially_paid"), .integer(0)])
        return (experiences, settlements, open)
    }
}
