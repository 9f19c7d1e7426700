import CRMStore

/// The `quote.*` commands: draft, send, accept, decline, expire, revise.
///
/// A quote may name an opportunity; the documents module does not import
/// the pipeline module but reaches it through `store.invoke` when it is
/// registered (`opportunity.get` to check the link, `opportunity.move` to
/// win it when the quote is accepted). Without the pipeline module an
/// `opportunity_id` is refused (`CRM_INVALID`).
public enum QuoteCommands {
    public static let all: [Command] = [
        Command("quote.create", .write, create),
        Command("quote.get", .read, get),
        Command("quote.update", .write, update),
        Command("quote.list", .read, list),
        Command("quote.send", .write, send),
        Command("quote.accept", .write, accept),
        Command("quote.decline", .write, decline),
        Command("quote.expire", .write, expire),
        Command("quote.revise", .write, revise),
    ]

    /// How long a sent quote is valid when it has no valid_until of its own.
    public static let defaultValidityDays: Int64 = 30

    /// `quote.create`: a draft quote for an open account (or the account of
    /// `opportunity_id`), numbered from the `quote_numbers` sequence.
    static func create(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        let accountID = try arguments.id("account_id").value
        let currencyCode = try arguments.string("currency", length: 3...3).value
        let changes = try QuoteChanges.read(&arguments)
        try arguments.finish()
        var quote = Quote()
        var opportunity: JSONValue?
        if let opportunityID = changes.opportunityID.value {
            opportunity = try loadOpportunity(store, opportunityID, context: context)
        }
        guard let account = accountID ?? opportunity?["account_id"].flatMap(integer) else {
            throw CRMError.invalid("\(context): account_id is required (or an opportunity_id to take it from)")
        }
        quote.accountID = account
        if let currencyCode {
            guard let known = Currency(code: currencyCode) else {
                throw CRMError.invalid("\(context): currency '\(currencyCode)' is not an active ISO 4217 currency code such as ZAR")
            }
            quote.currency = known.currencyCode
        } else if let currency = try accountCurrency(store, account) {
            quote.currency = currency
        }
        _ = try changes.apply(to: &quote, store: store, context: context)
        return try store.create("quote", event: "quote.created", reference: reference, content: quote.json,
                                context: context, update: "quote.update", load: {
            try QuoteQueries.require(store, id: $0, context: context).json
        }) {
            try checkLinks(store, quote, opportunity: opportunity, context: context)
            quote.id = try store.nextID("quotes")
            quote.baseNumber = number(try store.nextID("quote_numbers"))
            quote.number = quote.baseNumber
            quote.createdAt = store.clock.now()
            quote.updatedAt = quote.createdAt
            try QuoteQueries.insert(store, quote)
            return quote.id
        } record: { references in
            quote.externalRefs = references
            return quote.json
        }
    }

    /// `quote.get {id | source+external_ref, as_of?}`: the quote with
    /// `expired` and `effective_status` as of `as_of` (default today).
    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "quote", store: store)
        let asOf = try arguments.date("as_of").value ?? store.clock.now().date
        try arguments.finish()
        return try QuoteQueries.require(store, id: id, context: arguments.context).json(asOf: asOf)
    }

    /// `quote.update`: a draft's lines, dates, notes, contact and opportunity.
    static func update(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "quote", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        let changes = try QuoteChanges.read(&arguments)
        try arguments.finish()
        var quote = try QuoteQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: quote.version, record: quote.label)
        guard quote.status == .draft else {
            throw CRMError.constraint("\(context): \(quote.label) is \(quote.status.rawValue); only a draft can be edited (quote.revise makes a new draft)")
        }
        let changed = try changes.apply(to: &quote, store: store, context: "\(context): \(quote.label)")
        guard !changed.isEmpty else { return quote.json }
        if changed.contains("contact_id") || changed.contains("opportunity_id") {
            let opportunity = try quote.opportunityID.map { try loadOpportunity(store, $0, context: context) }
            try checkLinks(store, quote, opportunity: opportunity, context: context)
        }
        quote.version = try VersionCheck.next(quote.version, record: quote.label)
        quote.updatedAt = store.clock.now()
        try QuoteQueries.update(store, quote, lines: changed.contains("lines"))
        try store.record(event: "quote.updated", quote.json.adding("changed", .array(changed.map { .string($0) })))
        return quote.json
    }

    /// `quote.list {limit?, cursor?, account_id?, opportunity_id?, status?, as_of?}`:
    /// `status` is the effective status as of `as_of` (default today).
    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (limit, afterID) = try Page.read(&arguments)
        var filter = QuoteQueries.ListFilter()
        filter.accountID = try arguments.id("account_id").value
        filter.opportunityID = try arguments.id("opportunity_id").value
        filter.status = try arguments.choice("status", Quote.Status.self).value
        filter.asOf = try arguments.date("as_of").value ?? store.clock.now().date
        try arguments.finish()
        let quotes = try QuoteQueries.list(store, filter, afterID: afterID, limit: limit + 1)
        let asOf = filter.asOf
        return Page.json(quotes, limit: limit, record: { $0.json(asOf: asOf) }, cursor: { String($0.id) })
    }

    /// `quote.send {id, issued_on?, expected_version?}`: a draft with at
    /// least one line goes to the customer and is frozen. `issued_on`
    /// defaults to the one set on the draft, else today; `valid_until` to
    /// issued_on + 30 days.
    static func send(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "quote", store: store)
        let issuedOn = try arguments.date("issued_on").value
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        var quote = try QuoteQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: quote.version, record: quote.label)
        try transition(quote, to: .sent, context: context)
        if quote.lines.isEmpty { throw CRMError.constraint("\(context): \(quote.label) has no lines to send") }
        let now = store.clock.now()
        let issued = issuedOn ?? quote.issuedOn ?? now.date
        if let validUntil = quote.validUntil, validUntil < issued {
            throw CRMError.invalid("\(context): \(quote.label) is valid until \(validUntil), before issued_on \(issued)")
        }
        quote.issuedOn = issued
        if quote.validUntil == nil {
            guard let until = issued.adding(days: defaultValidityDays) else {
                throw CRMError.range("\(context): issued_on \(issued) leaves no room for valid_until")
            }
            quote.validUntil = until
        }
        quote.status = .sent
        quote.sentAt = now
        try save(store, &quote, event: "quote.sent", at: now)
        return quote.json
    }

    /// `quote.accept {id, accepted_on?, expected_version?}`: a sent quote,
    /// still valid on `accepted_on` (default today), is accepted; its
    /// opportunity (when the pipeline module is there) moves to the stage
    /// whose outcome is won, unless it is won already.
    static func accept(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "quote", store: store)
        let acceptedOn = try arguments.date("accepted_on").value
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        var quote = try QuoteQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: quote.version, record: quote.label)
        let now = store.clock.now()
        let day = acceptedOn ?? now.date
        try transition(quote, to: .accepted, asOf: day, context: context)
        if let issuedOn = quote.issuedOn, day < issuedOn {
            throw CRMError.invalid("\(context): accepted_on \(day) is before \(quote.label) was issued on \(issuedOn)")
        }
        // Checked before the first write: whether and where the opportunity moves.
        var move: (id: Int64, stage: String)?
        if let opportunityID = quote.opportunityID, store.hasCommand("opportunity.move") {
            let opportunity = try loadOpportunity(store, opportunityID, context: context)
            if opportunity["status"].flatMap(text) != "won" {
                move = (opportunityID, try wonStage(store, context: context))
            }
        }
        // Credit control (when the library has it) answers before the first write.
        let credit = try CreditAuthorization.ask(store, stage: "quote_acceptance", accountID: quote.accountID, amountMinor: quote.totalMinor,
                                                 currency: quote.currency, documentType: "quote", documentID: quote.id, asOf: day)
        quote.status = .accepted
        quote.acceptedOn = day
        quote.acceptedAt = now
        return try store.savepoint {
            try save(store, &quote, event: "quote.accepted", at: now, credit: credit)
            if let move {
                _ = try store.invoke("opportunity.move", .object([
                    ("id", .integer(move.id)), ("stage", .string(move.stage)),
                    ("reason", .string("quote \(quote.number) accepted")),
                ]))
            }
            return credit.map { quote.json.adding("credit", $0) } ?? quote.json
        }
    }

    /// `quote.decline {id, reason, expected_version?}`: the customer said no.
    static func decline(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "quote", store: store)
        let reason = try arguments.string("reason", length: 1...500).value
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        guard let reason, !reason.trimmingWhitespace().isEmpty else { throw CRMError.invalid("\(context): reason is required") }
        var quote = try QuoteQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: quote.version, record: quote.label)
        let now = store.clock.now()
        try transition(quote, to: .declined, asOf: now.date, context: context)
        quote.status = .declined
        quote.declineReason = reason.trimmingWhitespace()
        quote.declinedAt = now
        try save(store, &quote, event: "quote.declined", at: now)
        return quote.json
    }

    /// `quote.expire {id, expected_version?}`: a sent quote is marked expired
    /// (whether or not its valid_until has passed).
    static func expire(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "quote", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        var quote = try QuoteQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: quote.version, record: quote.label)
        try transition(quote, to: .expired, context: context)
        let now = store.clock.now()
        quote.status = .expired
        quote.expiredAt = now
        try save(store, &quote, event: "quote.expired", at: now)
        return quote.json
    }

    /// `quote.revise {id, expected_version?}`: a sent, expired or declined
    /// quote is superseded by a new draft revision with its lines (as they
    /// were priced), contact, opportunity and notes; the old one stays
    /// readable. Event `quote.revised`: the new draft.
    static func revise(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "quote", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        var old = try QuoteQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: old.version, record: old.label)
        try transition(old, to: .superseded, context: context)
        let (nextRevision, overflow) = old.revision.addingReportingOverflow(1)
        if overflow { throw CRMError.range("\(context): \(old.label) has no revision numbers left") }
        let now = store.clock.now()
        var draft = Quote()
        draft.baseNumber = old.baseNumber
        draft.number = "\(old.baseNumber)-\(nextRevision)"
        draft.revision = nextRevision
        draft.revisionOf = old.id
        draft.accountID = old.accountID
        draft.contactID = old.contactID
        draft.opportunityID = old.opportunityID
        draft.currency = old.currency
        draft.validUntil = old.validUntil.flatMap { $0 >= now.date ? $0 : nil }
        draft.lines = old.lines
        draft.notes = old.notes
        try draft.total(context: context)
        return try store.savepoint {
            old.status = .superseded
            old.supersededAt = now
            old.version = try VersionCheck.next(old.version, record: old.label)
            old.updatedAt = now
            try QuoteQueries.update(store, old)
            draft.id = try store.nextID("quotes")
            draft.createdAt = now
            draft.updatedAt = now
            try QuoteQueries.insert(store, draft)
            let made = draft.json
            try store.record(event: "quote.revised", made)
            return made
        }
    }

    // MARK: Helpers

    /// "Q-000123".
    static func number(_ sequence: Int64) -> String {
        let digits = String(sequence)
        return "Q-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The moves the lifecycle allows, from the status as of `asOf` (a sent
    /// quote past its valid_until counts as expired).
    static let allowed: [Quote.Status: Set<Quote.Status>] = [
        .draft: [.sent],
        .sent: [.accepted, .declined, .expired, .superseded],
        .expired: [.superseded],
        .declined: [.superseded],
    ]

    /// - Throws: `.constraint` naming both states.
    static func transition(_ quote: Quote, to: Quote.Status, asOf: CalendarDate? = nil, context: String) throws {
        let from = asOf.map { quote.effectiveStatus(asOf: $0) } ?? quote.status
        guard allowed[from]?.contains(to) ?? false else {
            var message = "\(context): \(quote.label) cannot go from \(from.rawValue) to \(to.rawValue)"
            if from == .expired, quote.status == .sent, let validUntil = quote.validUntil {
                message += " (it was valid until \(validUntil); quote.revise makes a new draft)"
            }
            throw CRMError.constraint(message)
        }
    }

    /// Writes a quote's new status with a new version and records `event`.
    private static func save(_ store: Store, _ quote: inout Quote, event: String, at now: Timestamp, credit: JSONValue? = nil) throws {
        quote.version = try VersionCheck.next(quote.version, record: quote.label)
        quote.updatedAt = now
        try QuoteQueries.update(store, quote)
        try store.record(event: event, credit.map { quote.json.adding("credit", $0) } ?? quote.json)
    }

    /// The opportunity through the pipeline module's own command.
    /// - Throws: `.invalid` when the pipeline module is not there,
    ///   `.notFound` naming `opportunity_id`.
    static func loadOpportunity(_ store: Store, _ id: Int64, context: String) throws -> JSONValue {
        guard store.hasCommand("opportunity.get") else {
            throw CRMError.invalid("\(context): opportunity_id needs the pipeline module, which this library does not have")
        }
        do {
            return try store.invoke("opportunity.get", .object([("id", .integer(id))]))
        } catch let error as CRMError where error.code == .notFound {
            throw CRMError.notFound("\(context): opportunity_id \(id) is not an opportunity")
        }
    }

    /// The code of the pipeline stage whose outcome is won.
    private static func wonStage(_ store: Store, context: String) throws -> String {
        let stages = try store.invoke("pipeline.stages", .object([]))
        if case .array(let items)? = stages["items"] {
            for stage in items where stage["outcome"].flatMap(text) == "won" {
                if let code = stage["code"].flatMap(text) { return code }
            }
        }
        throw CRMError.constraint("\(context): the pipeline has no stage whose outcome is won")
    }

    /// The account is open, the contact (if any) is one of its contacts and
    /// not erased, the opportunity (if any) is the account's.
    static func checkLinks(_ store: Store, _ quote: Quote, opportunity: JSONValue?, context: String) throws {
        guard let open = try store.connection.row(
            "SELECT archived_at IS NULL AND merged_into_id IS NULL FROM accounts WHERE id = ?",
            [.integer(quote.accountID)], { $0.bool(0) }) else {
            throw CRMError.notFound("\(context): account_id \(quote.accountID) is not an account")
        }
        if !open { throw CRMError.constraint("\(context): account \(quote.accountID) is archived or merged") }
        if let contactID = quote.contactID {
            guard let (accountID, erased) = try store.connection.row(
                "SELECT account_id, erased_at IS NOT NULL FROM contacts WHERE id = ?", [.integer(contactID)],
                { ($0.integer(0), $0.bool(1)) }) else {
                throw CRMError.notFound("\(context): contact_id \(contactID) is not a contact")
            }
            if accountID != quote.accountID {
                throw CRMError.invalid("\(context): contact_id \(contactID) belongs to account \(accountID), not \(quote.accountID)")
            }
            if erased { throw CRMError.constraint("\(context): contact_id \(contactID) was erased") }
        }
        if let opportunityID = quote.opportunityID, let opportunity,
           let accountID = opportunity["account_id"].flatMap(integer), accountID != quote.accountID {
            throw CRMError.invalid("\(context): opportunity_id \(opportunityID) belongs to account \(accountID), not \(quote.accountID)")
        }
    }

    private static func accountCurrency(_ store: Store, _ accountID: Int64) throws -> CurrencyCode? {
        try store.connection.row("SELECT currency FROM accounts WHERE id = ?", [.integer(accountID)]) {
            Currency(code: $0.text(0))?.currencyCode
        } ?? nil
    }

    private static func integer(_ value: JSONValue) -> Int64? {
        if case .integer(let number) = value.decoded { return number }
        return nil
    }

    private static func text(_ value: JSONValue) -> String? {
        if case .string(let string) = value.decoded { return string }
        return nil
    }
}
