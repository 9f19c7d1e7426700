/// A country or territory of ISO 3166-1, by its alpha-2 code ("ZA").
public struct Country: Sendable, Hashable, CustomStringConvertible {
    /// The two capital letters.
    public let code: String

    /// The country of an alpha-2 code, or nil when the code is not on the
    /// list. Codes are capital letters: "za" is not one; user-assigned codes
    /// such as "XK" or "XX" are not on it either.
    public init?(code: String) {
        guard let index = LetterCode.slot(code, letters: 2), Country.known[index] else { return nil }
        self.code = code
    }

    public var description: String { code }

    /// Every code: 26 x 26 slots, one per two letters, looked up by index.
    private static let known: [Bool] = {
        var table = [Bool](repeating: false, count: 26 * 26)
        for code in codes {
            if let index = LetterCode.slot(code, letters: 2) { table[index] = true }
        }
        return table
    }()

    /// Every country, in code order.
    public static let all: [Country] = codes.sorted().compactMap { Country(code: $0) }

    // ISO 3166-1 alpha-2, the 249 codes of Debian's iso-codes 4.15.0
    // (/usr/share/iso-codes/json/iso_3166-1.json; the same in PyPI pycountry
    // 26.2.16). Written down on 2026-12-05.
    private static let codes: Set<String> = Set("""
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS \
        BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE \
        EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM \
        HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC \
        LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA \
        NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW \
        SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO \
        TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.split(separator: " ").map(String.init))
}
