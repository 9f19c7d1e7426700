import CRMStore

/// The SQL of interactions: reading rows into `Interaction`s and writing them.
enum InteractionQueries {
    static let columns = "id, account_id, contact_id, kind, direction, subject, body, performed_by, occurred_at, created_at"

    /// Where a page of `interaction.list` starts: after this item.
    struct ListPosition {
        var occurredAt = ""
        var id: Int64 = 0
    }

    /// What `interaction.list` filters on; nil matches all.
    struct ListFilter {
        var accountID: Int64?
        var contactID: Int64?
        var kind: Interaction.Kind?
        /// Stored timestamps as text, inclusive.
        var from: String?
        var to: String?
    }

    static func insert(_ store: Store, _ interaction: Interaction) throws {
        try store.connection.run(
            """
            INSERT INTO interactions (id, account_id, contact_id, kind, direction, subject, body, performed_by, occurred_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(interaction.id), .integer(interaction.accountID), .integer(interaction.contactID), .text(interaction.kind.rawValue),
             .text(interaction.direction.rawValue), .text(interaction.subject), .text(interaction.body),
             .text(interaction.performedBy), .text(interaction.occurredAt.description), .text(interaction.createdAt.description)])
        for (position, link) in interaction.links.enumerated() {
            try store.connection.run(
                "INSERT INTO interaction_links (interaction_id, position, record_type, record_id) VALUES (?, ?, ?, ?)",
                [.integer(interaction.id), .integer(Int64(position)), .text(link.recordType), .text(link.recordID)])
        }
    }

    /// Up to `limit` interactions after `position`, in the order they happened.
    static func list(_ store: Store, _ filter: ListFilter, after position: ListPosition, limit: Int64) throws -> [Interaction] {
        var conditions = ListConditions()
        conditions.equal("account_id", filter.accountID)
        conditions.equal("contact_id", filter.contactID)
        conditions.equal("kind", filter.kind?.rawValue)
        conditions.add("occurred_at >= ?", [.text(filter.from)], when: filter.from != nil)
        conditions.add("occurred_at <= ?", [.text(filter.to)], when: filter.to != nil)
        var items = try store.connection.rows(
            """
            SELECT \(columns) FROM interactions
            WHERE (occurred_at > ? OR (occurred_at = ? AND id > ?))\(conditions.sql)
            ORDER BY occurred_at, id LIMIT ?
            """,
            [.text(position.occurredAt), .text(position.occurredAt), .integer(position.id)] + conditions.values + [.integer(limit)],
            interaction)
        for index in items.indices { try loadParts(store, into: &items[index]) }
        return items
    }

    /// Every interaction that names the contact, in the order they happened.
    static func ofContact(_ store: Store, contactID: Int64) throws -> [Interaction] {
        var items = try store.connection.rows(
            "SELECT \(columns) FROM interactions WHERE contact_id = ? ORDER BY occurred_at, id",
            [.integer(contactID)], interaction)
        for index in items.indices { try loadParts(store, into: &items[index]) }
        return items
    }

    static func interaction(_ row: Row) -> Interaction {
        var interaction = Interaction()
        interaction.id = row.integer(0)
        interaction.accountID = row.integer(1)
        interaction.contactID = row.optionalInteger(2)
        interaction.kind = Interaction.Kind(rawValue: row.text(3)) ?? .note
        interaction.direction = Interaction.Direction(rawValue: row.text(4)) ?? .internal
        interaction.subject = row.optionalText(5)
        interaction.body = row.optionalText(6)
        interaction.performedBy = row.optionalText(7)
        interaction.occurredAt = Timestamp(rfc3339: row.text(8)) ?? .epoch
        interaction.createdAt = Timestamp(rfc3339: row.text(9)) ?? .epoch
        return interaction
    }

    static func loadParts(_ store: Store, into interaction: inout Interaction) throws {
        interaction.links = try store.connection.rows(
            "SELECT record_type, record_id FROM interaction_links WHERE interaction_id = ? ORDER BY position",
            [.integer(interaction.id)]) { Interaction.Link(recordType: $0.text(0), recordID: $0.text(1)) }
        interaction.externalRefs = try ExternalReferences.references(store, recordType: "interaction", recordID: interaction.id)
    }

    static func require(_ store: Store, id: Int64, context: String) throws -> Interaction {
        guard var interaction = try store.connection.row("SELECT \(columns) FROM interactions WHERE id = ?", [.integer(id)], interaction) else {
            throw CRMError.notFound("\(context): interaction \(id) not found")
        }
        try loadParts(store, into: &interaction)
        return interaction
    }
}
