import CRMStore

/// The SQL of job cards, their technicians and labour, in the subset both
/// engines share. Their parts are `document_lines` of type "jobcard".
enum JobCardQueries {
    static let columns = """
        id, number, account_id, contact_id, quote_id, opportunity_id, status, currency, scheduled_on, scheduled_at, site,
        asset_description, serial_number, warranty, description, tasks, hold_reason, signed_by, signed_at, completed_at,
        cancel_reason, cancelled_at, invoice_id, invoiced_at, subtotal_minor, tax_minor, total_minor, version, created_at,
        updated_at
        """

    static func card(_ row: Row) -> JobCard {
        var card = JobCard()
        card.id = row.integer(0)
        card.number = row.text(1)
        card.accountID = row.integer(2)
        card.contactID = row.optionalInteger(3)
        card.quoteID = row.optionalInteger(4)
        card.opportunityID = row.optionalInteger(5)
        card.status = JobCard.Status(rawValue: row.text(6)) ?? .open
        card.currency = Currency(code: row.text(7))?.currencyCode ?? .zar
        card.scheduledOn = row.optionalText(8).flatMap { CalendarDate($0) }
        card.scheduledAt = row.optionalText(9).flatMap { Timestamp(rfc3339: $0) }
        card.site = row.optionalText(10)
        card.assetDescription = row.optionalText(11)
        card.serialNumber = row.optionalText(12)
        card.warranty = row.bool(13)
        card.description = row.optionalText(14)
        card.tasks = tasks(row.text(15))
        card.holdReason = row.optionalText(16)
        card.signedBy = row.optionalText(17)
        card.signedAt = row.optionalText(18).flatMap { Timestamp(rfc3339: $0) }
        card.completedAt = row.optionalText(19).flatMap { Timestamp(rfc3339: $0) }
        card.cancelReason = row.optionalText(20)
        card.cancelledAt = row.optionalText(21).flatMap { Timestamp(rfc3339: $0) }
        card.invoiceID = row.optionalInteger(22)
        card.invoicedAt = row.optionalText(23).flatMap { Timestamp(rfc3339: $0) }
        card.subtotalMinor = row.integer(24)
        card.taxMinor = row.integer(25)
        card.totalMinor = row.integer(26)
        card.version = row.integer(27)
        card.createdAt = Timestamp(rfc3339: row.text(28)) ?? .epoch
        card.updatedAt = Timestamp(rfc3339: row.text(29)) ?? .epoch
        return card
    }

    /// The tasks as stored: a JSON array of `{"description", "status"}`.
    private static func tasks(_ text: String) -> [JobCard.Task] {
        guard let value = try? JSONParser.parse(Array(text.utf8), what: "tasks"), case .array(let items) = value else { return [] }
        return items.compactMap { item in
            guard case .string(let description)? = item["description"], case .string(let status)? = item["status"],
                  let known = JobCard.Task.Status(rawValue: status) else { return nil }
            return JobCard.Task(description: description, status: known)
        }
    }

    private static func tasksText(_ tasks: [JobCard.Task]) -> String {
        JSONWriter.string(.array(tasks.map { .object([("description", .string($0.description)), ("status", .string($0.status.rawValue))]) }))
    }

    /// The card's technicians, labour, lines and references.
    private static func complete(_ store: Store, _ card: inout JobCard) throws {
        card.technicians = try store.connection.rows(
            "SELECT name FROM jobcard_technicians WHERE jobcard_id = ? ORDER BY position", [.integer(card.id)]) { $0.text(0) }
        card.labour = try store.connection.rows(
            """
            SELECT technician, minutes, worked_on, product_id, description, unit_price_minor, tax_rate_bp, quantity_milli,
                net_minor, tax_minor
            FROM jobcard_labour WHERE jobcard_id = ? ORDER BY position
            """, [.integer(card.id)]
        ) { row in
            JobCard.Labour(technician: row.text(0), minutes: row.integer(1), workedOn: CalendarDate(row.text(2)) ?? CalendarDate(daysSinceEpoch: 0)!,
                           productID: row.optionalInteger(3), description: row.text(4), unitPriceMinor: row.integer(5),
                           taxRateBP: row.integer(6), quantityMilli: row.integer(7), netMinor: row.integer(8), taxMinor: row.integer(9))
        }
        card.lines = try LineQueries.load(store, documentType: "jobcard", documentID: card.id)
    }

    static func load(_ store: Store, id: Int64) throws -> JobCard? {
        guard var card = try store.connection.row("SELECT \(columns) FROM jobcards WHERE id = ?", [.integer(id)], card) else {
            return nil
        }
        try complete(store, &card)
        card.externalRefs = try ExternalReferences.references(store, recordType: "jobcard", recordID: id)
        return card
    }

    static func require(_ store: Store, id: Int64, context: String) throws -> JobCard {
        guard let card = try load(store, id: id) else { throw CRMError.notFound("\(context): job card \(id) not found") }
        return card
    }

    private static func values(_ card: JobCard) -> [SQLValue] {
        [
            .text(card.number), .integer(card.accountID), .integer(card.contactID), .integer(card.quoteID),
            .integer(card.opportunityID), .text(card.status.rawValue), .text(card.currency.code),
            .text(card.scheduledOn?.description), .text(card.scheduledAt?.description), .text(card.site),
            .text(card.assetDescription), .text(card.serialNumber), .integer(card.warranty ? 1 : 0), .text(card.description),
            .text(tasksText(card.tasks)), .text(card.holdReason), .text(card.signedBy), .text(card.signedAt?.description),
            .text(card.completedAt?.description), .text(card.cancelReason), .text(card.cancelledAt?.description),
            .integer(card.invoiceID), .text(card.invoicedAt?.description), .integer(card.subtotalMinor),
            .integer(card.taxMinor), .integer(card.totalMinor), .integer(card.version), .text(card.updatedAt.description),
        ]
    }

    /// Writes a new card with its technicians, labour and lines.
    static func insert(_ store: Store, _ card: JobCard) throws {
        try store.connection.run(
            """
            INSERT INTO jobcards (number, account_id, contact_id, quote_id, opportunity_id, status, currency, scheduled_on,
                scheduled_at, site, asset_description, serial_number, warranty, description, tasks, hold_reason, signed_by,
                signed_at, completed_at, cancel_reason, cancelled_at, invoice_id, invoiced_at, subtotal_minor, tax_minor,
                total_minor, version, updated_at, id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, values(card) + [.integer(card.id), .text(card.createdAt.description)])
        try replaceTechnicians(store, card)
        try replaceLabour(store, card)
        try LineQueries.replace(store, documentType: "jobcard", documentID: card.id, card.lines)
    }

    /// What of a card's children an update rewrites besides its row.
    struct Parts: OptionSet {
        let rawValue: Int
        static let technicians = Parts(rawValue: 1)
        static let labour = Parts(rawValue: 2)
        static let lines = Parts(rawValue: 4)
    }

    static func update(_ store: Store, _ card: JobCard, rewriting parts: Parts = []) throws {
        try store.connection.run(
            """
            UPDATE jobcards SET number = ?, account_id = ?, contact_id = ?, quote_id = ?, opportunity_id = ?, status = ?,
                currency = ?, scheduled_on = ?, scheduled_at = ?, site = ?, asset_description = ?, serial_number = ?,
                warranty = ?, description = ?, tasks = ?, hold_reason = ?, signed_by = ?, signed_at = ?, completed_at = ?,
                cancel_reason = ?, cancelled_at = ?, invoice_id = ?, invoiced_at = ?, subtotal_minor = ?, tax_minor = ?,
                total_minor = ?, version = ?, updated_at = ?
            WHERE id = ?
            """, values(card) + [.integer(card.id)])
        if parts.contains(.technicians) { try replaceTechnicians(store, card) }
        if parts.contains(.labour) { try replaceLabour(store, card) }
        if parts.contains(.lines) { try LineQueries.replace(store, documentType: "jobcard", documentID: card.id, card.lines) }
    }

    private static func replaceTechnicians(_ store: Store, _ card: JobCard) throws {
        try store.connection.run("DELETE FROM jobcard_technicians WHERE jobcard_id = ?", [.integer(card.id)])
        for (position, name) in card.technicians.enumerated() {
            try store.connection.run(
                "INSERT INTO jobcard_technicians (jobcard_id, position, name, name_key) VALUES (?, ?, ?, ?)",
                [.integer(card.id), .integer(Int64(position)), .text(name), .text(name.lowercased())])
        }
    }

    private static func replaceLabour(_ store: Store, _ card: JobCard) throws {
        try store.connection.run("DELETE FROM jobcard_labour WHERE jobcard_id = ?", [.integer(card.id)])
        for (position, entry) in card.labour.enumerated() {
            try store.connection.run(
                """
                INSERT INTO jobcard_labour (jobcard_id, position, technician, minutes, worked_on, product_id, description,
                    unit_price_minor, tax_rate_bp, quantity_milli, net_minor, tax_minor)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.integer(card.id), .integer(Int64(position)), .text(entry.technician), .integer(entry.minutes),
                 .text(entry.workedOn.description), .integer(entry.productID), .text(entry.description),
                 .integer(entry.unitPriceMinor), .integer(entry.taxRateBP), .integer(entry.quantityMilli),
                 .integer(entry.netMinor), .integer(entry.taxMinor)])
        }
    }

    /// What `jobcard.list` filters on; nil matches all.
    struct ListFilter {
        var accountID: Int64?
        var status: String?
        var technician: String?
        var quoteID: Int64?
        var scheduledFrom: CalendarDate?
        var scheduledTo: CalendarDate?
    }

    /// Up to `limit` cards with an id above `afterID`, by id.
    static func list(_ store: Store, _ filter: ListFilter, afterID: Int64, limit: Int64) throws -> [JobCard] {
        let technician = filter.technician?.lowercased()
        let from = filter.scheduledFrom?.description, to = filter.scheduledTo?.description
        var conditions = ListConditions()
        conditions.equal("account_id", filter.accountID)
        conditions.equal("status", filter.status)
        conditions.equal("quote_id", filter.quoteID)
        conditions.add("scheduled_on >= ?", [.text(from)], when: from != nil)
        conditions.add("scheduled_on <= ?", [.text(to)], when: to != nil)
        conditions.add("EXISTS (SELECT 1 FROM jobcard_technicians t WHERE t.jobcard_id = jobcards.id AND t.name_key = ?)",
                       [.text(technician)], when: technician != nil)
        var cards = try store.connection.rows(
            "SELECT \(columns) FROM jobcards WHERE id > ?\(conditions.sql) ORDER BY id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit)], card)
        let references = try ExternalReferences.references(store, recordType: "jobcard", recordIDs: cards.map(\.id))
        for index in cards.indices {
            try complete(store, &cards[index])
            cards[index].externalRefs = references[cards[index].id] ?? []
        }
        return cards
    }
}
