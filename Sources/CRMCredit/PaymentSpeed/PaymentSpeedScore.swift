import CRMStore

/// One payment experience: an amount paid against an invoice, how many days
/// beyond the invoice's terms it was paid (negative: early), and an optional
/// recency weight (nil counts as 1).
public struct PaymentExperience: Sendable, Equatable {
    /// The amount paid, in minor units (>= 0; 0 contributes nothing).
    public var amountMinor: Int64
    /// Payment date minus due date, in days.
    public var daysBeyondTerms: Int64
    /// The recency weight (>= 0), used only when the score is recency
    /// weighted; nil is 1. See `PaymentSpeedScore.recencyWeight(ageDays:)`.
    public var weight: Int64?

    public init(amountMinor: Int64, daysBeyondTerms: Int64, weight: Int64? = nil) {
        self.amountMinor = amountMinor
        self.daysBeyondTerms = daysBeyondTerms
        self.weight = weight
    }
}

/// The payment-speed score (docs/COMMANDS.md, "Payment-speed score (the key)"):
/// the amount-weighted average of the keys
/// (`PaymentSpeedKey`) of a set of payment experiences, an integer 1...100.
/// It follows the public PAYDEX key; it is not D&B's score.
///
/// Exact arithmetic, no floating point: with `k` each experience's key in
/// hundredths, `a` its amount and `w` its weight (1 unless recency weighted),
///
///     score = Σ(a × w × k) / (100 × Σ(a × w))
///
/// rounded half away from zero, one rounding only. Products and sums are
/// 128-bit; one that does not fit is `CRM_RANGE`, never a wrap or a trap.
/// A set whose total weighted amount is 0 (no experiences, or only zero
/// amounts or zero weights) is unrated: nil.
///
/// Worked: 9,000 paid on the due date (key 8000) and 1,000 paid 60 days late
/// (key 4000): (9000 × 8000 + 1000 × 4000) / (100 × 10000) = 76.
public enum PaymentSpeedScore {
    /// The score of `experiences`, 1...100, or nil when unrated.
    /// - Parameter recencyWeighted: when true each experience's amount is
    ///   multiplied by its `weight` (nil is 1); when false weights are ignored.
    /// - Throws: `.invalid` for a negative amount or weight; `.range` when a
    ///   product or sum does not fit in 128 bits.
    public static func score(_ experiences: [PaymentExperience], recencyWeighted: Bool = false) throws -> Int64? {
        var weightedKeys: Int128 = 0, weightedAmounts: Int128 = 0
        for (index, experience) in experiences.enumerated() {
            guard experience.amountMinor >= 0 else {
                throw CRMError.invalid("payment experience \(index): amount_minor must not be negative")
            }
            let weight = recencyWeighted ? experience.weight ?? 1 : 1
            guard weight >= 0 else {
                throw CRMError.invalid("payment experience \(index): the recency weight must not be negative")
            }
            let key = Int128(PaymentSpeedKey.hundredths(daysBeyondTerms: experience.daysBeyondTerms))
            let (amount, amountOverflow) = Int128(experience.amountMinor).multipliedReportingOverflow(by: Int128(weight))
            let (keyed, keyedOverflow) = amount.multipliedReportingOverflow(by: key)
            let (keys, keysOverflow) = weightedKeys.addingReportingOverflow(keyed)
            let (amounts, amountsOverflow) = weightedAmounts.addingReportingOverflow(amount)
            guard !amountOverflow, !keyedOverflow, !keysOverflow, !amountsOverflow else {
                throw CRMError.range("payment experience \(index): the weighted amounts do not fit in a 128-bit number")
            }
            weightedKeys = keys
            weightedAmounts = amounts
        }
        guard weightedAmounts > 0 else { return nil }
        // Σ(a × w) ≤ Σ(a × w × k) / 100 because every k ≥ 100, so this cannot overflow.
        let denominator = weightedAmounts * 100
        let (quotient, remainder) = weightedKeys.quotientAndRemainder(dividingBy: denominator)
        let score = remainder * 2 >= denominator ? quotient + 1 : quotient
        return Int64(score)
    }

    /// A documented recency weight for an experience `ageDays` old (today
    /// minus the payment date): 4 within the last 90 days (or in the future),
    /// 3 for 91...180 days, 2 for 181...270 days, 1 older.
    public static func recencyWeight(ageDays: Int64) -> Int64 {
        switch ageDays {
        case ...90: 4
        case 91...180: 3
        case 181...270: 2
        default: 1
        }
    }
}
