import CRMStore

/// `credit.configure_policy` and `credit.policy`: the credit policy by
/// level (the default, a segment, an account).
enum PolicyCommands {
    static let all: [Command] = [
        Command("credit.configure_policy", .write, configure),
        Command("credit.policy", .read, get),
    ]

    /// Reads `level` with `segment` or `account_id`; checks the account exists.
    private static func scope(_ store: Store, _ arguments: inout Arguments) throws -> (level: String, accountID: Int64?, segment: String?) {
        let context = arguments.context
        let level = try arguments.choice("level", ["default", "segment", "account"]).value
        let accountID = try arguments.id("account_id").value
        let segment = try arguments.string("segment", length: 1...100).value
        let chosen = level ?? (accountID != nil ? "account" : segment != nil ? "segment" : "default")
        switch chosen {
        case "account":
            guard let accountID else { throw CRMError.invalid("\(context): account_id is required for level account") }
            if segment != nil { throw CRMError.invalid("\(context): segment is not sent with account_id") }
            _ = try CreditEvaluation.account(store, accountID, context: context)
        case "segment":
            guard let segment, !segment.trimmingWhitespace().isEmpty else { throw CRMError.invalid("\(context): segment is required for level segment") }
            if accountID != nil { throw CRMError.invalid("\(context): account_id is not sent with level segment") }
        default:
            if accountID != nil || segment != nil {
                throw CRMError.invalid("\(context): level default takes neither account_id nor segment")
            }
        }
        return (chosen, accountID, segment)
    }

    /// `credit.configure_policy {level?, account_id?, segment?, currency?,
    /// credit_limit_minor?, overdue_limit_minor?, overdue_days?, min_score?,
    /// quote_acceptance?, jobcard_creation?, invoice_issue?, expected_version?}`:
    /// sets the whole policy of one level (fields not sent take their
    /// defaults: no limit, no rule, allow). Event `credit.policy_configured`.
    static func configure(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let currencyCode = try arguments.string("currency", length: 3...3).value
        let limit = try arguments.integer("credit_limit_minor", range: 0...Int64.max).value
        let overdueLimit = try arguments.integer("overdue_limit_minor", range: 0...Int64.max).value
        let overdueDays = try arguments.integer("overdue_days", range: 0...36_500).value
        let minScore = try arguments.integer("min_score", range: 1...100).value
        var actions: [CreditStage: CreditAction] = [:]
        for stage in CreditStage.allCases {
            actions[stage] = try arguments.choice(stage.rawValue, CreditAction.self).value ?? .allow
        }
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        let (level, accountID, segment) = try scope(store, &arguments)
        try arguments.finish()
        var policy = CreditPolicy()
        policy.level = level
        policy.accountID = accountID
        policy.segment = segment?.trimmingWhitespace()
        if let currencyCode {
            guard let known = Currency(code: currencyCode) else {
                throw CRMError.invalid("\(context): currency '\(currencyCode)' is not an active ISO 4217 currency code such as ZAR")
            }
            policy.currency = known.code
        }
        policy.creditLimitMinor = limit
        policy.overdueLimitMinor = overdueLimit
        policy.overdueDays = overdueDays ?? 0
        policy.minScore = minScore
        policy.actions = actions
        let now = store.clock.now()
        if var stored = try PolicyQueries.load(store, level: level, scope: policy.scope) {
            try VersionCheck.check(expectedVersion, actual: stored.version, record: "credit policy \(stored.id ?? 0)")
            if stored.sameRules(as: policy) { return stored.json }
            policy.id = stored.id
            policy.createdAt = stored.createdAt
            policy.version = try VersionCheck.next(stored.version, record: "credit policy \(stored.id ?? 0)")
            policy.updatedAt = now
            try PolicyQueries.update(store, policy)
            stored = policy
            try store.record(event: "credit.policy_configured", stored.json)
            return stored.json
        }
        if let expectedVersion {
            throw CRMError(.conflict, "\(context): expected_version \(expectedVersion) but no \(level) policy is configured yet")
        }
        policy.id = try store.nextID("credit_policies")
        policy.version = 1
        policy.createdAt = now
        policy.updatedAt = now
        try PolicyQueries.insert(store, policy)
        try store.record(event: "credit.policy_configured", policy.json)
        return policy.json
    }

    /// `credit.policy {level?, account_id?, segment?}`: with `account_id`, the
    /// account's effective policy (`level` says where it came from); with
    /// `segment` or `level` "default", that level's policy (the next level
    /// down's when it has none).
    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (level, accountID, segment) = try scope(store, &arguments)
        try arguments.finish()
        switch level {
        case "account":
            let account = try CreditEvaluation.account(store, accountID ?? 0, context: arguments.context)
            return try PolicyQueries.effective(store, account: account).json
                .adding("for_account_id", .integer(account.id))
        case "segment":
            if let segment, let found = try PolicyQueries.load(store, level: "segment", scope: segment) { return found.json }
            return try (PolicyQueries.load(store, level: "default", scope: "") ?? CreditPolicy()).json
        default:
            return try (PolicyQueries.load(store, level: "default", scope: "") ?? CreditPolicy()).json
        }
    }
}
