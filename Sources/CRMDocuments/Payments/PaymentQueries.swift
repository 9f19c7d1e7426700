import CRMStore

/// The SQL of payments, their allocations (payments' and credit notes'
/// offsets alike, in `payment_allocations`) and refunds.
enum PaymentQueries {
    static let columns = """
        id, account_id, amount_minor, currency, received_on, method, reference, allocated_minor, refunded_minor, status,
        reversed_on, reversal_reason, version, created_at, updated_at, posted
        """

    static func payment(_ row: Row) -> Payment {
        var payment = Payment()
        payment.id = row.integer(0)
        payment.accountID = row.integer(1)
        payment.amountMinor = row.integer(2)
        payment.currency = Currency(code: row.text(3))?.currencyCode ?? .zar
        payment.receivedOn = CalendarDate(row.text(4)) ?? Timestamp.epoch.date
        payment.method = Payment.Method(rawValue: row.text(5)) ?? .other
        payment.reference = row.optionalText(6)
        payment.allocatedMinor = row.integer(7)
        payment.refundedMinor = row.integer(8)
        payment.status = Payment.Status(rawValue: row.text(9)) ?? .recorded
        payment.reversedOn = row.optionalText(10).flatMap { CalendarDate($0) }
        payment.reversalReason = row.optionalText(11)
        payment.version = row.integer(12)
        payment.createdAt = Timestamp(rfc3339: row.text(13)) ?? .epoch
        payment.updatedAt = Timestamp(rfc3339: row.text(14)) ?? .epoch
        payment.posted = row.integer(15) != 0
        return payment
    }

    static let allocationColumns = """
        a.id, a.payment_id, a.credit_note_id, a.invoice_id, i.number, i.due_on, a.amount_minor, a.allocated_on, a.reversed
        """

    static func allocation(_ row: Row) -> Payment.Allocation {
        var allocation = Payment.Allocation()
        allocation.id = row.integer(0)
        allocation.paymentID = row.optionalInteger(1)
        allocation.creditNoteID = row.optionalInteger(2)
        allocation.invoiceID = row.integer(3)
        allocation.invoiceNumber = row.optionalText(4)
        allocation.invoiceDueOn = row.optionalText(5).flatMap { CalendarDate($0) }
        allocation.amountMinor = row.integer(6)
        allocation.allocatedOn = CalendarDate(row.text(7)) ?? Timestamp.epoch.date
        allocation.reversed = row.integer(8) != 0
        return allocation
    }

    private static func complete(_ store: Store, _ payment: inout Payment) throws {
        payment.allocations = try store.connection.rows(
            """
            SELECT \(allocationColumns) FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id
            WHERE a.payment_id = ? ORDER BY a.id
            """, [.integer(payment.id)], allocation)
        payment.refunds = try store.connection.rows(
            "SELECT id, amount_minor, refunded_on, reason FROM payment_refunds WHERE payment_id = ? ORDER BY id",
            [.integer(payment.id)]) {
            Payment.Refund(id: $0.integer(0), amountMinor: $0.integer(1), refundedOn: CalendarDate($0.text(2)) ?? Timestamp.epoch.date,
                           reason: $0.optionalText(3))
        }
    }

    static func load(_ store: Store, id: Int64) throws -> Payment? {
        guard var payment = try store.connection.row("SELECT \(columns) FROM payments WHERE id = ?", [.integer(id)], payment) else {
            return nil
        }
        try complete(store, &payment)
        payment.externalRefs = try ExternalReferences.references(store, recordType: "payment", recordID: id)
        return payment
    }

    static func require(_ store: Store, id: Int64, context: String) throws -> Payment {
        guard let payment = try load(store, id: id) else { throw CRMError.notFound("\(context): payment \(id) not found") }
        return payment
    }

    static func insert(_ store: Store, _ payment: Payment) throws {
        try store.connection.run(
            """
            INSERT INTO payments (id, account_id, amount_minor, currency, received_on, method, reference, allocated_minor,
                refunded_minor, status, reversed_on, reversal_reason, version, created_at, updated_at, posted)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(payment.id), .integer(payment.accountID), .integer(payment.amountMinor), .text(payment.currency.code),
             .text(payment.receivedOn.description), .text(payment.method.rawValue), .text(payment.reference),
             .integer(payment.allocatedMinor), .integer(payment.refundedMinor), .text(payment.status.rawValue),
             .text(payment.reversedOn?.description), .text(payment.reversalReason), .integer(payment.version),
             .text(payment.createdAt.description), .text(payment.updatedAt.description), .bool(payment.posted)])
    }

    /// Writes the amounts, status and version (the rest never changes).
    static func update(_ store: Store, _ payment: Payment) throws {
        try store.connection.run(
            """
            UPDATE payments SET allocated_minor = ?, refunded_minor = ?, status = ?, reversed_on = ?, reversal_reason = ?,
                version = ?, updated_at = ?
            WHERE id = ?
            """,
            [.integer(payment.allocatedMinor), .integer(payment.refundedMinor), .text(payment.status.rawValue),
             .text(payment.reversedOn?.description), .text(payment.reversalReason), .integer(payment.version),
             .text(payment.updatedAt.description), .integer(payment.id)])
    }

    static func insertAllocation(_ store: Store, _ allocation: Payment.Allocation, at now: Timestamp) throws {
        try store.connection.run(
            """
            INSERT INTO payment_allocations (id, payment_id, credit_note_id, invoice_id, amount_minor, allocated_on, reversed,
                created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(allocation.id), .integer(allocation.paymentID), .integer(allocation.creditNoteID),
             .integer(allocation.invoiceID), .integer(allocation.amountMinor), .text(allocation.allocatedOn.description),
             .integer(allocation.reversed ? 1 : 0), .text(now.description)])
    }

    static func markReversed(_ store: Store, paymentID: Int64) throws {
        try store.connection.run("UPDATE payment_allocations SET reversed = ? WHERE payment_id = ?", [.integer(1), .integer(paymentID)])
    }

    static func insertRefund(_ store: Store, paymentID: Int64, _ refund: Payment.Refund, at now: Timestamp) throws {
        try store.connection.run(
            "INSERT INTO payment_refunds (id, payment_id, amount_minor, refunded_on, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [.integer(refund.id), .integer(paymentID), .integer(refund.amountMinor), .text(refund.refundedOn.description),
             .text(refund.reason), .text(now.description)])
    }

    /// What a credit note was offset against other invoices (`credit_note.apply`).
    static func appliedFromCreditNote(_ store: Store, creditNoteID: Int64) throws -> Int128 {
        let amounts = try store.connection.rows(
            "SELECT amount_minor FROM payment_allocations WHERE credit_note_id = ? AND reversed = ?",
            [.integer(creditNoteID), .integer(0)]) { $0.integer(0) }
        return amounts.reduce(Int128(0)) { $0 + Int128($1) }
    }

    /// The sort key of an invoice without a due date: after every dated one.
    static let noDueDate = "9999-12-31"

    /// A page of the open invoices of an account in a currency (issued or
    /// partly paid, something owed), oldest due first (undated last), then
    /// by id, after the invoice `after` (its due key and id); without their
    /// lines. The partial index `invoices_open` serves it, however many
    /// invoices the account has: its condition is written out here as it is
    /// in the index, so both engines use it.
    static func openInvoices(_ store: Store, accountID: Int64, currency: CurrencyCode, after: (dueKey: String, id: Int64)?,
                             limit: Int64) throws -> [Invoice] {
        try store.connection.rows(
            """
            SELECT \(InvoiceQueries.columns) FROM invoices
            WHERE account_id = ? AND currency = ? AND (status = 'issued' OR status = 'partially_paid')
              AND total_minor - paid_minor - credited_minor > 0
              AND (? IS NULL OR COALESCE(due_on, '9999-12-31') > ? OR (COALESCE(due_on, '9999-12-31') = ? AND id > ?))
            ORDER BY COALESCE(due_on, '9999-12-31'), id LIMIT ?
            """,
            [.integer(accountID), .text(currency.code), .text(after?.dueKey), .text(after?.dueKey), .text(after?.dueKey),
             .integer(after?.id ?? 0), .integer(limit)], InvoiceQueries.invoice)
    }

    struct ListFilter {
        var accountID: Int64?
        var status: Payment.Status?
    }

    static func list(_ store: Store, _ filter: ListFilter, afterID: Int64, limit: Int64) throws -> [Payment] {
        var conditions = ListConditions()
        conditions.equal("account_id", filter.accountID)
        conditions.equal("status", filter.status?.rawValue)
        var payments = try store.connection.rows(
            "SELECT \(columns) FROM payments WHERE id > ?\(conditions.sql) ORDER BY id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit)], payment)
        let references = try ExternalReferences.references(store, recordType: "payment", recordIDs: payments.map(\.id))
        for index in payments.indices {
            payments[index].externalRefs = references[payments[index].id] ?? []
            try complete(store, &payments[index])
        }
        return payments
    }
}
