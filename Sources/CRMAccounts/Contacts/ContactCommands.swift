import CRMStore

/// The `contact.*` commands.
public enum ContactCommands {
    public static let all: [Command] = [
        Command("contact.create", .write, create),
        Command("contact.get", .read, get),
        Command("contact.update", .write, update),
        Command("contact.archive", .write, archive),
        Command("contact.list", .read, list),
        Command("contact.consent", .write, recordConsent),
        Command("contact.consent_history", .read, consentHistory),
        Command("contact.preferences", .write, preferences),
        Command("contact.export", .read, ContactPersonalData.export),
        Command("contact.erase", .write, ContactPersonalData.erase),
    ]

    static func create(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let reference = try ExternalReference.read(&arguments)
        let changes = try ContactChanges.read(&arguments)
        try arguments.finish()
        guard changes.accountID.value != nil else { throw CRMError.invalid("\(arguments.context): account_id is required") }
        guard changes.lastName.value != nil else { throw CRMError.invalid("\(arguments.context): last_name is required") }
        var contact = Contact()
        _ = try changes.apply(to: &contact, context: arguments.context)
        return try store.create("contact", event: "contact.created", reference: reference, content: contact.json,
                                context: arguments.context, update: "contact.update", load: {
            try ContactQueries.require(store, id: $0, context: arguments.context).json
        }) {
            try requireOpenAccount(store, contact.accountID, context: arguments.context)
            contact.id = try store.nextID("contacts")
            contact.createdAt = store.clock.now()
            contact.updatedAt = contact.createdAt
            try ContactQueries.insert(store, contact)
            return contact.id
        } record: { references in
            contact.externalRefs = references
            return contact.json
        }
    }

    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "contact", store: store)
        try arguments.finish()
        return try ContactQueries.require(store, id: id, context: arguments.context).json
    }

    static func update(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "contact", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        let changes = try ContactChanges.read(&arguments)
        try arguments.finish()
        var contact = try ContactQueries.require(store, id: id, context: arguments.context)
        try VersionCheck.check(expectedVersion, actual: contact.version, record: contact.label)
        try ContactPersonalData.requireNotErased(contact, context: arguments.context)
        if contact.archivedAt != nil { throw CRMError.constraint("\(arguments.context): \(contact.label) is archived") }
        let changed = try changes.apply(to: &contact, context: "\(arguments.context): \(contact.label)")
        guard !changed.isEmpty else { return contact.json }
        if changed.contains("account_id") { try requireOpenAccount(store, contact.accountID, context: arguments.context) }
        try save(store, &contact, changed: changed)
        return contact.json
    }

    static func archive(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "contact", store: store)
        try arguments.finish()
        var contact = try ContactQueries.require(store, id: id, context: arguments.context)
        if contact.archivedAt != nil { throw CRMError.constraint("\(arguments.context): \(contact.label) is archived already") }
        contact.archivedAt = store.clock.now()
        contact.version = try VersionCheck.next(contact.version, record: contact.label)
        contact.updatedAt = contact.archivedAt ?? contact.updatedAt
        try ContactQueries.update(store, contact)
        try store.record(event: "contact.archived", contact.json)
        return contact.json
    }

    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (limit, afterID) = try Page.read(&arguments)
        let accountID = try arguments.id("account_id").value
        let email = try arguments.string("email", length: 3...254).value.map(Normalization.email)
        let includeArchived = try arguments.bool("include_archived").value ?? false
        try arguments.finish()
        let contacts = try ContactQueries.list(store, accountID: accountID, email: email, includeArchived: includeArchived,
                                               afterID: afterID, limit: limit + 1)
        return Page.json(contacts.map(\.json), ids: contacts.map(\.id), limit: limit)
    }

    static func recordConsent(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let contactID = try arguments.id("contact_id").value else { throw CRMError.invalid("\(context): contact_id is required") }
        guard let channel = try arguments.choice("channel", Contact.Channel.self).value else {
            throw CRMError.invalid("\(context): channel is required")
        }
        guard let status = try arguments.choice("status", Consent.Status.self).value else {
            throw CRMError.invalid("\(context): status is required")
        }
        var recordedAt = store.clock.now()
        if let text = try arguments.string("recorded_at", length: 1...40).value {
            guard let time = Timestamp(rfc3339: text) else {
                throw CRMError.invalid("\(context): recorded_at must be an RFC 3339 timestamp such as 2026-12-01T09:30:00Z")
            }
            guard time.secondsSinceEpoch <= store.clock.now().secondsSinceEpoch + 86_400 else {
                throw CRMError.invalid("\(context): recorded_at \(time) is in the future")
            }
            recordedAt = time
        }
        let source = try arguments.requiredString("source", length: 1...100)
        try arguments.finish()
        var contact = try ContactQueries.require(store, id: contactID, context: context)
        try ContactPersonalData.requireNotErased(contact, context: context)
        if contact.consent[channel]?.status == status { return contact.json }
        try store.connection.run(
            "INSERT INTO contact_consents (id, contact_id, channel, status, recorded_at, source) VALUES (?, ?, ?, ?, ?, ?)",
            [.integer(try store.nextID("contact_consents")), .integer(contactID), .text(channel.rawValue),
             .text(status.rawValue), .text(recordedAt.description), .text(source)])
        // The latest answer by recorded_at counts: a back-dated one joins the history only.
        try ContactQueries.loadParts(store, into: &contact)
        try store.record(event: "consent.changed", .object([
            ("contact_id", .integer(contactID)), ("account_id", .integer(contact.accountID)),
            ("channel", .string(channel.rawValue)), ("status", .string(status.rawValue)),
            ("recorded_at", .string(recordedAt.description)), ("source", .string(source)),
        ]))
        return contact.json
    }

    static func consentHistory(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        guard let contactID = try arguments.id("contact_id").value else {
            throw CRMError.invalid("\(arguments.context): contact_id is required")
        }
        try arguments.finish()
        _ = try ContactQueries.require(store, id: contactID, context: arguments.context)
        let history = try store.connection.rows(
            "SELECT channel, status, recorded_at, source FROM contact_consents WHERE contact_id = ? ORDER BY recorded_at, id",
            [.integer(contactID)], ContactQueries.consent)
        return .object([("items", .array(history.map { $0.json.adding("channel", .string($0.channel.rawValue)) }))])
    }

    static func preferences(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let contactID = try arguments.id("contact_id").value else { throw CRMError.invalid("\(context): contact_id is required") }
        var updates: [(String, String?)] = []
        if let set = arguments.raw("set") {
            guard case .object(let fields) = set else { throw CRMError.invalid("\(context): set must be an object, got \(set.typeName)") }
            guard fields.count <= 100 else { throw CRMError.range("\(context): set has \(fields.count) keys, at most 100 allowed") }
            for (key, value) in fields {
                _ = try Arguments.text(.string(key), field: "set key", context: context, length: 1...50)
                if case .null = value {
                    updates.append((key, nil))
                } else {
                    updates.append((key, try Arguments.text(value, field: "set.\(key)", context: context, length: 1...500)))
                }
            }
        }
        try arguments.finish()
        var contact = try ContactQueries.require(store, id: contactID, context: context)
        try ContactPersonalData.requireNotErased(contact, context: context)
        // Counted before anything is written: a refused call writes nothing.
        var keys = Set(contact.preferences.map(\.key))
        for (key, value) in updates {
            if value == nil { keys.remove(key) } else { keys.insert(key) }
        }
        guard keys.count <= 100 else {
            throw CRMError.range("\(context): \(contact.label) would have \(keys.count) preferences, at most 100 allowed")
        }
        var changed = false
        for (key, value) in updates {
            let current = contact.preferences.first(where: { $0.key == key })?.value
            guard current != value else { continue }
            changed = true
            if let value {
                try store.connection.run(
                    """
                    INSERT INTO contact_preferences (contact_id, key, value) VALUES (?, ?, ?)
                    ON CONFLICT (contact_id, key) DO UPDATE SET value = excluded.value
                    """, [.integer(contactID), .text(key), .text(value)])
            } else {
                try store.connection.run("DELETE FROM contact_preferences WHERE contact_id = ? AND key = ?",
                                         [.integer(contactID), .text(key)])
            }
        }
        guard changed else { return contact.json }
        try ContactQueries.loadParts(store, into: &contact)
        try save(store, &contact, changed: ["preferences"])
        return contact.json
    }

    /// Bumps the version, writes the row and records `contact.updated`.
    private static func save(_ store: Store, _ contact: inout Contact, changed: [String]) throws {
        contact.version = try VersionCheck.next(contact.version, record: contact.label)
        contact.updatedAt = store.clock.now()
        try ContactQueries.update(store, contact)
        try store.record(event: "contact.updated", contact.json.adding("changed", .array(changed.map { .string($0) })))
    }

    /// A contact belongs to an existing account that is neither archived nor merged.
    static func requireOpenAccount(_ store: Store, _ accountID: Int64, context: String) throws {
        guard let account = try AccountQueries.load(store, id: accountID) else {
            throw CRMError.notFound("\(context): account_id \(accountID) is not an account")
        }
        try AccountCommands.requireOpen(account, context: context)
    }
}
