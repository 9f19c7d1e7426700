import CRMStore

/// The `reminder.*` commands: follow-up rules, and turning what is due
/// into follow-up activities, each at most once.
public enum ReminderCommands {
    public static let all: [Command] = [
        Command("reminder.rules", .read, rules),
        Command("reminder.configure", .write, configure),
        Command("reminder.run", .write, run),
        Command("reminder.list", .read, list),
    ]

    static func rules(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        try arguments.finish()
        return .object([("items", .array(try ReminderRule.all(store).map(\.json)))])
    }

    /// `reminder.configure {rule, days?, enabled?}` → the rule. Event
    /// `reminder.configured` when it changes.
    static func configure(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let name = try arguments.choice("rule", ReminderRule.Name.self).value else {
            throw CRMError.invalid("\(context): rule is required (\(ReminderRule.Name.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let days = try arguments.integer("days", range: 1...365)
        let enabled = try arguments.bool("enabled")
        try arguments.finish()
        if case .null = days { throw CRMError.invalid("\(context): days cannot be null") }
        if case .null = enabled { throw CRMError.invalid("\(context): enabled cannot be null") }
        guard var rule = try ReminderRule.all(store).first(where: { $0.name == name }) else {
            throw CRMError.notFound("\(context): rule \(name.rawValue) not found")
        }
        let newDays = days.value ?? rule.days
        let newEnabled = enabled.value ?? rule.enabled
        guard newDays != rule.days || newEnabled != rule.enabled else { return rule.json }
        rule.days = newDays
        rule.enabled = newEnabled
        rule.version = try VersionCheck.next(rule.version, record: "rule \(name.rawValue)")
        rule.updatedAt = store.clock.now()
        try store.connection.run("UPDATE reminder_rules SET days = ?, enabled = ?, version = ?, updated_at = ? WHERE rule = ?",
                                 [.integer(rule.days), .bool(rule.enabled), .integer(rule.version),
                                  .text(rule.updatedAt?.description), .text(name.rawValue)])
        try store.record(event: "reminder.configured", rule.json)
        return rule.json
    }

    /// `reminder.run {as_of?}`: one follow-up activity (a task owned by the
    /// record's owner, due when the rule fell due) and one `reminder.due`
    /// event per record a rule finds quiet for its days. Each reminder is
    /// keyed by rule, record and the last touch it measured from, so a
    /// rerun, with the same or a later `as_of`, makes nothing new until the
    /// record is touched and goes quiet again.
    static func run(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let asOf = try arguments.instant("as_of", dateMeans: .end) ?? store.clock.now()
        try arguments.finish()
        var created: [JSONValue] = []
        for rule in try ReminderRule.all(store) where rule.enabled {
            let cutoff = Timestamp(clamping: asOf.secondsSinceEpoch - rule.days * 86_400)
            for quiet in try QuietRecords.find(store, rule.name, touchedBefore: cutoff) {
                let key = "\(rule.name.rawValue):\(quiet.recordType):\(quiet.recordID):\(quiet.lastTouch)"
                if try store.connection.integer("SELECT id FROM activities WHERE reminder_key = ?", [.text(key)]) != nil { continue }
                var activity = Activity()
                activity.kind = .task
                activity.subject = subject(rule, quiet)
                activity.leadID = quiet.leadID
                activity.opportunityID = quiet.opportunityID
                activity.accountID = quiet.accountID
                activity.contactID = quiet.contactID
                activity.owner = quiet.owner
                activity.dueAt = Timestamp(clamping: quiet.lastTouch.secondsSinceEpoch + rule.days * 86_400)
                activity.reminderRule = rule.name.rawValue
                activity.id = try store.nextID("activities")
                activity.createdAt = store.clock.now()
                activity.updatedAt = activity.createdAt
                try ActivityQueries.insert(store, activity, reminderKey: key)
                let reminder: JSONValue = .object([
                    ("rule", .string(rule.name.rawValue)),
                    ("days", .integer(rule.days)),
                    ("record_type", .string(quiet.recordType)),
                    ("record_id", .integer(quiet.recordID)),
                    ("owner", .string(quiet.owner)),
                    ("last_touch_at", .string(quiet.lastTouch.description)),
                    ("due_at", .string(activity.dueAt?.description)),
                    ("activity", activity.json),
                ])
                try store.record(event: "reminder.due", reminder)
                created.append(reminder)
            }
        }
        return .object([("as_of", .string(asOf.description)), ("created", .array(created))])
    }

    private static func subject(_ rule: ReminderRule, _ quiet: QuietRecords.Item) -> String {
        let since = quiet.lastTouch.date.description
        switch rule.name {
        case .leadUntouched: return "Follow up lead \(quiet.recordID): untouched since \(since)"
        case .opportunityIdle: return "Follow up opportunity \(quiet.recordID): no activity since \(since)"
        case .proposalNoReply: return "Chase proposal on opportunity \(quiet.recordID): no reply since \(since)"
        }
    }

    /// `reminder.list {owner?, date?}`: the open follow-ups due on or before
    /// the date (default today), by due time; keyed pages ("<due_at>/<id>").
    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let (limit, cursor) = try Page.readCursor(&arguments)
        var after = ("", Int64(0))
        if let cursor {
            let parts = cursor.split(separator: "/")
            guard parts.count == 2, let time = Timestamp(rfc3339: String(parts[0])), let id = Int64(parts[1]) else {
                throw Page.badCursor(cursor, context: context)
            }
            after = (time.description, id)
        }
        let owner = try arguments.string("owner", length: 1...100).value
        let date = try arguments.date("date").value ?? store.clock.now().date
        try arguments.finish()
        var items = try store.connection.rows(
            """
            SELECT \(ActivityQueries.columns) FROM activities
            WHERE reminder_key IS NOT NULL AND status = 'open' AND due_at <= ? AND (? IS NULL OR owner = ?)
              AND (due_at > ? OR (due_at = ? AND id > ?))
            ORDER BY due_at, id LIMIT ?
            """,
            [.text(Timestamp(endOf: date).description), .text(owner), .text(owner), .text(after.0), .text(after.0),
             .integer(after.1), .integer(limit + 1)],
            ActivityQueries.activity)
        try ActivityQueries.loadReferences(store, &items)
        return Page.json(items, limit: limit, record: \.json, cursor: { "\($0.dueAt?.description ?? "")/\($0.id)" })
    }
}
