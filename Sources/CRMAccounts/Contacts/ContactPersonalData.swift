import CRMStore

/// A contact's personal data on request: `contact.export` hands over all
/// libcrm holds about the person, `contact.erase` removes it for good,
/// in every module that declares `PersonalData` (this module's parts are
/// the contact itself, its consent answers and its interactions).
///
/// What erasure keeps is what the business needs and that names no one: the
/// contact's id on its account (as an archived, nameless record), the dates
/// and channels of consent answers, and the dates and kinds of interactions.
/// Names, e-mail, phones, address, role, preferences, the host's references,
/// the subject and body of interactions and consent sources are removed,
/// and blanked in the outbox and replay copies, whose other fields stay as
/// they were. A `contact.erased` event tells the host's bridges to erase
/// their own copies.
enum ContactPersonalData {
    /// `contact.export {id | source+external_ref}`: the contact, every
    /// module's part (its consent history, its interactions, ...), and
    /// every outbox event that carries its data.
    static func export(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "contact", store: store)
        try arguments.finish()
        _ = try ContactQueries.require(store, id: id, context: arguments.context)
        let (parts, events) = try store.exportPersonalData(ofContact: id)
        return .object(parts.map { ($0.name, $0.records) } + [
            ("events", .array(events)),
            ("exported_at", .string(store.clock.now().description)),
        ])
    }

    /// `contact.erase {id | source+external_ref}`: erases the contact's
    /// personal data; erasing an erased contact changes nothing.
    static func erase(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "contact", store: store)
        try arguments.finish()
        let contact = try ContactQueries.require(store, id: id, context: arguments.context)
        if contact.erasedAt != nil { return contact.json }
        try store.erasePersonalData(ofContact: id)
        let erased = try ContactQueries.require(store, id: id, context: arguments.context)
        try store.record(event: "contact.erased", .object([
            ("id", .integer(id)), ("account_id", .integer(erased.accountID)),
            ("erased_at", .string(erased.erasedAt?.description)),
        ]))
        return erased.json
    }

    /// An erased contact takes no more changes.
    static func requireNotErased(_ contact: Contact, context: String) throws {
        if contact.erasedAt != nil {
            throw CRMError.constraint("\(context): \(contact.label) was erased")
        }
    }

    /// This module's parts of a person's data, in the order `contact.export` answers them.
    static let parts: [PersonalData] = [contact, consentHistory, interactions]

    /// The contact record itself: its personal fields blanked, its
    /// preferences and its host references deleted, archived and marked erased.
    static let contact = PersonalData(
        "contact",
        events: [PersonalEvents(
            types: ["contact.created", "contact.updated", "contact.archived"], contactField: "id",
            fields: ["first_name", "last_name", "role", "email", "phone", "mobile", "preferred_channel", "address",
                     "preferences", "external_refs",
                     PersonalField("consent.email.source", erasedText: "erased"),
                     PersonalField("consent.sms.source", erasedText: "erased"),
                     PersonalField("consent.phone.source", erasedText: "erased"),
                     PersonalField("consent.post.source", erasedText: "erased")])],
        references: [PersonalReferences(recordType: "contact", recordsOfContact: "SELECT c.id FROM contacts c WHERE c.id = ?", fields: [])],
        export: { store, id in try ContactQueries.require(store, id: id, context: "contact.export").json },
        erase: { store, id in
            var contact = try ContactQueries.require(store, id: id, context: "contact.erase")
            let now = store.clock.now()
            contact.firstName = nil
            contact.lastName = ""
            contact.role = nil
            contact.email = nil
            contact.phone = nil
            contact.mobile = nil
            contact.preferredChannel = nil
            contact.address = nil
            contact.archivedAt = contact.archivedAt ?? now
            contact.erasedAt = now
            contact.version = try VersionCheck.next(contact.version, record: contact.label)
            contact.updatedAt = now
            try ContactQueries.update(store, contact)
            try store.connection.run("DELETE FROM contact_preferences WHERE contact_id = ?", [.integer(id)])
        })

    /// Every consent answer: the channel, status and date stay, the source is "erased".
    static let consentHistory = PersonalData(
        "consent_history",
        events: [PersonalEvents(types: ["consent.changed"], contactField: "contact_id",
                                fields: [PersonalField("source", erasedText: "erased")])],
        export: { store, id in
            let history = try store.connection.rows(
                "SELECT channel, status, recorded_at, source FROM contact_consents WHERE contact_id = ? ORDER BY recorded_at, id",
                [.integer(id)], ContactQueries.consent)
            return .array(history.map { $0.json.adding("channel", .string($0.channel.rawValue)) })
        },
        erase: { store, id in
            try store.connection.run("UPDATE contact_consents SET source = 'erased' WHERE contact_id = ?", [.integer(id)])
        })

    /// The interactions that name the contact: kind and date stay, subject and body go.
    static let interactions = PersonalData(
        "interactions",
        events: [PersonalEvents(types: ["interaction.logged"], contactField: "contact_id", fields: ["subject", "body"])],
        references: [PersonalReferences(recordType: "interaction",
                                        recordsOfContact: "SELECT i.id FROM interactions i WHERE i.contact_id = ?",
                                        fields: ["subject", "body"])],
        export: { store, id in
            .array(try InteractionQueries.ofContact(store, contactID: id).map(\.json))
        },
        erase: { store, id in
            try store.connection.run("UPDATE interactions SET subject = NULL, body = NULL WHERE contact_id = ?", [.integer(id)])
        })
}
