/// A currency that money can be kept in: a code of the ISO 4217 list of
/// active codes, with the number of digits of its minor unit (ZAR 2, JPY 0,
/// KWD 3), which says where the decimal point of an amount in minor units is.
///
/// Codes without a minor unit are not currencies here: the precious metals
/// (XAU, XAG, XPD, XPT), the bond-market and drawing units (XBA, XBB, XBC,
/// XBD, XDR, XSU, XUA, XAD), the testing code XTS and "no currency" XXX.
/// The fund codes that have one (CLF 4, UYW 4, USN 2, ...) are, since
/// contracts and invoices are written in them. Withdrawn codes (HRK, BGN,
/// ANG, ...) are not on the list.
public struct Currency: Sendable, Hashable, CustomStringConvertible {
    /// The three capital letters ("ZAR").
    public let code: String
    /// Digits after the decimal point: 12345 minor units are 123.45 ZAR, 12345 JPY, 12.345 KWD.
    public let minorUnitDigits: Int

    /// The currency of an ISO 4217 code, or nil when the code is not on the
    /// list. Codes are capital letters: "zar" is not one.
    public init?(code: String) {
        guard let index = LetterCode.slot(code, letters: 3), case let digits = Currency.digitsByIndex[index], digits >= 0 else { return nil }
        self.code = code
        self.minorUnitDigits = Int(digits)
    }

    /// The currency of a code, or nil when the code is not on the list.
    public init?(_ code: CurrencyCode) { self.init(code: code.code) }

    /// The code as libcrm's money carries it.
    public var currencyCode: CurrencyCode { CurrencyCode(checked: code) }

    public var description: String { code }

    /// An amount of minor units as a person reads it in a message:
    /// "46740.00 ZAR", "-1500 JPY" (the currency's digits, no grouping).
    public func text(minor: Int128) -> String {
        "\(decimalText(minor: minor)) \(code)"
    }

    /// An amount of minor units as decimal text with the currency's digits
    /// and no code: "46740.00", "-1500" (JPY), "0.005" (KWD).
    public func decimalText(minor: Int128) -> String {
        let sign = minor < 0 ? "-" : ""
        let magnitude = minor.magnitude
        guard minorUnitDigits > 0 else { return "\(sign)\(magnitude)" }
        let scale = UInt128(minorUnitsPerUnit)
        let fraction = String(magnitude % scale)
        let padded = String(repeating: "0", count: max(0, minorUnitDigits - fraction.count)) + fraction
        return "\(sign)\(magnitude / scale).\(padded)"
    }

    /// Minor units in one unit: 100 for ZAR, 1 for JPY, 1000 for KWD.
    public var minorUnitsPerUnit: Int128 {
        var scale: Int128 = 1
        for _ in 0..<minorUnitDigits { scale *= 10 }
        return scale
    }

    /// Every currency, in code order.
    public static let all: [Currency] = codesByDigits.flatMap { $0.1.split(separator: " ").map(String.init) }.sorted().compactMap { Currency(code: $0) }

    /// Every code: 26 x 26 x 26 slots, one per three letters, holding the
    /// digits or -1. Looked up by index: a create checks its currency on the
    /// hot path, and hashing the text cost more than the rest of the check.
    private static let digitsByIndex: [Int8] = {
        var table = [Int8](repeating: -1, count: 26 * 26 * 26)
        for (digits, codes) in codesByDigits {
            for code in codes.split(separator: " ") {
                if let index = LetterCode.slot(String(code), letters: 3) { table[index] = Int8(digits) }
            }
        }
        return table
    }()

    // ISO 4217 active codes (Debian iso-codes data as shipped in PyPI pycountry
    // 26.2.16, databases/iso4217.json: 178 codes, after BGN gave way to EUR in
    // 2026), less the 14 without a minor unit named above. Minor units from ISO's
    // own table ("list one", published 2018-08-29) for the codes it has, and 2
    // for those added since (SLE 2022, VED 2021, XCG 2025, ZWG 2024), as the
    // amendments that added them give. Written down on 2026-12-05; Debian's
    // iso-codes 4.15.0 on this machine differs only by the codes withdrawn since
    // (ANG, BGN, CUC, HRK, SLL, ZWL) and those added since (XAD, XCG, ZWG).
    private static let codesByDigits: [(Int, String)] = [
        (0, "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"),
        (2, """
            AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF \
            CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD \
            GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL \
            MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR \
            PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP \
            TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG
            """),
        (3, "BHD IQD JOD KWD LYD OMR TND"),
        (4, "CLF UYW"),
    ]
}
