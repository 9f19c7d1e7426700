import CRMStore

/// What an account has at stake on a date, in one currency: its open
/// receivables (the overdue part beyond N days apart), the accepted work not
/// yet invoiced, and the document in hand.
struct CreditExposure {
    var openReceivables: Int128 = 0
    var overdue: Int128 = 0
    var uninvoiced: Int128 = 0
    var document: Int128 = 0
    var total: Int128 { openReceivables + uninvoiced + document }

    /// The document a step is about: a quote being accepted, the quote a job
    /// card is made from (the card has no id yet), an invoice being issued.
    struct Document {
        var type: String?
        var id: Int64?
        var amountMinor: Int64
        var currency: String?
    }

    /// Reads the figures. `overdueDays`: an invoice counts as overdue when its
    /// due date is more than that many days before `asOf`. The document in
    /// hand is left out of the other figures (it is counted once, as itself);
    /// an amount in another currency than `currency` is not counted.
    static func read(_ store: Store, accountID: Int64, currency: String, asOf: CalendarDate, overdueDays: Int64,
                     document: Document?) throws -> CreditExposure {
        var exposure = CreditExposure()
        let open: [(Int64, Int64, Int64, Int64, String?)] = try store.connection.rows(
            """
            SELECT id, total_minor, paid_minor, credited_minor, due_on FROM invoices
            WHERE account_id = ? AND currency = ? AND (status = ? OR status = ?)
            """, [.integer(accountID), .text(currency), .text("issued"), .text("partially_paid")]) {
            ($0.integer(0), $0.integer(1), $0.integer(2), $0.integer(3), $0.optionalText(4))
        }
        for (_, total, paid, credited, dueOn) in open {
            let outstanding = max(0, Int128(total) - Int128(paid) - Int128(credited))
            exposure.openReceivables += outstanding
            if let due = dueOn.flatMap(CalendarDate.init), asOf.daysSinceEpoch - due.daysSinceEpoch > overdueDays {
                exposure.overdue += outstanding
            }
        }
        let quoteInHand = document?.type == "quote" ? document?.id : nil
        let invoiceInHand = document?.type == "invoice" ? document?.id : nil
        // Accepted quotes that no live job card took over, less what their invoices billed (net of credit notes).
        let quotes: [(Int64, Int64)] = try store.connection.rows(
            """
            SELECT q.total_minor, COALESCE((SELECT CAST(SUM(i.total_minor - i.credited_minor) AS BIGINT) FROM invoices i
                                            WHERE i.quote_id = q.id AND (i.status <> ? OR i.id = ?)), 0)
            FROM quotes q
            WHERE q.account_id = ? AND q.currency = ? AND q.status = ? AND (? IS NULL OR q.id <> ?)
              AND NOT EXISTS (SELECT 1 FROM jobcards j WHERE j.quote_id = q.id AND j.status <> ?)
            """, [.text("draft"), .integer(invoiceInHand), .integer(accountID), .text(currency), .text("accepted"),
                  .integer(quoteInHand), .integer(quoteInHand), .text("cancelled")]) { ($0.integer(0), $0.integer(1)) }
        // Live job cards, less what their invoices billed (net of credit notes: what a note gave back may be invoiced again).
        let cards: [(Int64, Int64)] = try store.connection.rows(
            """
            SELECT j.total_minor, COALESCE((SELECT CAST(SUM(i.total_minor - i.credited_minor) AS BIGINT) FROM invoices i
                                            WHERE i.jobcard_id = j.id AND (i.status <> ? OR i.id = ?)), 0)
            FROM jobcards j
            WHERE j.account_id = ? AND j.currency = ? AND j.status <> ? AND j.status <> ?
            """, [.text("draft"), .integer(invoiceInHand), .integer(accountID), .text(currency), .text("cancelled"),
                  .text("invoiced")]) { ($0.integer(0), $0.integer(1)) }
        for (total, billed) in quotes + cards {
            exposure.uninvoiced += max(0, Int128(total) - Int128(billed))
        }
        if let document, document.currency == nil || document.currency == currency {
            exposure.document = Int128(document.amountMinor)
        }
        return exposure
    }
}
