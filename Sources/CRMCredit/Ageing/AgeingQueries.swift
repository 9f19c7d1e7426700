import CRMStore

/// The SQL of `ar.ageing`. Every value is bound; sums are taken in Swift
/// (PostgreSQL's SUM of a BIGINT is a NUMERIC).
enum AgeingQueries {
    /// The statuses of an invoice that is a receivable (a draft is not one;
    /// paid and credited ones owe nothing).
    static let openStatuses: [SQLValue] = [.text("issued"), .text("partially_paid")]

    /// The currency asked about: the one sent; else the account's; else the
    /// one currency the book's open invoices are in (ZAR when none are open).
    /// - Throws: `.invalid` when the book's open invoices are in several.
    static func currency(_ store: Store, sent: String?, accountID: Int64?, asOf: CalendarDate, context: String) throws -> String {
        if let sent {
            guard let known = Currency(code: sent) else {
                throw CRMError.invalid("\(context): currency '\(sent)' is not an active ISO 4217 currency code such as ZAR")
            }
            return known.code
        }
        if let accountID {
            let stored = try store.connection.row("SELECT currency FROM accounts WHERE id = ?", [.integer(accountID)]) { $0.optionalText(0) }
            return (stored ?? nil).flatMap { Currency(code: $0)?.code } ?? "ZAR"
        }
        let codes = try store.connection.rows(
            """
            SELECT DISTINCT currency FROM invoices
            WHERE (status = ? OR status = ?) AND total_minor - paid_minor - credited_minor > ? AND issued_on <= ?
            ORDER BY currency
            """, openStatuses + [.integer(0), .text(asOf.description)]) { $0.text(0) }
        if codes.count > 1 {
            throw CRMError.invalid("\(context): currency is required: the open invoices are in \(codes.joined(separator: ", "))")
        }
        return codes.first ?? "ZAR"
    }

    struct OpenInvoice {
        var accountID: Int64
        var dueOn: CalendarDate?
        var openMinor: Int64
    }

    /// Issued and partly paid invoices issued on or before `asOf` with
    /// something owed (total less paid less credited, as they stand now).
    static func openInvoices(_ store: Store, accountID: Int64?, currency: String, asOf: CalendarDate) throws -> [OpenInvoice] {
        try store.connection.rows(
            """
            SELECT account_id, due_on, total_minor - paid_minor - credited_minor FROM invoices
            WHERE (status = ? OR status = ?) AND currency = ? AND issued_on <= ?
              AND total_minor - paid_minor - credited_minor > ? AND (? IS NULL OR account_id = ?)
            """,
            openStatuses + [.text(currency), .text(asOf.description), .integer(0), .integer(accountID), .integer(accountID)]) {
            OpenInvoice(accountID: $0.integer(0), dueOn: $0.optionalText(1).flatMap { CalendarDate($0) }, openMinor: $0.integer(2))
        }
    }

    /// The open amount of issued credit notes (issued on or before `asOf`)
    /// by account, as `credit_note.apply` reckons it: per invoice, the least
    /// of what its notes have not applied elsewhere and what its credits and
    /// payments exceed its total by.
    static func openCreditNotes(_ store: Store, accountID: Int64?, currency: String, asOf: CalendarDate) throws -> [Int64: Int128] {
        let applied = try store.connection.rows(
            """
            SELECT a.credit_note_id, a.amount_minor FROM payment_allocations a JOIN credit_notes n ON n.id = a.credit_note_id
            WHERE a.reversed = ? AND n.currency = ? AND (? IS NULL OR n.account_id = ?)
            """, [.integer(0), .text(currency), .integer(accountID), .integer(accountID)]) { ($0.integer(0), $0.integer(1)) }
        var appliedByNote: [Int64: Int128] = [:]
        for (note, amount) in applied { appliedByNote[note, default: 0] += Int128(amount) }
        let notes = try store.connection.rows(
            """
            SELECT n.id, n.account_id, n.total_minor, i.id, i.total_minor, i.paid_minor, i.credited_minor
            FROM credit_notes n JOIN invoices i ON i.id = n.invoice_id
            WHERE n.status = ? AND n.currency = ? AND n.issued_on <= ? AND (? IS NULL OR n.account_id = ?)
            """, [.text("issued"), .text(currency), .text(asOf.description), .integer(accountID), .integer(accountID)]) {
            (note: $0.integer(0), account: $0.integer(1), total: $0.integer(2), invoice: $0.integer(3),
             excess: max(0, Int128($0.integer(6)) + Int128($0.integer(5)) - Int128($0.integer(4))))
        }
        var unapplied: [Int64: (account: Int64, amount: Int128, excess: Int128)] = [:]
        for note in notes {
            let left = max(0, Int128(note.total) - (appliedByNote[note.note] ?? 0))
            unapplied[note.invoice, default: (note.account, 0, note.excess)].amount += left
        }
        var result: [Int64: Int128] = [:]
        for (_, invoice) in unapplied {
            let open = min(invoice.amount, invoice.excess)
            if open > 0 { result[invoice.account, default: 0] += open }
        }
        return result
    }

    /// What recorded (not reversed) payments received on or before `asOf`
    /// keep unallocated and unrefunded, by account.
    static func unallocatedPayments(_ store: Store, accountID: Int64?, currency: String, asOf: CalendarDate) throws -> [Int64: Int128] {
        let rows = try store.connection.rows(
            """
            SELECT account_id, amount_minor - allocated_minor - refunded_minor FROM payments
            WHERE status = ? AND currency = ? AND received_on <= ?
              AND amount_minor - allocated_minor - refunded_minor > ? AND (? IS NULL OR account_id = ?)
            """, [.text("recorded"), .text(currency), .text(asOf.description), .integer(0), .integer(accountID), .integer(accountID)]) {
            ($0.integer(0), $0.integer(1))
        }
        var result: [Int64: Int128] = [:]
        for (account, amount) in rows { result[account, default: 0] += Int128(amount) }
        return result
    }
}
