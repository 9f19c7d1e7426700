/// A JSON value as libcrm reads and writes it.
///
/// Objects keep their fields in order, so records print in the documented
/// field order. Integers are kept exactly (`Int64`); an integer literal too
/// large for 64 bits is kept as its text so the reader of the field can
/// report a range error naming it.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    /// An integer literal outside the 64-bit range, as written.
    case bigInteger(String)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// An object already written as compact JSON by `JSONWriter`, kept as
    /// text so a record written for the outbox is not written again for the
    /// result. Reads through `subscript` parse it.
    case encoded(String)

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.integer(a), .integer(b)): return a == b
        case let (.bigInteger(a), .bigInteger(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.encoded(a), .encoded(b)) where a == b: return true
        case (.encoded, _), (_, .encoded): return lhs.decoded == rhs.decoded
        case let (.object(a), .object(b)):
            // Field order does not matter for equality.
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let other = b.first(where: { $0.0 == key }), other.1 == value else { return false }
            }
            return true
        default: return false
        }
    }

    /// The JSON type's name, for error messages ("expected a string, got an array").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .bigInteger: return "an integer"
        case .double: return "a number with a fraction or an exponent"
        case .string: return "a string"
        case .array: return "an array"
        case .object, .encoded: return "an object"
        }
    }

    /// The value with an `.encoded` text parsed back into objects and arrays.
    public var decoded: JSONValue {
        guard case .encoded(let text) = self else { return self }
        return (try? JSONParser.parse(Array(text.utf8), what: "record")) ?? .null
    }

    /// An object with one more field at its end (an `.encoded` one stays text).
    public func adding(_ key: String, _ value: JSONValue) -> JSONValue {
        switch self {
        case .object(var fields):
            fields.append((key, value))
            return .object(fields)
        case .encoded(var text) where text.utf8.last == UInt8(ascii: "}"):
            // Byte-wise: the object's closing brace becomes ",\"key\":value}".
            var field: [UInt8] = []
            field.reserveCapacity(key.utf8.count + 16)
            if text.utf8.count > 2 { field.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(key, into: &field)
            field.append(UInt8(ascii: ":"))
            JSONWriter.write(value, into: &field)
            field.append(UInt8(ascii: "}"))
            return .encoded(text.withUTF8 { object in
                let kept = object.count - 1
                return String(unsafeUninitializedCapacity: kept + field.count) { target in
                    guard let base = target.baseAddress, let source = object.baseAddress else { return 0 }
                    base.update(from: source, count: kept)
                    return field.withUnsafeBufferPointer { added in
                        guard let addedBase = added.baseAddress else { return kept }
                        (base + kept).update(from: addedBase, count: added.count)
                        return kept + added.count
                    }
                }
            })
        default:
            return self
        }
    }

    /// The value of `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .encoded = self { return decoded[key] }
        guard case .object(let fields) = self else { return nil }
        return fields.first(where: { $0.0 == key })?.1
    }

    /// Text for nil-able strings: `.null` for nil.
    public static func string(_ value: String?) -> JSONValue {
        guard let value else { return .null }
        return .string(value)
    }

    /// An integer or `.null` for nil.
    public static func integer(_ value: Int64?) -> JSONValue {
        guard let value else { return .null }
        return .integer(value)
    }
}

extension JSONValue {
    /// The object without the named top-level fields. Written text
    /// (`.encoded`) is filtered as text, in one pass and without a parse:
    /// a replayed import compares every create's content this way.
    public func removingFields(_ names: JSONFieldNames) -> JSONValue {
        switch self {
        case .object(let fields):
            return .object(fields.filter { !names.strings.contains($0.0) })
        case .encoded(var text):
            if let filtered = text.withUTF8({ JSONFieldFilter.removing(names.bytes, from: $0) }) {
                return .encoded(filtered)
            }
            return decoded.removingFields(names)
        default:
            return self
        }
    }
}

/// Field names to leave out of an object (`JSONValue.removingFields`),
/// kept as bytes too so written text is filtered without making strings.
public struct JSONFieldNames: Sendable {
    let strings: [String]
    let bytes: [[UInt8]]

    public init(_ names: [String]) {
        strings = names
        bytes = names.map { Array($0.utf8) }
    }
}

/// A scan of one JSON object's top-level fields in its text: each value is
/// skipped over (strings with their escapes, nested objects and arrays), not
/// parsed. Returns nil for text that is not a plain object.
private enum JSONFieldFilter {
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// The index past the string whose opening quote is at `start`, or nil.
    private static func endOfString(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        var index = start + 1
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "\\") {
                index += 2
            } else {
                index += 1
                if byte == UInt8(ascii: "\"") { return index }
            }
        }
        return nil
    }

    /// The index past the value that starts at `start`, or nil.
    private static func endOfValue(_ text: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        guard start < text.count else { return nil }
        let first = text[start]
        if first == UInt8(ascii: "\"") { return endOfString(text, start) }
        var index = start
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            var depth = 0
            while index < text.count {
                let byte = text[index]
                if byte == UInt8(ascii: "\"") {
                    guard let end = endOfString(text, index) else { return nil }
                    index = end
                    continue
                }
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return index + 1 }
                }
                index += 1
            }
            return nil
        }
        // A number, true, false or null: up to the next delimiter.
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || isSpace(byte) { break }
            index += 1
        }
        return index > start ? index : nil
    }

    static func removing(_ names: [[UInt8]], from text: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = text.baseAddress else { return nil }
        let count = text.count
        var index = 0
        while index < count && isSpace(base[index]) { index += 1 }
        guard index < count, base[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while index < count && isSpace(base[index]) { index += 1 }
        // Spans of the fields kept, copied once the whole object checks out.
        var kept: [Range<Int>] = []
        kept.reserveCapacity(32)
        if index < count, base[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                while index < count && isSpace(base[index]) { index += 1 }
                guard index < count, base[index] == UInt8(ascii: "\""), let keyEnd = endOfString(text, index) else { return nil }
                let fieldStart = index
                let keyLength = keyEnd - index - 2
                index = keyEnd
                while index < count && isSpace(base[index]) { index += 1 }
                guard index < count, base[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                while index < count && isSpace(base[index]) { index += 1 }
                guard let valueEnd = endOfValue(text, index) else { return nil }
                index = valueEnd
                var dropped = false
                for name in names where name.count == keyLength {
                    var same = true
                    for offset in 0..<keyLength where name[offset] != base[fieldStart + 1 + offset] {
                        same = false
                        break
                    }
                    if same { dropped = true; break }
                }
                if !dropped { kept.append(fieldStart..<valueEnd) }
                while index < count && isSpace(base[index]) { index += 1 }
                guard index < count else { return nil }
                if base[index] == UInt8(ascii: ",") { index += 1; continue }
                guard base[index] == UInt8(ascii: "}") else { return nil }
                index += 1
                break
            }
        }
        while index < count && isSpace(base[index]) { index += 1 }
        guard index == count else { return nil }
        var length = 2 + max(0, kept.count - 1)
        for span in kept { length += span.count }
        return String(unsafeUninitializedCapacity: length) { out in
            guard let target = out.baseAddress else { return 0 }
            var at = 0
            target[at] = UInt8(ascii: "{"); at += 1
            for (offset, span) in kept.enumerated() {
                if offset > 0 { target[at] = UInt8(ascii: ","); at += 1 }
                (target + at).update(from: base + span.lowerBound, count: span.count)
                at += span.count
            }
            target[at] = UInt8(ascii: "}"); at += 1
            return at
        }
    }
}
