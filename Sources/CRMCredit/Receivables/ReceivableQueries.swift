import CRMStore

/// Receivables exact as of a date, rebuilt from dated records: the SQL that
/// `ar.ageing`, `ar.metrics`, `account.statement` and `account.rank` share.
/// Every value is bound; sums are taken in Swift (PostgreSQL's SUM of a
/// BIGINT is a NUMERIC).
enum ReceivableQueries {
    /// An account's (or the book's) open invoices on a date, summed: the
    /// receivables (what the invoices owe) and the current part of them (not
    /// yet due: due on or after the date, or without a due date).
    struct OpenTotals {
        var totalMinor: Int128 = 0
        var currentMinor: Int128 = 0
        /// What is past due: due before the date.
        var pastDueMinor: Int128 { totalMinor - currentMinor }
    }

    /// The receivables on `asOf` by account (`invoices`, summed).
    static func openTotals(_ store: Store, accountID: Int64?, currency: String, asOf: CalendarDate) throws -> [Int64: OpenTotals] {
        var result: [Int64: OpenTotals] = [:]
        for item in try invoices(store, accountID: accountID, currency: currency, asOf: asOf) {
            var totals = result[item.accountID] ?? OpenTotals()
            totals.totalMinor += item.openMinor
            if item.dueOn.map({ $0 >= asOf }) ?? true { totals.currentMinor += item.openMinor }
            result[item.accountID] = totals
        }
        return result
    }

    /// The receivables on `asOf` of one account, or of the book when
    /// `accountID` is nil.
    static func openTotal(_ store: Store, accountID: Int64?, currency: String, asOf: CalendarDate) throws -> OpenTotals {
        var sum = OpenTotals()
        for totals in try openTotals(store, accountID: accountID, currency: currency, asOf: asOf).values {
            sum.totalMinor += totals.totalMinor
            sum.currentMinor += totals.currentMinor
        }
        return sum
    }

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

    /// An invoice as it stood on `as_of`: what it owed, and what of its
    /// credit notes was left over (credit beyond what it owed).
    struct InvoiceAsOf {
        var id: Int64 = 0
        var accountID: Int64
        var dueOn: CalendarDate?
        var openMinor: Int128
        var openCreditMinor: Int128
    }

    /// Every invoice issued on or before `asOf` (not a draft) that was not
    /// exactly settled then, rebuilt from dated records: payments' and
    /// credit notes' allocations made on or before `asOf` (a reversed
    /// payment's while it stood: reversed after `asOf`), credit notes issued
    /// on or before it, less what they were applied to other invoices by
    /// then. Settled invoices are dropped in SQL; the subqueries use the
    /// allocation and credit-note indexes by invoice.
    static func invoices(_ store: Store, accountID: Int64?, currency: String, asOf: CalendarDate) throws -> [InvoiceAsOf] {
        let date = SQLValue.text(asOf.description)
        var scope = ListConditions()
        scope.equal("i.account_id", accountID)
        return try store.connection.rows(
            """
            SELECT account_id, due_on, total_minor, paid_minor, notes_minor, applied_minor, id FROM (
                SELECT i.id, i.account_id, i.due_on, i.total_minor,
                    COALESCE((SELECT CAST(SUM(a.amount_minor) AS BIGINT) FROM payment_allocations a
                              LEFT JOIN payments p ON p.id = a.payment_id
                              WHERE a.invoice_id = i.id AND a.allocated_on <= ? AND (a.reversed = ? OR p.reversed_on > ?)), 0)
                        AS paid_minor,
                    COALESCE((SELECT CAST(SUM(n.total_minor) AS BIGINT) FROM credit_notes n
                              WHERE n.invoice_id = i.id AND n.status = ? AND n.issued_on <= ?), 0) AS notes_minor,
                    COALESCE((SELECT CAST(SUM(a.amount_minor) AS BIGINT) FROM payment_allocations a
                              JOIN credit_notes n ON n.id = a.credit_note_id
                              WHERE n.invoice_id = i.id AND a.allocated_on <= ?), 0) AS applied_minor
                FROM invoices i
                WHERE i.status <> ? AND i.currency = ? AND i.issued_on <= ?\(scope.sql)
            ) t
            WHERE paid_minor + notes_minor - applied_minor <> total_minor
            """,
            [date, .integer(0), date, .text("issued"), date, date, .text("draft"), .text(currency), date] + scope.values) { row in
            let total = Int128(row.integer(2)), paid = Int128(row.integer(3))
            let credited = Int128(row.integer(4)) - Int128(row.integer(5))
            let open = total - paid - credited
            return InvoiceAsOf(id: row.integer(6), accountID: row.integer(0), dueOn: row.optionalText(1).flatMap { CalendarDate($0) },
                               openMinor: max(0, open), openCreditMinor: max(0, min(credited, -open)))
        }
    }

    /// What payments received on or before `asOf` (and not reversed by
    /// then) kept unallocated and unrefunded on that day, by account.
    static func unallocatedPayments(_ store: Store, accountID: Int64?, currency: String, asOf: CalendarDate) throws -> [Int64: Int128] {
        let date = SQLValue.text(asOf.description)
        var scope = ListConditions()
        scope.equal("p.account_id", accountID)
        let rows = try store.connection.rows(
            """
            SELECT account_id, unallocated_minor FROM (
                SELECT p.account_id, p.amount_minor
                    - COALESCE((SELECT CAST(SUM(a.amount_minor) AS BIGINT) FROM payment_allocations a
                                WHERE a.payment_id = p.id AND a.allocated_on <= ?), 0)
                    - COALESCE((SELECT CAST(SUM(r.amount_minor) AS BIGINT) FROM payment_refunds r
                                WHERE r.payment_id = p.id AND r.refunded_on <= ?), 0) AS unallocated_minor
                FROM payments p
                WHERE p.currency = ? AND p.received_on <= ? AND (p.reversed_on IS NULL OR p.reversed_on > ?)\(scope.sql)
            ) t
            WHERE unallocated_minor > ?
            """, [date, date, .text(currency), date, date] + scope.values + [.integer(0)]) {
            ($0.integer(0), $0.integer(1))
        }
        var result: [Int64: Int128] = [:]
        for (account, amount) in rows { result[account, default: 0] += Int128(amount) }
        return result
    }
}
