import CRMStore

/// A contact's personal data on request: `contact.export` hands over all
/// libcrm holds about the person, `contact.erase` removes it for good.
///
/// What erasure keeps is what the business needs and that names no one: the
/// contact's id on its account (as an archived, nameless record), the dates
/// and channels of consent answers, and the dates and kinds of interactions.
/// Names, e-mail, phones, address, role, preferences, the host's references,
/// the subject and body of interactions, consent sources and every copy in
/// the outbox are removed. A `contact.erased` event tells the host's bridges
/// to erase their own copies.
enum PersonalData {
    /// `contact.export {id | source+external_ref}`: the contact, its consent
    /// history, its interactions, and every outbox event that carries its data.
    static func export(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "contact", store: store)
        try arguments.finish()
        let contact = try ContactQueries.require(store, id: id, context: arguments.context)
        let history = try store.connection.rows(
            "SELECT channel, status, recorded_at, source FROM contact_consents WHERE contact_id = ? ORDER BY recorded_at, id",
            [.integer(id)], ContactQueries.consent)
        var interactions = try store.connection.rows(
            "SELECT \(InteractionCommands.columns) FROM interactions WHERE contact_id = ? ORDER BY occurred_at, id",
            [.integer(id)], InteractionCommands.interaction)
        for index in interactions.indices { try InteractionCommands.loadParts(store, into: &interactions[index]) }
        let events = try store.connection.rows(
            "SELECT seq, type, occurred_at, record_json FROM crm_events WHERE \(eventsOfContact) ORDER BY seq",
            [.integer(id), .integer(id)]
        ) { row -> JSONValue in
            .object([
                ("seq", .integer(row.integer(0))), ("type", .string(row.text(1))), ("occurred_at", .string(row.text(2))),
                ("record", .encoded(row.text(3))),
            ])
        }
        return .object([
            ("contact", contact.json),
            ("consent_history", .array(history.map { $0.json.adding("channel", .string($0.channel.rawValue)) })),
            ("interactions", .array(interactions.map(\.json))),
            ("events", .array(events)),
            ("exported_at", .string(store.clock.now().description)),
        ])
    }

    /// `contact.erase {id | source+external_ref}`: erases the contact's
    /// personal data; erasing an erased contact changes nothing.
    static func erase(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "contact", store: store)
        try arguments.finish()
        var contact = try ContactQueries.require(store, id: id, context: arguments.context)
        if contact.erasedAt != nil { return contact.json }
        let now = store.clock.now()
        let connection = store.connection

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
        try connection.run("DELETE FROM contact_preferences WHERE contact_id = ?", [.integer(id)])
        try connection.run("UPDATE contact_consents SET source = 'erased' WHERE contact_id = ?", [.integer(id)])
        try connection.run("UPDATE interactions SET subject = NULL, body = NULL WHERE contact_id = ?", [.integer(id)])
        // A logged interaction's host reference keeps the content it was
        // logged with, for replays: that copy loses the same fields.
        try connection.run(
            """
            UPDATE crm_external_refs SET request_json = json_set(request_json, '$.subject', NULL, '$.body', NULL)
            WHERE record_type = 'interaction' AND record_id IN (SELECT i.id FROM interactions i WHERE i.contact_id = ?)
            """, [.integer(id)])
        try connection.run("DELETE FROM crm_external_refs WHERE record_type = 'contact' AND record_id = ?", [.integer(id)])
        try ContactQueries.loadParts(store, into: &contact)

        // The outbox keeps a copy of every record it announced: those of
        // this contact become the erased record, or lose the erased fields
        // (SQLite's json_set; PostgreSQL: jsonb_set).
        let erasedRecord = JSONWriter.string(contact.json)
        try connection.run(
            """
            UPDATE crm_events SET record_json = CASE
                WHEN type = 'consent.changed' THEN json_set(record_json, '$.source', 'erased')
                WHEN type = 'interaction.logged' THEN json_set(record_json, '$.subject', NULL, '$.body', NULL)
                ELSE ? END
            WHERE \(eventsOfContact)
            """,
            [.text(erasedRecord), .integer(id), .integer(id)])

        try store.record(event: "contact.erased", .object([
            ("id", .integer(id)), ("account_id", .integer(contact.accountID)), ("erased_at", .string(now.description)),
        ]))
        return contact.json
    }

    /// The outbox events that carry a contact's data (bind its id twice):
    /// its own record, or a consent answer or interaction that names it.
    /// Reads the stored JSON with SQLite's `json_extract` (PostgreSQL:
    /// `record_json::jsonb ->> 'id'`); erasure and export are rare, so a
    /// scan of the outbox is acceptable.
    private static let eventsOfContact = """
        ((type = 'contact.created' OR type = 'contact.updated' OR type = 'contact.archived')
            AND json_extract(record_json, '$.id') = ?)
        OR ((type = 'consent.changed' OR type = 'interaction.logged') AND json_extract(record_json, '$.contact_id') = ?)
        """

    /// An erased contact takes no more changes.
    static func requireNotErased(_ contact: Contact, context: String) throws {
        if contact.erasedAt != nil {
            throw CRMError.constraint("\(context): \(contact.label) was erased")
        }
    }
}
