import CRMStore

/// The SQL of opportunities and their stage history, in the subset both engines share.
enum OpportunityQueries {
    static let columns = """
        id, account_id, contact_id, lead_id, title, amount_minor, currency, expected_close_on, owner, products,
        description, competitor, next_step, source_channel, campaign, stage, probability, status, close_reason,
        closed_at, stage_changed_at, version, created_at, updated_at
        """

    static func opportunity(_ row: Row) -> Opportunity {
        var opportunity = Opportunity()
        opportunity.id = row.integer(0)
        opportunity.accountID = row.integer(1)
        opportunity.contactID = row.optionalInteger(2)
        opportunity.leadID = row.optionalInteger(3)
        opportunity.title = row.text(4)
        opportunity.amountMinor = row.integer(5)
        opportunity.currency = Currency(code: row.text(6))?.currencyCode ?? .zar
        opportunity.expectedCloseOn = row.optionalText(7).flatMap { CalendarDate($0) }
        opportunity.owner = row.optionalText(8)
        opportunity.products = products(row.text(9))
        opportunity.description = row.optionalText(10)
        opportunity.competitor = row.optionalText(11)
        opportunity.nextStep = row.optionalText(12)
        opportunity.sourceChannel = row.optionalText(13)
        opportunity.campaign = row.optionalText(14)
        opportunity.stage = row.text(15)
        opportunity.probability = row.integer(16)
        opportunity.status = Opportunity.Status(rawValue: row.text(17)) ?? .open
        opportunity.closeReason = row.optionalText(18)
        opportunity.closedAt = row.optionalText(19).flatMap { Timestamp(rfc3339: $0) }
        opportunity.stageChangedAt = Timestamp(rfc3339: row.text(20)) ?? .epoch
        opportunity.version = row.integer(21)
        opportunity.createdAt = Timestamp(rfc3339: row.text(22)) ?? .epoch
        opportunity.updatedAt = Timestamp(rfc3339: row.text(23)) ?? .epoch
        return opportunity
    }

    /// The products as stored: a JSON array of strings.
    private static func products(_ text: String) -> [String] {
        guard let value = try? JSONParser.parse(Array(text.utf8), what: "products"), case .array(let items) = value else { return [] }
        return items.compactMap { if case .string(let item) = $0 { return item } else { return nil } }
    }

    static func load(_ store: Store, id: Int64) throws -> Opportunity? {
        guard var opportunity = try store.connection.row("SELECT \(columns) FROM opportunities WHERE id = ?", [.integer(id)], opportunity) else {
            return nil
        }
        opportunity.externalRefs = try ExternalReferences.references(store, recordType: "opportunity", recordID: id)
        return opportunity
    }

    static func require(_ store: Store, id: Int64, context: String) throws -> Opportunity {
        guard let opportunity = try load(store, id: id) else { throw CRMError.notFound("\(context): opportunity \(id) not found") }
        return opportunity
    }

    private static func values(_ opportunity: Opportunity) -> [SQLValue] {
        [
            .integer(opportunity.accountID), .integer(opportunity.contactID), .integer(opportunity.leadID), .text(opportunity.title),
            .integer(opportunity.amountMinor), .text(opportunity.currency.code), .text(opportunity.expectedCloseOn?.description),
            .text(opportunity.owner), .text(JSONWriter.string(.array(opportunity.products.map { .string($0) }))),
            .text(opportunity.description), .text(opportunity.competitor), .text(opportunity.nextStep),
            .text(opportunity.sourceChannel), .text(opportunity.campaign), .text(opportunity.stage),
            .integer(opportunity.probability), .text(opportunity.status.rawValue), .text(opportunity.closeReason),
            .text(opportunity.closedAt?.description), .text(opportunity.stageChangedAt.description),
            .integer(opportunity.version), .text(opportunity.updatedAt.description),
        ]
    }

    static func insert(_ store: Store, _ opportunity: Opportunity) throws {
        try store.connection.run(
            """
            INSERT INTO opportunities (account_id, contact_id, lead_id, title, amount_minor, currency, expected_close_on, owner,
                products, description, competitor, next_step, source_channel, campaign, stage, probability, status,
                close_reason, closed_at, stage_changed_at, version, updated_at, id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, values(opportunity) + [.integer(opportunity.id), .text(opportunity.createdAt.description)])
    }

    static func update(_ store: Store, _ opportunity: Opportunity) throws {
        try store.connection.run(
            """
            UPDATE opportunities SET account_id = ?, contact_id = ?, lead_id = ?, title = ?, amount_minor = ?, currency = ?,
                expected_close_on = ?, owner = ?, products = ?, description = ?, competitor = ?, next_step = ?,
                source_channel = ?, campaign = ?, stage = ?, probability = ?, status = ?, close_reason = ?, closed_at = ?,
                stage_changed_at = ?, version = ?, updated_at = ?
            WHERE id = ?
            """, values(opportunity) + [.integer(opportunity.id)])
    }

    /// Records the opportunity entering `to` (from `from`, nil for its first stage).
    static func recordStageChange(_ store: Store, opportunityID: Int64, from: String?, to: String, reason: String?,
                                  performedBy: String?, reopened: Bool, at instant: Timestamp) throws {
        try store.connection.run(
            """
            INSERT INTO opportunity_stage_changes (id, opportunity_id, from_stage, to_stage, reason, performed_by, reopened, occurred_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(try store.nextID("opportunity_stage_changes")), .integer(opportunityID), .text(from), .text(to),
             .text(reason), .text(performedBy), .integer(reopened ? 1 : 0), .text(instant.description)])
    }

    /// What `opportunity.list` filters on; nil matches all.
    struct ListFilter {
        var accountID: Int64?
        var leadID: Int64?
        var owner: String?
        var stage: String?
        var status: String?
    }

    /// Up to `limit` opportunities with an id above `afterID`, oldest first.
    static func list(_ store: Store, _ filter: ListFilter, afterID: Int64, limit: Int64) throws -> [Opportunity] {
        var conditions = ListConditions()
        conditions.equal("account_id", filter.accountID)
        conditions.equal("lead_id", filter.leadID)
        conditions.equal("owner", filter.owner)
        conditions.equal("stage", filter.stage)
        conditions.equal("status", filter.status)
        var opportunities = try store.connection.rows(
            "SELECT \(columns) FROM opportunities WHERE id > ?\(conditions.sql) ORDER BY id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit)], opportunity)
        let references = try ExternalReferences.references(store, recordType: "opportunity", recordIDs: opportunities.map(\.id))
        for index in opportunities.indices { opportunities[index].externalRefs = references[opportunities[index].id] ?? [] }
        return opportunities
    }
}
