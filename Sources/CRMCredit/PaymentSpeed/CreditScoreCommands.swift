import CRMStore

/// `credit.score`, `credit.explain`, `credit.recompute` and
/// `credit.suggest_limit` (docs/COMMANDS.md).
public enum CreditScoreCommands {
    public static let all: [Command] = [
        Command("credit.score", .read, score),
        Command("credit.explain", .read, explain),
        Command("credit.recompute", .write, recompute),
        Command("credit.suggest_limit", .read, CreditLimitSuggestion.suggest),
    ]

    /// The longest window: 10 years.
    static let maximumWindowMonths: Int64 = 120

    static func requireAccount(_ accountID: Int64?, context: String) throws -> Int64 {
        guard let accountID else { throw CRMError.invalid("\(context): account_id is required") }
        return accountID
    }

    static func currencyCode(_ sent: String?, context: String) throws -> String? {
        guard let sent else { return nil }
        guard let known = Currency(code: sent) else {
            throw CRMError.invalid("\(context): currency '\(sent)' is not an active ISO 4217 currency code such as ZAR")
        }
        return known.code
    }

    static func number(_ store: Store, invoiceID: Int64) throws -> JSONValue {
        let number = try store.connection.row("SELECT number FROM invoices WHERE id = ?", [.integer(invoiceID)]) { $0.optionalText(0) }
        return (number ?? nil).map(JSONValue.string) ?? .null
    }

    static func optional(_ value: Int64?) -> JSONValue { value.map(JSONValue.integer) ?? .null }

    /// `credit.score {account_id, as_of?, currency?, window_months?, recency_weighted?}`.
    static func score(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let accountSent = try arguments.id("account_id").value
        let asOfSent = try arguments.date("as_of").value
        let currencySent = try arguments.string("currency", length: 3...3).value
        let windowMonths = try arguments.integer("window_months", range: 1...maximumWindowMonths).value ?? 24
        let recencyWeighted = try arguments.bool("recency_weighted").value ?? false
        try arguments.finish()
        let accountID = try requireAccount(accountSent, context: context)
        let currency = try currencyCode(currencySent, context: context)
        let asOf = asOfSent ?? store.clock.now().date
        let figures = try CreditScoring.score(store, accountID: accountID, asOf: asOf, currency: currency, windowMonths: windowMonths,
                                              recencyWeighted: recencyWeighted, context: context)

        var direction: JSONValue = .null
        if let change = figures.trendChange {
            direction = .string(change > CreditScoring.steadyPoints ? "improving" : change < -CreditScoring.steadyPoints ? "slipping" : "steady")
        }
        let trend = JSONValue.object([("recent", optional(figures.recent)), ("previous", optional(figures.previous)),
                                      ("change", optional(figures.trendChange)), ("direction", direction)])
        let late = Int64(clamping: figures.lateMinor), total = Int64(clamping: figures.totalMinor)
        let share = JSONValue.object([("numerator", .integer(late)), ("denominator", .integer(total)),
                                      ("rate_bp", total > 0 ? .integer(CreditScoring.rounded(figures.lateMinor * 10_000, figures.totalMinor)) : .null)])
        let largest = figures.experiences.filter { $0.daysBeyondTerms > 0 }
            .sorted { ($0.amountMinor, $1.invoiceID, $1.settledOn ?? "9999") > ($1.amountMinor, $0.invoiceID, $0.settledOn ?? "9999") }
            .prefix(5)
        var largestJSON: [JSONValue] = []
        for item in largest {
            largestJSON.append(.object([("invoice_id", .integer(item.invoiceID)), ("number", try number(store, invoiceID: item.invoiceID)),
                                        ("amount_minor", .integer(item.amountMinor)), ("days_beyond_terms", .integer(item.daysBeyondTerms)),
                                        ("settled_on", item.settledOn.map(JSONValue.string) ?? .null)]))
        }
        var fields: [(String, JSONValue)] = [
            ("account_id", .integer(accountID)), ("as_of", .string(asOf.description)), ("currency", .string(figures.currency)),
            ("window_months", .integer(windowMonths)), ("recency_weighted", .bool(recencyWeighted)),
            ("score", optional(figures.score)),
        ]
        if figures.score == nil { fields.append(("unrated", .bool(true))) }
        fields += [
            ("band", figures.band.map { .string($0.rawValue) } ?? .null), ("trend", trend), ("late_share", share),
            ("experiences", .integer(Int64(figures.experienceCount))), ("adbt", optional(figures.adbt)),
            ("overdue_minor", .integer(Int64(clamping: figures.overdueMinor))), ("largest_late", .array(largestJSON)),
            ("days_to_pay", optional(figures.daysToPay)),
        ]
        return .object(fields)
    }

    /// `credit.explain {account_id, as_of?, currency?, limit?}`: the experiences
    /// of the window by their effect on the score, in hundredths of a point:
    /// the score with all of them less the score without that one, each the
    /// exact Σ(amount × key) / Σ amount in hundredths, rounded half away from zero.
    static func explain(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let accountSent = try arguments.id("account_id").value
        let asOfSent = try arguments.date("as_of").value
        let currencySent = try arguments.string("currency", length: 3...3).value
        let limit = try arguments.integer("limit", range: 1...100).value ?? 10
        try arguments.finish()
        let accountID = try requireAccount(accountSent, context: context)
        let currency = try currencyCode(currencySent, context: context)
        let asOf = asOfSent ?? store.clock.now().date
        let figures = try CreditScoring.score(store, accountID: accountID, asOf: asOf, currency: currency, context: context)

        var keyed: Int128 = 0, amounts: Int128 = 0
        let keys = figures.experiences.map { PaymentSpeedKey.hundredths(daysBeyondTerms: $0.daysBeyondTerms) }
        for (item, key) in zip(figures.experiences, keys) {
            keyed += Int128(item.amountMinor) * Int128(key)
            amounts += Int128(item.amountMinor)
        }
        let all: Int64? = amounts > 0 ? CreditScoring.rounded(keyed, amounts) : nil
        var rows: [(effect: Int64, item: CreditScore.Experience, key: Int64, without: Int64?)] = []
        for (item, key) in zip(figures.experiences, keys) {
            let rest = amounts - Int128(item.amountMinor)
            let without: Int64? = rest > 0 ? CreditScoring.rounded(keyed - Int128(item.amountMinor) * Int128(key), rest) : nil
            let effect = (all ?? 0) - (without ?? all ?? 0)
            rows.append((effect, item, key, without))
        }
        rows.sort {
            ($0.effect.magnitude, $0.item.amountMinor, $1.item.invoiceID, $1.item.settledOn ?? "9999")
                > ($1.effect.magnitude, $1.item.amountMinor, $0.item.invoiceID, $0.item.settledOn ?? "9999")
        }
        var listed: [JSONValue] = []
        for row in rows.prefix(Int(limit)) {
            listed.append(.object([
                ("invoice_id", .integer(row.item.invoiceID)), ("number", try number(store, invoiceID: row.item.invoiceID)),
                ("settled_on", row.item.settledOn.map(JSONValue.string) ?? .null), ("open", .bool(row.item.settledOn == nil)),
                ("amount_minor", .integer(row.item.amountMinor)), ("days_beyond_terms", .integer(row.item.daysBeyondTerms)),
                ("key", .integer(PaymentSpeedKey.roundedQuotient(row.key, 100))), ("key_hundredths", .integer(row.key)),
                ("score_without_hundredths", optional(row.without)), ("effect_hundredths", .integer(row.effect)),
            ]))
        }
        return .object([("account_id", .integer(accountID)), ("as_of", .string(asOf.description)), ("currency", .string(figures.currency)),
                        ("score", optional(figures.score)), ("score_hundredths", optional(all)),
                        ("experiences", .integer(Int64(figures.experiences.count))), ("explained", .array(listed))])
    }

    /// `credit.recompute {account_id?}`: rebuilds the experience and
    /// settlement rows of the book or one account, then their kept scores
    /// as of today. Event `credit.recomputed`.
    static func recompute(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let accountID = try arguments.id("account_id").value
        try arguments.finish()
        if let accountID { _ = try CreditScoring.accountCurrency(store, accountID: accountID, context: context) }
        let counts = try ExperienceRows.derive(store, accountID.map { .account($0) } ?? .book)
        // Then the kept scores as of today, one account at a time, from the rows just derived.
        var scores = 1
        if let accountID {
            try CreditScoreSummaries.refresh(store, accountID: accountID)
        } else {
            scores = try CreditScoreSummaries.rebuild(store)
        }
        let result = JSONValue.object([("account_id", optional(accountID)), ("experiences", .integer(Int64(counts.experiences))),
                                       ("settlements", .integer(Int64(counts.settlements))),
                                       ("open_invoices", .integer(Int64(counts.open))), ("scores", .integer(Int64(scores)))])
        try store.record(event: "credit.recomputed", result)
        return result
    }
}
