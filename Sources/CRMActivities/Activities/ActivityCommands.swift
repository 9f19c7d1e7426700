import CRMStore

/// The `activity.*` commands: calls, meetings, e-mails, tasks and visits
/// planned, done and cancelled.
public enum ActivityCommands {
    public static let all: [Command] = [
        Command("activity.create", .write, create),
        Command("activity.get", .read, get),
        Command("activity.update", .write, update),
        Command("activity.complete", .write, complete),
        Command("activity.cancel", .write, cancel),
        Command("activity.list", .read, list),
        Command("activity.summary", .read, summary),
        Command("report.time", .read, TimeReport.run),
    ]

    /// `activity.create`: a new open activity.
    static func create(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        let changes = try ActivityChanges.read(&arguments, withResult: false)
        try arguments.finish()
        var activity = Activity()
        guard changes.kind.value != nil else { throw CRMError.invalid("\(context): kind is required") }
        guard changes.subject.value != nil else { throw CRMError.invalid("\(context): subject is required") }
        _ = try changes.apply(to: &activity, context: context)
        return try store.create("activity", event: "activity.created", reference: reference, content: activity.json,
                                context: context, update: "activity.update", load: {
            try ActivityQueries.require(store, id: $0, context: context).json
        }) {
            try ActivityQueries.checkLinks(store, &activity, context: context)
            activity.id = try store.nextID("activities")
            activity.createdAt = store.clock.now()
            activity.updatedAt = activity.createdAt
            try ActivityQueries.insert(store, activity)
            return activity.id
        } record: { references in
            activity.externalRefs = references
            return activity.json
        }
    }

    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "activity", store: store)
        try arguments.finish()
        return try ActivityQueries.require(store, id: id, context: arguments.context).json
    }

    /// `activity.update`: the activity's fields; a cancelled activity takes no changes.
    static func update(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "activity", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        let changes = try ActivityChanges.read(&arguments, withResult: true)
        try arguments.finish()
        var activity = try ActivityQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: activity.version, record: activity.label)
        if activity.status == .cancelled {
            throw CRMError.constraint("\(context): \(activity.label) is cancelled; create a new activity instead")
        }
        let before = activity
        // A new contact or opportunity brings its own account unless one is sent.
        if (changes.contactID.isPresent || changes.opportunityID.isPresent) && !changes.accountID.isPresent {
            activity.accountID = nil
        }
        var changed = try changes.apply(to: &activity, context: "\(context): \(activity.label)")
        if changes.changesLinks {
            try ActivityQueries.checkLinks(store, &activity, context: context)
            changed.removeAll { $0 == "account_id" }
            if activity.accountID != before.accountID { changed.append("account_id") }
        }
        guard !changed.isEmpty else { return before.json }
        activity.version = try VersionCheck.next(activity.version, record: activity.label)
        activity.updatedAt = store.clock.now()
        try ActivityQueries.update(store, activity)
        try store.record(event: "activity.updated", activity.json.adding("changed", .array(changed.map { .string($0) })))
        return activity.json
    }

    /// `activity.complete {id, outcome?, minutes_spent?, completed_at?}`:
    /// marks an open activity done. A call, meeting, e-mail or visit with
    /// an account (its own, its contact's or its opportunity's) is a
    /// contact with the customer: it is logged in the interaction history
    /// (`interaction.log`) and the activity keeps the interaction's id.
    static func complete(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "activity", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        let outcome = try arguments.string("outcome", length: 1...2000).value
        let minutes = try arguments.integer("minutes_spent", range: 0...Activity.maximumMinutes).value
        let completedAt = try arguments.timestamp("completed_at").value
        try arguments.finish()
        var activity = try ActivityQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: activity.version, record: activity.label)
        guard activity.status == .open else {
            throw CRMError.constraint("\(context): \(activity.label) is \(activity.status.rawValue) already")
        }
        let now = store.clock.now()
        activity.status = .done
        if let outcome { activity.outcome = outcome }
        if let minutes { activity.minutesSpent = minutes }
        activity.completedAt = completedAt ?? now
        if let interactionKind = activity.kind.interactionKind, let accountID = activity.accountID {
            activity.interactionID = try logInteraction(store, activity, kind: interactionKind, accountID: accountID)
        }
        activity.version = try VersionCheck.next(activity.version, record: activity.label)
        activity.updatedAt = now
        try ActivityQueries.update(store, activity)
        try store.record(event: "activity.completed", activity.json)
        return activity.json
    }

    /// Logs the completed activity as an interaction with the customer; returns its id.
    private static func logInteraction(_ store: Store, _ activity: Activity, kind: String, accountID: Int64) throws -> Int64? {
        // A contact erased since the activity was planned is left out: the
        // interaction stays on the account's history.
        var contactID = activity.contactID
        if let id = contactID,
           try store.connection.row("SELECT erased_at IS NOT NULL FROM contacts WHERE id = ?", [.integer(id)], { $0.bool(0) }) ?? true {
            contactID = nil
        }
        var links: [JSONValue] = [link("activity", activity.id)]
        if let id = activity.opportunityID { links.append(link("opportunity", id)) }
        if let id = activity.leadID { links.append(link("lead", id)) }
        var fields: [(String, JSONValue)] = [
            ("account_id", .integer(accountID)),
            ("kind", .string(kind)),
            ("direction", .string("outbound")),
            ("subject", .string(activity.subject)),
        ]
        if let contactID { fields.append(("contact_id", .integer(contactID))) }
        if let outcome = activity.outcome { fields.append(("body", .string(outcome))) }
        if let owner = activity.owner { fields.append(("performed_by", .string(owner))) }
        fields.append(("occurred_at", .string((activity.completedAt ?? store.clock.now()).description)))
        fields.append(("links", .array(links)))
        return try store.invoke("interaction.log", .object(fields))["id"].flatMap { value -> Int64? in
            if case .integer(let id) = value { return id }
            return nil
        }
    }

    private static func link(_ recordType: String, _ id: Int64) -> JSONValue {
        .object([("record_type", .string(recordType)), ("record_id", .string(String(id)))])
    }

    /// `activity.cancel {id, reason?}`: an open activity will not happen;
    /// the reason is kept as its outcome.
    static func cancel(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "activity", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        let reason = try arguments.string("reason", length: 1...2000).value
        try arguments.finish()
        var activity = try ActivityQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: activity.version, record: activity.label)
        guard activity.status == .open else {
            throw CRMError.constraint("\(context): \(activity.label) is \(activity.status.rawValue) already")
        }
        activity.status = .cancelled
        if let reason { activity.outcome = reason }
        activity.version = try VersionCheck.next(activity.version, record: activity.label)
        activity.updatedAt = store.clock.now()
        try ActivityQueries.update(store, activity)
        try store.record(event: "activity.cancelled", activity.json)
        return activity.json
    }

    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (limit, afterID) = try Page.read(&arguments)
        var filter = ActivityQueries.ListFilter()
        filter.owner = try arguments.string("owner", length: 1...100).value
        filter.status = try arguments.choice("status", Activity.Status.self).value?.rawValue
        filter.leadID = try arguments.id("lead_id").value
        filter.opportunityID = try arguments.id("opportunity_id").value
        filter.accountID = try arguments.id("account_id").value
        filter.contactID = try arguments.id("contact_id").value
        filter.dueBefore = try arguments.instant("due_before", dateMeans: .start)?.description
        try arguments.finish()
        let activities = try ActivityQueries.list(store, filter, afterID: afterID, limit: limit + 1)
        return Page.json(activities, limit: limit, record: \.json, cursor: { String($0.id) })
    }

    /// `activity.summary {lead_id | opportunity_id | account_id}`: how many
    /// activities were completed for the record and when the last one was:
    /// `{"count", "last_completed_at"}` (lead scoring reads this shape).
    static func summary(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let given: [(column: String, id: Int64)] = [
            ("lead_id", try arguments.id("lead_id").value),
            ("opportunity_id", try arguments.id("opportunity_id").value),
            ("account_id", try arguments.id("account_id").value),
        ].compactMap { field in field.1.map { (field.0, $0) } }
        try arguments.finish()
        guard given.count == 1, let (column, id) = given.first else {
            throw CRMError.invalid("\(context): give exactly one of lead_id, opportunity_id or account_id")
        }
        let sql: String
        switch column {
        case "lead_id": sql = "SELECT COUNT(*), MAX(completed_at) FROM activities WHERE lead_id = ? AND status = 'done'"
        case "opportunity_id": sql = "SELECT COUNT(*), MAX(completed_at) FROM activities WHERE opportunity_id = ? AND status = 'done'"
        default: sql = "SELECT COUNT(*), MAX(completed_at) FROM activities WHERE account_id = ? AND status = 'done'"
        }
        let (count, last) = try store.connection.row(sql, [.integer(id)]) { ($0.integer(0), $0.optionalText(1)) } ?? (0, nil)
        return .object([("count", .integer(count)), ("last_completed_at", .string(last))])
    }
}
