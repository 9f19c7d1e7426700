import CRMStore

/// The SQL of leads and their transitions, in the subset both engines share.
enum LeadQueries {
    static let columns = """
        id, first_name, last_name, company, email, phone, region, interest, estimated_value_minor, currency,
        owner, source_channel, campaign, referred_by_account_id, referred_by_contact_id, status, status_reason,
        status_changed_at, version, created_at, updated_at, kind, size_band, erased_at
        """

    static func lead(_ row: Row) -> Lead {
        var lead = Lead()
        lead.id = row.integer(0)
        lead.firstName = row.optionalText(1)
        lead.lastName = row.optionalText(2)
        lead.company = row.optionalText(3)
        lead.email = row.optionalText(4)
        lead.phone = row.optionalText(5)
        lead.region = row.optionalText(6)
        lead.interest = row.optionalText(7)
        lead.estimatedValueMinor = row.optionalInteger(8)
        lead.currency = Currency(code: row.text(9))?.currencyCode ?? .zar
        lead.owner = row.optionalText(10)
        lead.sourceChannel = LeadSourceChannel(rawValue: row.text(11)) ?? .other
        lead.campaign = row.optionalText(12)
        lead.referredByAccountID = row.optionalInteger(13)
        lead.referredByContactID = row.optionalInteger(14)
        lead.status = LeadStatus(rawValue: row.text(15)) ?? .new
        lead.statusReason = row.optionalText(16)
        lead.statusChangedAt = Timestamp(rfc3339: row.text(17)) ?? .epoch
        lead.version = row.integer(18)
        lead.createdAt = Timestamp(rfc3339: row.text(19)) ?? .epoch
        lead.updatedAt = Timestamp(rfc3339: row.text(20)) ?? .epoch
        lead.kind = row.optionalText(21).flatMap(LeadKind.init(rawValue:))
        lead.sizeBand = row.optionalText(22).flatMap(LeadSizeBand.init(rawValue:))
        lead.erasedAt = row.optionalText(23).flatMap(Timestamp.init(rfc3339:))
        return lead
    }

    static func load(_ store: Store, id: Int64) throws -> Lead? {
        guard var lead = try store.connection.row("SELECT \(columns) FROM leads WHERE id = ?", [.integer(id)], lead) else { return nil }
        lead.externalRefs = try ExternalReferences.references(store, recordType: "lead", recordID: id)
        if lead.status == .converted, let (links, _) = try LeadConversion.stored(store, leadID: id) { lead.conversion = links.json }
        return lead
    }

    static func require(_ store: Store, id: Int64, context: String) throws -> Lead {
        guard let lead = try load(store, id: id) else { throw CRMError.notFound("\(context): lead \(id) not found") }
        return lead
    }

    /// The keys duplicates are matched on, as stored.
    static func keys(_ lead: Lead) -> (email: String?, phone: String?, name: String?, company: String?) {
        let person = [lead.firstName, lead.lastName].compactMap { $0 }.joined(separator: " ")
        let phone = lead.phone.map(Normalization.phone)
        let company = lead.company.map(Normalization.nameKey)
        return (lead.email.map(Normalization.email), phone?.count ?? 0 >= 6 ? phone : nil,
                person.isEmpty ? nil : Normalization.nameKey(person), company?.isEmpty == false ? company : nil)
    }

    private static func values(_ lead: Lead) -> [SQLValue] {
        let keys = keys(lead)
        return [
            .text(lead.firstName), .text(lead.lastName), .text(lead.company), .text(lead.email), .text(keys.email),
            .text(lead.phone), .text(keys.phone), .text(keys.name), .text(keys.company), .text(lead.region),
            .text(lead.interest), .integer(lead.estimatedValueMinor), .text(lead.currency.code), .text(lead.owner),
            .text(lead.sourceChannel.rawValue), .text(lead.campaign), .integer(lead.referredByAccountID),
            .integer(lead.referredByContactID), .text(lead.status.rawValue), .text(lead.statusReason),
            .text(lead.statusChangedAt.description), .integer(lead.version), .text(lead.updatedAt.description),
            .text(lead.kind?.rawValue), .text(lead.sizeBand?.rawValue),
        ]
    }

    static func insert(_ store: Store, _ lead: Lead) throws {
        try store.connection.run(
            """
            INSERT INTO leads (first_name, last_name, company, email, email_key, phone, phone_key, name_key, company_key,
                region, interest, estimated_value_minor, currency, owner, source_channel, campaign, referred_by_account_id,
                referred_by_contact_id, status, status_reason, status_changed_at, version, updated_at, kind, size_band, id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, values(lead) + [.integer(lead.id), .text(lead.createdAt.description)])
    }

    /// Writes the lead's fields. An erased lead takes no more changes
    /// (`CRM_CONSTRAINT`); every command that changes a lead comes here.
    static func update(_ store: Store, _ lead: Lead, context: String) throws {
        if lead.erasedAt != nil { throw CRMError.constraint("\(context): \(lead.label) was erased") }
        try store.connection.run(
            """
            UPDATE leads SET first_name = ?, last_name = ?, company = ?, email = ?, email_key = ?, phone = ?, phone_key = ?,
                name_key = ?, company_key = ?, region = ?, interest = ?, estimated_value_minor = ?, currency = ?, owner = ?,
                source_channel = ?, campaign = ?, referred_by_account_id = ?, referred_by_contact_id = ?, status = ?,
                status_reason = ?, status_changed_at = ?, version = ?, updated_at = ?, kind = ?, size_band = ?
            WHERE id = ?
            """, values(lead) + [.integer(lead.id)])
    }

    /// What `lead.list` filters on; nil matches all.
    struct ListFilter {
        var status: String?
        var owner: String?
        var sourceChannel: String?
        var campaign: String?
        var region: String?
        var kind: String?
        var sizeBand: String?
    }

    /// Up to `limit` leads with an id above `afterID`, oldest first.
    static func list(_ store: Store, _ filter: ListFilter, afterID: Int64, limit: Int64) throws -> [Lead] {
        var conditions = ListConditions()
        conditions.equal("status", filter.status)
        conditions.equal("owner", filter.owner)
        conditions.equal("source_channel", filter.sourceChannel)
        conditions.equal("campaign", filter.campaign)
        conditions.equal("region", filter.region)
        conditions.equal("kind", filter.kind)
        conditions.equal("size_band", filter.sizeBand)
        var leads = try store.connection.rows(
            "SELECT \(columns) FROM leads WHERE id > ?\(conditions.sql) ORDER BY id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit)], lead)
        let references = try ExternalReferences.references(store, recordType: "lead", recordIDs: leads.map(\.id))
        let converted = leads.filter { $0.status == .converted }.map(\.id)
        let conversions = try LeadConversion.stored(store, leadIDs: converted)
        for index in leads.indices {
            leads[index].externalRefs = references[leads[index].id] ?? []
            if let links = conversions[leads[index].id] { leads[index].conversion = links.json }
        }
        return leads
    }
}
