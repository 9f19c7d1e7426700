import CRMStore

/// One account's payment-speed score and the figures around it, as
/// `credit.score` answers them and `crm_credit_score` copies them out
/// (docs/COMMANDS.md, "Credit score"). Read from `credit_experiences`,
/// `credit_settlements` and the account's open invoices past due.
public struct CreditScore: Sendable {
    /// The risk band of a score.
    public enum Band: String, Sendable {
        case lowRisk = "low_risk", moderate, high, severe

        /// low_risk 80..100, moderate 50..79, high 30..49, severe 1..29.
        public init(score: Int64) {
            switch score {
            case 80...: self = .lowRisk
            case 50...79: self = .moderate
            case 30...49: self = .high
            default: self = .severe
            }
        }
    }

    /// One experience as the score weighs it: a settled day's payments of
    /// an invoice, or an invoice still open past due (`settledOn` nil).
    public struct Experience: Sendable {
        public var invoiceID: Int64
        public var settledOn: String?
        public var amountMinor: Int64
        public var daysBeyondTerms: Int64
        public var daysToPay: Int64?
    }

    public var accountID: Int64
    public var asOf: CalendarDate
    public var currency: String
    /// 1...100, nil when unrated.
    public var score: Int64?
    public var band: Band?
    /// The score over the last 3 months and over the 12 months before.
    public var recent: Int64?
    public var previous: Int64?
    /// The late amount and the total amount of the window's experiences.
    public var lateMinor: Int128 = 0
    public var totalMinor: Int128 = 0
    /// The window's experiences, when collected (see `CreditScoring.score`).
    public var experiences: [Experience] = []
    /// How many experiences the window has (collected or not).
    public var experienceCount = 0
    /// Amount-weighted days beyond terms of the invoices settled in the window; nil when none.
    public var adbt: Int64?
    /// What is owed on invoices past due on `asOf`.
    public var overdueMinor: Int128 = 0
    /// Amount-weighted days from issue to payment of the window's payments; nil when none.
    public var daysToPay: Int64?

    /// Recent minus previous, when both are known.
    public var trendChange: Int64? {
        guard let recent, let previous else { return nil }
        return recent - previous
    }
}

/// Computes `CreditScore` (the one Swift function behind `credit.score`,
/// `credit.explain` and `crm_credit_score`).
public enum CreditScoring {
    /// Fewer experiences than this in the window leave the account unrated.
    public static let minimumExperiences = 3
    /// The trend compares the last `recentMonths` with the `previousMonths` before them.
    public static let recentMonths: Int64 = 3
    public static let previousMonths: Int64 = 12
    /// A change within ±`steadyPoints` is steady.
    public static let steadyPoints: Int64 = 2

    /// `date` less `months` calendar months, the day clamped to the month's last.
    public static func date(_ date: CalendarDate, minusMonths months: Int64) -> CalendarDate {
        let (year, month, day) = date.components
        let index = year * 12 + (month - 1) - months
        let y = index >= 0 ? index / 12 : (index - 11) / 12
        let newMonth = index - y * 12 + 1
        var d = day
        while d > 28, CalendarDate(year: y, month: newMonth, day: d) == nil { d -= 1 }
        return CalendarDate(year: y, month: newMonth, day: d) ?? CalendarDate(daysSinceEpoch: CalendarDate.validDays.lowerBound)!
    }

    /// The account's currency, or `.notFound` naming `account_id`.
    public static func accountCurrency(_ store: Store, accountID: Int64, context: String) throws -> String {
        guard let stored = try store.connection.row("SELECT currency FROM accounts WHERE id = ?", [.integer(accountID)], { $0.optionalText(0) }) else {
            throw CRMError.notFound("\(context): account_id \(accountID) is not an account")
        }
        return stored.flatMap { Currency(code: $0)?.code } ?? "ZAR"
    }

    /// The open invoices past due on `asOf`, a day before today (amount owed
    /// then, days past due), as `ar.ageing` rebuilds them on that day. (On
    /// or after today `score` reads what they owe now from `credit_open_invoices`.)
    static func overdue(_ store: Store, accountID: Int64, currency: String, asOf: CalendarDate) throws -> [CreditScore.Experience] {
        return try ReceivableQueries.invoices(store, accountID: accountID, currency: currency, asOf: asOf).compactMap { item in
            guard let due = item.dueOn, due < asOf, item.openMinor > 0 else { return nil }
            return CreditScore.Experience(invoiceID: item.id, settledOn: nil, amountMinor: Int64(clamping: item.openMinor),
                                          daysBeyondTerms: asOf.daysSinceEpoch - due.daysSinceEpoch, daysToPay: nil)
        }
    }

    /// `numerator / denominator` rounded half away from zero (denominator > 0).
    static func rounded(_ numerator: Int128, _ denominator: Int128) -> Int64 {
        let (q, r) = numerator.quotientAndRemainder(dividingBy: denominator)
        var result = q
        if r.magnitude * 2 >= denominator.magnitude { result += numerator < 0 ? -1 : 1 }
        return Int64(clamping: result)
    }

    /// Σ(amount × weight × key) and Σ(amount × weight) of a set of
    /// experiences, the two sums of `PaymentSpeedScore`. Each term is below
    /// 2^63 × 4 × 10^4 < 2^79, so 128-bit sums cannot overflow before 2^48 terms.
    struct Sums {
        var keyed: Int128 = 0
        var amounts: Int128 = 0

        mutating func add(amount: Int64, days: Int64, weight: Int64 = 1) {
            let weighted = Int128(amount) * Int128(weight)
            keyed += weighted * Int128(PaymentSpeedKey.hundredths(daysBeyondTerms: days))
            amounts += weighted
        }

        /// The score, as `PaymentSpeedScore.score` rounds it; nil without amount.
        var score: Int64? { amounts > 0 ? CreditScoring.rounded(keyed, amounts * 100) : nil }
    }

    /// The default window of a score, in months.
    public static let defaultWindowMonths: Int64 = 24

    /// The score of `accountID` on `asOf` in `currency` over `windowMonths`.
    /// With `collecting` false the experiences are only summed, not kept
    /// (`experiences` stays empty and `experienceCount` counts them): the
    /// path of `crm_credit_score`. Then, with the default window, unweighted,
    /// in the account's currency (nil or the same code), the kept summary
    /// of that day (`CreditScoreSummaries`) answers when there is one;
    /// otherwise the figures are computed from the rows. Call inside a read.
    /// - Throws: `.notFound` for an unknown account.
    public static func score(_ store: Store, accountID: Int64, asOf: CalendarDate, currency: String?, windowMonths: Int64 = 24,
                             recencyWeighted: Bool = false, collecting: Bool = true, context: String) throws -> CreditScore {
        if !collecting, windowMonths == defaultWindowMonths, !recencyWeighted,
           let kept = try CreditScoreSummaries.kept(store, accountID: accountID, asOf: asOf),
           currency == nil || currency == kept.currency {
            return kept
        }
        return try computed(store, accountID: accountID, asOf: asOf, currency: currency, windowMonths: windowMonths,
                            recencyWeighted: recencyWeighted, collecting: collecting, context: context)
    }

    /// The score computed from the experience, settlement and open-invoice
    /// rows, never from the kept summary (`score` without the lookup).
    /// - Throws: `.notFound` for an unknown account.
    public static func computed(_ store: Store, accountID: Int64, asOf: CalendarDate, currency: String?, windowMonths: Int64 = 24,
                                recencyWeighted: Bool = false, collecting: Bool = true, context: String) throws -> CreditScore {
        let accountCurrency = try self.accountCurrency(store, accountID: accountID, context: context)
        let currency = currency ?? accountCurrency
        let windowStart = date(asOf, minusMonths: windowMonths).description
        let recentStart = date(asOf, minusMonths: recentMonths).description
        let previousStart = date(asOf, minusMonths: recentMonths + previousMonths).description
        let readFrom = min(windowStart, previousStart)
        let day = asOf.description
        var result = CreditScore(accountID: accountID, asOf: asOf, currency: currency)

        var window = Sums(), recent = Sums(), previous = Sums()
        var payDays: Int128 = 0, paid: Int128 = 0, count = 0
        var beyond: Int128 = 0, settledTotal: Int128 = 0
        var open: [CreditScore.Experience] = []
        let windowed = windowStart, recentFrom = recentStart, previousFrom = previousStart
        // One statement, three clustered ranges: the experiences (part 0), the
        // settlements (1) and, for a score as of today or later, the open
        // invoices past due (2; an impossible bound otherwise).
        let current = asOf >= store.clock.now().date
        let account = SQLValue.integer(accountID), code = SQLValue.text(currency), through = SQLValue.text(day)
        _ = try store.connection.rows(
            """
            SELECT 0, settled_on, invoice_id, days_beyond_terms, days_to_pay, amount_minor FROM credit_experiences
            WHERE account_id = ? AND currency = ? AND settled_on > ? AND settled_on <= ?
            UNION ALL
            SELECT 1, settled_on, invoice_id, days_beyond_terms, 0, total_minor FROM credit_settlements
            WHERE account_id = ? AND currency = ? AND settled_on > ? AND settled_on <= ?
            UNION ALL
            SELECT 2, due_on, invoice_id, 0, 0, open_minor FROM credit_open_invoices
            WHERE account_id = ? AND currency = ? AND due_on < ? AND issued_on <= ?
            """, [account, code, .text(readFrom), through, account, code, .text(windowStart), through,
                  account, code, .text(current ? day : "0000-01-01"), through]) { row -> Void in
            let part = row.integer(0), settled = row.text(1), amount = row.integer(5), days = row.integer(3)
            if part == 1 {
                beyond += Int128(amount) * Int128(days)
                settledTotal += Int128(amount)
                return
            }
            if part == 2 {
                let due = CalendarDate(settled)?.daysSinceEpoch ?? asOf.daysSinceEpoch
                open.append(CreditScore.Experience(invoiceID: row.integer(2), settledOn: nil, amountMinor: amount,
                                                   daysBeyondTerms: asOf.daysSinceEpoch - due, daysToPay: nil))
                return
            }
            if settled > windowed {
                var weight: Int64 = 1
                if recencyWeighted {
                    let age = asOf.daysSinceEpoch - (CalendarDate(settled)?.daysSinceEpoch ?? asOf.daysSinceEpoch)
                    weight = PaymentSpeedScore.recencyWeight(ageDays: age)
                }
                window.add(amount: amount, days: days, weight: weight)
                payDays += Int128(amount) * Int128(row.integer(4))
                paid += Int128(amount)
                result.totalMinor += Int128(amount)
                if days > 0 { result.lateMinor += Int128(amount) }
                count += 1
                if collecting {
                    result.experiences.append(CreditScore.Experience(invoiceID: row.integer(2), settledOn: settled, amountMinor: amount,
                                                                     daysBeyondTerms: days, daysToPay: row.integer(4)))
                }
            }
            if settled > recentFrom {
                recent.add(amount: amount, days: days)
            } else if settled > previousFrom {
                previous.add(amount: amount, days: days)
            }
        }
        result.daysToPay = paid > 0 ? rounded(payDays, paid) : nil
        result.adbt = settledTotal > 0 ? rounded(beyond, settledTotal) : nil
        if !current { open = try overdue(store, accountID: accountID, currency: currency, asOf: asOf) }

        for item in open {
            result.overdueMinor += Int128(item.amountMinor)
            result.totalMinor += Int128(item.amountMinor)
            result.lateMinor += Int128(item.amountMinor)
            window.add(amount: item.amountMinor, days: item.daysBeyondTerms, weight: recencyWeighted ? PaymentSpeedScore.recencyWeight(ageDays: 0) : 1)
            recent.add(amount: item.amountMinor, days: item.daysBeyondTerms)
            count += 1
            if collecting { result.experiences.append(item) }
        }
        result.experienceCount = count
        if count >= minimumExperiences, let score = window.score {
            result.score = score
            result.band = CreditScore.Band(score: score)
        }
        result.recent = recent.score
        result.previous = previous.score
        return result
    }
}
