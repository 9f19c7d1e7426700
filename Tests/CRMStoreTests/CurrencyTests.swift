import Testing
@testable import CRMStore

@Suite("Currency")
struct CurrencyTests {
    @Test(arguments: [
        ("ZAR", 2), ("USD", 2), ("EUR", 2), ("GBP", 2), ("JPY", 0), ("KRW", 0), ("ISK", 0), ("CLP", 0),
        ("XOF", 0), ("XAF", 0), ("KWD", 3), ("BHD", 3), ("OMR", 3), ("TND", 3), ("CLF", 4), ("UYW", 4),
        ("USN", 2), ("XCG", 2), ("ZWG", 2), ("SLE", 2),
    ])
    func knownCurrenciesHaveTheirMinorUnitDigits(code: String, digits: Int) throws {
        let currency = try #require(Currency(code: code))
        #expect(currency.code == code)
        #expect(currency.minorUnitDigits == digits)
        #expect(currency.description == code)
        #expect(currency.currencyCode == CurrencyCode(code))
        #expect(Currency(try #require(CurrencyCode(code))) == currency)
    }

    @Test(arguments: [
        "XYZ", "AAA", "XXX", "XTS", "XAU", "XAG", "XPT", "XPD", "XDR", "XBA", "XSU", "XUA", "XAD",  // no minor unit
        "HRK", "BGN", "ANG", "SLL", "ZWL", "CUC", "DEM", "ZAL",                                      // withdrawn
        "zar", "Zar", "ZA", "ZARR", "", "Z1R", "ZAR ",
    ])
    func codesOffTheListAreRefused(code: String) {
        #expect(Currency(code: code) == nil)
    }

    @Test func theListIsTheActiveCodesWithAMinorUnit() {
        let all = Currency.all
        #expect(all.count == 164)
        #expect(all.map(\.code) == all.map(\.code).sorted())
        #expect(Set(all.map(\.code)).count == all.count)
        #expect(all.allSatisfy { CurrencyCode($0.code) != nil && [0, 2, 3, 4].contains($0.minorUnitDigits) })
        #expect(all.filter { $0.minorUnitDigits == 0 }.count == 17)
        #expect(all.filter { $0.minorUnitDigits == 3 }.map(\.code) == ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"])
        #expect(all.filter { $0.minorUnitDigits == 4 }.map(\.code) == ["CLF", "UYW"])
        #expect(all.first?.code == "AED")
        #expect(all.last?.code == "ZWG")
    }

    @Test func theDefaultCurrencyIsOnTheList() {
        #expect(Currency(CurrencyCode.zar)?.minorUnitDigits == 2)
    }
}

@Suite("Country")
struct CountryTests {
    @Test(arguments: ["ZA", "GB", "US", "NA", "BW", "ZW", "DE", "AX", "BQ", "SS", "CW", "TW", "PS", "AQ"])
    func knownCountriesAreOnTheList(code: String) throws {
        #expect(try #require(Country(code: code)).code == code)
        #expect(Country(code: code)?.description == code)
    }

    @Test(arguments: ["XX", "XK", "UK", "EU", "AA", "ZZ", "QO", "AN", "YU", "CS", "za", "Za", "ZAF", "Z", "", "Z1"])
    func codesOffTheListAreRefused(code: String) {
        #expect(Country(code: code) == nil)
    }

    @Test func theListHasEveryAlpha2Code() {
        let all = Country.all
        #expect(all.count == 249)
        #expect(all.map(\.code) == all.map(\.code).sorted())
        #expect(all.first?.code == "AD")
        #expect(all.last?.code == "ZW")
        #expect(all.allSatisfy { $0.code.utf8.count == 2 && $0.code.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } })
    }
}
