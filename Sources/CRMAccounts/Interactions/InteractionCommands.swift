import CRMStore

/// The `interaction.*` commands: the complete history of every contact
/// with the customer.
public enum InteractionCommands {
    public static let all: [Command] = [
        Command("interaction.log", .write, log),
        Command("interaction.get", .read, get),
        Command("interaction.list", .read, list),
    ]

    static let columns = "id, account_id, contact_id, kind, direction, subject, body, performed_by, occurred_at, created_at"

    static func log(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        var interaction = Interaction()
        guard let accountID = try arguments.id("account_id").value else { throw CRMError.invalid("\(context): account_id is required") }
        interaction.accountID = accountID
        interaction.contactID = try arguments.id("contact_id").value
        guard let kind = try arguments.choice("kind", Interaction.Kind.self).value else { throw CRMError.invalid("\(context): kind is required") }
        interaction.kind = kind
        interaction.direction = try arguments.choice("direction", Interaction.Direction.self).value ?? (kind == .note ? .internal : .outbound)
        interaction.subject = try arguments.string("subject", length: 1...200).value
        interaction.body = try arguments.string("body", length: 0...20_000).value
        interaction.performedBy = try arguments.string("performed_by", length: 1...100).value
        let occurred = try arguments.requiredString("occurred_at", length: 1...40)
        guard let occurredAt = Timestamp(rfc3339: occurred) else {
            throw CRMError.invalid("\(context): occurred_at must be an RFC 3339 timestamp such as 2026-12-01T09:30:00Z")
        }
        interaction.occurredAt = occurredAt
        interaction.links = try arguments.array("links", maximumCount: 20) { value, field in
            var link = try Arguments(value, context: "\(context): \(field())")
            let result = Interaction.Link(recordType: try link.requiredString("record_type", length: 1...50),
                                          recordID: try link.requiredString("record_id", length: 1...100))
            try link.finish()
            return result
        }.value ?? []
        try arguments.finish()
        let content = reference == nil ? JSONValue.null : Replay.content(of: interaction.json)
        if let replayed = try Replay.previous(store, recordType: "interaction", reference: reference, content: content,
                                              context: context, update: nil, load: {
            try require(store, id: $0, context: context).json
        }) {
            return replayed
        }
        guard let account = try AccountQueries.load(store, id: accountID) else {
            throw CRMError.notFound("\(context): account_id \(accountID) is not an account")
        }
        if let survivor = account.mergedIntoID {
            throw CRMError.constraint("\(context): account \(accountID) was merged into account \(survivor); log against that one")
        }
        if let contactID = interaction.contactID {
            guard let contact = try ContactQueries.load(store, id: contactID) else {
                throw CRMError.notFound("\(context): contact_id \(contactID) is not a contact")
            }
            try PersonalData.requireNotErased(contact, context: context)
            guard contact.accountID == accountID else {
                throw CRMError.invalid("\(context): contact \(contactID) belongs to account \(contact.accountID), not account \(accountID)")
            }
        }
        interaction.id = try store.nextID("interactions")
        interaction.createdAt = store.clock.now()
        try store.connection.run(
            """
            INSERT INTO interactions (id, account_id, contact_id, kind, direction, subject, body, performed_by, occurred_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(interaction.id), .integer(accountID), .integer(interaction.contactID), .text(kind.rawValue),
             .text(interaction.direction.rawValue), .text(interaction.subject), .text(interaction.body),
             .text(interaction.performedBy), .text(occurredAt.description), .text(interaction.createdAt.description)])
        for (position, link) in interaction.links.enumerated() {
            try store.connection.run(
                "INSERT INTO interaction_links (interaction_id, position, record_type, record_id) VALUES (?, ?, ?, ?)",
                [.integer(interaction.id), .integer(Int64(position)), .text(link.recordType), .text(link.recordID)])
        }
        try Replay.claim(store, recordType: "interaction", reference: reference, recordID: interaction.id, content: content)
        if let reference { interaction.externalRefs = [reference] }
        try store.record(event: "interaction.logged", interaction.json)
        return interaction.json.adding("replayed", .bool(false))
    }

    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "interaction", store: store)
        try arguments.finish()
        return try require(store, id: id, context: arguments.context).json
    }

    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let limit = try arguments.integer("limit", range: 1...Page.maximumLimit).value ?? Page.defaultLimit
        // The cursor is "<occurred_at>/<id>" of the last item shown.
        var after = (occurredAt: "", id: Int64(0))
        if let cursor = try arguments.string("cursor", length: 1...100).value {
            let parts = cursor.split(separator: "/")
            guard parts.count == 2, let time = Timestamp(rfc3339: String(parts[0])), let id = Int64(parts[1]) else {
                throw CRMError.invalid("\(context): cursor '\(cursor.prefix(40))' is not a cursor this command returned")
            }
            after = (time.description, id)
        }
        let accountID = try arguments.id("account_id").value
        let contactID = try arguments.id("contact_id").value
        let kind = try arguments.choice("kind", Interaction.Kind.self).value
        let from = try bound(&arguments, "from", endOfDay: false)
        let to = try bound(&arguments, "to", endOfDay: true)
        try arguments.finish()
        var items = try store.connection.rows(
            """
            SELECT \(columns) FROM interactions
            WHERE (occurred_at > ? OR (occurred_at = ? AND id > ?))
              AND (? IS NULL OR account_id = ?) AND (? IS NULL OR contact_id = ?) AND (? IS NULL OR kind = ?)
              AND (? IS NULL OR occurred_at >= ?) AND (? IS NULL OR occurred_at <= ?)
            ORDER BY occurred_at, id LIMIT ?
            """,
            [.text(after.occurredAt), .text(after.occurredAt), .integer(after.id),
             .integer(accountID), .integer(accountID), .integer(contactID), .integer(contactID),
             .text(kind?.rawValue), .text(kind?.rawValue), .text(from), .text(from), .text(to), .text(to),
             .integer(limit + 1)],
            interaction)
        for index in items.indices { try loadParts(store, into: &items[index]) }
        let more = items.count > Int(limit)
        let shown = Array(items.prefix(Int(limit)))
        let cursor: JSONValue = more ? shown.last.map { .string("\($0.occurredAt)/\($0.id)") } ?? .null : .null
        return .object([("items", .array(shown.map(\.json))), ("next_cursor", cursor)])
    }

    /// A date ("2026-11-30": the whole day) or a timestamp, as stored text.
    private static func bound(_ arguments: inout Arguments, _ key: String, endOfDay: Bool) throws -> String? {
        guard let text = try arguments.string(key, length: 1...40).value else { return nil }
        if let date = CalendarDate(text) {
            let start = Timestamp(startOf: date)
            return (endOfDay ? Timestamp(endOf: date) : start).description
        }
        guard let time = Timestamp(rfc3339: text) else {
            throw CRMError.invalid("\(arguments.context): \(key) must be a date (YYYY-MM-DD) or an RFC 3339 timestamp")
        }
        return time.description
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
