import CRMStore

/// What leads keep about a person: the enquiry a contact was converted
/// from holds the same name, e-mail and phone. `contact.export` hands those
/// leads over as `"leads"`; `contact.erase` blanks their first and last
/// name, e-mail and phone (and the keys the duplicate check matches on) in
/// the table, in every `lead.*` event and in the replay copies, and the new
/// contact's fields in the conversion's request. Company, interest, channel,
/// value, status and transitions stay, so the funnel and the conversion
/// reports keep their numbers.
enum LeadPersonalData {
    static let fields: [PersonalField] = ["first_name", "last_name", "email", "phone"]

    /// The contact's person fields a conversion request may carry (`contact: {...}`).
    static let requestFields: [PersonalField] = ["contact.first_name", "contact.last_name", "contact.role", "contact.email",
                                                 "contact.phone", "contact.mobile", "contact.address"]

    /// The leads converted into the contact.
    static let leadsOfContact: StaticString = "SELECT lead_id FROM lead_conversions WHERE contact_id = ? ORDER BY lead_id"

    static let leads = PersonalData(
        "leads",
        events: [PersonalEvents(types: ["lead.created", "lead.updated", "lead.transitioned", "lead.assigned", "lead.converted"],
                                recordField: "id", recordsOfContact: leadsOfContact, fields: fields)],
        references: [PersonalReferences(recordType: "lead", recordsOfContact: leadsOfContact, fields: fields)],
        export: { store, contactID in
            let ids = try store.connection.rows("\(leadsOfContact)", [.integer(contactID)]) { $0.integer(0) }
            return .array(try ids.map { try LeadQueries.require(store, id: $0, context: "contact.export").json })
        },
        erase: { store, contactID in
            let ids = try store.connection.rows("\(leadsOfContact)", [.integer(contactID)]) { $0.integer(0) }
            for id in ids {
                try store.connection.run(
                    """
                    UPDATE leads SET first_name = NULL, last_name = NULL, email = NULL, email_key = NULL,
                        phone = NULL, phone_key = NULL, name_key = NULL
                    WHERE id = ?
                    """, [.integer(id)])
                if let request = try store.connection.row("SELECT request FROM lead_conversions WHERE lead_id = ?", [.integer(id)], { $0.text(0) }) {
                    try store.connection.run("UPDATE lead_conversions SET request = ? WHERE lead_id = ?",
                                             [.text(Store.blanked(request, requestFields)), .integer(id)])
                }
            }
        })
}
