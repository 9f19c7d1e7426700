import CRMStore

/// The `opportunity.*` commands.
public enum OpportunityCommands {
    public static let all: [Command] = [
        Command("opportunity.create", .write, create),
        Command("opportunity.get", .read, get),
        Command("opportunity.update", .write, update),
        Command("opportunity.list", .read, list),
        Command("opportunity.move", .write, move),
        Command("opportunity.history", .read, history),
    ]

    /// `opportunity.create`: a new opportunity for an open account, in the
    /// first open stage unless `stage` names another open one.
    static func create(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        guard let accountID = try arguments.id("account_id").value else { throw CRMError.invalid("\(context): account_id is required") }
        let leadID = try arguments.id("lead_id").value
        let stageCode = try arguments.string("stage", length: 1...40).value
        let performedBy = try arguments.string("performed_by", length: 1...100).value
        let changes = try OpportunityChanges.read(&arguments)
        try arguments.finish()
        var opportunity = Opportunity()
        opportunity.accountID = accountID
        opportunity.leadID = leadID
        let stages = try PipelineStages.all(store)
        let stage: PipelineStage
        if let stageCode {
            stage = try PipelineStages.require(store, code: stageCode, field: "stage", context: context)
            guard stage.outcome == .open else {
                throw CRMError.invalid("\(context): stage '\(stageCode)' closes an opportunity; create it in an open stage and move it")
            }
        } else {
            guard let first = stages.first(where: { $0.outcome == .open }) else {
                throw CRMError.constraint("\(context): the pipeline has no open stage")
            }
            stage = first
        }
        opportunity.stage = stage.code
        opportunity.probability = stage.probability
        if case .absent = changes.currency, let currency = try accountCurrency(store, accountID) { opportunity.currency = currency }
        _ = try changes.apply(to: &opportunity, context: context)
        guard !opportunity.title.isEmpty else { throw CRMError.invalid("\(context): title is required") }
        return try store.create("opportunity", event: "opportunity.created", reference: reference, content: opportunity.json,
                                context: context, update: "opportunity.update", load: {
            try OpportunityQueries.require(store, id: $0, context: context).json
        }) {
            try checkLinks(store, opportunity, context: context)
            opportunity.id = try store.nextID("opportunities")
            opportunity.createdAt = store.clock.now()
            opportunity.updatedAt = opportunity.createdAt
            opportunity.stageChangedAt = opportunity.createdAt
            try OpportunityQueries.insert(store, opportunity)
            try OpportunityQueries.recordStageChange(store, opportunityID: opportunity.id, from: nil, to: stage.code, reason: nil,
                                                     performedBy: performedBy, reopened: false, at: opportunity.createdAt)
            return opportunity.id
        } record: { references in
            opportunity.externalRefs = references
            return opportunity.json
        }
    }

    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "opportunity", store: store)
        try arguments.finish()
        return try OpportunityQueries.require(store, id: id, context: arguments.context).json
    }

    /// `opportunity.update`: the opportunity's fields (not its stage: `opportunity.move`).
    static func update(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "opportunity", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        let changes = try OpportunityChanges.read(&arguments)
        try arguments.finish()
        var opportunity = try OpportunityQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: opportunity.version, record: opportunity.label)
        let changed = try changes.apply(to: &opportunity, context: "\(context): \(opportunity.label)")
        guard !changed.isEmpty else { return opportunity.json }
        if changed.contains("contact_id") { try checkLinks(store, opportunity, context: context) }
        opportunity.version = try VersionCheck.next(opportunity.version, record: opportunity.label)
        opportunity.updatedAt = store.clock.now()
        try OpportunityQueries.update(store, opportunity)
        try store.record(event: "opportunity.updated", opportunity.json.adding("changed", .array(changed.map { .string($0) })))
        return opportunity.json
    }

    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (limit, afterID) = try Page.read(&arguments)
        var filter = OpportunityQueries.ListFilter()
        filter.accountID = try arguments.id("account_id").value
        filter.leadID = try arguments.id("lead_id").value
        filter.owner = try arguments.string("owner", length: 1...100).value
        filter.stage = try arguments.string("stage", length: 1...40).value
        filter.status = try arguments.choice("status", Opportunity.Status.self).value?.rawValue
        try arguments.finish()
        let opportunities = try OpportunityQueries.list(store, filter, afterID: afterID, limit: limit + 1)
        return Page.json(opportunities, limit: limit, record: \.json, cursor: { String($0.id) })
    }

    /// `opportunity.move {id, stage, reason?, performed_by?, expected_version?}`:
    /// into another stage of the pipeline, taking that stage's probability.
    /// Won and lost need a reason; a closed opportunity goes back to an open
    /// stage only (reopening, recorded as such), never straight from won to
    /// lost or back. The event is `opportunity.won`, `opportunity.lost`,
    /// `opportunity.reopened` or `opportunity.moved`.
    static func move(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "opportunity", store: store)
        let stageCode = try arguments.requiredString("stage", length: 1...40)
        let reason = try arguments.string("reason", length: 1...500).value
        let performedBy = try arguments.string("performed_by", length: 1...100).value
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        var opportunity = try OpportunityQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: opportunity.version, record: opportunity.label)
        let to = try PipelineStages.require(store, code: stageCode, field: "stage", context: context)
        let from = opportunity.stage
        if to.code == from { throw CRMError.constraint("\(context): \(opportunity.label) is in \(from) already") }
        let reopening = opportunity.status != .open
        if reopening && to.outcome != .open {
            throw CRMError.constraint("\(context): \(opportunity.label) cannot go from \(from) to \(to.code); reopen it in an open stage first")
        }
        if to.outcome != .open, reason?.trimmingWhitespace().isEmpty ?? true {
            throw CRMError.invalid("\(context): reason is required to move \(opportunity.label) to \(to.code)")
        }
        let now = store.clock.now()
        opportunity.stage = to.code
        opportunity.probability = to.probability
        switch to.outcome {
        case .open:
            opportunity.status = .open
            opportunity.closeReason = nil
            opportunity.closedAt = nil
        case .won, .lost:
            opportunity.status = to.outcome == .won ? .won : .lost
            opportunity.closeReason = reason
            opportunity.closedAt = now
        }
        opportunity.stageChangedAt = now
        opportunity.version = try VersionCheck.next(opportunity.version, record: opportunity.label)
        opportunity.updatedAt = now
        try OpportunityQueries.update(store, opportunity)
        try OpportunityQueries.recordStageChange(store, opportunityID: id, from: from, to: to.code, reason: reason,
                                                 performedBy: performedBy, reopened: reopening, at: now)
        let event = reopening ? "opportunity.reopened"
            : to.outcome == .won ? "opportunity.won" : to.outcome == .lost ? "opportunity.lost" : "opportunity.moved"
        try store.record(event: event, opportunity.json.adding("move", .object([
            ("from", .string(from)), ("to", .string(to.code)), ("reason", .string(reason)),
            ("performed_by", .string(performedBy)), ("reopened", .bool(reopening)),
        ])))
        return opportunity.json
    }

    /// `opportunity.history {id, as_of?}`: every stage the opportunity
    /// entered, oldest first, with the seconds it spent there (up to `as_of`,
    /// default now, for the stage it is in).
    static func history(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "opportunity", store: store)
        let asOf = try arguments.instant("as_of", dateMeans: .end) ?? store.clock.now()
        try arguments.finish()
        _ = try OpportunityQueries.require(store, id: id, context: context)
        let changes = try store.connection.rows(
            """
            SELECT from_stage, to_stage, reason, performed_by, reopened, occurred_at FROM opportunity_stage_changes
            WHERE opportunity_id = ? ORDER BY id
            """, [.integer(id)]
        ) { row in
            (from: row.optionalText(0), to: row.text(1), reason: row.optionalText(2), performedBy: row.optionalText(3),
             reopened: row.integer(4) == 1, at: Timestamp(rfc3339: row.text(5)) ?? .epoch)
        }
        var items: [JSONValue] = []
        for (index, change) in changes.enumerated() {
            let left = index + 1 < changes.count ? changes[index + 1].at : asOf
            items.append(.object([
                ("from", .string(change.from)), ("to", .string(change.to)), ("reason", .string(change.reason)),
                ("performed_by", .string(change.performedBy)), ("reopened", .bool(change.reopened)),
                ("occurred_at", .string(change.at.description)),
                ("seconds_in_stage", .integer(max(0, left.secondsSinceEpoch - change.at.secondsSinceEpoch))),
            ]))
        }
        return .object([("opportunity_id", .integer(id)), ("items", .array(items))])
    }

    /// The account is open, the contact (if any) is one of its contacts and
    /// not erased, the lead (if any) exists.
    static func checkLinks(_ store: Store, _ opportunity: Opportunity, context: String) throws {
        guard let open = try store.connection.row(
            "SELECT archived_at IS NULL AND merged_into_id IS NULL FROM accounts WHERE id = ?",
            [.integer(opportunity.accountID)], { $0.bool(0) }) else {
            throw CRMError.notFound("\(context): account_id \(opportunity.accountID) is not an account")
        }
        if !open { throw CRMError.constraint("\(context): account \(opportunity.accountID) is archived or merged") }
        if let contactID = opportunity.contactID {
            guard let (accountID, erased) = try store.connection.row(
                "SELECT account_id, erased_at IS NOT NULL FROM contacts WHERE id = ?", [.integer(contactID)],
                { ($0.integer(0), $0.bool(1)) }) else {
                throw CRMError.notFound("\(context): contact_id \(contactID) is not a contact")
            }
            if accountID != opportunity.accountID {
                throw CRMError.invalid("\(context): contact_id \(contactID) belongs to account \(accountID), not \(opportunity.accountID)")
            }
            if erased { throw CRMError.constraint("\(context): contact_id \(contactID) was erased") }
        }
        if let leadID = opportunity.leadID,
           try store.connection.integer("SELECT count(*) FROM leads WHERE id = ?", [.integer(leadID)]) ?? 0 == 0 {
            throw CRMError.notFound("\(context): lead_id \(leadID) is not a lead")
        }
    }

    private static func accountCurrency(_ store: Store, _ accountID: Int64) throws -> CurrencyCode? {
        try store.connection.row("SELECT currency FROM accounts WHERE id = ?", [.integer(accountID)]) {
            Currency(code: $0.text(0))?.currencyCode
        } ?? nil
    }
}
