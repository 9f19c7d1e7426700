import CRMStore

/// Every SQL statement about contacts, consent and preferences.
enum ContactQueries {
    static let columns = """
        id, account_id, first_name, last_name, role, email, phone, mobile, preferred_channel, address_json,
        archived_at, version, created_at, updated_at, erased_at
        """

    static func contact(_ row: Row) -> Contact {
        var contact = Contact()
        contact.id = row.integer(0)
        contact.accountID = row.integer(1)
        contact.firstName = row.optionalText(2)
        contact.lastName = row.text(3)
        contact.role = row.optionalText(4)
        contact.email = row.optionalText(5)
        contact.phone = row.optionalText(6)
        contact.mobile = row.optionalText(7)
        contact.preferredChannel = row.optionalText(8).flatMap(Contact.Channel.init(rawValue:))
        contact.address = row.optionalText(9).flatMap { text in
            // Read as stored, not checked again: a country code since dropped from ISO 3166 still reads back.
            guard let value = try? JSONParser.parse(Array(text.utf8), what: "address"), case .object = value else { return nil }
            return Address(stored: value)
        }
        contact.archivedAt = row.optionalText(10).flatMap(Timestamp.init(rfc3339:))
        contact.version = row.integer(11)
        contact.createdAt = Timestamp(rfc3339: row.text(12)) ?? .epoch
        contact.updatedAt = Timestamp(rfc3339: row.text(13)) ?? .epoch
        contact.erasedAt = row.optionalText(14).flatMap(Timestamp.init(rfc3339:))
        return contact
    }

    static func load(_ store: Store, id: Int64) throws -> Contact? {
        guard var contact = try store.connection.row("SELECT \(columns) FROM contacts WHERE id = ?", [.integer(id)], contact) else {
            return nil
        }
        try loadParts(store, into: &contact)
        return contact
    }

    static func require(_ store: Store, id: Int64, context: String) throws -> Contact {
        guard let contact = try load(store, id: id) else { throw CRMError.notFound("\(context): contact \(id) not found") }
        return contact
    }

    static func loadParts(_ store: Store, into contact: inout Contact) throws {
        let latest = try store.connection.rows(
            """
            SELECT channel, status, recorded_at, source FROM contact_consents c
            WHERE contact_id = ? AND id = (SELECT d.id FROM contact_consents d WHERE d.contact_id = c.contact_id AND d.channel = c.channel
                                          ORDER BY d.recorded_at DESC, d.id DESC LIMIT 1)
            """,
            [.integer(contact.id)], consent)
        contact.consent = [:]
        for item in latest { contact.consent[item.channel] = item }
        contact.preferences = try store.connection.rows(
            "SELECT key, value FROM contact_preferences WHERE contact_id = ? ORDER BY key", [.integer(contact.id)]
        ) { (key: $0.text(0), value: $0.text(1)) }
        contact.externalRefs = try ExternalReferences.references(store, recordType: "contact", recordID: contact.id)
    }

    static func consent(_ row: Row) -> Consent {
        Consent(channel: Contact.Channel(rawValue: row.text(0)) ?? .email,
                status: Consent.Status(rawValue: row.text(1)) ?? .optedOut,
                recordedAt: Timestamp(rfc3339: row.text(2)) ?? .epoch,
                source: row.text(3))
    }

    private static func values(_ contact: Contact) -> [SQLValue] {
        [
            .integer(contact.accountID), .text(contact.firstName), .text(contact.lastName), .text(contact.role),
            .text(contact.email), .text(contact.email.map(Normalization.email)), .text(contact.phone),
            .text(contact.phone.map(Normalization.phone)), .text(contact.mobile), .text(contact.preferredChannel?.rawValue),
            .text(contact.address.map { JSONWriter.string($0.json) }), .text(contact.archivedAt?.description),
            .integer(contact.version), .text(contact.updatedAt.description), .text(contact.erasedAt?.description),
        ]
    }

    static func insert(_ store: Store, _ contact: Contact) throws {
        try store.connection.run(
            """
            INSERT INTO contacts (account_id, first_name, last_name, role, email, email_key, phone, phone_key, mobile,
                preferred_channel, address_json, archived_at, version, updated_at, erased_at, id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            values(contact) + [.integer(contact.id), .text(contact.createdAt.description)])
    }

    static func update(_ store: Store, _ contact: Contact) throws {
        try store.connection.run(
            """
            UPDATE contacts SET account_id = ?, first_name = ?, last_name = ?, role = ?, email = ?, email_key = ?,
                phone = ?, phone_key = ?, mobile = ?, preferred_channel = ?, address_json = ?, archived_at = ?,
                version = ?, updated_at = ?, erased_at = ?
            WHERE id = ?
            """,
            values(contact) + [.integer(contact.id)])
    }

    static func list(_ store: Store, accountID: Int64?, email: String?, includeArchived: Bool, afterID: Int64, limit: Int64) throws -> [Contact] {
        var conditions = ListConditions()
        conditions.equal("account_id", accountID)
        conditions.equal("email_key", email)
        conditions.add("archived_at IS NULL", when: !includeArchived)
        var contacts = try store.connection.rows(
            "SELECT \(columns) FROM contacts WHERE id > ?\(conditions.sql) ORDER BY id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit)], contact)
        for index in contacts.indices { try loadParts(store, into: &contacts[index]) }
        return contacts
    }
}
