import CRMStore

/// A step of the document chain where credit is checked.
public enum CreditStage: String, CaseIterable, Sendable {
    case quoteAcceptance = "quote_acceptance"
    case jobcardCreation = "jobcard_creation"
    case invoiceIssue = "invoice_issue"

    /// The command that takes this step, named in a refusal.
    var command: String {
        switch self {
        case .quoteAcceptance: return "quote.accept"
        case .jobcardCreation: return "jobcard.create"
        case .invoiceIssue: return "invoice.issue"
        }
    }
}

/// What a step does when the account is outside its policy, mildest first.
public enum CreditAction: String, CaseIterable, Sendable, Comparable {
    case allow
    case warn
    case requirePrepayment = "require_prepayment"
    case hold
    case block

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: CreditAction, rhs: CreditAction) -> Bool { lhs.rank < rhs.rank }
}

/// One credit policy: the default, a segment's or an account's. A policy is
/// whole: the level that has one gives every field (nothing is merged from
/// the levels below).
public struct CreditPolicy: Sendable {
    /// "default", "segment" or "account".
    var level = "default"
    /// nil for the built-in default (never configured).
    var id: Int64?
    var accountID: Int64?
    var segment: String?
    /// nil: the account's currency.
    var currency: String?
    /// nil: no limit.
    var creditLimitMinor: Int64?
    /// Whether the limit is the account record's `credit_limit_minor`
    /// (an inherited policy under an account that has one).
    var limitFromAccountRecord = false
    /// nil: no overdue limit.
    var overdueLimitMinor: Int64?
    var overdueDays: Int64 = 0
    /// nil: no score rule.
    var minScore: Int64?
    var actions: [CreditStage: CreditAction] = [:]
    var version: Int64 = 0
    var createdAt: Timestamp?
    var updatedAt: Timestamp?

    func action(_ stage: CreditStage) -> CreditAction { actions[stage] ?? .allow }

    /// The scope key of its level: "" for the default, the segment, or the account id.
    var scope: String {
        switch level {
        case "segment": return segment ?? ""
        case "account": return accountID.map { String($0) } ?? ""
        default: return ""
        }
    }

    var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("id", .integer(id)), ("level", .string(level)), ("account_id", .integer(accountID)), ("segment", .string(segment)),
            ("currency", .string(currency)), ("credit_limit_minor", .integer(creditLimitMinor)),
            ("limit_from", .string(creditLimitMinor == nil ? nil : limitFromAccountRecord ? "account_record" : level)),
            ("overdue_limit_minor", .integer(overdueLimitMinor)), ("overdue_days", .integer(overdueDays)),
            ("min_score", .integer(minScore)),
        ]
        for stage in CreditStage.allCases { fields.append((stage.rawValue, .string(action(stage).rawValue))) }
        fields += [("version", .integer(version)), ("created_at", .string(createdAt?.description)),
                   ("updated_at", .string(updatedAt?.description))]
        return .object(fields)
    }

    /// Same rules and actions (what a configure compares).
    func sameRules(as other: CreditPolicy) -> Bool {
        currency == other.currency && creditLimitMinor == other.creditLimitMinor && overdueLimitMinor == other.overdueLimitMinor
            && overdueDays == other.overdueDays && minScore == other.minScore
            && CreditStage.allCases.allSatisfy { action($0) == other.action($0) }
    }
}

/// The SQL of credit policies.
enum PolicyQueries {
    static let columns = """
        id, level, account_id, segment, currency, credit_limit_minor, overdue_limit_minor, overdue_days, min_score,
        quote_acceptance, jobcard_creation, invoice_issue, version, created_at, updated_at
        """

    static func decode(_ row: Row) -> CreditPolicy {
        var policy = CreditPolicy()
        policy.id = row.integer(0)
        policy.level = row.text(1)
        policy.accountID = row.optionalInteger(2)
        policy.segment = row.optionalText(3)
        policy.currency = row.optionalText(4)
        policy.creditLimitMinor = row.optionalInteger(5)
        policy.overdueLimitMinor = row.optionalInteger(6)
        policy.overdueDays = row.integer(7)
        policy.minScore = row.optionalInteger(8)
        for (offset, stage) in CreditStage.allCases.enumerated() {
            policy.actions[stage] = CreditAction(rawValue: row.text(Int32(9 + offset))) ?? .allow
        }
        policy.version = row.integer(12)
        policy.createdAt = Timestamp(rfc3339: row.text(13))
        policy.updatedAt = Timestamp(rfc3339: row.text(14))
        return policy
    }

    /// The policy configured at a level for a scope, if any.
    static func load(_ store: Store, level: String, scope: String) throws -> CreditPolicy? {
        try store.connection.row("SELECT \(columns) FROM credit_policies WHERE level = ? AND scope = ?",
                                 [.text(level), .text(scope)], decode)
    }

    /// The effective policy of an account: its own, else its segment's, else
    /// the default (the built-in one, everything allowed, when none is configured).
    /// An inherited policy (segment or default) takes the account's own
    /// `credit_limit_minor` (the limit kept on the account record) when it
    /// has one: the limit the debtors clerk set on the customer is not
    /// overruled by a segment's; `limit_from` says "account_record".
    static func effective(_ store: Store, account: CreditEvaluation.Account) throws -> CreditPolicy {
        if let own = try load(store, level: "account", scope: String(account.id)) { return own }
        var inherited: CreditPolicy
        if let segment = account.segment, let bySegment = try load(store, level: "segment", scope: segment) {
            inherited = bySegment
        } else {
            inherited = try load(store, level: "default", scope: "") ?? CreditPolicy()
        }
        if let limit = account.creditLimitMinor {
            inherited.creditLimitMinor = limit
            inherited.limitFromAccountRecord = true
        }
        return inherited
    }

    static func insert(_ store: Store, _ policy: CreditPolicy) throws {
        try store.connection.run(
            """
            INSERT INTO credit_policies (id, level, scope, account_id, segment, currency, credit_limit_minor, overdue_limit_minor,
                overdue_days, min_score, quote_acceptance, jobcard_creation, invoice_issue, version, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(policy.id), .text(policy.level), .text(policy.scope), .integer(policy.accountID), .text(policy.segment)]
                + values(policy) + [.text(policy.createdAt?.description ?? ""), .text(policy.updatedAt?.description ?? "")])
    }

    static func update(_ store: Store, _ policy: CreditPolicy) throws {
        try store.connection.run(
            """
            UPDATE credit_policies SET currency = ?, credit_limit_minor = ?, overdue_limit_minor = ?, overdue_days = ?, min_score = ?,
                quote_acceptance = ?, jobcard_creation = ?, invoice_issue = ?, version = ?, updated_at = ?
            WHERE id = ?
            """, values(policy) + [.text(policy.updatedAt?.description ?? ""), .integer(policy.id)])
    }

    private static func values(_ policy: CreditPolicy) -> [SQLValue] {
        [.text(policy.currency), .integer(policy.creditLimitMinor), .integer(policy.overdueLimitMinor), .integer(policy.overdueDays),
         .integer(policy.minScore)] + CreditStage.allCases.map { .text(policy.action($0).rawValue) } + [.integer(policy.version)]
    }

    /// Whether any policy is configured (a store that never configured credit skips the work).
    static func anyConfigured(_ store: Store) throws -> Bool {
        try store.connection.integer("SELECT id FROM credit_policies LIMIT 1") != nil
    }
}
