import CRMStore

/// `credit.suggest_limit {account_id, as_of?}` (docs/COMMANDS.md, "Credit
/// limit suggestion"): average monthly billing × the band's multiple, scaled
/// for a short history, rounded down to a round amount, with its reasons.
enum CreditLimitSuggestion {
    /// The band's multiple of a month's billing, as a fraction.
    static func multiple(_ band: CreditScore.Band?) -> (numerator: Int128, denominator: Int128, words: String) {
        switch band {
        case .lowRisk?: (2, 1, "2×")
        case .moderate?: (1, 1, "1×")
        case .high?: (1, 2, "0.5×")
        case .severe?: (0, 1, "0×")
        case nil: (1, 2, "0.5×")
        }
    }

    /// An unrated account's suggestion is at most this, in minor units (50,000.00).
    static let unratedCapMinor: Int128 = 5_000_000
    /// A history shorter than this many months scales the limit by months / 6.
    static let fullHistoryMonths: Int64 = 6

    /// Rounded down to 100.00 below 10,000.00, to 1,000.00 from there.
    static func roundDown(_ amount: Int128) -> Int128 {
        let unit: Int128 = amount >= 1_000_000 ? 100_000 : 10_000
        return amount / unit * unit
    }

    /// Whole calendar months from `start` to `end` (0 when end is earlier).
    static func months(from start: CalendarDate, to end: CalendarDate) -> Int64 {
        let (y0, m0, d0) = start.components, (y1, m1, d1) = end.components
        var months = (y1 - y0) * 12 + (m1 - m0)
        if d1 < d0 { months -= 1 }
        return max(0, months)
    }

    static func money(_ amount: Int128, _ currency: String) -> String {
        let units = amount / 100, cents = amount % 100
        return "\(currency) \(units).\(cents < 10 ? "0" : "")\(cents)"
    }

    static func suggest(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let accountSent = try arguments.id("account_id").value
        let asOfSent = try arguments.date("as_of").value
        try arguments.finish()
        let accountID = try CreditScoreCommands.requireAccount(accountSent, context: context)
        let asOf = asOfSent ?? store.clock.now().date
        let figures = try CreditScoring.score(store, accountID: accountID, asOf: asOf, currency: nil, context: context)
        let currency = figures.currency
        let day = SQLValue.text(asOf.description)
        let first = try store.connection.row(
            "SELECT MIN(issued_on) FROM invoices WHERE account_id = ? AND currency = ? AND status <> ? AND issued_on <= ?",
            [.integer(accountID), .text(currency), .text("draft"), day]) { $0.optionalText(0) } ?? nil
        let yearStart = CreditScoring.date(asOf, minusMonths: 12).description
        var billed: Int128 = 0
        for total in try store.connection.rows(
            "SELECT total_minor FROM invoices WHERE account_id = ? AND currency = ? AND status <> ? AND issued_on > ? AND issued_on <= ?",
            [.integer(accountID), .text(currency), .text("draft"), .text(yearStart), day], { $0.integer(0) }) {
            billed += Int128(total)
        }
        var reasons: [String] = []
        var limit: Int128 = 0
        let history = first.flatMap { CalendarDate($0) }.map { months(from: $0, to: asOf) }
        if let history, let first {
            let spread = max(1, min(12, history))
            let average = Int128(CreditScoring.rounded(billed, Int128(spread)))
            reasons.append("Billed \(money(billed, currency)) in the 12 months to \(asOf): an average of \(money(average, currency)) a month over \(spread) month\(spread == 1 ? "" : "s").")
            let multiple = multiple(figures.band)
            if let score = figures.score, let band = figures.band {
                reasons.append("Payment-speed score \(score) (\(band.rawValue)): \(multiple.words) a month's billing.")
            } else {
                reasons.append("Unrated (fewer than \(CreditScoring.minimumExperiences) payment experiences): \(multiple.words) a month's billing, at most \(money(unratedCapMinor, currency)).")
            }
            var amount = average * multiple.numerator / multiple.denominator
            if figures.score == nil { amount = min(amount, unratedCapMinor) }
            if history < fullHistoryMonths {
                amount = amount * Int128(history) / Int128(fullHistoryMonths)
                reasons.append("History of \(history) month\(history == 1 ? "" : "s") since the first invoice (\(first)): scaled by \(history)/\(fullHistoryMonths).")
            } else {
                reasons.append("History of \(history) months since the first invoice (\(first)).")
            }
            limit = roundDown(amount)
            reasons.append("Rounded down to \(money(limit, currency)).")
        } else {
            reasons.append("No invoices in \(currency) issued by \(asOf): no credit history, no limit.")
        }
        return .object([("account_id", .integer(accountID)), ("as_of", .string(asOf.description)), ("currency", .string(currency)),
                        ("limit_minor", .integer(Int64(clamping: limit))), ("score", figures.score.map(JSONValue.integer) ?? .null),
                        ("band", figures.band.map { .string($0.rawValue) } ?? .null),
                        ("average_monthly_billing_minor", .integer(Int64(clamping: history == nil ? 0 : CreditScoring.rounded(billed, Int128(max(1, min(12, history ?? 1))))))),
                        ("history_months", .integer(history ?? 0)), ("reasons", .array(reasons.map(JSONValue.string)))])
    }
}
