/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Rejects trailing text, duplicate object keys, nesting deeper than 32
/// levels, lone surrogates and control characters in strings. Errors name the
/// byte offset. Input is validated as UTF-8 before parsing.
public struct JSONParser {
    /// The input, borrowed for the parse: no bounds-checked array access per byte.
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private static let maximumDepth = 32

    /// Parses one JSON document.
    /// - Parameter what: how to name the input in errors ("json_args").
    /// - Throws: `CRMError.invalid` naming the offset of the fault.
    public static func parse(_ bytes: [UInt8], what: @autoclosure () -> String) throws -> JSONValue {
        // Plain ASCII (most arguments) is valid UTF-8 without building a String.
        let isASCII = bytes.withUnsafeBufferPointer { buffer -> Bool in
            var high: UInt8 = 0
            for byte in buffer { high |= byte }
            return high < 0x80
        }
        guard isASCII || String(validating: bytes, as: UTF8.self) != nil else {
            throw CRMError.invalid("\(what()): not valid UTF-8")
        }
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                var parser = JSONParser(bytes: buffer)
                parser.skipWhitespace()
                let value = try parser.parseValue()
                parser.skipWhitespace()
                guard parser.index == parser.bytes.count else { throw parser.fault("unexpected text after the JSON value") }
                return value
            }
        } catch let error as ParseFault {
            throw CRMError.invalid("\(what()): malformed JSON at byte \(error.offset): \(error.reason)")
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private struct ParseFault: Error {
        let offset: Int
        let reason: String
    }

    private func fault(_ reason: String) -> ParseFault { ParseFault(offset: index, reason: reason) }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            index += 1
        }
    }

    private mutating func expect(_ literal: String, _ value: JSONValue) throws -> JSONValue {
        for byte in literal.utf8 {
            guard current == byte else { throw fault("expected '\(literal)'") }
            index += 1
        }
        return value
    }

    private mutating func parseValue() throws -> JSONValue {
        guard let byte = current else { throw fault("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fault("unexpected character")
        }
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw fault("nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseObject() throws -> JSONValue {
        try enter()
        index += 1
        var fields: [(String, JSONValue)] = []
        fields.reserveCapacity(16)
        // Small objects are checked for duplicate keys by a scan (lengths
        // first, which rules out most), large ones by a set.
        var keys = Set<String>()
        var usesKeySet = false
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(fields)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw fault("expected a field name in quotes") }
            let keyOffset = index
            guard fields.count < 10_000 else { throw fault("more than 10000 fields in one object") }
            let key = try parseString()
            if !usesKeySet && fields.count >= 32 {
                keys = Set(fields.map(\.0))
                usesKeySet = true
            }
            let length = key.utf8.count
            let duplicate = usesKeySet ? !keys.insert(key).inserted
                : fields.contains(where: { $0.0.utf8.count == length && $0.0 == key })
            guard !duplicate else {
                throw ParseFault(offset: keyOffset, reason: "duplicate field '\(key)'")
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw fault("expected ':'") }
            index += 1
            skipWhitespace()
            fields.append((key, try parseValue()))
            skipWhitespace()
            if current == UInt8(ascii: ",") { index += 1; continue }
            if current == UInt8(ascii: "}") { index += 1; break }
            throw fault("expected ',' or '}'")
        }
        depth -= 1
        return .object(fields)
    }

    private mutating func parseArray() throws -> JSONValue {
        try enter()
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            if current == UInt8(ascii: ",") { index += 1; continue }
            if current == UInt8(ascii: "]") { index += 1; break }
            throw fault("expected ',' or ']'")
        }
        depth -= 1
        return .array(items)
    }

    private mutating func parseHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current else { throw fault("unexpected end in \\u escape") }
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fault("bad hex digit in \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func parseString() throws -> String {
        index += 1  // opening quote
        // Most strings have no escapes: find the closing quote and take the bytes whole.
        let start = index
        var scan = index
        while scan < bytes.count {
            let byte = bytes[scan]
            if byte == UInt8(ascii: "\"") {
                index = scan + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<scan]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            scan += 1
        }
        var output: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<scan]))
        index = scan
        while true {
            guard let byte = current else { throw fault("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: output, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard let escape = current else { throw fault("unterminated escape") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""): output.append(0x22)
                case UInt8(ascii: "\\"): output.append(0x5C)
                case UInt8(ascii: "/"): output.append(0x2F)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard current == UInt8(ascii: "\\") else { throw fault("lone surrogate in \\u escape") }
                        index += 1
                        guard current == UInt8(ascii: "u") else { throw fault("lone surrogate in \\u escape") }
                        index += 1
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fault("lone surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fault("lone surrogate in \\u escape")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fault("bad \\u escape") }
                    output.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw fault("unknown escape")
                }
            default:
                guard byte >= 0x20 else { throw fault("control character in string") }
                output.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseNumber() throws -> JSONValue {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw fault("expected a digit")
        }
        if first == UInt8(ascii: "0") {
            index += 1
        } else {
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw fault("expected a digit after '.'")
            }
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw fault("expected a digit in the exponent")
            }
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        }
        if isInteger {
            // Digits straight to Int64; past 64 bits the literal is kept as text.
            var value: Int64 = 0
            let negative = bytes[start] == UInt8(ascii: "-")
            var fits = true
            for byte in bytes[(negative ? start + 1 : start)..<index] {
                let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
                let digit = Int64(byte - UInt8(ascii: "0"))
                let (next, overflowB) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
                if overflowA || overflowB { fits = false; break }
                value = next
            }
            if fits { return .integer(value) }
            return .bigInteger(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw ParseFault(offset: start, reason: "number out of range") }
        return .double(value)
    }
}
