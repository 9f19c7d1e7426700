import CRMStore

/// Money written as decimal text in a spreadsheet ("1 234.50", "1234,50",
/// "1,234.50", "-75") read exactly as minor units of a currency: digits
/// only, never through a floating-point number.
enum DecimalAmount {
    /// The minor units of `text` in a currency of `digits` decimals.
    /// Spaces, no-break spaces and apostrophes group thousands; when both a
    /// point and a comma appear the last one is the decimal mark; one of
    /// them appearing once is the decimal mark; appearing more often, it groups.
    /// - Returns: the amount, or a message saying what is wrong.
    static func minorUnits(_ text: String, digits: Int) -> Result<Int64, CRMError> {
        var scalars = Array(text.unicodeScalars.filter {
            $0 != " " && $0 != "\u{00A0}" && $0 != "\u{202F}" && $0 != "'" && $0 != "\t"
        })
        var negative = false
        if let first = scalars.first, first == "-" || first == "+" {
            negative = first == "-"
            scalars.removeFirst()
        } else if scalars.first == "(" && scalars.last == ")" && scalars.count > 2 {
            // The accountant's negative: (75.00).
            negative = true
            scalars = Array(scalars.dropFirst().dropLast())
        }
        guard !scalars.isEmpty else { return .failure(.invalid("'\(text.prefix(40))' is not an amount")) }
        let points = scalars.filter { $0 == "." }.count
        let commas = scalars.filter { $0 == "," }.count
        var decimalMark: Unicode.Scalar?
        if points > 0 && commas > 0 {
            decimalMark = scalars.last { $0 == "." || $0 == "," }
            let mark = decimalMark!
            guard scalars.filter({ $0 == mark }).count == 1 else {
                return .failure(.invalid("'\(text.prefix(40))' is not an amount"))
            }
        } else if points == 1 {
            decimalMark = "."
        } else if commas == 1 {
            decimalMark = ","
        }
        var whole: Int128 = 0
        var fraction: [UInt8] = []
        var inFraction = false
        var sawDigit = false
        for (index, scalar) in scalars.enumerated() {
            if scalar == decimalMark {
                inFraction = true
                continue
            }
            if scalar == "." || scalar == "," {
                // A grouping mark sits before exactly three digits of the whole part.
                let group = scalars[(index + 1)...].prefix { $0.value >= 48 && $0.value <= 57 }.count
                let after = index + 1 + group
                guard !inFraction, index > 0, group == 3,
                      after == scalars.count || scalars[after] == "." || scalars[after] == "," else {
                    return .failure(.invalid("'\(text.prefix(40))' is not an amount"))
                }
                continue
            }
            guard scalar.value >= 48 && scalar.value <= 57 else {
                return .failure(.invalid("'\(text.prefix(40))' is not an amount"))
            }
            sawDigit = true
            let digit = UInt8(scalar.value - 48)
            if inFraction {
                fraction.append(digit)
            } else {
                whole = whole * 10 + Int128(digit)
                if whole > Int128(Int64.max) { return .failure(.range("'\(text.prefix(40))' is too large")) }
            }
        }
        guard sawDigit else { return .failure(.invalid("'\(text.prefix(40))' is not an amount")) }
        // Trailing zeros beyond the currency's digits change nothing ("12.500" in ZAR).
        while fraction.count > digits && fraction.last == 0 { fraction.removeLast() }
        guard fraction.count <= digits else {
            return .failure(.invalid("'\(text.prefix(40))' has more decimals than the currency's \(digits)"))
        }
        var minor = whole
        for index in 0..<digits {
            minor = minor * 10 + Int128(index < fraction.count ? fraction[index] : 0)
        }
        if negative { minor = -minor }
        guard minor >= Int128(Int64.min) && minor <= Int128(Int64.max) else {
            return .failure(.range("'\(text.prefix(40))' is too large"))
        }
        return .success(Int64(minor))
    }

    /// Minor units as decimal text with the currency's digits ("1234.50", "-75", "0.005").
    static func text(minor: Int64, digits: Int) -> String {
        let value = Int128(minor)
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        guard digits > 0 else { return "\(sign)\(magnitude)" }
        var scale: UInt128 = 1
        for _ in 0..<digits { scale *= 10 }
        let fraction = String(magnitude % scale)
        return "\(sign)\(magnitude / scale).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }
}
