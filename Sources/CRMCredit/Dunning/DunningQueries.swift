import CRMStore

/// The SQL of dunning: the invoices due a letter and the letters. Every
/// value is bound.
enum DunningQueries {
    static let columns = """
        id, invoice_id, invoice_number, account_id, contact_id, level, template, channel, days_overdue, outstanding_minor,
        fee_minor, interest_minor, currency, due_on, sent_on, status, resolved_on, resolved_by, version, created_at, updated_at
        """

    static func letter(_ row: Row) -> DunningLetter {
        var letter = DunningLetter()
        letter.id = row.integer(0)
        letter.invoiceID = row.integer(1)
        letter.invoiceNumber = row.optionalText(2)
        letter.accountID = row.integer(3)
        letter.contactID = row.optionalInteger(4)
        letter.level = row.integer(5)
        letter.template = row.text(6)
        letter.channel = row.optionalText(7).flatMap(DunningLevel.Channel.init(rawValue:))
        letter.daysOverdue = row.integer(8)
        letter.outstandingMinor = row.integer(9)
        letter.feeMinor = row.integer(10)
        letter.interestMinor = row.integer(11)
        letter.currency = row.text(12)
        letter.dueOn = row.text(13)
        letter.sentOn = row.text(14)
        letter.status = DunningLetter.Status(rawValue: row.text(15)) ?? .sent
        letter.resolvedOn = row.optionalText(16)
        letter.resolvedBy = row.optionalText(17).flatMap(DunningLetter.Resolution.init(rawValue:))
        letter.version = row.integer(18)
        letter.createdAt = row.text(19)
        letter.updatedAt = row.text(20)
        return letter
    }

    static func insert(_ store: Store, _ letter: DunningLetter) throws {
        try store.connection.run(
            "INSERT INTO dunning_letters (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [.integer(letter.id), .integer(letter.invoiceID), .text(letter.invoiceNumber), .integer(letter.accountID),
             .integer(letter.contactID), .integer(letter.level), .text(letter.template), .text(letter.channel?.rawValue),
             .integer(letter.daysOverdue), .integer(letter.outstandingMinor), .integer(letter.feeMinor),
             .integer(letter.interestMinor), .text(letter.currency), .text(letter.dueOn), .text(letter.sentOn),
             .text(letter.status.rawValue), .text(letter.resolvedOn), .text(letter.resolvedBy?.rawValue),
             .integer(letter.version), .text(letter.createdAt), .text(letter.updatedAt)])
    }

    static func get(_ store: Store, id: Int64) throws -> DunningLetter? {
        try store.connection.row("SELECT \(columns) FROM dunning_letters WHERE id = ?", [.integer(id)], letter)
    }

    /// An invoice open on a date and past due: what `dunning.run` looks at.
    struct OpenInvoice {
        var id: Int64
        var number: String?
        var accountID: Int64
        var contactID: Int64?
        var currency: String
        var dueOn: CalendarDate
        var totalMinor: Int64
        var outstandingMinor: Int64
        /// The highest level already sent for it; 0 when none.
        var highestLevelSent: Int64
    }

    /// Issued or partly paid invoices owing more than 0 now, issued on or
    /// before `asOf` and due on or before `dueBy`, by id.
    static func openInvoices(_ store: Store, asOf: CalendarDate, dueBy: CalendarDate) throws -> [OpenInvoice] {
        try store.connection.rows(
            """
            SELECT i.id, i.number, i.account_id, i.contact_id, i.currency, i.due_on, i.total_minor,
                   i.total_minor - i.paid_minor - i.credited_minor,
                   COALESCE((SELECT MAX(d.level) FROM dunning_letters d WHERE d.invoice_id = i.id), 0)
            FROM invoices i
            WHERE (i.status = ? OR i.status = ?) AND i.due_on IS NOT NULL AND i.due_on <= ?
              AND (i.issued_on IS NULL OR i.issued_on <= ?) AND i.total_minor - i.paid_minor - i.credited_minor > ?
            ORDER BY i.id
            """,
            [.text("issued"), .text("partially_paid"), .text(dueBy.description), .text(asOf.description), .integer(0)]
        ) { row in
            OpenInvoice(id: row.integer(0), number: row.optionalText(1), accountID: row.integer(2), contactID: row.optionalInteger(3),
                        currency: row.text(4), dueOn: CalendarDate(row.text(5)) ?? asOf, totalMinor: row.integer(6),
                        outstandingMinor: row.integer(7), highestLevelSent: row.integer(8))
        }
    }

    /// The ids of an invoice's letters still open ("sent").
    static func openLetters(_ store: Store, invoiceID: Int64) throws -> [Int64] {
        try store.connection.rows("SELECT id FROM dunning_letters WHERE invoice_id = ? AND status = ? ORDER BY id",
                                  [.integer(invoiceID), .text(DunningLetter.Status.sent.rawValue)]) { $0.integer(0) }
    }

    /// Letters after `afterID`, oldest first, filtered; up to `limit` + 1.
    static func list(_ store: Store, accountID: Int64?, invoiceID: Int64?, status: String?, level: Int64?, afterID: Int64,
                     limit: Int64) throws -> [DunningLetter] {
        var conditions = ListConditions()
        conditions.equal("account_id", accountID)
        conditions.equal("invoice_id", invoiceID)
        conditions.equal("status", status)
        conditions.equal("level", level)
        return try store.connection.rows(
            "SELECT \(columns) FROM dunning_letters WHERE id > ?\(conditions.sql) ORDER BY id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit + 1)], letter)
    }

    /// The letters that name a contact, oldest first (`contact.export`).
    static func ofContact(_ store: Store, contactID: Int64) throws -> [DunningLetter] {
        try store.connection.rows("SELECT \(columns) FROM dunning_letters WHERE contact_id = ? ORDER BY id", [.integer(contactID)], letter)
    }
}
