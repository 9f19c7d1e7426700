import Testing
@testable import CRMStore

@Suite("JSONObjectWriter")
struct JSONObjectWriterTests {
    @Test func writesTheSameTextAsTheTreeWriter() throws {
        var writer = JSONObjectWriter()
        writer.field("id", Int64(42))
        writer.field("name", "Zoë \"Q\" \\ Ltd\n")
        writer.field("missing", nil as String?)
        writer.field("limit", Int64.min)
        writer.field("none", nil as Int64?)
        writer.field("open", true)
        writer.field("closed", false)
        writer.field("tags", ["a", "b\"c"])
        writer.field("at", Timestamp(secondsSinceEpoch: 1_764_581_400)!)
        writer.field("nested", .object([("x", .array([.integer(1), .null]))]))
        let tree = JSONValue.object([
            ("id", .integer(42)), ("name", .string("Zoë \"Q\" \\ Ltd\n")), ("missing", .null), ("limit", .integer(Int64.min)),
            ("none", .null), ("open", .bool(true)), ("closed", .bool(false)), ("tags", .array([.string("a"), .string("b\"c")])),
            ("at", .string("2025-12-01T09:30:00Z")), ("nested", .object([("x", .array([.integer(1), .null]))])),
        ])
        let written = writer.finish()
        #expect(JSONWriter.string(written) == JSONWriter.string(tree))
        #expect(written == tree)
        #expect(written["name"] == .string("Zoë \"Q\" \\ Ltd\n"))
    }

    @Test func anEmptyObjectAndAddingFields() {
        let empty = JSONObjectWriter().finish()
        #expect(JSONWriter.string(empty) == "{}")
        #expect(JSONWriter.string(empty.adding("replayed", .bool(false))) == #"{"replayed":false}"#)
        var writer = JSONObjectWriter()
        writer.field("id", Int64(1))
        #expect(JSONWriter.string(writer.finish().adding("replayed", .bool(true))) == #"{"id":1,"replayed":true}"#)
    }
}
