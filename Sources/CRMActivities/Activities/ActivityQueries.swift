import CRMStore

/// The SQL of activities, in the subset both engines share.
enum ActivityQueries {
    static let columns = """
        id, kind, subject, notes, lead_id, opportunity_id, account_id, contact_id, due_at, owner, status, outcome,
        minutes_spent, completed_at, interaction_id, reminder_rule, call_list_id, version, created_at, updated_at
        """

    static func activity(_ row: Row) -> Activity {
        var activity = Activity()
        activity.id = row.integer(0)
        activity.kind = Activity.Kind(rawValue: row.text(1)) ?? .task
        activity.subject = row.text(2)
        activity.notes = row.optionalText(3)
        activity.leadID = row.optionalInteger(4)
        activity.opportunityID = row.optionalInteger(5)
        activity.accountID = row.optionalInteger(6)
        activity.contactID = row.optionalInteger(7)
        activity.dueAt = row.optionalText(8).flatMap(Timestamp.init(rfc3339:))
        activity.owner = row.optionalText(9)
        activity.status = Activity.Status(rawValue: row.text(10)) ?? .open
        activity.outcome = row.optionalText(11)
        activity.minutesSpent = row.optionalInteger(12)
        activity.completedAt = row.optionalText(13).flatMap(Timestamp.init(rfc3339:))
        activity.interactionID = row.optionalInteger(14)
        activity.reminderRule = row.optionalText(15)
        activity.callListID = row.optionalInteger(16)
        activity.version = row.integer(17)
        activity.createdAt = Timestamp(rfc3339: row.text(18)) ?? .epoch
        activity.updatedAt = Timestamp(rfc3339: row.text(19)) ?? .epoch
        return activity
    }

    static func load(_ store: Store, id: Int64) throws -> Activity? {
        guard var activity = try store.connection.row("SELECT \(columns) FROM activities WHERE id = ?", [.integer(id)], activity) else {
            return nil
        }
        activity.externalRefs = try ExternalReferences.references(store, recordType: "activity", recordID: id)
        return activity
    }

    static func require(_ store: Store, id: Int64, context: String) throws -> Activity {
        guard let activity = try load(store, id: id) else { throw CRMError.notFound("\(context): activity \(id) not found") }
        return activity
    }

    private static func values(_ activity: Activity) -> [SQLValue] {
        [
            .text(activity.kind.rawValue), .text(activity.subject), .text(activity.notes), .integer(activity.leadID),
            .integer(activity.opportunityID), .integer(activity.accountID), .integer(activity.contactID),
            .text(activity.dueAt?.description), .text(activity.owner), .text(activity.status.rawValue), .text(activity.outcome),
            .integer(activity.minutesSpent), .text(activity.completedAt?.description), .integer(activity.interactionID),
            .integer(activity.version), .text(activity.updatedAt.description),
        ]
    }

    /// Writes a new activity; `reminderKey` marks the follow-up it answers (at most once).
    static func insert(_ store: Store, _ activity: Activity, reminderKey: String? = nil) throws {
        try store.connection.run(
            """
            INSERT INTO activities (kind, subject, notes, lead_id, opportunity_id, account_id, contact_id, due_at, owner, status,
                outcome, minutes_spent, completed_at, interaction_id, version, updated_at, id, created_at, reminder_rule,
                reminder_key, call_list_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            values(activity) + [.integer(activity.id), .text(activity.createdAt.description), .text(activity.reminderRule),
                                .text(reminderKey), .integer(activity.callListID)])
    }

    static func update(_ store: Store, _ activity: Activity) throws {
        try store.connection.run(
            """
            UPDATE activities SET kind = ?, subject = ?, notes = ?, lead_id = ?, opportunity_id = ?, account_id = ?, contact_id = ?,
                due_at = ?, owner = ?, status = ?, outcome = ?, minutes_spent = ?, completed_at = ?, interaction_id = ?,
                version = ?, updated_at = ?
            WHERE id = ?
            """, values(activity) + [.integer(activity.id)])
    }

    /// What `activity.list` filters on; nil matches all.
    struct ListFilter {
        var owner: String?
        var status: String?
        var leadID: Int64?
        var opportunityID: Int64?
        var accountID: Int64?
        var contactID: Int64?
        /// Due strictly before this stored timestamp.
        var dueBefore: String?
    }

    /// Up to `limit` activities with an id above `afterID`, oldest first.
    static func list(_ store: Store, _ filter: ListFilter, afterID: Int64, limit: Int64) throws -> [Activity] {
        var conditions = ListConditions()
        conditions.equal("owner", filter.owner)
        conditions.equal("status", filter.status)
        conditions.equal("lead_id", filter.leadID)
        conditions.equal("opportunity_id", filter.opportunityID)
        conditions.equal("account_id", filter.accountID)
        conditions.equal("contact_id", filter.contactID)
        conditions.add("due_at < ?", [.text(filter.dueBefore)], when: filter.dueBefore != nil)
        var activities = try store.connection.rows(
            "SELECT \(columns) FROM activities WHERE id > ?\(conditions.sql) ORDER BY id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit)], activity)
        try loadReferences(store, &activities)
        return activities
    }

    static func loadReferences(_ store: Store, _ activities: inout [Activity]) throws {
        let references = try ExternalReferences.references(store, recordType: "activity", recordIDs: activities.map(\.id))
        for index in activities.indices { activities[index].externalRefs = references[activities[index].id] ?? [] }
    }

    /// The links of an activity checked against stored records: the lead,
    /// opportunity, account and contact exist; a contact belongs to the
    /// account; an account no longer open for business is refused. An
    /// activity linked to a contact or opportunity without an account
    /// takes their account.
    static func checkLinks(_ store: Store, _ activity: inout Activity, context: String) throws {
        if let leadID = activity.leadID {
            guard try store.connection.integer("SELECT id FROM leads WHERE id = ?", [.integer(leadID)]) != nil else {
                throw CRMError.notFound("\(context): lead_id \(leadID) is not a lead")
            }
        }
        if let opportunityID = activity.opportunityID {
            guard let accountID = try store.connection.integer("SELECT account_id FROM opportunities WHERE id = ?", [.integer(opportunityID)]) else {
                throw CRMError.notFound("\(context): opportunity_id \(opportunityID) is not an opportunity")
            }
            if let given = activity.accountID, given != accountID {
                throw CRMError.invalid("\(context): opportunity_id \(opportunityID) belongs to account \(accountID), not account \(given)")
            }
            activity.accountID = accountID
        }
        if let contactID = activity.contactID {
            guard let (accountID, erased) = try store.connection.row(
                "SELECT account_id, erased_at IS NOT NULL FROM contacts WHERE id = ?", [.integer(contactID)], { ($0.integer(0), $0.bool(1)) }) else {
                throw CRMError.notFound("\(context): contact_id \(contactID) is not a contact")
            }
            if erased { throw CRMError.constraint("\(context): contact_id \(contactID) was erased") }
            if let given = activity.accountID, given != accountID {
                throw CRMError.invalid("\(context): contact_id \(contactID) belongs to account \(accountID), not account \(given)")
            }
            activity.accountID = accountID
        }
        if let accountID = activity.accountID {
            guard let merged = try store.connection.row(
                "SELECT merged_into_id FROM accounts WHERE id = ?", [.integer(accountID)], { $0.optionalInteger(0) }) else {
                throw CRMError.notFound("\(context): account_id \(accountID) is not an account")
            }
            if let survivor = merged {
                throw CRMError.constraint("\(context): account \(accountID) was merged into account \(survivor); use that one")
            }
        }
    }
}
