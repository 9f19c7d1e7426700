import CRMStore

/// The SQL of invoices, in the subset both engines share. Their lines are in
/// `document_lines` under "invoice"; the job card or quote line each one
/// invoices in `invoice_sources`.
enum InvoiceQueries {
    static let columns = """
        id, number, status, account_id, contact_id, jobcard_id, quote_id, currency, issued_on, due_on, subtotal_minor,
        tax_minor, total_minor, credited_minor, paid_minor, recorded, notes, issued_at, version, created_at, updated_at
        """

    static func invoice(_ row: Row) -> Invoice {
        var invoice = Invoice()
        invoice.id = row.integer(0)
        invoice.number = row.optionalText(1)
        invoice.status = Invoice.Status(rawValue: row.text(2)) ?? .draft
        invoice.accountID = row.integer(3)
        invoice.contactID = row.optionalInteger(4)
        invoice.jobcardID = row.optionalInteger(5)
        invoice.quoteID = row.optionalInteger(6)
        invoice.currency = Currency(code: row.text(7))?.currencyCode ?? .zar
        invoice.issuedOn = row.optionalText(8).flatMap { CalendarDate($0) }
        invoice.dueOn = row.optionalText(9).flatMap { CalendarDate($0) }
        invoice.subtotalMinor = row.integer(10)
        invoice.taxMinor = row.integer(11)
        invoice.totalMinor = row.integer(12)
        invoice.creditedMinor = row.integer(13)
        invoice.paidMinor = row.integer(14)
        invoice.recorded = row.integer(15) != 0
        invoice.notes = row.optionalText(16)
        invoice.issuedAt = row.optionalText(17).flatMap { Timestamp(rfc3339: $0) }
        invoice.version = row.integer(18)
        invoice.createdAt = Timestamp(rfc3339: row.text(19)) ?? .epoch
        invoice.updatedAt = Timestamp(rfc3339: row.text(20)) ?? .epoch
        return invoice
    }

    static func load(_ store: Store, id: Int64) throws -> Invoice? {
        guard var invoice = try store.connection.row("SELECT \(columns) FROM invoices WHERE id = ?", [.integer(id)], invoice) else {
            return nil
        }
        try complete(store, &invoice)
        invoice.externalRefs = try ExternalReferences.references(store, recordType: "invoice", recordID: id)
        return invoice
    }

    /// Reads the lines and their sources.
    private static func complete(_ store: Store, _ invoice: inout Invoice) throws {
        invoice.lines = try LineQueries.load(store, documentType: "invoice", documentID: invoice.id)
        var sources = [Invoice.Source?](repeating: nil, count: invoice.lines.count)
        let stored = try store.connection.rows(
            "SELECT position, source_type, source_id, source_position, quantity_milli FROM invoice_sources WHERE invoice_id = ?",
            [.integer(invoice.id)]) { row in
            (row.integer(0), Invoice.Source(type: row.text(1), id: row.integer(2), position: row.integer(3), quantityMilli: row.integer(4)))
        }
        for (position, source) in stored where position >= 0 && position < Int64(sources.count) {
            sources[Int(position)] = source
        }
        invoice.sources = sources
    }

    static func require(_ store: Store, id: Int64, context: String) throws -> Invoice {
        guard let invoice = try load(store, id: id) else { throw CRMError.notFound("\(context): invoice \(id) not found") }
        return invoice
    }

    private static func values(_ invoice: Invoice) -> [SQLValue] {
        [
            .text(invoice.number), .text(invoice.status.rawValue), .integer(invoice.contactID), .text(invoice.issuedOn?.description),
            .text(invoice.dueOn?.description), .integer(invoice.subtotalMinor), .integer(invoice.taxMinor),
            .integer(invoice.totalMinor), .integer(invoice.creditedMinor), .integer(invoice.paidMinor), .text(invoice.notes),
            .text(invoice.issuedAt?.description), .integer(invoice.version), .text(invoice.updatedAt.description),
        ]
    }

    /// Writes a new invoice, its lines and their sources.
    static func insert(_ store: Store, _ invoice: Invoice) throws {
        try store.connection.run(
            """
            INSERT INTO invoices (number, status, contact_id, issued_on, due_on, subtotal_minor, tax_minor, total_minor,
                credited_minor, paid_minor, notes, issued_at, version, updated_at, id, account_id, jobcard_id, quote_id,
                currency, recorded, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            values(invoice) + [.integer(invoice.id), .integer(invoice.accountID), .integer(invoice.jobcardID),
                               .integer(invoice.quoteID), .text(invoice.currency.code), .integer(invoice.recorded ? 1 : 0),
                               .text(invoice.createdAt.description)])
        try writeLines(store, invoice)
    }

    private static func writeLines(_ store: Store, _ invoice: Invoice) throws {
        try LineQueries.replace(store, documentType: "invoice", documentID: invoice.id, invoice.lines)
        try store.connection.run("DELETE FROM invoice_sources WHERE invoice_id = ?", [.integer(invoice.id)])
        for (position, source) in invoice.sources.enumerated() {
            guard let source else { continue }
            try store.connection.run(
                """
                INSERT INTO invoice_sources (invoice_id, position, source_type, source_id, source_position, quantity_milli)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [.integer(invoice.id), .integer(Int64(position)), .text(source.type), .integer(source.id),
                 .integer(source.position), .integer(source.quantityMilli)])
        }
    }

    /// Writes an invoice's changed fields; its lines too when `lines` is true.
    static func update(_ store: Store, _ invoice: Invoice, lines: Bool = false) throws {
        try store.connection.run(
            """
            UPDATE invoices SET number = ?, status = ?, contact_id = ?, issued_on = ?, due_on = ?, subtotal_minor = ?,
                tax_minor = ?, total_minor = ?, credited_minor = ?, paid_minor = ?, notes = ?, issued_at = ?, version = ?,
                updated_at = ?
            WHERE id = ?
            """, values(invoice) + [.integer(invoice.id)])
        if lines { try writeLines(store, invoice) }
    }

    /// Deletes a draft with its lines and sources (which frees what it invoiced).
    static func delete(_ store: Store, id: Int64) throws {
        try store.connection.run("DELETE FROM invoice_sources WHERE invoice_id = ?", [.integer(id)])
        try store.connection.run("DELETE FROM document_lines WHERE document_type = ? AND document_id = ?",
                                 [.text("invoice"), .integer(id)])
        try store.connection.run("DELETE FROM crm_external_refs WHERE record_type = ? AND record_id = ?", [.text("invoice"), .integer(id)])
        try store.connection.run("DELETE FROM invoices WHERE id = ?", [.integer(id)])
    }

    /// How much of each line of a job card or quote invoices already take,
    /// drafts included, less what issued credit notes gave back of those
    /// invoice lines: position -> quantity in thousandths.
    static func invoiced(_ store: Store, sourceType: String, sourceID: Int64, issuedOnly: Bool = false) throws -> [Int64: Int64] {
        let rows = try store.connection.rows(
            """
            SELECT s.source_position, s.quantity_milli - COALESCE((
                       SELECT CAST(SUM(c.quantity_milli) AS BIGINT) FROM credit_note_sources c
                       JOIN credit_notes n ON n.id = c.credit_note_id
                       WHERE c.invoice_id = s.invoice_id AND c.invoice_position = s.position AND n.status = ?), 0)
            FROM invoice_sources s JOIN invoices i ON i.id = s.invoice_id
            WHERE s.source_type = ? AND s.source_id = ? AND (? IS NULL OR i.status <> ?)
            """,
            [.text("issued"), .text(sourceType), .integer(sourceID), .integer(issuedOnly ? 1 : nil), .text("draft")]) {
            ($0.integer(0), $0.integer(1))
        }
        var result: [Int64: Int64] = [:]
        for (position, quantity) in rows {
            result[position, default: 0] = Int64(clamping: Int128(result[position, default: 0]) + Int128(quantity))
        }
        return result
    }

    /// What `invoice.list` filters on; nil matches all.
    struct ListFilter {
        var accountID: Int64?
        var status: Invoice.Status?
        var jobcardID: Int64?
        var quoteID: Int64?
        var recorded: Bool?
        /// Only those overdue as of `asOf`.
        var overdue: Bool?
        var asOf = Timestamp.epoch.date
    }

    static func list(_ store: Store, _ filter: ListFilter, afterID: Int64, limit: Int64) throws -> [Invoice] {
        let wantOverdue: Int64? = filter.overdue == true ? 1 : nil
        let wantNotOverdue: Int64? = filter.overdue == false ? 1 : nil
        let asOf = filter.asOf.description
        // Overdue: issued or partly paid, with something owed, due before as_of.
        let overdueCondition = "((status = ? OR status = ?) AND total_minor > credited_minor + paid_minor AND due_on IS NOT NULL AND due_on < ?)"
        let overdueValues: [SQLValue] = [.text("issued"), .text("partially_paid"), .text(asOf)]
        var conditions = ListConditions()
        conditions.equal("account_id", filter.accountID)
        conditions.equal("status", filter.status?.rawValue)
        conditions.equal("jobcard_id", filter.jobcardID)
        conditions.equal("quote_id", filter.quoteID)
        conditions.equal("recorded", filter.recorded.map { $0 ? 1 : 0 })
        conditions.add(overdueCondition, overdueValues, when: wantOverdue != nil)
        conditions.add("NOT \(overdueCondition)", overdueValues, when: wantNotOverdue != nil)
        var invoices = try store.connection.rows(
            "SELECT \(columns) FROM invoices WHERE id > ?\(conditions.sql) ORDER BY id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit)], invoice)
        let references = try ExternalReferences.references(store, recordType: "invoice", recordIDs: invoices.map(\.id))
        for index in invoices.indices {
            invoices[index].externalRefs = references[invoices[index].id] ?? []
            try complete(store, &invoices[index])
        }
        return invoices
    }
}
