import CRMStore

/// The `interaction.*` commands: the complete history of every contact
/// with the customer.
public enum InteractionCommands {
    public static let all: [Command] = [
        Command("interaction.log", .write, log),
        Command("interaction.get", .read, get),
        Command("interaction.list", .read, list),
    ]

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
        return try store.create("interaction", event: "interaction.logged", reference: reference, content: interaction.json,
                                context: context, update: nil, load: {
            try InteractionQueries.require(store, id: $0, context: context).json
        }) {
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
                try ContactPersonalData.requireNotErased(contact, context: context)
                guard contact.accountID == accountID else {
                    throw CRMError.invalid("\(context): contact \(contactID) belongs to account \(contact.accountID), not account \(accountID)")
                }
            }
            interaction.id = try store.nextID("interactions")
            interaction.createdAt = store.clock.now()
            try InteractionQueries.insert(store, interaction)
            return interaction.id
        } record: { references in
            interaction.externalRefs = references
            return interaction.json
        }
    }

    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "interaction", store: store)
        try arguments.finish()
        return try InteractionQueries.require(store, id: id, context: arguments.context).json
    }

    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        // The cursor is "<occurred_at>/<id>" of the last item shown.
        let (limit, cursor) = try Page.readCursor(&arguments)
        var position = InteractionQueries.ListPosition()
        if let cursor {
            let parts = cursor.split(separator: "/")
            guard parts.count == 2, let time = Timestamp(rfc3339: String(parts[0])), let id = Int64(parts[1]) else {
                throw Page.badCursor(cursor, context: context)
            }
            position = InteractionQueries.ListPosition(occurredAt: time.description, id: id)
        }
        var filter = InteractionQueries.ListFilter()
        filter.accountID = try arguments.id("account_id").value
        filter.contactID = try arguments.id("contact_id").value
        filter.kind = try arguments.choice("kind", Interaction.Kind.self).value
        filter.from = try arguments.instant("from", dateMeans: .start)?.description
        filter.to = try arguments.instant("to", dateMeans: .end)?.description
        try arguments.finish()
        let items = try InteractionQueries.list(store, filter, after: position, limit: limit + 1)
        return Page.json(items, limit: limit, record: \.json, cursor: { "\($0.occurredAt)/\($0.id)" })
    }
}
