import Testing
import CRMDocuments
import CRMStore

/// The rounding rule of docs/COMMANDS.md, "Line arithmetic", pinned by hand.
@Suite("line arithmetic")
struct LineAmountsTests {
    func amounts(_ quantityMilli: Int64, _ price: Int64, discount: Int64 = 0, tax: Int64 = 0) throws -> (Int64, Int64) {
        let result = try LineAmounts.amounts(quantityMilli: quantityMilli, unitPriceMinor: price, discountBP: discount,
                                             taxRateBP: tax, field: "lines[0]")
        return (result.netMinor, result.taxMinor)
    }

    @Test func netAndTaxAreRoundedHalfAwayFromZero() throws {
        // 2 x R 100.00 at 15% VAT: 200.00 net, 30.00 tax.
        #expect(try amounts(2_000, 10_000, tax: 1_500) == (20_000, 3_000))
        // 1.5 hours at R 450.00, 10% off: 1.5 x 45000 x 0.9 = 60750 exactly; tax 9112.5 -> 9113.
        #expect(try amounts(1_500, 45_000, discount: 1_000, tax: 1_500) == (60_750, 9_113))
        // 0.333 m at 1.50: 49.95 -> 50 (half up); tax 15% of 50 = 7.5 -> 8.
        #expect(try amounts(333, 150, tax: 1_500) == (50, 8))
        // 0.001 x 1: 0.001 -> 0; 0.5 x 1 = 0.5 -> 1 (half away from zero).
        #expect(try amounts(1, 1) == (0, 0))
        #expect(try amounts(500, 1) == (1, 0))
        // 0.499 x 1 -> 0.
        #expect(try amounts(499, 1) == (0, 0))
        // 100% off: nothing.
        #expect(try amounts(3_000, 99_999, discount: 10_000, tax: 1_500) == (0, 0))
        // Negative amounts round away from zero too (a credit line).
        #expect(LineAmounts.roundedQuotient(-15, 10) == -2)
        #expect(LineAmounts.roundedQuotient(-14, 10) == -1)
        #expect(LineAmounts.roundedQuotient(15, 10) == 2)
    }

    @Test func totalsAreTheSumOfTheLinesToTheMinorUnit() throws {
        let lines = [try amounts(1_500, 45_000, discount: 1_000, tax: 1_500), try amounts(333, 150, tax: 1_500)]
        let totals = try LineAmounts.totals(lines.map { (netMinor: $0.0, taxMinor: $0.1) }, context: "quote.create")
        #expect(totals.subtotalMinor == 60_800)
        #expect(totals.taxMinor == 9_121)
        #expect(totals.totalMinor == 69_921)
    }

    @Test func overflowIsARangeErrorNeverATrap() throws {
        expectCRMError(.range, "lines[0]", "net amount") { try amounts(1_000_000_000_000, Int64.max) }
        // The largest net that fits, at 100% tax: the tax fits too (it never exceeds the net).
        #expect(try amounts(1_000, Int64.max, tax: 10_000) == (Int64.max, Int64.max))
        expectCRMError(.range, "total") {
            try LineAmounts.totals([(netMinor: Int64.max, taxMinor: 0), (netMinor: 1, taxMinor: 0)], context: "quote.create")
        }
        expectCRMError(.range, "total") {
            try LineAmounts.totals([(netMinor: Int64.max, taxMinor: 1)], context: "quote.create")
        }
    }
}
