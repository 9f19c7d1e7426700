import CRMStore
import Testing
@testable import CRMBridge

@Suite("CSV decimal amounts")
struct CSVDecimalTests {
    @Test(arguments: [
        ("1 234.50", 2, Int64(123_450)), ("1234,50", 2, 123_450), ("1,234.50", 2, 123_450), ("1.234,50", 2, 123_450),
        ("-75", 0, -75), ("(12.5)", 2, -1250), ("0.005", 3, 5), ("12.500", 2, 1250), ("1'000'000", 2, 100_000_000), ("1.234.567", 2, 123_456_700), ("1,234,567.8", 2, 123_456_780),
        ("92233720368547758.07", 2, Int64.max), ("1\u{00A0}234,5", 2, 123_450), ("1\u{202F}234.5", 2, 123_450), ("-92233720368547758.08", 2, Int64.min),
    ])
    func readsExactly(text: String, digits: Int, minor: Int64) throws {
        #expect(try DecimalAmount.minorUnits(text, digits: digits).get() == minor)
    }

    @Test(arguments: ["12x", "", "-", "1.2,3.4", "0.001", "1.5.0", "1,23.45", "12€", "1 2 3a", ".", "92233720368547758.08"])
    func refuses(text: String) {
        if case .success(let value) = DecimalAmount.minorUnits(text, digits: 2) {
            Issue.record("'\(text)' read as \(value)")
        }
    }

    @Test func writesWithTheCurrencysDigits() {
        #expect(Currency(code: "ZAR")?.decimalText(minor: 123_450) == "1234.50")
        #expect(Currency(code: "ZAR")?.decimalText(minor: -5) == "-0.05")
        #expect(Currency(code: "JPY")?.decimalText(minor: 75) == "75")
        #expect(Currency(code: "ZAR")?.decimalText(minor: Int128(Int64.min)) == "-92233720368547758.08")
    }
}
