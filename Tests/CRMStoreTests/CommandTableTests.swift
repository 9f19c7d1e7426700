import Testing
@testable import CRMStore

@Suite("CommandTable")
struct CommandTableTests {
    /// item.create {id, name, fail?}: checks its arguments, inserts, records
    /// item.created, and fails after writing when asked.
    private static let create = Command("item.create", .write) { store, arguments in
        let id = try arguments.requiredInteger("id", range: 1...1_000_000)
        let name = try arguments.requiredString("name", length: 1...50)
        let fail = try arguments.bool("fail").value == true
        try arguments.finish()
        try store.insertItem(id, name)
        if fail {
            throw CRMError.constraint("item.create: item \(id) refused after writing")
        }
        return .object([("id", .integer(id)), ("name", .string(name))])
    }

    /// item.list {}: the names of every item.
    private static let list = Command("item.list", .read) { store, arguments in
        let prefix = try arguments.string("prefix", length: 0...10).value ?? ""
        let names = try store.connection.rows("SELECT name FROM test_items ORDER BY id") { $0.text(0) }
        return .array(names.filter { $0.hasPrefix(prefix) }.map { JSONValue.string($0) })
    }

    /// item.sneak: a read command that tries to record an event.
    private static let sneak = Command("item.sneak", .read) { store, _ in
        try store.record(event: "item.sneaked", .null)
        return .null
    }

    private let table = CommandTable([[create, list], [sneak]])

    @Test func namesAreSortedAndLookupIsExact() {
        #expect(table.names == ["item.create", "item.list", "item.sneak"])
        #expect(table.command(named: "item.create")?.access == .write)
        #expect(table.command(named: "item.list")?.access == .read)
        #expect(table.command(named: "Item.create") == nil)
        #expect(table.command(named: "item") == nil)
    }

    @Test func aNameListedTwiceKeepsTheFirst() throws {
        let shadow = Command("item.list", .read) { _, _ in .string("second") }
        let table = CommandTable([[Self.list], [shadow]])
        #expect(table.names == ["item.list"])
        let store = try makeStore()
        defer { store.close() }
        #expect(try table.run("item.list", arguments: .object([]), store: store).0 == .array([]))
    }

    @Test func writeCommandCommitsAndReturnsItsEvents() throws {
        let store = try makeStore()
        defer { store.close() }
        let (result, events) = try table.run("item.create", arguments: try json(#"{"id": 1, "name": "one"}"#), store: store)
        #expect(result == .object([("id", .integer(1)), ("name", .string("one"))]))
        #expect(events.map(\.type) == ["item.created"])
        #expect(try store.itemNames() == ["one"])
    }

    @Test func readCommandReturnsNoEvents() throws {
        let store = try makeStore()
        defer { store.close() }
        _ = try table.run("item.create", arguments: try json(#"{"id": 1, "name": "one"}"#), store: store)
        _ = try table.run("item.create", arguments: try json(#"{"id": 2, "name": "other"}"#), store: store)
        let (result, events) = try table.run("item.list", arguments: try json(#"{"prefix": "o"}"#), store: store)
        #expect(result == .array([.string("one"), .string("other")]))
        #expect(events.isEmpty)
        #expect(!store.connection.inTransaction)
    }

    @Test func unknownCommandIsInvalidNamingIt() throws {
        let store = try makeStore()
        defer { store.close() }
        expectCRMError(.invalid, "unknown command 'item.destroy'") { try table.run("item.destroy", arguments: .object([]), store: store) }
        let error = expectCRMError(.invalid) { try table.run(String(repeating: "x", count: 10_000), arguments: .object([]), store: store) }
        #expect((error?.message.count ?? .max) < 200)
    }

    @Test func argumentsMustBeAnObject() throws {
        let store = try makeStore()
        defer { store.close() }
        expectCRMError(.invalid, "item.create", "JSON object") { try table.run("item.create", arguments: .array([]), store: store) }
        #expect(try store.itemNames().isEmpty)
    }

    @Test func unknownFieldIsRejectedAndUndoesTheWrite() throws {
        let store = try makeStore()
        defer { store.close() }
        expectCRMError(.invalid, "item.create", "unknown field 'colour'") {
            try table.run("item.create", arguments: try json(#"{"id": 1, "name": "one", "colour": "red"}"#), store: store)
        }
        // The command body had already inserted its row and event: both are gone.
        #expect(try store.itemNames().isEmpty)
        #expect(try store.allEvents().isEmpty)
    }

    @Test func unknownFieldOnAReadCommandIsRejected() throws {
        let store = try makeStore()
        defer { store.close() }
        expectCRMError(.invalid, "item.list", "unknown field 'prefx'") {
            try table.run("item.list", arguments: try json(#"{"prefx": "o"}"#), store: store)
        }
        #expect(!store.connection.inTransaction)
    }

    @Test func aFailingWriteCommandLeavesNothing() throws {
        let store = try makeStore()
        defer { store.close() }
        expectCRMError(.constraint, "item 1 refused") {
            try table.run("item.create", arguments: try json(#"{"id": 1, "name": "one", "fail": true}"#), store: store)
        }
        expectCRMError(.range, "item.create", "id") {
            try table.run("item.create", arguments: try json(#"{"id": 99999999999999999999, "name": "one"}"#), store: store)
        }
        #expect(try store.itemNames().isEmpty)
        #expect(try store.allEvents().isEmpty)
    }

    @Test func insideAHostTransactionACommandRefusedOnItsInputChangesNothing() throws {
        let store = try makeStore()
        defer { store.close() }
        try store.beginTransaction()
        let (_, first) = try table.run("item.create", arguments: try json(#"{"id": 1, "name": "one"}"#), store: store)
        #expect(first.isEmpty)
        expectCRMError(.invalid, "unknown field 'typo'") {
            try table.run("item.create", arguments: try json(#"{"id": 2, "name": "two", "typo": 1}"#), store: store)
        }
        expectCRMError(.invalid, "name") {
            try table.run("item.create", arguments: try json(#"{"id": 2, "name": ""}"#), store: store)
        }
        _ = try table.run("item.create", arguments: try json(#"{"id": 3, "name": "three"}"#), store: store)
        #expect(try table.run("item.list", arguments: .object([]), store: store).0 == .array([.string("one"), .string("three")]))
        let committed = try store.commitTransaction()
        #expect(committed.map { $0.record["name"] } == [.string("one"), .string("three")])
    }

    @Test func insideAHostTransactionACommandFailingAfterItsWritesRollsBackTheTransaction() throws {
        let store = try makeStore()
        defer { store.close() }
        try store.beginTransaction()
        _ = try table.run("item.create", arguments: try json(#"{"id": 1, "name": "one"}"#), store: store)
        expectCRMError(.constraint, "refused after writing", "rolled back") {
            try table.run("item.create", arguments: try json(#"{"id": 2, "name": "two", "fail": true}"#), store: store)
        }
        expectCRMError(.misuse, "item.list", "crm_rollback") { try table.run("item.list", arguments: .object([]), store: store) }
        try store.rollbackTransaction()
        #expect(try table.run("item.list", arguments: .object([]), store: store).0 == .array([]))
    }

    @Test func writeCommandOnAReadOnlyStoreIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            try makeStore(path).close()
            let store = try makeStore(path, readOnly: true)
            defer { store.close() }
            expectCRMError(.readOnly, "item.create") {
                try table.run("item.create", arguments: try json(#"{"id": 1, "name": "one"}"#), store: store)
            }
            #expect(try table.run("item.list", arguments: .object([]), store: store).0 == .array([]))
        }
    }

    @Test func aReadCommandCannotRecordEvents() throws {
        let store = try makeStore()
        defer { store.close() }
        expectCRMError(.internal, "item.sneaked") { try table.run("item.sneak", arguments: .object([]), store: store) }
        #expect(try store.allEvents().isEmpty)
    }
}
