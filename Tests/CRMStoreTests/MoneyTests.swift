import Testing
@testable import CRMStore

@Suite("CurrencyCode")
struct CurrencyCodeTests {
    @Test(arguments: ["ZAR", "USD", "EUR", "XAU", "AAA", "ZZZ"])
    func acceptsThreeCapitalLetters(_ code: String) {
        #expect(CurrencyCode(code)?.code == code)
        #expect(CurrencyCode(code)?.description == code)
    }

    @Test(arguments: ["", "ZA", "ZARR", "zar", "Zar", "Z1R", "Z R", "ZA\u{0}", "ÅBC", "ＺＡＲ", " ZAR", "ZAR ", "123"])
    func rejectsAnythingElse(_ code: String) {
        #expect(CurrencyCode(code) == nil)
    }

    @Test func codesCompareByValue() {
        #expect(CurrencyCode("ZAR") == CurrencyCode("ZAR"))
        #expect(CurrencyCode("ZAR") != CurrencyCode("USD"))
        #expect(Set([CurrencyCode("ZAR"), CurrencyCode("ZAR"), CurrencyCode("USD")]).count == 2)
    }
}

@Suite("Money")
struct MoneyTests {
    private let zarCode = CurrencyCode("ZAR")!
    private let usdCode = CurrencyCode("USD")!

    private func zar(_ minor: Int64) -> Money { Money(amountMinor: minor, currency: zarCode) }

    @Test func addsSubtractsAndMultipliesExactly() throws {
        #expect(try zar(12_345).adding(zar(655)) == zar(13_000))
        #expect(try zar(100).subtracting(zar(250)) == zar(-150))
        #expect(try zar(1_999).multiplied(by: 3) == zar(5_997))
        #expect(try zar(1_999).multiplied(by: -2) == zar(-3_998))
        #expect(try zar(1_999).multiplied(by: 0) == zar(0))
        // Sums stay exact where a Double would not (2^53 + 1).
        #expect(try zar(9_007_199_254_740_992).adding(zar(1)).amountMinor == 9_007_199_254_740_993)
    }

    @Test func resultKeepsTheCurrency() throws {
        #expect(try zar(1).adding(zar(2)).currency == zarCode)
        #expect(try Money(amountMinor: 5, currency: usdCode).multiplied(by: 2).currency == usdCode)
    }

    @Test func limitsAreReachableWithoutOverflow() throws {
        #expect(try zar(.max - 1).adding(zar(1)).amountMinor == .max)
        #expect(try zar(.min + 1).subtracting(zar(1)).amountMinor == .min)
        #expect(try zar(.max).multiplied(by: -1).amountMinor == -.max)
    }

    @Test func additionOverflowIsARangeError() {
        expectCRMError(.range, "amount_minor", "overflow") { try zar(.max).adding(zar(1)) }
        expectCRMError(.range, "amount_minor") { try zar(.min).adding(zar(-1)) }
    }

    @Test func subtractionOverflowIsARangeError() {
        expectCRMError(.range, "amount_minor") { try zar(.min).subtracting(zar(1)) }
        expectCRMError(.range, "amount_minor") { try zar(0).subtracting(zar(.min)) }
    }

    @Test func multiplicationOverflowIsARangeError() {
        expectCRMError(.range, "amount_minor", "overflow") { try zar(.max / 2 + 1).multiplied(by: 2) }
        expectCRMError(.range, "amount_minor") { try zar(.min).multiplied(by: -1) }
        expectCRMError(.range, "amount_minor") { try zar(3_037_000_500).multiplied(by: 3_037_000_500) }
    }

    @Test func mixingCurrenciesIsInvalidNamingBoth() {
        let dollars = Money(amountMinor: 100, currency: usdCode)
        expectCRMError(.invalid, "USD", "ZAR") { try zar(100).adding(dollars) }
        expectCRMError(.invalid, "USD", "ZAR") { try zar(100).subtracting(dollars) }
    }

    @Test func currencyIsCheckedBeforeOverflow() {
        // Mixing currencies is the more basic error and must win.
        expectCRMError(.invalid) { try zar(.max).adding(Money(amountMinor: 1, currency: usdCode)) }
    }

    @Test func equalityIncludesTheCurrency() {
        #expect(zar(100) == zar(100))
        #expect(zar(100) != Money(amountMinor: 100, currency: usdCode))
        #expect(zar(100) != zar(101))
        #expect(zar(12_345).description.contains("12345"))
        #expect(zar(12_345).description.contains("ZAR"))
    }
}
