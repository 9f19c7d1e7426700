import CRMStore

/// What leads keep about a person: the enquirer's first and last name,
/// e-mail and phone.
///
/// - A lead converted into a contact is the contact's: `contact.export`
///   hands it over as `"leads"`, and `contact.erase` erases it too.
/// - A lead that never became a contact is its own subject: `lead.export`
///   hands over the lead, its history, every module's part (the activities
///   naming it) and its events; `lead.erase` erases it.
///
/// Erasure blanks the four fields (and the keys the duplicate check matches
/// on) in the table, in every `lead.*` event and in the replay copies, and a
/// conversion's request for the new contact; the lead is marked erased and
/// takes no more changes. Company, interest, channel, value, status and
/// transitions stay, so the funnel and the conversion reports keep their numbers.
enum LeadPersonalData {
    static let fields: [PersonalField] = ["first_name", "last_name", "email", "phone"]

    /// The contact's person fields a conversion request may carry (`contact: {...}`).
    static let requestFields: [PersonalField] = ["contact.first_name", "contact.last_name", "contact.role", "contact.email",
                                                 "contact.phone", "contact.mobile", "contact.address"]

    /// The events that carry a lead's record.
    static let eventTypes = ["lead.created", "lead.updated", "lead.transitioned", "lead.assigned", "lead.converted"]

    /// The leads converted into the contact.
    static let leadsOfContact: StaticString = "SELECT lead_id FROM lead_conversions WHERE contact_id = ? ORDER BY lead_id"

    /// The leads a contact was converted from, part of the contact's data.
    static let leads = PersonalData(
        "leads",
        events: [PersonalEvents(types: eventTypes, recordField: "id", recordsOfContact: leadsOfContact, fields: fields)],
        references: [PersonalReferences(recordType: "lead", recordsOfContact: leadsOfContact, fields: fields)],
        export: { store, contactID in
            let ids = try store.connection.rows("\(leadsOfContact)", [.integer(contactID)]) { $0.integer(0) }
            return .array(try ids.map { try LeadQueries.require(store, id: $0, context: "contact.export").json })
        },
        erase: { store, contactID in
            for id in try store.connection.rows("\(leadsOfContact)", [.integer(contactID)], { $0.integer(0) }) {
                try eraseRow(store, leadID: id)
            }
        })

    /// A lead that never became a contact: the lead itself.
    static let lead = PersonalData(
        "lead", subject: .lead,
        events: [PersonalEvents(types: eventTypes, contactField: "id", fields: fields)],
        references: [PersonalReferences(recordType: "lead", recordsOfContact: "SELECT id FROM leads WHERE id = ?", fields: fields)],
        export: { store, leadID in try LeadQueries.require(store, id: leadID, context: "lead.export").json },
        erase: { store, leadID in try eraseRow(store, leadID: leadID) })

    /// Its status history (the reasons given stay: they describe the sale, not the person).
    static let history = PersonalData(
        "history", subject: .lead,
        export: { store, leadID in
            .array(try LeadCommands.historyItems(store, try LeadQueries.require(store, id: leadID, context: "lead.export")))
        },
        erase: { _, _ in })

    /// Blanks the person's fields of one lead and its conversion request, and marks it erased.
    static func eraseRow(_ store: Store, leadID: Int64) throws {
        try store.connection.run(
            """
            UPDATE leads SET first_name = NULL, last_name = NULL, email = NULL, email_key = NULL,
                phone = NULL, phone_key = NULL, name_key = NULL, erased_at = COALESCE(erased_at, ?)
            WHERE id = ?
            """, [.text(store.clock.now().description), .integer(leadID)])
        if let request = try store.connection.row("SELECT request FROM lead_conversions WHERE lead_id = ?", [.integer(leadID)], { $0.text(0) }) {
            try store.connection.run("UPDATE lead_conversions SET request = ? WHERE lead_id = ?",
                                     [.text(Store.blanked(request, requestFields)), .integer(leadID)])
        }
    }

    // MARK: Commands

    static let commands: [Command] = [
        Command("lead.export", .read, export),
        Command("lead.erase", .write, erase),
    ]

    /// `lead.export {id | source+external_ref}`: everything libcrm holds
    /// about the person behind a lead, for a data subject's request.
    static func export(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "lead", store: store)
        try arguments.finish()
        _ = try LeadQueries.require(store, id: id, context: arguments.context)
        let (parts, events) = try store.exportPersonalData(of: .lead, id: id)
        return .object(parts.map { ($0.name, $0.records) } + [
            ("events", .array(events)),
            ("exported_at", .string(store.clock.now().description)),
        ])
    }

    /// `lead.erase {id | source+external_ref}`: erases the person behind a
    /// lead that never became a contact; erasing an erased lead changes
    /// nothing. Event `lead.erased`.
    static func erase(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "lead", store: store)
        try arguments.finish()
        let lead = try LeadQueries.require(store, id: id, context: context)
        if lead.erasedAt != nil { return lead.json }
        if case .integer(let contactID)? = lead.conversion["contact_id"] {
            throw CRMError.constraint("\(context): \(lead.label) was converted into contact \(contactID): contact.erase erases the person from both")
        }
        try store.erasePersonalData(of: .lead, id: id)
        let erased = try LeadQueries.require(store, id: id, context: context)
        try store.record(event: "lead.erased", .object([
            ("id", .integer(id)), ("erased_at", .string(erased.erasedAt?.description)),
        ]))
        return erased.json
    }
}
