import CRMStore

/// Something a sales rep does or plans to do with a lead or customer: a
/// call, a meeting, an e-mail, a task or a visit, linked to a lead, an
/// opportunity, an account or a contact, with when it is due, who owns it,
/// and, once done, its outcome and the minutes it took.
public struct Activity: Sendable {
    /// What sort of activity it is.
    public enum Kind: String, Sendable, CaseIterable {
        case call, meeting, email, task, visit

        /// The interaction a completed activity of this kind logs in the
        /// customer's history; a task is internal work and logs none.
        var interactionKind: String? {
            switch self {
            case .call: return "call"
            case .meeting: return "meeting"
            case .email: return "email"
            case .visit: return "visit"
            case .task: return nil
            }
        }
    }

    /// Where the activity stands.
    public enum Status: String, Sendable, CaseIterable {
        case open, done, cancelled
    }

    /// The most minutes one activity may record: a week.
    public static let maximumMinutes: Int64 = 10_080

    public var id: Int64 = 0
    public var kind = Kind.task
    public var subject = ""
    public var notes: String?
    public var leadID: Int64?
    public var opportunityID: Int64?
    public var accountID: Int64?
    public var contactID: Int64?
    public var dueAt: Timestamp?
    /// The sales rep who does it.
    public var owner: String?
    public var status = Status.open
    /// What came of it ("left a message", "order promised for March").
    public var outcome: String?
    public var minutesSpent: Int64?
    public var completedAt: Timestamp?
    /// The interaction its completion logged in the customer's history.
    public var interactionID: Int64?
    /// The follow-up rule that made it (`reminder.run`), or nil.
    public var reminderRule: String?
    /// The call list it belongs to, or nil.
    public var callListID: Int64?
    public var externalRefs: [ExternalReference] = []
    public var version: Int64 = 1
    public var createdAt = Timestamp.epoch
    public var updatedAt = Timestamp.epoch

    public init() {}

    var label: String { "activity \(id)" }

    /// The activity as its documented JSON record.
    public var json: JSONValue {
        .object([
            ("id", .integer(id)),
            ("kind", .string(kind.rawValue)),
            ("subject", .string(subject)),
            ("notes", .string(notes)),
            ("lead_id", .integer(leadID)),
            ("opportunity_id", .integer(opportunityID)),
            ("account_id", .integer(accountID)),
            ("contact_id", .integer(contactID)),
            ("due_at", .string(dueAt?.description)),
            ("owner", .string(owner)),
            ("status", .string(status.rawValue)),
            ("outcome", .string(outcome)),
            ("minutes_spent", .integer(minutesSpent)),
            ("completed_at", .string(completedAt?.description)),
            ("interaction_id", .integer(interactionID)),
            ("reminder_rule", .string(reminderRule)),
            ("call_list_id", .integer(callListID)),
            ("external_refs", .array(externalRefs.map(\.json))),
            ("version", .integer(version)),
            ("created_at", .string(createdAt.description)),
            ("updated_at", .string(updatedAt.description)),
        ])
    }
}

/// The editable fields of an activity as a create or update sent them.
struct ActivityChanges {
    var kind: Presence<Activity.Kind> = .absent
    var subject: Presence<String> = .absent
    var notes: Presence<String> = .absent
    var leadID: Presence<Int64> = .absent
    var opportunityID: Presence<Int64> = .absent
    var accountID: Presence<Int64> = .absent
    var contactID: Presence<Int64> = .absent
    var dueAt: Presence<Timestamp> = .absent
    var owner: Presence<String> = .absent
    var outcome: Presence<String> = .absent
    var minutesSpent: Presence<Int64> = .absent

    /// Reads the fields; `outcome` and `minutes_spent` only when `withResult`
    /// (an update corrects them; a create leaves them to `activity.complete`).
    static func read(_ arguments: inout Arguments, withResult: Bool) throws -> ActivityChanges {
        var changes = ActivityChanges()
        changes.kind = try arguments.choice("kind", Activity.Kind.self)
        changes.subject = try arguments.string("subject", length: 1...200)
        changes.notes = try arguments.string("notes", length: 0...10_000)
        changes.leadID = try arguments.id("lead_id")
        changes.opportunityID = try arguments.id("opportunity_id")
        changes.accountID = try arguments.id("account_id")
        changes.contactID = try arguments.id("contact_id")
        changes.dueAt = try arguments.timestamp("due_at")
        changes.owner = try arguments.string("owner", length: 1...100)
        if withResult {
            changes.outcome = try arguments.string("outcome", length: 1...2000)
            changes.minutesSpent = try arguments.integer("minutes_spent", range: 0...Activity.maximumMinutes)
        }
        return changes
    }

    /// Whether any of the links was sent.
    var changesLinks: Bool {
        leadID.isPresent || opportunityID.isPresent || accountID.isPresent || contactID.isPresent
    }

    /// Applies the changes; returns the names of the fields that changed.
    /// - Throws: `.invalid` naming the field.
    func apply(to activity: inout Activity, context: String) throws -> [String] {
        var changed: [String] = []
        switch kind {
        case .absent: break
        case .null: throw CRMError.invalid("\(context): kind cannot be null")
        case .value(let kind):
            if activity.kind != kind { activity.kind = kind; changed.append("kind") }
        }
        switch subject {
        case .absent: break
        case .null: throw CRMError.invalid("\(context): subject cannot be null")
        case .value(let subject):
            if subject.trimmingWhitespace().isEmpty { throw CRMError.invalid("\(context): subject must not be blank") }
            if activity.subject != subject { activity.subject = subject; changed.append("subject") }
        }
        notes.apply(to: &activity.notes, field: "notes", changed: &changed)
        leadID.apply(to: &activity.leadID, field: "lead_id", changed: &changed)
        opportunityID.apply(to: &activity.opportunityID, field: "opportunity_id", changed: &changed)
        accountID.apply(to: &activity.accountID, field: "account_id", changed: &changed)
        contactID.apply(to: &activity.contactID, field: "contact_id", changed: &changed)
        dueAt.apply(to: &activity.dueAt, field: "due_at", changed: &changed)
        owner.apply(to: &activity.owner, field: "owner", changed: &changed)
        outcome.apply(to: &activity.outcome, field: "outcome", changed: &changed)
        minutesSpent.apply(to: &activity.minutesSpent, field: "minutes_spent", changed: &changed)
        guard activity.leadID != nil || activity.opportunityID != nil || activity.accountID != nil || activity.contactID != nil else {
            throw CRMError.invalid("\(context): an activity needs at least one of lead_id, opportunity_id, account_id or contact_id")
        }
        return changed
    }
}
