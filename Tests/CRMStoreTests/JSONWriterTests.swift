import Testing
@testable import CRMStore

@Suite("JSONWriter")
struct JSONWriterTests {
    @Test func writesScalarsCompactly() {
        #expect(JSONWriter.string(.null) == "null")
        #expect(JSONWriter.string(.bool(true)) == "true")
        #expect(JSONWriter.string(.bool(false)) == "false")
        #expect(JSONWriter.string(.integer(0)) == "0")
        #expect(JSONWriter.string(.integer(-42)) == "-42")
        #expect(JSONWriter.string(.integer(.max)) == "9223372036854775807")
        #expect(JSONWriter.string(.integer(.min)) == "-9223372036854775808")
        #expect(JSONWriter.string(.bigInteger("123456789012345678901234567890")) == "123456789012345678901234567890")
        #expect(JSONWriter.string(.double(1.5)) == "1.5")
        #expect(JSONWriter.string(.string("abc")) == "\"abc\"")
    }

    @Test func nonFiniteDoublesBecomeNull() {
        #expect(JSONWriter.string(.double(.infinity)) == "null")
        #expect(JSONWriter.string(.double(-.infinity)) == "null")
        #expect(JSONWriter.string(.double(.nan)) == "null")
    }

    @Test func writesObjectsInFieldOrderWithoutSpaces() {
        let value = JSONValue.object([
            ("z", .integer(1)), ("a", .array([.integer(1), .null, .string("x")])), ("m", .object([])), ("e", .array([])),
        ])
        #expect(JSONWriter.string(value) == #"{"z":1,"a":[1,null,"x"],"m":{},"e":[]}"#)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        #expect(JSONWriter.string(.string("a\"b")) == #""a\"b""#)
        #expect(JSONWriter.string(.string("a\\b")) == #""a\\b""#)
        #expect(JSONWriter.string(.string("l1\nl2\r\tx")) == #""l1\nl2\r\tx""#)
        #expect(JSONWriter.string(.string("\u{0}\u{1}\u{8}\u{C}\u{1F}")) == #""\u0000\u0001\u0008\u000c\u001f""#)
        // Keys are escaped like values.
        #expect(JSONWriter.string(.object([("a\"\n", .null)])) == #"{"a\"\n":null}"#)
    }

    @Test func leavesNonASCIIAndSlashUnescaped() {
        #expect(JSONWriter.string(.string("Zoë/東京😀\u{7F}")) == "\"Zoë/東京😀\u{7F}\"")
    }

    @Test func writeAppendsToExistingBytes() {
        var output = Array("prefix:".utf8)
        JSONWriter.write(.array([.integer(1)]), into: &output)
        #expect(String(decoding: output, as: UTF8.self) == "prefix:[1]")
    }

    @Test func outputParsesBackToTheSameValue() throws {
        var control = ""
        for scalar in 0..<0x20 { control.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        let value = JSONValue.object([
            ("text", .string("quote \" backslash \\ slash / tab \t" + control + " é 😀 \u{2028}")),
            ("numbers", .array([.integer(.min), .integer(.max), .double(0.1), .double(-2.5e-300), .double(1e300),
                                .double(100), .double(-0.0), .bigInteger("-99999999999999999999")])),
            ("nested", .object([("deep", .array([.array([.object([("k", .bool(false))])])])), ("none", .null)])),
            ("", .string("")),
        ])
        let text = JSONWriter.string(value)
        let reparsed = try JSONParser.parse(Array(text.utf8), what: "round trip")
        #expect(reparsed == value)
        // And writing the re-parsed value gives the same text (stable output).
        #expect(JSONWriter.string(reparsed) == text)
    }

    @Test(arguments: [0.1, 1.0 / 3.0, 123456.789, Double.leastNonzeroMagnitude, 1.7976931348623157e308, 1e16, 1e-7, -1e21])
    func doublesRoundTripExactly(_ number: Double) throws {
        let text = JSONWriter.string(.double(number))
        let reparsed = try JSONParser.parse(Array(text.utf8), what: "double")
        #expect(reparsed == .double(number), "\(text)")
    }
}
