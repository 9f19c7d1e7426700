import CRMStore

/// The SQL of credit notes. Their lines are in `document_lines` under
/// "credit_note"; the invoice line each credits in `credit_note_sources`.
enum CreditNoteQueries {
    static let columns = """
        c.id, c.number, c.status, c.invoice_id, i.number, c.account_id, c.currency, c.issued_on, c.subtotal_minor,
        c.tax_minor, c.total_minor, c.recorded, c.reason, c.issued_at, c.version, c.created_at, c.updated_at
        """

    static func note(_ row: Row) -> CreditNote {
        var note = CreditNote()
        note.id = row.integer(0)
        note.number = row.optionalText(1)
        note.status = CreditNote.Status(rawValue: row.text(2)) ?? .draft
        note.invoiceID = row.integer(3)
        note.invoiceNumber = row.optionalText(4)
        note.accountID = row.integer(5)
        note.currency = Currency(code: row.text(6))?.currencyCode ?? .zar
        note.issuedOn = row.optionalText(7).flatMap { CalendarDate($0) }
        note.subtotalMinor = row.integer(8)
        note.taxMinor = row.integer(9)
        note.totalMinor = row.integer(10)
        note.recorded = row.integer(11) != 0
        note.reason = row.optionalText(12)
        note.issuedAt = row.optionalText(13).flatMap { Timestamp(rfc3339: $0) }
        note.version = row.integer(14)
        note.createdAt = Timestamp(rfc3339: row.text(15)) ?? .epoch
        note.updatedAt = Timestamp(rfc3339: row.text(16)) ?? .epoch
        return note
    }

    private static func complete(_ store: Store, _ note: inout CreditNote) throws {
        note.lines = try LineQueries.load(store, documentType: "credit_note", documentID: note.id)
        note.sources = try store.connection.rows(
            "SELECT invoice_position, quantity_milli FROM credit_note_sources WHERE credit_note_id = ? ORDER BY position",
            [.integer(note.id)]) { CreditNote.Source(invoicePosition: $0.integer(0), quantityMilli: $0.integer(1)) }
    }

    static func load(_ store: Store, id: Int64) throws -> CreditNote? {
        guard var note = try store.connection.row(
            "SELECT \(columns) FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id WHERE c.id = ?", [.integer(id)], note) else {
            return nil
        }
        try complete(store, &note)
        note.externalRefs = try ExternalReferences.references(store, recordType: "credit_note", recordID: id)
        return note
    }

    static func require(_ store: Store, id: Int64, context: String) throws -> CreditNote {
        guard let note = try load(store, id: id) else { throw CRMError.notFound("\(context): credit note \(id) not found") }
        return note
    }

    static func insert(_ store: Store, _ note: CreditNote) throws {
        try store.connection.run(
            """
            INSERT INTO credit_notes (id, number, status, invoice_id, account_id, currency, issued_on, subtotal_minor, tax_minor,
                total_minor, recorded, reason, issued_at, version, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(note.id), .text(note.number), .text(note.status.rawValue), .integer(note.invoiceID), .integer(note.accountID),
             .text(note.currency.code), .text(note.issuedOn?.description), .integer(note.subtotalMinor), .integer(note.taxMinor),
             .integer(note.totalMinor), .integer(note.recorded ? 1 : 0), .text(note.reason), .text(note.issuedAt?.description),
             .integer(note.version), .text(note.createdAt.description), .text(note.updatedAt.description)])
        try LineQueries.replace(store, documentType: "credit_note", documentID: note.id, note.lines)
        for (position, (source, line)) in zip(note.sources, note.lines).enumerated() {
            try store.connection.run(
                """
                INSERT INTO credit_note_sources (credit_note_id, position, invoice_id, invoice_position, quantity_milli, net_minor, tax_minor)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [.integer(note.id), .integer(Int64(position)), .integer(note.invoiceID), .integer(source.invoicePosition),
                 .integer(source.quantityMilli), .integer(line.netMinor), .integer(line.taxMinor)])
        }
    }

    /// Writes the fields issuing changes.
    static func update(_ store: Store, _ note: CreditNote) throws {
        try store.connection.run(
            "UPDATE credit_notes SET number = ?, status = ?, issued_on = ?, reason = ?, issued_at = ?, version = ?, updated_at = ? WHERE id = ?",
            [.text(note.number), .text(note.status.rawValue), .text(note.issuedOn?.description), .text(note.reason),
             .text(note.issuedAt?.description), .integer(note.version), .text(note.updatedAt.description), .integer(note.id)])
    }

    static func delete(_ store: Store, id: Int64) throws {
        try store.connection.run("DELETE FROM credit_note_sources WHERE credit_note_id = ?", [.integer(id)])
        try store.connection.run("DELETE FROM document_lines WHERE document_type = ? AND document_id = ?",
                                 [.text("credit_note"), .integer(id)])
        try store.connection.run("DELETE FROM crm_external_refs WHERE record_type = ? AND record_id = ?", [.text("credit_note"), .integer(id)])
        try store.connection.run("DELETE FROM credit_notes WHERE id = ?", [.integer(id)])
    }

    /// What credit notes (drafts included) take of each line of an invoice.
    static func credited(_ store: Store, invoiceID: Int64) throws -> [Int64: (quantity: Int64, net: Int64, tax: Int64)] {
        let rows = try store.connection.rows(
            "SELECT invoice_position, quantity_milli, net_minor, tax_minor FROM credit_note_sources WHERE invoice_id = ?",
            [.integer(invoiceID)]) { ($0.integer(0), $0.integer(1), $0.integer(2), $0.integer(3)) }
        var result: [Int64: (quantity: Int64, net: Int64, tax: Int64)] = [:]
        for (position, quantity, net, tax) in rows {
            let old = result[position] ?? (0, 0, 0)
            result[position] = (Int64(clamping: Int128(old.quantity) + Int128(quantity)), Int64(clamping: Int128(old.net) + Int128(net)),
                                Int64(clamping: Int128(old.tax) + Int128(tax)))
        }
        return result
    }

    struct ListFilter {
        var invoiceID: Int64?
        var accountID: Int64?
        var status: CreditNote.Status?
    }

    static func list(_ store: Store, _ filter: ListFilter, afterID: Int64, limit: Int64) throws -> [CreditNote] {
        var conditions = ListConditions()
        conditions.equal("c.invoice_id", filter.invoiceID)
        conditions.equal("c.account_id", filter.accountID)
        conditions.equal("c.status", filter.status?.rawValue)
        var notes = try store.connection.rows(
            "SELECT \(columns) FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id WHERE c.id > ?\(conditions.sql) ORDER BY c.id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit)], note)
        let references = try ExternalReferences.references(store, recordType: "credit_note", recordIDs: notes.map(\.id))
        for index in notes.indices {
            notes[index].externalRefs = references[notes[index].id] ?? []
            try complete(store, &notes[index])
        }
        return notes
    }
}
