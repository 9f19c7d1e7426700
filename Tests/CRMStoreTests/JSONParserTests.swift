import Testing
@testable import CRMStore

@Suite("JSONParser")
struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8), what: "json_args") }

    private func parseBytes(_ bytes: [UInt8]) throws -> JSONValue { try JSONParser.parse(bytes, what: "json_args") }

    /// Expects the text to be refused as `.invalid`, the message naming the input.
    private func expectRejected(_ text: String, _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = expectCRMError(.invalid, "json_args", sourceLocation: sourceLocation, { try parse(text) }) else { return }
        for fragment in fragments {
            #expect(error.message.contains(fragment), "'\(error.message)' should mention '\(fragment)'", sourceLocation: sourceLocation)
        }
    }

    // MARK: Accepted documents

    @Test func parsesScalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("0") == .integer(0))
        #expect(try parse("-0") == .integer(0))
        #expect(try parse("42") == .integer(42))
        #expect(try parse("-17") == .integer(-17))
        #expect(try parse("1.5") == .double(1.5))
        #expect(try parse("-2.5e3") == .double(-2500))
        #expect(try parse("1E2") == .double(100))
        #expect(try parse("1e-2") == .double(0.01))
        #expect(try parse("\"hi\"") == .string("hi"))
    }

    @Test func numbersWithAFractionOrExponentAreNeverIntegers() throws {
        #expect(try parse("1.0") == .double(1))
        #expect(try parse("1.0") != .integer(1))
        #expect(try parse("1e0") == .double(1))
    }

    @Test func int64BoundsStayIntegers() throws {
        #expect(try parse("9223372036854775807") == .integer(.max))
        #expect(try parse("-9223372036854775808") == .integer(.min))
    }

    @Test func integersBeyond64BitsBecomeBigIntegerKeepingTheirText() throws {
        #expect(try parse("9223372036854775808") == .bigInteger("9223372036854775808"))
        #expect(try parse("-9223372036854775809") == .bigInteger("-9223372036854775809"))
        let big = String(repeating: "9", count: 400)
        #expect(try parse(big) == .bigInteger(big))
        #expect(try parse("{\"amount_minor\": 123456789012345678901234567890}")["amount_minor"]
            == .bigInteger("123456789012345678901234567890"))
    }

    @Test func parsesNestedStructuresKeepingFieldOrder() throws {
        let value = try parse(#" { "b" : [1, 2, {"c": null}], "a": "x", "z": {} , "e": [] } "#)
        guard case .object(let fields) = value else {
            Issue.record("expected an object, got \(value)")
            return
        }
        #expect(fields.map(\.0) == ["b", "a", "z", "e"])
        #expect(value["b"] == .array([.integer(1), .integer(2), .object([("c", .null)])]))
        #expect(value["a"] == .string("x"))
        #expect(value["z"] == .object([]))
        #expect(value["e"] == .array([]))
    }

    @Test func acceptsAllFourWhitespaceCharactersAroundTokens() throws {
        #expect(try parse(" \t\r\n[ \t1 \n,\r2 ]\n ") == .array([.integer(1), .integer(2)]))
    }

    @Test func decodesEscapes() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{08}\u{0C}\n\r\t"))
        #expect(try parse(#""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        // A surrogate pair is one scalar outside the BMP.
        #expect(try parse(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try parse(#""\ud834\udd1e""#) == .string("𝄞"))
        // An escaped NUL is valid JSON; the field readers refuse it later.
        #expect(try parse(#""a\u0000b""#) == .string("a\u{0}b"))
    }

    @Test func keepsRawUTF8Text() throws {
        #expect(try parse("\"Zoë · 東京 · 😀\"") == .string("Zoë · 東京 · 😀"))
    }

    // MARK: Rejected documents

    @Test(arguments: ["", " ", "\n\t"])
    func rejectsEmptyInput(_ text: String) {
        expectRejected(text, "end of input")
    }

    @Test func rejectsTrailingTextNamingItsOffset() {
        expectRejected(#"{"a":1} x"#, "byte 8", "after the JSON value")
        expectRejected("1 2", "after the JSON value")
        expectRejected("{}{}", "after the JSON value")
        expectRejected("[1]]", "after the JSON value")
        expectRejected("null,", "after the JSON value")
    }

    @Test func rejectsDuplicateKeysNamingTheKey() {
        expectRejected(#"{"name": "a", "name": "b"}"#, "duplicate", "name")
        // Duplicates are found after unescaping.
        expectRejected(#"{"a": 1, "\u0061": 2}"#, "duplicate")
        // In nested objects too.
        expectRejected(#"{"x": {"k": 1, "k": 1}}"#, "duplicate", "k")
    }

    private func objectText(fields count: Int) -> String {
        "{" + (0..<count).map { "\"field_\($0)\": \($0)" }.joined(separator: ",") + "}"
    }

    @Test func acceptsAnObjectOf10000Fields() throws {
        let value = try parse(objectText(fields: 10_000))
        #expect(value["field_9999"] == .integer(9_999))
        #expect(value["field_0"] == .integer(0))
    }

    @Test func rejectsAnObjectOfMoreThan10000Fields() {
        expectRejected(objectText(fields: 10_001), "10000 fields")
    }

    @Test func sameKeyInSiblingObjectsIsNotADuplicate() throws {
        #expect(try parse(#"[{"k": 1}, {"k": 2}]"#) == .array([.object([("k", .integer(1))]), .object([("k", .integer(2))])]))
    }

    @Test func rejectsLoneSurrogates() {
        expectRejected(#""\uD800""#, "surrogate")
        expectRejected(#""\uD800x""#, "surrogate")
        expectRejected(#""\uDBFF\u0041""#, "surrogate")
        expectRejected(#""\uDC00""#, "surrogate")
        expectRejected(#""\uDFFF\uD800""#, "surrogate")
        expectRejected(#""\uD83D\uD83D""#, "surrogate")
    }

    @Test func rejectsBadEscapes() {
        expectRejected(#""\x""#, "escape")
        expectRejected(#""\u12""#)
        expectRejected(#""\u12G4""#, "hex")
        expectRejected(#""\'""#, "escape")
        expectRejected("\"abc\\", "unterminated")
    }

    @Test func acceptsNestingOf32Levels() throws {
        let arrays = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(throws: Never.self) { try parse(arrays) }
        let objects = String(repeating: #"{"a":"#, count: 31) + "{}" + String(repeating: "}", count: 31)
        #expect(throws: Never.self) { try parse(objects) }
    }

    @Test func rejectsNestingDeeperThan32Levels() {
        expectRejected(String(repeating: "[", count: 33) + String(repeating: "]", count: 33), "deeper than 32")
        expectRejected(String(repeating: #"{"a":"#, count: 32) + "{}" + String(repeating: "}", count: 32), "deeper than 32")
        // Mixed objects and arrays count alike.
        expectRejected(String(repeating: #"[{"a":"#, count: 17) + "1" + String(repeating: "}]", count: 17), "deeper than 32")
        // Very deep input fails cleanly instead of exhausting the stack.
        expectRejected(String(repeating: "[", count: 100_000), "deeper than 32")
    }

    @Test func depthIsCountedPerPathNotPerDocument() throws {
        // Many siblings at depth 31 are fine: depth goes back down after each.
        let inner = String(repeating: "[", count: 31) + String(repeating: "]", count: 31)
        let text = "[" + Array(repeating: inner, count: 50).joined(separator: ",") + "]"
        #expect(throws: Never.self) { try parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        let cases: [[UInt8]] = [
            [0x22, 0xFF, 0x22],                // 0xFF never appears in UTF-8
            [0x22, 0xC3, 0x22],                // truncated two-byte sequence
            [0x22, 0xC0, 0x80, 0x22],          // overlong NUL
            [0x22, 0xED, 0xA0, 0x80, 0x22],    // UTF-8-encoded surrogate U+D800
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], // above U+10FFFF
            [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0x80, 0x22, 0x7D], // stray continuation in a value
        ]
        for bytes in cases {
            expectCRMError(.invalid, "json_args", "UTF-8") { try parseBytes(bytes) }
        }
    }

    @Test func rejectsControlCharactersInStrings() {
        for byte in [UInt8(0x00), 0x01, 0x09, 0x0A, 0x0D, 0x1F] {
            let bytes: [UInt8] = [0x22, 0x61, byte, 0x62, 0x22]
            expectCRMError(.invalid, "control character") { try parseBytes(bytes) }
        }
    }

    @Test func delIsNotAControlCharacterForJSON() throws {
        #expect(try parseBytes([0x22, 0x7F, 0x22]) == .string("\u{7F}"))
    }

    @Test(arguments: ["01", "-01", "00", "+1", "-", "1.", ".5", "1e", "1e+", "-.5", "0x10", "1.5.2", "Infinity", "NaN", "-Infinity"])
    func rejectsMalformedNumbers(_ text: String) {
        expectRejected(text)
    }

    @Test func rejectsNumbersOutsideDoubleRange() {
        expectRejected("1e400", "out of range")
        expectRejected("-1e400", "out of range")
    }

    @Test(arguments: [
        "{", "[", "[1,", "[1,]", "{\"a\":1,}", "{\"a\"}", "{\"a\" 1}", "{a:1}", "{'a':1}", "'x'",
        "\"open", "tru", "nul", "True", "NULL", "[1 2]", "{\"a\":1 \"b\":2}", "{1:2}", "//c\n1", "/*c*/1",
    ])
    func rejectsMalformedStructure(_ text: String) {
        expectRejected(text)
    }

    @Test func rejectsNonJSONWhitespace() {
        expectRejected("[1,\u{0C}2]")           // form feed
        expectRejected("\u{A0}1")               // no-break space
        expectRejected("\u{FEFF}{}")            // byte-order mark
    }

    @Test func errorsNameTheByteOffsetOfTheFault() {
        expectCRMError(.invalid, "byte 5") { try parse("[1, 2") }
        expectCRMError(.invalid, "byte 4") { try parse("[1, x]") }
    }
}
