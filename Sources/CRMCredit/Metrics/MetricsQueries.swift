import CRMStore

/// The SQL of `ar.metrics` (and of `account.rank` by billing and DSO): credit
/// sales, allocations and settled invoices in a window. Every value is
/// bound; sums are taken in Swift.
enum MetricsQueries {
    /// One invoice issued (a credit sale): its account, day and total.
    struct Sale {
        var accountID: Int64
        var issuedOn: CalendarDate
        var totalMinor: Int64
    }

    /// The invoices (not drafts) in `currency` issued from `from` to `to`,
    /// of one account or of the book.
    static func sales(_ store: Store, accountID: Int64?, currency: String, from: CalendarDate, to: CalendarDate) throws -> [Sale] {
        var scope = ListConditions()
        scope.equal("account_id", accountID)
        return try store.connection.rows(
            """
            SELECT account_id, issued_on, total_minor FROM invoices
            WHERE status <> ? AND currency = ? AND issued_on >= ? AND issued_on <= ?\(scope.sql)
            """,
            [.text("draft"), .text(currency), .text(from.description), .text(to.description)] + scope.values) { row in
            guard let issuedOn = CalendarDate(row.text(1)) else { return nil }
            return Sale(accountID: row.integer(0), issuedOn: issuedOn, totalMinor: row.integer(2))
        }.compactMap { $0 }
    }

    /// One allocation to an invoice: the amount, the day it was allocated
    /// and the day its invoice was issued.
    struct Allocation {
        var amountMinor: Int64
        var allocatedOn: CalendarDate
        var issuedOn: CalendarDate
    }

    /// The allocations (of payments and of credit notes) made from `from` to
    /// `to` to the invoices in `currency` of one account or of the book, as
    /// they stood on `to`: a reversed payment's only when it was reversed
    /// after `to`.
    static func allocations(_ store: Store, accountID: Int64?, currency: String, from: CalendarDate, to: CalendarDate) throws -> [Allocation] {
        let end = SQLValue.text(to.description)
        var scope = ListConditions()
        scope.equal("i.account_id", accountID)
        return try store.connection.rows(
            """
            SELECT a.amount_minor, a.allocated_on, i.issued_on FROM payment_allocations a
            JOIN invoices i ON i.id = a.invoice_id
            LEFT JOIN payments p ON p.id = a.payment_id
            WHERE i.currency = ? AND i.status <> ?
              AND a.allocated_on >= ? AND a.allocated_on <= ? AND (a.reversed = ? OR p.reversed_on > ?)\(scope.sql)
            """,
            [.text(currency), .text("draft"), .text(from.description), end, .integer(0), end] + scope.values) { row in
            guard let allocatedOn = CalendarDate(row.text(1)), let issuedOn = CalendarDate(row.text(2)) else { return nil }
            return Allocation(amountMinor: row.integer(0), allocatedOn: allocatedOn, issuedOn: issuedOn)
        }.compactMap { $0 }
    }

    /// An invoice fully settled by `to`: its total, due day and the day it
    /// became settled (the latest of its allocations' `allocated_on` and its
    /// credit notes' `issued_on`).
    struct Settled {
        var totalMinor: Int64
        var dueOn: CalendarDate
        var settledOn: CalendarDate
    }

    /// The invoices in `currency` (of one account or of the book) fully
    /// settled on `to` (payments and credit-note offsets allocated by then,
    /// a reversed payment's while it stood, and credit notes issued by then
    /// less what they were applied elsewhere, cover the total) whose last
    /// settling record is dated from `from` to `to`. An invoice without a due
    /// date is due on its issue day.
    static func settled(_ store: Store, accountID: Int64?, currency: String, from: CalendarDate, to: CalendarDate) throws -> [Settled] {
        let date = SQLValue.text(to.description)
        var scope = ListConditions()
        scope.equal("i.account_id", accountID)
        let rows = try store.connection.rows(
            """
            SELECT total_minor, due_on, issued_on, last_allocated_on, last_note_on FROM (
                SELECT i.total_minor, i.due_on, i.issued_on,
                    COALESCE((SELECT CAST(SUM(a.amount_minor) AS BIGINT) FROM payment_allocations a
                              LEFT JOIN payments p ON p.id = a.payment_id
                              WHERE a.invoice_id = i.id AND a.allocated_on <= ? AND (a.reversed = ? OR p.reversed_on > ?)), 0)
                        AS paid_minor,
                    (SELECT MAX(a.allocated_on) FROM payment_allocations a
                     LEFT JOIN payments p ON p.id = a.payment_id
                     WHERE a.invoice_id = i.id AND a.allocated_on <= ? AND (a.reversed = ? OR p.reversed_on > ?))
                        AS last_allocated_on,
                    COALESCE((SELECT CAST(SUM(n.total_minor) AS BIGINT) FROM credit_notes n
                              WHERE n.invoice_id = i.id AND n.status = ? AND n.issued_on <= ?), 0) AS notes_minor,
                    (SELECT MAX(n.issued_on) FROM credit_notes n
                     WHERE n.invoice_id = i.id AND n.status = ? AND n.issued_on <= ?) AS last_note_on,
                    COALESCE((SELECT CAST(SUM(a.amount_minor) AS BIGINT) FROM payment_allocations a
                              JOIN credit_notes n ON n.id = a.credit_note_id
                              WHERE n.invoice_id = i.id AND a.allocated_on <= ?), 0) AS applied_minor
                FROM invoices i
                WHERE i.status <> ? AND i.currency = ? AND i.issued_on <= ? AND i.total_minor > ?\(scope.sql)
            ) t
            WHERE paid_minor + notes_minor - applied_minor >= total_minor
            """,
            [date, .integer(0), date, date, .integer(0), date, .text("issued"), date, .text("issued"), date, date,
             .text("draft"), .text(currency), date, .integer(0)] + scope.values) { row in
            (row.integer(0), row.optionalText(1), row.text(2), row.optionalText(3), row.optionalText(4))
        }
        var result: [Settled] = []
        for (total, due, issued, lastAllocated, lastNote) in rows {
            let days = [lastAllocated, lastNote].compactMap { $0.flatMap { CalendarDate($0) } }
            guard let settledOn = days.max(), settledOn >= from,
                  let dueOn = due.flatMap({ CalendarDate($0) }) ?? CalendarDate(issued) else { continue }
            result.append(Settled(totalMinor: total, dueOn: dueOn, settledOn: settledOn))
        }
        return result
    }
}
