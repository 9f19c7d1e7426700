import Foundation
import Testing
@testable import CRMStore
@_exported import CRMTestSupport

// Shared helpers for the CRMStore suites: stores over a small test schema,
// files; the CRMError checks and temporary directories are CRMTestSupport's.

/// 2026-12-01T09:30:00Z.
let testEpoch = Timestamp(secondsSinceEpoch: 1_796_117_400)!

/// The library version the tests claim to be.
let testLibraryVersion = "0.0.0-test"

/// A small schema a feature module might add: items with a unique name, and
/// children whose parent key is checked at COMMIT (deferred foreign key).
let itemsMigration = Migration("9001-test-items", [
    "CREATE TABLE test_items (id BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
])
let childrenMigration = Migration("9002-test-children", [
    "CREATE TABLE test_parents (id BIGINT NOT NULL PRIMARY KEY)",
    """
    CREATE TABLE test_children (
        id BIGINT NOT NULL PRIMARY KEY,
        parent_id BIGINT NOT NULL REFERENCES test_parents (id) DEFERRABLE INITIALLY DEFERRED
    )
    """,
])
let testMigrations = [itemsMigration, childrenMigration]

/// Opens a store over the test schema, with a fixed clock.
func makeStore(
    _ path: String = ":memory:",
    readOnly: Bool = false,
    clock: FixedClock = FixedClock(testEpoch),
    migrations: [Migration] = testMigrations
) throws -> Store {
    try Store(path: path, readOnly: readOnly, clock: clock, migrations: migrations, libraryVersion: testLibraryVersion)
}

/// The path of `name` inside `directory`.
func file(_ directory: URL, _ name: String) -> String {
    directory.appendingPathComponent(name).path
}

/// The bytes of a file, or nil when it does not exist.
func contents(_ path: String) -> Data? {
    FileManager.default.contents(atPath: path)
}

/// Parses JSON text (test convenience).
func json(_ text: String) throws -> JSONValue {
    try JSONParser.parse(Array(text.utf8), what: "test")
}

extension Store {
    /// Inserts a test item inside the current write and records its event.
    func insertItem(_ id: Int64, _ name: String) throws {
        try connection.run("INSERT INTO test_items (id, name) VALUES (?, ?)", [.integer(id), .text(name)])
        try record(event: "item.created", .object([("id", .integer(id)), ("name", .string(name))]))
    }

    /// The names of every test item, by id.
    func itemNames() throws -> [String] {
        try read { try connection.rows("SELECT name FROM test_items ORDER BY id") { $0.text(0) } }
    }

    /// Every committed event visible to a fresh consumer.
    func allEvents(consumer: String = "test-reader") throws -> [Event] {
        try fetchEvents(consumer: consumer, afterSeq: 0, limit: 1000).events
    }
}

/// Values gathered from several threads.
final class Collected<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Element] = []

    func append(_ element: Element) { lock.withLock { storage.append(element) } }
    func append(contentsOf elements: [Element]) { lock.withLock { storage.append(contentsOf: elements) } }
    var items: [Element] { lock.withLock { storage } }
}
