import CRMStore

/// `credit.check` (the what-if), `credit.authorize` (what the document
/// chain asks at its three steps) and `credit.override` (a one-time grant).
enum CreditControlCommands {
    static let all: [Command] = [
        Command("credit.check", .read, check),
        Command("credit.authorize", .write, authorize),
        Command("credit.override", .write, override),
    ]

    /// The arguments `check` and `authorize` share.
    struct Request {
        var account: CreditEvaluation.Account
        var stage: CreditStage
        var asOf: CalendarDate
        var document: CreditExposure.Document
    }

    static func readRequest(_ store: Store, _ arguments: inout Arguments) throws -> Request {
        let context = arguments.context
        let accountID = try arguments.id("account_id").value
        let stage = try arguments.choice("stage", CreditStage.self).value
        let amount = try arguments.integer("amount_minor", range: 0...Int64.max).value
        let currencyCode = try arguments.string("currency", length: 3...3).value
        let documentType = try arguments.choice("document_type", ["quote", "jobcard", "invoice"]).value
        let documentID = try arguments.id("document_id").value
        let asOf = try arguments.date("as_of").value
        try arguments.finish()
        guard let accountID else { throw CRMError.invalid("\(context): account_id is required") }
        guard let stage else { throw CRMError.invalid("\(context): stage is required (quote_acceptance, jobcard_creation or invoice_issue)") }
        if documentID != nil && documentType == nil { throw CRMError.invalid("\(context): document_type is required with document_id") }
        var currency: String?
        if let currencyCode {
            guard let known = Currency(code: currencyCode) else {
                throw CRMError.invalid("\(context): currency '\(currencyCode)' is not an active ISO 4217 currency code such as ZAR")
            }
            currency = known.code
        }
        let account = try CreditEvaluation.account(store, accountID, context: context)
        return Request(account: account, stage: stage, asOf: asOf ?? store.clock.now().date,
                       document: .init(type: documentType, id: documentID, amountMinor: amount ?? 0, currency: currency))
    }

    /// The override that the next refused step of this account and stage
    /// (and document) would consume: not consumed, not expired.
    static func pendingOverride(_ store: Store, accountID: Int64, stage: CreditStage, documentID: Int64?,
                                asOf: CalendarDate) throws -> (id: Int64, json: JSONValue)? {
        try store.connection.row(
            """
            SELECT id, user_name, reason, document_id, expires_on FROM credit_overrides
            WHERE account_id = ? AND stage = ? AND consumed_at IS NULL AND (expires_on IS NULL OR expires_on >= ?)
              AND (document_id IS NULL OR document_id = ?)
            ORDER BY id LIMIT 1
            """, [.integer(accountID), .text(stage.rawValue), .text(asOf.description), .integer(documentID)]) {
            ($0.integer(0), JSONValue.object([("id", .integer($0.integer(0))), ("user", .string($0.text(1))), ("reason", .string($0.text(2))),
                                               ("document_id", .integer($0.optionalInteger(3))), ("expires_on", .string($0.optionalText(4)))]))
        }
    }

    /// `credit.check {account_id, stage, amount_minor?, currency?,
    /// document_type?, document_id?, as_of?}`: the decision a step would
    /// get, without taking it. `override` shows the grant it would consume.
    static func check(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let request = try readRequest(store, &arguments)
        var decision = try CreditEvaluation.evaluate(store, account: request.account, stage: request.stage, asOf: request.asOf,
                                                     document: request.document)
        if !decision.passes, let pending = try pendingOverride(store, accountID: request.account.id, stage: request.stage,
                                                                documentID: request.document.id, asOf: request.asOf) {
            decision.override = pending.json
        }
        return decision.json.adding("account_id", .integer(request.account.id))
    }

    /// `credit.authorize {…as credit.check}`: the step asks before it writes.
    /// Without any policy configured and without a hold, a plain allow.
    /// A step that passes gets the decision (consuming an override when one
    /// lets it through); a refused one is `CRM_CREDIT_HOLD` with the decision
    /// as the error's detail.
    static func authorize(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let request = try readRequest(store, &arguments)
        // A library that never configured credit and holds nothing allows every step without reading figures.
        if try !PolicyQueries.anyConfigured(store), try !CreditEvaluation.isOnHold(store, accountID: request.account.id) {
            return .object([("decision", .string("allow")), ("stage", .string(request.stage.rawValue)), ("reasons", .array([])),
                            ("override", .null), ("account_id", .integer(request.account.id))])
        }
        var decision = try CreditEvaluation.evaluate(store, account: request.account, stage: request.stage, asOf: request.asOf,
                                                     document: request.document)
        if !decision.passes, let pending = try pendingOverride(store, accountID: request.account.id, stage: request.stage,
                                                                documentID: request.document.id, asOf: request.asOf) {
            try store.connection.run(
                "UPDATE credit_overrides SET consumed_at = ?, consumed_document_type = ?, consumed_document_id = ? WHERE id = ?",
                [.text(store.clock.now().description), .text(request.document.type), .integer(request.document.id), .integer(pending.id)])
            decision.override = pending.json
        }
        let json = decision.json.adding("account_id", .integer(request.account.id))
        guard decision.passes else {
            let why = decision.decision == .requirePrepayment
                ? "needs prepayment: unallocated payments \(decision.unallocatedPayments) \(decision.currency) do not cover \(decision.exposure.document) \(decision.currency)"
                : "\(decision.decision.rawValue): \(decision.firstMessage)"
            throw CRMError(.creditHold, "\(request.stage.command): \(request.account.label) is refused credit (\(why))", detail: json)
        }
        return json
    }

    /// `credit.override {account_id, stage, document_id?, user, reason,
    /// expires_on?}`: a one-time grant. Event `credit.overridden`.
    static func override(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let accountID = try arguments.id("account_id").value
        let stage = try arguments.choice("stage", CreditStage.self).value
        let documentID = try arguments.id("document_id").value
        let user = try arguments.string("user", length: 1...100).value
        let reason = try arguments.string("reason", length: 1...500).value
        let expiresOn = try arguments.date("expires_on").value
        try arguments.finish()
        guard let accountID else { throw CRMError.invalid("\(context): account_id is required") }
        guard let stage else { throw CRMError.invalid("\(context): stage is required (quote_acceptance, jobcard_creation or invoice_issue)") }
        guard let user, !user.trimmingWhitespace().isEmpty else { throw CRMError.invalid("\(context): user is required") }
        guard let reason, !reason.trimmingWhitespace().isEmpty else { throw CRMError.invalid("\(context): reason is required") }
        let now = store.clock.now()
        if let expiresOn, expiresOn < now.date {
            throw CRMError.invalid("\(context): expires_on \(expiresOn) is before today (\(now.date))")
        }
        _ = try CreditEvaluation.account(store, accountID, context: context)
        let id = try store.nextID("credit_overrides")
        try store.connection.run(
            """
            INSERT INTO credit_overrides (id, account_id, stage, document_id, user_name, reason, expires_on, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(id), .integer(accountID), .text(stage.rawValue), .integer(documentID), .text(user.trimmingWhitespace()),
                  .text(reason.trimmingWhitespace()), .text(expiresOn?.description), .text(now.description)])
        let record = JSONValue.object([
            ("id", .integer(id)), ("account_id", .integer(accountID)), ("stage", .string(stage.rawValue)),
            ("document_id", .integer(documentID)), ("user", .string(user.trimmingWhitespace())),
            ("reason", .string(reason.trimmingWhitespace())), ("expires_on", .string(expiresOn?.description)),
            ("created_at", .string(now.description)), ("consumed_at", .null),
        ])
        try store.record(event: "credit.overridden", record)
        return record
    }
}
