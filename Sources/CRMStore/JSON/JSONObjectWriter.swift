/// Writes one JSON object field by field straight to text, for the records
/// libcrm returns most (accounts, contacts, interactions): no intermediate
/// `JSONValue` tree, one buffer. Keys are static ASCII names.
public struct JSONObjectWriter {
    private var bytes: [UInt8] = []
    private var isEmpty = true

    public init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ name: StaticString) {
        if !isEmpty { bytes.append(UInt8(ascii: ",")) }
        isEmpty = false
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func null() { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    /// A string field, `null` for nil.
    public mutating func field(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { JSONWriter.writeString(value, into: &bytes) } else { null() }
    }

    /// An integer field, `null` for nil.
    public mutating func field(_ name: StaticString, _ value: Int64?) {
        key(name)
        if let value { JSONWriter.writeInteger(value, into: &bytes) } else { null() }
    }

    /// A boolean field.
    public mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: value ? [0x74, 0x72, 0x75, 0x65] : [0x66, 0x61, 0x6C, 0x73, 0x65])
    }

    /// A timestamp field as RFC 3339 text, `null` for nil.
    public mutating func field(_ name: StaticString, _ value: Timestamp?) {
        key(name)
        guard let value else { return null() }
        bytes.append(UInt8(ascii: "\""))
        value.write(into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// An array of strings.
    public mutating func field(_ name: StaticString, _ values: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (offset, value) in values.enumerated() {
            if offset > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(value, into: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Any other value (nested objects and arrays).
    public mutating func field(_ name: StaticString, _ value: JSONValue) {
        key(name)
        JSONWriter.write(value, into: &bytes)
    }

    /// The finished object, as `.encoded` text.
    public consuming func finish() -> JSONValue {
        bytes.append(UInt8(ascii: "}"))
        return .encoded(String(decoding: bytes, as: UTF8.self))
    }
}
