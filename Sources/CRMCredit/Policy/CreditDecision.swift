import CRMStore

/// The answer of credit control for one account at one step: the figures,
/// the rules the account breaks, and what the step does.
struct CreditDecision {
    var decision: CreditAction = .allow
    var reasons: [JSONValue] = []
    /// Whether the account breaks a rule of its policy (on hold or not).
    var outsidePolicy = false
    var onHold = false
    var exposure = CreditExposure()
    var currency = "ZAR"
    var policy = CreditPolicy()
    var unallocatedPayments: Int128 = 0
    var prepaid = false
    var score: JSONValue = .null
    var override: JSONValue = .null
    var stage: CreditStage?

    /// Whether the step goes through.
    var passes: Bool {
        if !override.isNull { return true }
        switch decision {
        case .allow, .warn: return true
        case .requirePrepayment: return prepaid
        case .hold, .block: return false
        }
    }

    var json: JSONValue {
        let limit = policy.creditLimitMinor.map { Int128($0) }
        var fields: [(String, JSONValue)] = [
            ("decision", .string(decision.rawValue)),
            ("stage", .string(stage?.rawValue)),
            ("reasons", .array(reasons)),
            ("currency", .string(currency)),
            ("exposure_minor", .integer(Int64(clamping: exposure.total))),
            ("open_receivables_minor", .integer(Int64(clamping: exposure.openReceivables))),
            ("uninvoiced_minor", .integer(Int64(clamping: exposure.uninvoiced))),
            ("document_minor", .integer(Int64(clamping: exposure.document))),
            ("overdue_minor", .integer(Int64(clamping: exposure.overdue))),
            ("limit_minor", .integer(policy.creditLimitMinor)),
            ("available_minor", limit.map { .integer(Int64(clamping: $0 - exposure.total)) } ?? .null),
            ("unallocated_payments_minor", .integer(Int64(clamping: unallocatedPayments))),
        ]
        if decision == .requirePrepayment { fields.append(("prepaid", .bool(prepaid))) }
        fields += [("on_hold", .bool(onHold)), ("score", score), ("policy", policy.json), ("override", override)]
        return .object(fields)
    }

    /// The first reason's message, for a refusal.
    var firstMessage: String {
        reasons.first?["message"].flatMap { if case .string(let text) = $0 { return text } else { return nil } } ?? "outside its credit policy"
    }
}

extension JSONValue {
    var isNull: Bool { if case .null = self { return true } else { return false } }
}

/// Works out decisions: the account's effective policy, its figures and rules.
enum CreditEvaluation {
    /// An account as credit control needs it.
    struct Account {
        var id: Int64
        var name: String
        var currency: String?
        var segment: String?
        /// The limit kept on the account record (`account.credit_limit_minor`).
        var creditLimitMinor: Int64?
        var label: String { "account \(id) (\(name))" }
    }

    /// - Throws: `.notFound` naming `account_id`.
    static func account(_ store: Store, _ id: Int64, context: String) throws -> Account {
        guard let found = try store.connection.row("SELECT name, currency, segment, credit_limit_minor FROM accounts WHERE id = ?", [.integer(id)], {
            Account(id: id, name: $0.text(0), currency: $0.optionalText(1), segment: $0.optionalText(2), creditLimitMinor: $0.optionalInteger(3))
        }) else { throw CRMError.notFound("\(context): account_id \(id) is not an account") }
        return found
    }

    /// Whether the account has an open hold.
    static func isOnHold(_ store: Store, accountID: Int64) throws -> Bool {
        try store.connection.integer("SELECT id FROM credit_holds WHERE account_id = ? AND released_at IS NULL LIMIT 1",
                                     [.integer(accountID)]) != nil
    }

    /// The decision for `account` at `stage` (nil: the account's standing
    /// alone, for placing and releasing holds) on `asOf`.
    static func evaluate(_ store: Store, account: Account, stage: CreditStage?, asOf: CalendarDate,
                         document: CreditExposure.Document?) throws -> CreditDecision {
        var result = CreditDecision()
        result.stage = stage
        result.policy = try PolicyQueries.effective(store, account: account)
        let policy = result.policy
        result.currency = policy.currency ?? account.currency.flatMap { Currency(code: $0)?.code } ?? "ZAR"
        result.exposure = try CreditExposure.read(store, accountID: account.id, currency: result.currency, asOf: asOf,
                                                  overdueDays: policy.overdueDays, document: document)
        let exposure = result.exposure
        let known = Currency(code: result.currency)
        /// An amount in the policy's currency as a message shows it ("46740.00 ZAR").
        func money(_ minor: Int128) -> String { known?.text(minor: minor) ?? "\(minor) \(result.currency)" }
        if let limit = policy.creditLimitMinor, exposure.total > Int128(limit) {
            result.reasons.append(.object([
                ("rule", .string("credit_limit")),
                ("message", .string("exposure \(money(exposure.total)) is over the credit limit of \(money(Int128(limit)))")),
                ("exposure_minor", .integer(Int64(clamping: exposure.total))), ("limit_minor", .integer(limit)),
            ]))
        }
        if let limit = policy.overdueLimitMinor, exposure.overdue > Int128(limit) {
            result.reasons.append(.object([
                ("rule", .string("overdue_limit")),
                ("message", .string("\(money(exposure.overdue)) is more than \(policy.overdueDays) days overdue, over the overdue limit of \(money(Int128(limit)))")),
                ("overdue_minor", .integer(Int64(clamping: exposure.overdue))), ("overdue_limit_minor", .integer(limit)),
                ("overdue_days", .integer(policy.overdueDays)),
            ]))
        }
        if let minimum = policy.minScore, store.hasCommand("credit.score") {
            let answer = try store.invoke("credit.score", .object([("account_id", .integer(account.id)), ("as_of", .string(asOf.description))]))
            result.score = answer["score"] ?? .null
            if case .integer(let score) = result.score, answer["unrated"] != .bool(true), score < minimum {
                result.reasons.append(.object([
                    ("rule", .string("min_score")),
                    ("message", .string("payment-speed score \(score) is below the minimum of \(minimum)")),
                    ("score", .integer(score)), ("min_score", .integer(minimum)),
                ]))
            }
        }
        result.outsidePolicy = !result.reasons.isEmpty
        result.onHold = try isOnHold(store, accountID: account.id)
        guard let stage else { return result }
        let action = policy.action(stage)
        if result.onHold && action != .allow {
            result.decision = max(action, .hold)
            result.reasons.insert(.object([("rule", .string("on_hold")), ("message", .string("the account is on credit hold"))]), at: 0)
        } else if result.outsidePolicy {
            result.decision = action
        }
        if result.decision == .requirePrepayment {
            let currency = result.currency
            result.unallocatedPayments = try ReceivableQueries.unallocatedPayments(store, accountID: account.id, currency: currency, asOf: asOf)[account.id] ?? 0
            result.prepaid = result.unallocatedPayments >= exposure.document
        }
        return result
    }
}
