import CRMStore

/// What activities keep about a person: the activities naming a contact
/// (or a lead the contact was converted from),
/// whose subject, notes and outcome may describe them. `contact.export`
/// hands them over as `"activities"`; `contact.erase` blanks those three
/// fields (the subject becomes "erased") in the table, the outbox events
/// and the replay copies, and keeps kind, links, times and minutes, so the
/// time report and the customer's history keep their numbers.
enum ActivityPersonalData {
    static let fields: [PersonalField] = [PersonalField("subject", erasedText: "erased"), "notes", "outcome"]

    /// The events that carry an activity's record.
    static let eventTypes = ["activity.created", "activity.updated", "activity.completed", "activity.cancelled"]

    /// The leads the contact was converted from (the leads module, which
    /// activities need for their `lead_id`, keeps the links).
    static let leadsOfContact: StaticString = "SELECT lead_id FROM lead_conversions WHERE contact_id = ?"

    static let activities = PersonalData(
        "activities",
        events: [PersonalEvents(types: eventTypes, contactField: "contact_id", fields: fields),
                 PersonalEvents(types: eventTypes, recordField: "lead_id", recordsOfContact: leadsOfContact, fields: fields)],
        references: [PersonalReferences(recordType: "activity",
                                        recordsOfContact: "SELECT a.id FROM activities a WHERE a.contact_id = ?",
                                        fields: fields),
                     PersonalReferences(recordType: "activity",
                                        recordsOfContact: """
                                            SELECT a.id FROM activities a WHERE a.contact_id IS NULL
                                              AND a.lead_id IN (SELECT lead_id FROM lead_conversions WHERE contact_id = ?)
                                            """,
                                        fields: fields)],
        export: { store, id in
            var activities = try store.connection.rows(
                """
                SELECT \(ActivityQueries.columns) FROM activities
                WHERE contact_id = ? OR lead_id IN (SELECT lead_id FROM lead_conversions WHERE contact_id = ?) ORDER BY id
                """, [.integer(id), .integer(id)], ActivityQueries.activity)
            try ActivityQueries.loadReferences(store, &activities)
            return .array(activities.map(\.json))
        },
        erase: { store, id in
            try store.connection.run(
                """
                UPDATE activities SET subject = 'erased', notes = NULL, outcome = NULL
                WHERE contact_id = ? OR lead_id IN (SELECT lead_id FROM lead_conversions WHERE contact_id = ?)
                """, [.integer(id), .integer(id)])
        })

    /// The activities naming a lead that never became a contact: `lead.export`
    /// hands them over, `lead.erase` blanks them as `contact.erase` does.
    static let leadActivities = PersonalData(
        "activities", subject: .lead,
        events: [PersonalEvents(types: eventTypes, contactField: "lead_id", fields: fields)],
        references: [PersonalReferences(recordType: "activity",
                                        recordsOfContact: "SELECT a.id FROM activities a WHERE a.lead_id = ?",
                                        fields: fields)],
        export: { store, id in
            var activities = try store.connection.rows(
                "SELECT \(ActivityQueries.columns) FROM activities WHERE lead_id = ? ORDER BY id", [.integer(id)], ActivityQueries.activity)
            try ActivityQueries.loadReferences(store, &activities)
            return .array(activities.map(\.json))
        },
        erase: { store, id in
            try store.connection.run("UPDATE activities SET subject = 'erased', notes = NULL, outcome = NULL WHERE lead_id = ?",
                                     [.integer(id)])
        })
}
