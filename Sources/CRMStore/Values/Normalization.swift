/// The normalized forms libcrm matches on when it searches and looks for
/// duplicates: case, accents, punctuation and formatting removed.
public enum Normalization {
    /// An e-mail address trimmed and lower-cased ("Jo@Example.COM " -> "jo@example.com").
    public static func email(_ text: String) -> String {
        var copy = text
        let ascii = copy.withUTF8 { bytes -> String? in
            guard isASCII(bytes) else { return nil }
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
            var start = 0, end = bytes.count
            while start < end && isSpace(bytes[start]) { start += 1 }
            while end > start && isSpace(bytes[end - 1]) { end -= 1 }
            return String(unsafeUninitializedCapacity: end - start) { out in
                for offset in start..<end {
                    let byte = bytes[offset]
                    out[offset - start] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
                }
                return end - start
            }
        }
        return ascii ?? text.trimmingWhitespace().lowercased()
    }

    /// Whether every byte is ASCII.
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt8 = 0
        for byte in bytes { high |= byte }
        return high < 0x80
    }

    /// A phone number as its digits only, a leading national "0" and
    /// international "00"/"+" prefix kept apart: "+27 (0)21 555-0100" and
    /// "021 555 0100" both match on their last 9 digits.
    public static func phone(_ text: String) -> String {
        let digits = text.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        // Compare on the subscriber part: the last nine digits, which drop
        // the country code or trunk prefix in most numbering plans.
        return String(decoding: digits.suffix(9), as: UTF8.self)
    }

    /// A tax (VAT) number as its upper-cased letters and digits.
    public static func taxNumber(_ text: String) -> String {
        String(decoding: text.utf8.filter(isASCIIAlphanumeric), as: UTF8.self).uppercased()
    }

    /// Legal-form words left out of a name key, as bytes.
    private static let legalSuffixes: [[UInt8]] = [
        "pty", "ltd", "limited", "inc", "incorporated", "cc", "llc", "llp", "plc", "gmbh", "ag", "bv", "nv",
        "sa", "sarl", "srl", "spa", "co", "corp", "corporation", "company", "the", "and", "proprietary",
    ].map { Array($0.utf8) }

    /// A name folded for matching: lower case, accents removed, punctuation
    /// as spaces, legal-form words ("Pty", "Ltd", "Inc") dropped, single spaces.
    /// A name made only of legal-form words keeps them all.
    public static func nameKey(_ text: String) -> String {
        // fold() leaves words separated by single spaces, none at either end.
        let folded = fold(text)
        var kept: [UInt8] = []
        kept.reserveCapacity(folded.count)
        var start = 0
        while start < folded.count {
            var end = start
            while end < folded.count && folded[end] != UInt8(ascii: " ") { end += 1 }
            let word = folded[start..<end]
            if !legalSuffixes.contains(where: { $0.count == word.count && $0.elementsEqual(word) }) {
                if !kept.isEmpty { kept.append(UInt8(ascii: " ")) }
                kept.append(contentsOf: word)
            }
            start = end + 1
        }
        return String(decoding: kept.isEmpty ? folded : kept, as: UTF8.self)
    }

    /// Text folded for substring search: lower case, accents removed,
    /// punctuation as single spaces.
    public static func searchKey(_ text: String) -> String { String(decoding: fold(text), as: UTF8.self) }

    /// Lower-case letters and digits, words separated by single spaces.
    private static func fold(_ text: String) -> [UInt8] {
        var copy = text
        let ascii = copy.withUTF8 { bytes -> [UInt8]? in
            guard isASCII(bytes) else { return nil }
            // One byte out for each letter or digit, and a space only before
            // one that follows punctuation: never longer than the input.
            return [UInt8](unsafeUninitializedCapacity: bytes.count) { out, count in
                var written = 0
                var pending = false
                for var byte in bytes {
                    if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte += 32 }
                    if isASCIIAlphanumeric(byte) {
                        if pending { out[written] = UInt8(ascii: " "); written += 1; pending = false }
                        out[written] = byte
                        written += 1
                    } else {
                        pending = written > 0
                    }
                }
                count = written
            }
        }
        if let ascii { return ascii }
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.lowercased().unicodeScalars {
            guard let base = baseLetter(scalar) else {
                pendingSpace = !output.isEmpty
                continue
            }
            if base.isEmpty { continue }
            if pendingSpace { output.append(UInt8(ascii: " ")); pendingSpace = false }
            output.append(contentsOf: base.utf8)
        }
        return output
    }

    /// A letter or digit without its accent ("é" -> "e", "ß" -> "ss"), or
    /// nil for punctuation and spaces. Latin letters are folded by their
    /// Unicode name ("LATIN SMALL LETTER E WITH ACUTE" -> "e"); other
    /// scripts are kept as they are.
    private static func baseLetter(_ scalar: Unicode.Scalar) -> String? {
        if scalar.isASCII {
            return isASCIIAlphanumeric(UInt8(scalar.value)) ? String(scalar) : nil
        }
        if scalar.properties.generalCategory == .nonspacingMark { return "" }
        guard scalar.properties.isAlphabetic || scalar.properties.numericType != nil else { return nil }
        if scalar == "ß" { return "ss" }
        if let name = scalar.properties.name {
            for prefix in ["LATIN SMALL LETTER ", "LATIN CAPITAL LETTER "] where name.hasPrefix(prefix) {
                let base = name.dropFirst(prefix.count).prefix(while: { $0 != " " })
                if !base.isEmpty, base.count <= 2, base.allSatisfy({ $0.isASCII && $0.isLetter }) {
                    return base.lowercased()
                }
            }
        }
        return String(scalar)
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    /// How alike two name keys are, from 0 (nothing alike) to 1 (equal):
    /// 1 - edit distance / length of the longer.
    public static func similarity(_ a: String, _ b: String) -> Double {
        let left = Array(a.unicodeScalars), right = Array(b.unicodeScalars)
        let longest = max(left.count, right.count)
        guard longest > 0 else { return 1 }
        return 1 - Double(editDistance(left, right)) / Double(longest)
    }

    /// Levenshtein distance with two rows of memory.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for (i, left) in a.enumerated() {
            current[0] = i + 1
            for (j, right) in b.enumerated() {
                current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension String {
    /// The text without leading and trailing white space.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
