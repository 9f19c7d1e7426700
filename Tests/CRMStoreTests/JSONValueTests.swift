import Testing
@testable import CRMStore

@Suite("JSONValue")
struct JSONValueTests {
    private static let record = JSONValue.object([
        ("id", .integer(7)), ("name", .string(#"Brace } "quote" [ Ltd"#)), ("tags", .array([.string("a,b"), .string("}")])),
        ("address", .object([("line1", .string(#"1 \ Main"#)), ("id", .integer(9))])), ("version", .integer(3)),
        ("limit", .integer(-12)), ("archived", .bool(false)), ("notes", .null), ("at", .string("2026-12-01T09:30:00Z")),
    ])

    @Test func removingFieldsFromWrittenTextMatchesTheTree() throws {
        let names = JSONFieldNames(["id", "version", "archived", "at"])
        let encoded = JSONValue.encoded(JSONWriter.string(Self.record))
        let filtered = encoded.removingFields(names)
        guard case .encoded(let text) = filtered else {
            Issue.record("written text was not filtered as text")
            return
        }
        // Only top-level fields go; a nested "id" stays.
        #expect(text == JSONWriter.string(Self.record.removingFields(names)))
        #expect(filtered == Self.record.removingFields(names))
        #expect(filtered["address"]?["id"] == .integer(9))
        #expect(JSONValue.encoded("{}").removingFields(names) == .object([]))
        #expect(JSONValue.encoded(#"{"":1,"id":2}"#).removingFields(JSONFieldNames(["", "x"])) == .object([("id", .integer(2))]))
        #expect(JSONValue.encoded(#"{"id":1}"#).removingFields(names) == .object([]))
    }

    @Test func textThatIsNotAPlainObjectFallsBackToAParse() {
        // Spaces between tokens are not what the writer makes, but still JSON.
        let spaced = JSONValue.encoded(#" { "id" : 1 , "name" : "x" } "#)
        #expect(spaced.removingFields(JSONFieldNames(["id"])) == .object([("name", .string("x"))]))
        #expect(JSONValue.encoded(#"{"id":1,"name":"x""#).removingFields(JSONFieldNames(["id"])) == .null)
        #expect(JSONValue.encoded("[1,2]").removingFields(JSONFieldNames(["id"])) == .array([.integer(1), .integer(2)]))
    }
}
