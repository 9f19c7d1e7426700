import CRMStore

/// A number of days given exactly: a fraction in lowest terms with a
/// positive denominator, as `ar.metrics` and `account.rank` answer their
/// day figures (DSO, best possible DSO, days delinquent, days to pay, days
/// beyond terms): `{"numerator", "denominator", "days", "hundredths"}`,
/// `days` the whole days and `hundredths` the days × 100, both rounded half
/// away from zero. No floating point anywhere.
struct DayFraction: Equatable {
    let numerator: Int128
    let denominator: Int128

    /// `numerator / denominator` in lowest terms, or nil when the
    /// denominator is 0 (the figure is then null).
    /// - Throws: `.range` naming `field` when a term is the one Int128 whose
    ///   sign cannot be turned.
    static func make(_ numerator: Int128, over denominator: Int128, field: String, context: String) throws -> DayFraction? {
        guard denominator != 0 else { return nil }
        guard numerator != .min, denominator != .min else { throw tooLarge(field, context: context) }
        let divisor = Int128(gcd(numerator.magnitude, denominator.magnitude))
        let sign: Int128 = denominator < 0 ? -1 : 1
        return DayFraction(numerator: sign * numerator / divisor, denominator: sign * denominator / divisor)
    }

    /// The whole number of days `count`, as a fraction (count / 1).
    static func whole(_ count: Int128) -> DayFraction { DayFraction(numerator: count, denominator: 1) }

    /// `self − other`, in lowest terms.
    /// - Throws: `.range` naming `field` when a product does not fit 128 bits.
    func subtracting(_ other: DayFraction, field: String, context: String) throws -> DayFraction {
        let left = try product(numerator, other.denominator, field: field, context: context)
        let right = try product(other.numerator, denominator, field: field, context: context)
        let bottom = try product(denominator, other.denominator, field: field, context: context)
        let (top, overflow) = left.subtractingReportingOverflow(right)
        guard !overflow, let result = try DayFraction.make(top, over: bottom, field: field, context: context) else {
            throw DayFraction.tooLarge(field, context: context)
        }
        return result
    }

    /// -1, 0 or 1 as `self` is less than, equal to or more than `other`,
    /// exactly and without multiplying (so nothing can overflow): the whole
    /// parts first, then the reciprocals of what is left, as Euclid does.
    func compare(_ other: DayFraction) -> Int {
        var (a, b, c, d) = (numerator, denominator, other.numerator, other.denominator)
        while true {
            let (q1, r1) = DayFraction.floorDivision(a, b), (q2, r2) = DayFraction.floorDivision(c, d)
            if q1 != q2 { return q1 < q2 ? -1 : 1 }
            if r1 == 0 || r2 == 0 { return r1 == r2 ? 0 : (r1 == 0 ? -1 : 1) }
            // r1/b < r2/d exactly when b/r1 > d/r2: compare d/r2 with b/r1.
            (a, b, c, d) = (d, r2, b, r1)
        }
    }

    /// `{"numerator", "denominator", "days", "hundredths"}`.
    /// - Throws: `.range` naming `field` when the numerator or denominator
    ///   does not fit 64 bits.
    func json(field: String, context: String) throws -> JSONValue {
        guard let top = Int64(exactly: numerator), let bottom = Int64(exactly: denominator) else {
            throw DayFraction.tooLarge(field, context: context)
        }
        let days = DayFraction.rounded(numerator, denominator)
        let hundredths = DayFraction.rounded(numerator * 100, denominator)
        return .object([("numerator", .integer(top)), ("denominator", .integer(bottom)),
                        ("days", .integer(Int64(clamping: days))), ("hundredths", .integer(Int64(clamping: hundredths)))])
    }

    /// `numerator / denominator` (denominator > 0) rounded half away from zero.
    static func rounded(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        guard remainder.magnitude * 2 >= denominator.magnitude else { return quotient }
        return numerator < 0 ? quotient - 1 : quotient + 1
    }

    /// A rate, as the pipeline reports give them: `{"numerator",
    /// "denominator", "rate_bp"}`, rate_bp = numerator / denominator in
    /// basis points rounded half away from zero; nil (null) when the
    /// denominator is 0 or less.
    /// - Throws: `.range` naming `field` when a term does not fit 64 bits.
    static func rate(_ numerator: Int128, _ denominator: Int128, field: String, context: String) throws -> JSONValue {
        guard denominator > 0 else { return .null }
        guard let top = Int64(exactly: numerator), let bottom = Int64(exactly: denominator) else {
            throw tooLarge(field, context: context)
        }
        return .object([("numerator", .integer(top)), ("denominator", .integer(bottom)),
                        ("rate_bp", .integer(Int64(clamping: rounded(numerator * 10_000, denominator))))])
    }

    /// `a × b`.
    /// - Throws: `.range` naming `field` when it does not fit 128 bits.
    static func product(_ a: Int128, _ b: Int128, field: String, context: String) throws -> Int128 {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw tooLarge(field, context: context) }
        return result
    }

    /// `a + b`.
    /// - Throws: `.range` naming `field` when it does not fit 128 bits.
    static func sum(_ a: Int128, _ b: Int128, field: String, context: String) throws -> Int128 {
        let (result, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw tooLarge(field, context: context) }
        return result
    }

    private func product(_ a: Int128, _ b: Int128, field: String, context: String) throws -> Int128 {
        try DayFraction.product(a, b, field: field, context: context)
    }

    static func tooLarge(_ field: String, context: String) -> CRMError {
        CRMError.range("\(context): \(field) does not fit in 64-bit integers (the amounts or days are too large)")
    }

    /// The quotient rounded down and the remainder (0 ≤ remainder < b), b > 0.
    private static func floorDivision(_ a: Int128, _ b: Int128) -> (Int128, Int128) {
        let (quotient, remainder) = a.quotientAndRemainder(dividingBy: b)
        return remainder < 0 ? (quotient - 1, remainder + b) : (quotient, remainder)
    }

    private static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : x
    }
}
