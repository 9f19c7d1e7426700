/// Writes one JSON object field by field straight to text, for the records
/// libcrm returns most (accounts, addresses, references): no intermediate
/// `JSONValue` tree, one buffer. Keys are static ASCII names.
///
/// The buffer is the writer's own memory, grown by doubling: a field costs a
/// capacity check and a copy, not an array append per piece. The writer
/// cannot be copied; `finish()` consumes it and frees the buffer.
public struct JSONObjectWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    private var isEmpty = true

    public init(capacity: Int = 1024) {
        self.capacity = max(capacity, 64)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
        base[0] = UInt8(ascii: "{")
        count = 1
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes.
    private mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let grown = max(count + extra, capacity * 2)
        let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        memory.update(from: base, count: count)
        base.deallocate()
        base = memory
        capacity = grown
    }

    private mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    private mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// `"name":`, after a comma unless it is the first field.
    private mutating func key(_ name: StaticString) {
        let length = name.utf8CodeUnitCount
        reserve(length + 4)
        if !isEmpty {
            base[count] = UInt8(ascii: ",")
            count += 1
        }
        isEmpty = false
        base[count] = UInt8(ascii: "\"")
        (base + count + 1).update(from: name.utf8Start, count: length)
        base[count + 1 + length] = UInt8(ascii: "\"")
        base[count + 2 + length] = UInt8(ascii: ":")
        count += length + 3
    }

    private mutating func null() {
        reserve(4)
        base[count] = 0x6E; base[count + 1] = 0x75; base[count + 2] = 0x6C; base[count + 3] = 0x6C
        count += 4
    }

    /// A JSON string: copied whole when nothing needs escaping (most text).
    private mutating func string(_ text: String) {
        var utf8 = text
        utf8.withUTF8 { bytes in
            if !JSONWriter.needsEscaping(bytes) {
                reserve(bytes.count + 2)
                base[count] = UInt8(ascii: "\"")
                count += 1
                append(bytes)
                base[count] = UInt8(ascii: "\"")
                count += 1
            } else {
                var escaped: [UInt8] = []
                JSONWriter.writeString(text, into: &escaped)
                append(escaped)
            }
        }
    }

    private mutating func integer(_ number: Int64) {
        reserve(20)
        if number == 0 {
            base[count] = UInt8(ascii: "0")
            count += 1
            return
        }
        if number < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
        }
        var magnitude = number.magnitude
        var digits = 0
        var scratch = magnitude
        while scratch > 0 { digits += 1; scratch /= 10 }
        var position = count + digits - 1
        while magnitude > 0 {
            base[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            position -= 1
        }
        count += digits
    }

    /// A string field, `null` for nil.
    public mutating func field(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }

    /// An integer field, `null` for nil.
    public mutating func field(_ name: StaticString, _ value: Int64?) {
        key(name)
        if let value { integer(value) } else { null() }
    }

    /// A boolean field.
    public mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        reserve(5)
        if value {
            base[count] = 0x74; base[count + 1] = 0x72; base[count + 2] = 0x75; base[count + 3] = 0x65
            count += 4
        } else {
            base[count] = 0x66; base[count + 1] = 0x61; base[count + 2] = 0x6C; base[count + 3] = 0x73; base[count + 4] = 0x65
            count += 5
        }
    }

    /// A timestamp field as RFC 3339 text, `null` for nil.
    public mutating func field(_ name: StaticString, _ value: Timestamp?) {
        key(name)
        guard let value else { return null() }
        append(UInt8(ascii: "\""))
        value.withRFC3339 { append($0) }
        append(UInt8(ascii: "\""))
    }

    /// An array of strings.
    public mutating func field(_ name: StaticString, _ values: [String]) {
        key(name)
        append(UInt8(ascii: "["))
        for (offset, value) in values.enumerated() {
            if offset > 0 { append(UInt8(ascii: ",")) }
            string(value)
        }
        append(UInt8(ascii: "]"))
    }

    /// Any other value (nested objects and arrays); `.encoded` text is copied as it is.
    public mutating func field(_ name: StaticString, _ value: JSONValue) {
        key(name)
        if case .encoded(var text) = value {
            text.withUTF8 { append($0) }
            return
        }
        var text: [UInt8] = []
        JSONWriter.write(value, into: &text)
        append(text)
    }

    /// The finished object, as `.encoded` text.
    public consuming func finish() -> JSONValue {
        append(UInt8(ascii: "}"))
        let length = count
        let source = base
        return .encoded(String(unsafeUninitializedCapacity: length) { target in
            target.baseAddress?.update(from: source, count: length)
            return length
        })
    }
}
