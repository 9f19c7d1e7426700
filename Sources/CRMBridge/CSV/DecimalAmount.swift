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
        func notAnAmount() -> Result<Int64, CRMError> { .failure(.invalid("'\(text.prefix(40))' is not an amount")) }
        // The significant bytes: grouping spaces (also no-break U+00A0 and
        // U+202F), tabs and apostrophes left out; anything else not ASCII is refused.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var points = 0, commas = 0
        var source = Array(text.utf8)[...]
        while let byte = source.first {
            source = source.dropFirst()
            switch byte {
            case 0x20, 0x09, 0x27: continue
            case 0xC2 where source.first == 0xA0:
                source = source.dropFirst()
                continue
            case 0xE2 where source.starts(with: [0x80, 0xAF]):
                source = source.dropFirst(2)
                continue
            case 0x2E: points += 1
            case 0x2C: commas += 1
            case 0x80...: return notAnAmount()
            default: break
            }
            bytes.append(byte)
        }
        var negative = false
        var body = bytes[...]
        if let first = body.first, first == 0x2D || first == 0x2B {
            negative = first == 0x2D
            body = body.dropFirst()
        } else if body.first == 0x28 && body.last == 0x29 && body.count > 2 {
            // The accountant's negative: (75.00).
            negative = true
            body = body.dropFirst().dropLast()
        }
        guard !body.isEmpty else { return notAnAmount() }
        var decimalMark: UInt8?
        if points > 0 && commas > 0 {
            let mark = body.last { $0 == 0x2E || $0 == 0x2C }!
            guard (mark == 0x2E ? points : commas) == 1 else { return notAnAmount() }
            decimalMark = mark
        } else if points == 1 {
            decimalMark = 0x2E
        } else if commas == 1 {
            decimalMark = 0x2C
        }
        var whole: Int128 = 0
        var fraction: [UInt8] = []
        var inFraction = false
        var sawDigit = false
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            if byte == decimalMark {
                inFraction = true
            } else if byte == 0x2E || byte == 0x2C {
                // A grouping mark sits before exactly three digits of the whole part.
                var after = index + 1
                while after < body.endIndex && body[after] >= 0x30 && body[after] <= 0x39 { after += 1 }
                guard !inFraction, index > body.startIndex, after - index - 1 == 3,
                      after == body.endIndex || body[after] == 0x2E || body[after] == 0x2C else { return notAnAmount() }
            } else if byte >= 0x30 && byte <= 0x39 {
                sawDigit = true
                let digit = byte - 0x30
                if inFraction {
                    fraction.append(digit)
                } else {
                    whole = whole * 10 + Int128(digit)
                    if whole > Int128(Int64.max) { return .failure(.range("'\(text.prefix(40))' is too large")) }
                }
            } else {
                return notAnAmount()
            }
            index += 1
        }
        guard sawDigit else { return notAnAmount() }
        // Trailing zeros beyond the currency's digits change nothing ("12.500" in ZAR).
        while fraction.count > digits && fraction.last == 0 { fraction.removeLast() }
        guard fraction.count <= digits else {
            return .failure(.invalid("'\(text.prefix(40))' has more decimals than the currency's \(digits)"))
        }
        var minor = whole
        for position in 0..<digits {
            minor = minor * 10 + Int128(position < fraction.count ? fraction[position] : 0)
        }
        if negative { minor = -minor }
        guard minor >= Int128(Int64.min) && minor <= Int128(Int64.max) else {
            return .failure(.range("'\(text.prefix(40))' is too large"))
        }
        return .success(Int64(minor))
    }
}
