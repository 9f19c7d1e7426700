import CRMStore

/// The one rounding rule of every document line and total (docs/COMMANDS.md,
/// "Line arithmetic"):
///
/// - line net = quantity_milli × unit_price_minor × (10000 − discount_bp)
///   / (1000 × 10000), rounded half away from zero to the minor unit;
/// - line tax = net × tax_rate_bp / 10000, rounded the same way;
/// - subtotal = Σ net, tax = Σ line tax, total = subtotal + tax, exactly.
///
/// Intermediate products are exact (128-bit); a result that does not fit a
/// 64-bit integer is `CRM_RANGE`, never a wrap or a trap.
public enum LineAmounts {
    /// The net and tax of one line.
    /// - Throws: `.range` naming `field` when a result does not fit.
    public static func amounts(quantityMilli: Int64, unitPriceMinor: Int64, discountBP: Int64, taxRateBP: Int64,
                               field: @autoclosure () -> String) throws -> (netMinor: Int64, taxMinor: Int64) {
        let gross = Int128(quantityMilli) * Int128(unitPriceMinor) * Int128(10_000 - discountBP)
        guard let net = Int64(exactly: roundedQuotient(gross, 10_000_000)) else {
            throw CRMError.range("\(field()): the line's net amount does not fit in a 64-bit number of minor units")
        }
        guard let tax = Int64(exactly: roundedQuotient(Int128(net) * Int128(taxRateBP), 10_000)) else {
            throw CRMError.range("\(field()): the line's tax does not fit in a 64-bit number of minor units")
        }
        return (net, tax)
    }

    /// `numerator / denominator` rounded half away from zero (denominator > 0).
    public static func roundedQuotient(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        guard remainder.magnitude * 2 >= denominator.magnitude else { return quotient }
        return numerator < 0 ? quotient - 1 : quotient + 1
    }

    /// The totals of a document's lines.
    /// - Throws: `.range` naming `context` when a sum does not fit.
    public static func totals(_ lines: [(netMinor: Int64, taxMinor: Int64)], context: String)
        throws -> (subtotalMinor: Int64, taxMinor: Int64, totalMinor: Int64) {
        var subtotal: Int128 = 0, tax: Int128 = 0
        for line in lines {
            subtotal += Int128(line.netMinor)
            tax += Int128(line.taxMinor)
        }
        guard let subtotalMinor = Int64(exactly: subtotal), let taxMinor = Int64(exactly: tax),
              let totalMinor = Int64(exactly: subtotal + tax) else {
            throw CRMError.range("\(context): the document's total does not fit in a 64-bit number of minor units")
        }
        return (subtotalMinor, taxMinor, totalMinor)
    }
}
