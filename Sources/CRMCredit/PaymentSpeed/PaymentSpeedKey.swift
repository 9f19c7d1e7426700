/// The key of one payment experience (docs/COMMANDS.md, "Payment-speed score
/// (the key)"): how promptly one payment met its terms,
/// as a number of points from 100 (30 or more days early) down to 1 (177 or
/// more days late). It follows the public PAYDEX key; the payment-speed score
/// built on it (`PaymentSpeedScore`) is libcrm's own, not D&B's score.
///
/// The key is piecewise-linear in the days beyond terms (payment date minus
/// due date; negative is early) through these anchors (days -> points):
///
///     -30 -> 100, -20 -> 90, 0 -> 80, 15 -> 70, 22 -> 60,
///      30 -> 50,   60 -> 40, 90 -> 30, 120 -> 20,
///
/// then down 1 point per 3 days (continuously, 1/3 point a day) to a floor of
/// 1, reached at 177 days. Earlier than -30 days stays 100.
///
/// Exact arithmetic, no floating point: the key is computed in hundredths of a
/// point (100...10000). Between anchors (d0, k0) and (d1, k1), in hundredths,
///
///     key = (k0 × (d1 − d0) + (k1 − k0) × (d − d0)) / (d1 − d0)
///
/// rounded half away from zero (the numerator is never negative); past 120
/// days, key = (2000 × 3 − 100 × (d − 120)) / 3 rounded the same way, but not
/// below 100. Every anchor is exact (7 days late is 7533, 45 days late 4500).
/// The whole-point key rounds the hundredths half away from zero.
public enum PaymentSpeedKey {
    /// The anchors, as (days beyond terms, key in hundredths), in day order.
    public static let anchors: [(days: Int64, hundredths: Int64)] = [
        (-30, 10_000), (-20, 9_000), (0, 8_000), (15, 7_000), (22, 6_000),
        (30, 5_000), (60, 4_000), (90, 3_000), (120, 2_000),
    ]

    /// The highest key, in hundredths (100 points).
    public static let maximumHundredths: Int64 = 10_000
    /// The floor, in hundredths (1 point).
    public static let floorHundredths: Int64 = 100
    /// Past the last anchor the key falls `tailPointsDrop` hundredths every
    /// `tailDays` days: 1 point per 3 days.
    static let tailPointsDrop: Int64 = 100
    static let tailDays: Int64 = 3

    /// The key of a payment made `daysBeyondTerms` days after its due date
    /// (negative: early), in hundredths of a point, 100...10000. Total: any
    /// `Int64` is accepted and nothing overflows.
    public static func hundredths(daysBeyondTerms days: Int64) -> Int64 {
        let first = anchors[0], last = anchors[anchors.count - 1]
        if days <= first.days { return first.hundredths }
        if days >= last.days {
            // Clamp before multiplying so a huge number of days cannot overflow:
            // the floor is reached at 120 + 3 × 19 = 177 days.
            let floorDay = last.days + (last.hundredths - floorHundredths) / tailPointsDrop * tailDays
            if days >= floorDay { return floorHundredths }
            let numerator = last.hundredths * tailDays - tailPointsDrop * (days - last.days)
            return max(floorHundredths, roundedQuotient(numerator, tailDays))
        }
        var index = 1
        while anchors[index].days < days { index += 1 }
        let (d0, k0) = anchors[index - 1], (d1, k1) = anchors[index]
        let span = d1 - d0
        return roundedQuotient(k0 * span + (k1 - k0) * (days - d0), span)
    }

    /// The key in whole points, 1...100: `hundredths` rounded half away from zero.
    public static func points(daysBeyondTerms days: Int64) -> Int64 {
        roundedQuotient(hundredths(daysBeyondTerms: days), 100)
    }

    /// `numerator / denominator` rounded half away from zero (denominator > 0).
    static func roundedQuotient(_ numerator: Int64, _ denominator: Int64) -> Int64 {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        guard remainder.magnitude * 2 >= denominator.magnitude else { return quotient }
        return numerator < 0 ? quotient - 1 : quotient + 1
    }
}
