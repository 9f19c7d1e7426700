import CRMStore

/// The `lead.*` commands.
public enum LeadCommands {
    public static let all: [Command] = [
        Command("lead.create", .write, create),
        Command("lead.get", .read, get),
        Command("lead.update", .write, update),
        Command("lead.list", .read, list),
        Command("lead.transition", .write, transition),
        Command("lead.history", .read, history),
        Command("lead.configure", .write, configure),
        Command("lead.settings", .read, settings),
    ]

    /// `lead.create`: a new lead, with the records it looks like in
    /// `"duplicates"`; under the `refuse` policy a lead with duplicates is
    /// `CRM_CONFLICT` and nothing is written.
    static func create(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        let changes = try LeadChanges.read(&arguments)
        try arguments.finish()
        var lead = Lead()
        _ = try changes.apply(to: &lead, context: context)
        var duplicates: [LeadDuplicates.Match] = []
        let made = try store.create("lead", event: "lead.created", reference: reference, content: replayContent(lead),
                                    context: context, update: "lead.update", load: {
            try LeadQueries.require(store, id: $0, context: context).json
        }) {
            try checkReferral(store, &lead, context: context)
            duplicates = try LeadDuplicates.find(store, lead)
            if !duplicates.isEmpty, try DuplicatePolicy.current(store) == .refuse {
                let named = duplicates.prefix(5).map { "\($0.recordType) \($0.id) (\($0.reasons.joined(separator: ", ")))" }
                throw CRMError.conflict("\(context): the duplicate policy is refuse and the lead looks like \(named.joined(separator: "; "))")
            }
            // Checked; now written: a lead without an owner goes to the next
            // rep of its region's territory.
            if lead.owner == nil, let rep = try Territories.takeTurn(store, region: lead.region) { lead.owner = rep }
            lead.id = try store.nextID("leads")
            lead.createdAt = store.clock.now()
            lead.updatedAt = lead.createdAt
            lead.statusChangedAt = lead.createdAt
            try LeadQueries.insert(store, lead)
            return lead.id
        } record: { references in
            lead.externalRefs = references
            return lead.json
        }
        if made["replayed"] == .bool(true), case .integer(let id)? = made["id"], let stored = try LeadQueries.load(store, id: id) {
            duplicates = try LeadDuplicates.find(store, stored)
        }
        return made.adding("duplicates", .array(duplicates.map(\.json)))
    }

    /// What a capture's replay is compared on: the lead without `kind` and
    /// `size_band` while they are null, so a capture claimed before those
    /// fields came (migration 0203) replays as the same content.
    static func replayContent(_ lead: Lead) -> JSONValue {
        guard case .object(let fields) = lead.json else { return lead.json }
        // Fields added since the first leads were stored are left out while null,
        // so a lead imported before them still replays.
        return .object(fields.filter { !(($0.0 == "kind" || $0.0 == "size_band" || $0.0 == "erased_at") && $0.1 == .null) })
    }

    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "lead", store: store)
        try arguments.finish()
        return try LeadQueries.require(store, id: id, context: arguments.context).json
    }

    /// `lead.update`: the lead's fields (not its status: `lead.transition`).
    static func update(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "lead", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        let changes = try LeadChanges.read(&arguments)
        try arguments.finish()
        var lead = try LeadQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: lead.version, record: lead.label)
        if lead.status == .converted { throw CRMError.constraint("\(context): \(lead.label) is converted; change the account or opportunity it became") }
        let changed = try changes.apply(to: &lead, context: "\(context): \(lead.label)")
        guard !changed.isEmpty else { return lead.json }
        if changed.contains("referred_by_account_id") || changed.contains("referred_by_contact_id") {
            try checkReferral(store, &lead, context: context)
        }
        lead.version = try VersionCheck.next(lead.version, record: lead.label)
        lead.updatedAt = store.clock.now()
        try LeadQueries.update(store, lead, context: context)
        try store.record(event: "lead.updated", lead.json.adding("changed", .array(changed.map { .string($0) })))
        return lead.json
    }

    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (limit, afterID) = try Page.read(&arguments)
        var filter = LeadQueries.ListFilter()
        filter.status = try arguments.choice("status", LeadStatus.self).value?.rawValue
        filter.owner = try arguments.string("owner", length: 1...100).value
        filter.sourceChannel = try arguments.choice("source_channel", LeadSourceChannel.self).value?.rawValue
        filter.campaign = try arguments.string("campaign", length: 1...200).value
        filter.region = try arguments.string("region", length: 1...100).value
        filter.kind = try arguments.choice("kind", LeadKind.self).value?.rawValue
        filter.sizeBand = try arguments.choice("size_band", LeadSizeBand.self).value?.rawValue
        try arguments.finish()
        let leads = try LeadQueries.list(store, filter, afterID: afterID, limit: limit + 1)
        return Page.json(leads, limit: limit, record: \.json, cursor: { String($0.id) })
    }

    /// `lead.transition {id, to, reason?, performed_by?}`: moves the lead
    /// along its lifecycle; an illegal move is `CRM_CONSTRAINT` naming both
    /// states; disqualifying needs a reason. Kept in `lead.history`.
    static func transition(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "lead", store: store)
        guard let to = try arguments.choice("to", LeadStatus.self).value else { throw CRMError.invalid("\(context): to is required") }
        let reason = try arguments.string("reason", length: 1...500).value
        let performedBy = try arguments.string("performed_by", length: 1...100).value
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        var lead = try LeadQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: lead.version, record: lead.label)
        let from = lead.status
        if to == from { throw CRMError.constraint("\(context): \(lead.label) is \(from.rawValue) already") }
        if to == .converted && from.isOpen {
            throw CRMError.constraint("\(context): \(lead.label) cannot go from \(from.rawValue) to converted by a transition; convert it with lead.convert")
        }
        guard from.next.contains(to) else {
            let allowed = from.next.map(\.rawValue).joined(separator: ", ")
            throw CRMError.constraint("\(context): \(lead.label) cannot go from \(from.rawValue) to \(to.rawValue)"
                + (allowed.isEmpty ? " (\(from.rawValue) is final)" : " (from \(from.rawValue): \(allowed))"))
        }
        if to == .disqualified, reason?.trimmingWhitespace().isEmpty ?? true {
            throw CRMError.invalid("\(context): reason is required to disqualify \(lead.label)")
        }
        let now = store.clock.now()
        lead.status = to
        lead.statusReason = reason
        lead.statusChangedAt = now
        lead.version = try VersionCheck.next(lead.version, record: lead.label)
        lead.updatedAt = now
        try LeadQueries.update(store, lead, context: context)
        try store.connection.run(
            "INSERT INTO lead_transitions (id, lead_id, from_status, to_status, reason, performed_by, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.integer(try store.nextID("lead_transitions")), .integer(lead.id), .text(from.rawValue), .text(to.rawValue),
             .text(reason), .text(performedBy), .text(now.description)])
        try store.record(event: "lead.transitioned", lead.json.adding("transition", .object([
            ("from", .string(from.rawValue)), ("to", .string(to.rawValue)), ("reason", .string(reason)),
            ("performed_by", .string(performedBy)),
        ])))
        return lead.json
    }

    /// `lead.history {id}`: every status the lead has had, oldest first,
    /// starting with its capture as `new`.
    static func history(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "lead", store: store)
        try arguments.finish()
        let lead = try LeadQueries.require(store, id: id, context: arguments.context)
        return .object([("lead_id", .integer(id)), ("items", .array(try historyItems(store, lead)))])
    }

    /// The lead's statuses, oldest first, starting with its capture.
    static func historyItems(_ store: Store, _ lead: Lead) throws -> [JSONValue] {
        let captured: JSONValue = .object([
            ("from", .null), ("to", .string(LeadStatus.new.rawValue)), ("reason", .null), ("performed_by", .null),
            ("occurred_at", .string(lead.createdAt.description)),
        ])
        let moves = try store.connection.rows(
            "SELECT from_status, to_status, reason, performed_by, occurred_at FROM lead_transitions WHERE lead_id = ? ORDER BY id",
            [.integer(lead.id)]
        ) { row -> JSONValue in
            .object([
                ("from", .string(row.text(0))), ("to", .string(row.text(1))), ("reason", .string(row.optionalText(2))),
                ("performed_by", .string(row.optionalText(3))), ("occurred_at", .string(row.text(4))),
            ])
        }
        return [captured] + moves
    }

    /// `lead.configure {duplicate_policy}`: how captures treat duplicates.
    static func configure(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        guard let policy = try arguments.choice("duplicate_policy", DuplicatePolicy.self).value else {
            throw CRMError.invalid("\(arguments.context): duplicate_policy is required (warn or refuse)")
        }
        try arguments.finish()
        let current = try DuplicatePolicy.current(store)
        guard current != policy else { return try settingsJSON(store) }
        try store.connection.run(
            "INSERT INTO lead_settings (key, value) VALUES ('duplicate_policy', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [.text(policy.rawValue)])
        let settings = try settingsJSON(store)
        try store.record(event: "lead.configured", settings)
        return settings
    }

    static func settings(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        try arguments.finish()
        return try settingsJSON(store)
    }

    private static func settingsJSON(_ store: Store) throws -> JSONValue {
        .object([("duplicate_policy", .string(try DuplicatePolicy.current(store).rawValue))])
    }

    /// A referral names an open account, or a contact (not erased) of an
    /// open account; a contact alone credits its account too.
    static func checkReferral(_ store: Store, _ lead: inout Lead, context: String) throws {
        if let contactID = lead.referredByContactID {
            guard let (accountID, erased) = try store.connection.row(
                "SELECT account_id, erased_at IS NOT NULL FROM contacts WHERE id = ?", [.integer(contactID)], { ($0.integer(0), $0.bool(1)) }) else {
                throw CRMError.notFound("\(context): referred_by_contact_id \(contactID) is not a contact")
            }
            if erased { throw CRMError.constraint("\(context): referred_by_contact_id \(contactID) was erased") }
            if let referrer = lead.referredByAccountID, referrer != accountID {
                throw CRMError.invalid("\(context): referred_by_contact_id \(contactID) belongs to account \(accountID), not \(referrer)")
            }
            lead.referredByAccountID = accountID
        }
        if let accountID = lead.referredByAccountID {
            guard let open = try store.connection.row(
                "SELECT archived_at IS NULL AND merged_into_id IS NULL FROM accounts WHERE id = ?", [.integer(accountID)], { $0.bool(0) }) else {
                throw CRMError.notFound("\(context): referred_by_account_id \(accountID) is not an account")
            }
            if !open { throw CRMError.constraint("\(context): referred_by_account_id \(accountID) is archived or merged") }
        }
    }
}
