import Testing
@testable import CRMCredit
import CRMStore

/// The exact day figures of `ar.metrics` and `account.rank`.
@Suite struct DayFractionTests {
    func fraction(_ numerator: Int128, _ denominator: Int128) throws -> DayFraction {
        try #require(try DayFraction.make(numerator, over: denominator, field: "dso", context: "test"))
    }

    @Test func fractionsAreKeptInLowestTermsWithAPositiveDenominator() throws {
        let dso = try fraction(1_365_000, 19_000)
        #expect(dso.numerator == 1_365 && dso.denominator == 19)
        let negative = try fraction(6, -4)
        #expect(negative.numerator == -3 && negative.denominator == 2)
        #expect(try fraction(0, 7) == DayFraction.whole(0))
        #expect(try DayFraction.make(5, over: 0, field: "dso", context: "test") == nil)
        expectCRMError(.range, "test: dso") { try DayFraction.make(.min, over: 1, field: "dso", context: "test") }
    }

    @Test func daysAndHundredthsRoundHalfAwayFromZero() throws {
        #expect(try fraction(91, 2).json(field: "dso", context: "test").dayFigure == [91, 2, 46, 4_550])
        #expect(try fraction(-91, 2).json(field: "dso", context: "test").dayFigure == [-91, 2, -46, -4_550])
        #expect(try fraction(1, 3).json(field: "dso", context: "test").dayFigure == [1, 3, 0, 33])
        #expect(try fraction(2, 3).json(field: "dso", context: "test").dayFigure == [2, 3, 1, 67])
        // A numerator past 64 bits is CRM_RANGE naming the field, not a trap.
        let huge = try fraction(Int128(Int64.max) * 3, 1)
        expectCRMError(.range, "test: dso") { try huge.json(field: "dso", context: "test") }
    }

    @Test func comparingNeverMultiplies() throws {
        #expect(try fraction(1, 3).compare(fraction(1, 2)) == -1)
        #expect(try fraction(2, 4).compare(fraction(1, 2)) == 0)
        #expect(try fraction(182, 1).compare(fraction(1_183, 18)) == 1)
        #expect(try fraction(-1, 2).compare(fraction(1, 3)) == -1)
        #expect(try fraction(-1, 3).compare(fraction(-1, 2)) == 1)
        // Terms whose cross products overflow 128 bits still compare exactly.
        let big = Int128.max / 2
        #expect(try fraction(big, big - 1).compare(fraction(big - 1, big - 2)) == -1)
        #expect(try fraction(big - 1, big).compare(fraction(big - 2, big - 1)) == 1)
    }

    @Test func subtractingIsExact() throws {
        let delinquent = try fraction(335, 6).subtracting(fraction(819, 19), field: "average_days_delinquent", context: "test")
        #expect(delinquent == (try fraction(1_451, 114)))
    }

    @Test func theCEIIsARate() throws {
        #expect(try DayFraction.rate(9_000, 13_000, field: "cei", context: "test").rateFigure == [9_000, 13_000, 6_923])
        #expect(try DayFraction.rate(1, 0, field: "cei", context: "test") == .null)
        #expect(try DayFraction.rate(1, -5, field: "cei", context: "test") == .null)
    }
}
