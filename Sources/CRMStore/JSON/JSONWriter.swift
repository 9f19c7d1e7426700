/// Writes `JSONValue`s as compact JSON text (UTF-8, no insignificant space).
public enum JSONWriter {
    /// The compact JSON text of `value`.
    public static func string(_ value: JSONValue) -> String {
        if case .encoded(let text) = value { return text }
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        write(value, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the JSON text of `value` to `output`.
    public static func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: nullText)
        case .bool(let flag): output.append(contentsOf: flag ? trueText : falseText)
        case .integer(let number): writeInteger(number, into: &output)
        case .bigInteger(let text): output.append(contentsOf: Array(text.utf8))
        case .double(let number): output.append(contentsOf: Array((number.isFinite ? "\(number)" : "null").utf8))
        case .string(let text): writeString(text, into: &output)
        case .encoded(let text): output.append(contentsOf: text.utf8)
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (offset, item) in items.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                write(item, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let fields):
            output.append(UInt8(ascii: "{"))
            for (offset, field) in fields.enumerated() {
                if offset > 0 { output.append(UInt8(ascii: ",")) }
                writeString(field.0, into: &output)
                output.append(UInt8(ascii: ":"))
                write(field.1, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static let nullText: [UInt8] = Array("null".utf8)
    private static let trueText: [UInt8] = Array("true".utf8)
    private static let falseText: [UInt8] = Array("false".utf8)
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Decimal digits without an intermediate String.
    static func writeInteger(_ number: Int64, into output: inout [UInt8]) {
        if number == 0 { output.append(UInt8(ascii: "0")); return }
        if number < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes of scratch
        withUnsafeMutableBytes(of: &digits) { scratch in
            var count = 0
            while magnitude > 0, count < scratch.count {
                scratch[scratch.count - 1 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            output.append(contentsOf: scratch[(scratch.count - count)...])
        }
    }

    /// Whether UTF-8 text holds a byte a JSON string must escape
    /// (a quote, a backslash, a control character).
    static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte < 0x20 || byte == 0x22 || byte == 0x5C { return true }
        return false
    }

    static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Most text needs no escaping: copy it whole.
            if !needsEscaping(bytes) {
                output.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case 0x22: output.append(contentsOf: [0x5C, 0x22])
                case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x00..<0x20:
                    output.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30,
                                               hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
                default: output.append(byte)
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
