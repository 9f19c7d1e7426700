import Foundation
import Testing
@testable import CRMStore

@Suite("Migrator")
struct MigratorTests {
    private let now = Timestamp(secondsSinceEpoch: 1_796_117_400)!

    private let first = Migration("0100-first", ["CREATE TABLE m_first (id BIGINT NOT NULL PRIMARY KEY, name TEXT NOT NULL)"])
    private let second = Migration("0101-second", [
        "ALTER TABLE m_first ADD COLUMN note TEXT",
        "CREATE TABLE m_second (id BIGINT NOT NULL PRIMARY KEY)",
    ])
    private let broken = Migration("0102-broken", ["CREATE TABLE m_broken (id BIGINT NOT NULL PRIMARY KEY)", "THIS IS NOT SQL"])

    private func applied(_ connection: Connection) throws -> [String] {
        try connection.rows("SELECT id FROM crm_migrations ORDER BY id") { $0.text(0) }
    }

    private func migrate(_ connection: Connection, _ migrations: [Migration], readOnly: Bool = false) throws {
        try Migrator(migrations).migrate(connection, readOnly: readOnly, now: now, libraryVersion: testLibraryVersion)
    }

    @Test func appliesEveryMigrationInOrderAndRecordsIt() throws {
        let connection = try Connection(path: ":memory:", readOnly: false)
        try migrate(connection, [first, second])
        #expect(try applied(connection) == ["0100-first", "0101-second"])
        #expect(try connection.tableExists("m_first"))
        #expect(try connection.tableExists("m_second"))
        // The second migration ran after the first (it alters its table).
        try connection.run("INSERT INTO m_first (id, name, note) VALUES (1, 'a', 'n')")
        let times = try connection.rows("SELECT applied_at FROM crm_migrations") { $0.text(0) }
        #expect(times == ["2026-12-01T09:30:00Z", "2026-12-01T09:30:00Z"])
        #expect(!connection.inTransaction)
    }

    @Test func applyingTwiceIsANoOp() throws {
        let connection = try Connection(path: ":memory:", readOnly: false)
        try migrate(connection, [first])
        try connection.run("INSERT INTO m_first (id, name) VALUES (1, 'kept')")
        try migrate(connection, [first])
        #expect(try applied(connection) == ["0100-first"])
        #expect(try connection.integer("SELECT count(*) FROM crm_migrations") == 1)
        #expect(try connection.integer("SELECT count(*) FROM m_first") == 1)
    }

    @Test func laterRunsApplyOnlyTheNewMigrations() throws {
        let connection = try Connection(path: ":memory:", readOnly: false)
        try migrate(connection, [first])
        try connection.run("INSERT INTO m_first (id, name) VALUES (1, 'kept')")
        try migrate(connection, [first, second])
        #expect(try applied(connection) == ["0100-first", "0101-second"])
        #expect(try connection.row("SELECT name, note FROM m_first WHERE id = 1") { [$0.text(0), $0.optionalText(1) ?? "NULL"] } == ["kept", "NULL"])
    }

    @Test func anEmptyListStillLeavesAnEmptyFileAlone() throws {
        let connection = try Connection(path: ":memory:", readOnly: false)
        try migrate(connection, [])
        #expect(try !connection.tableExists("crm_migrations"))
    }

    @Test func aFailedMigrationLeavesNothingApplied() throws {
        let connection = try Connection(path: ":memory:", readOnly: false)
        #expect(throws: (any Error).self) { try migrate(connection, [first, second, broken]) }
        #expect(!connection.inTransaction)
        #expect(try !connection.tableExists("crm_migrations"))
        #expect(try !connection.tableExists("m_first"))
        #expect(try !connection.tableExists("m_second"))
        #expect(try !connection.tableExists("m_broken"))
        // The same list without the broken step then applies cleanly.
        try migrate(connection, [first, second])
        #expect(try applied(connection) == ["0100-first", "0101-second"])
    }

    @Test func aFailedUpgradeKeepsTheEarlierSchemaAndData() throws {
        let connection = try Connection(path: ":memory:", readOnly: false)
        try migrate(connection, [first])
        try connection.run("INSERT INTO m_first (id, name) VALUES (1, 'kept')")
        #expect(throws: (any Error).self) { try migrate(connection, [first, second, broken]) }
        #expect(try applied(connection) == ["0100-first"])
        #expect(try !connection.tableExists("m_second"))
        // The ALTER of the second migration was undone too.
        #expect(throws: (any Error).self) { try connection.run("SELECT note FROM m_first") }
        #expect(try connection.integer("SELECT count(*) FROM m_first") == 1)
    }

    @Test func anUnknownAppliedMigrationIsAVersionError() throws {
        let connection = try Connection(path: ":memory:", readOnly: false)
        try migrate(connection, [first, second])
        expectCRMError(.version, "0101-second", testLibraryVersion, "newer") { try migrate(connection, [first]) }
        // Even when a newer step is also pending, nothing is applied.
        let third = Migration("0103-third", ["CREATE TABLE m_third (id BIGINT NOT NULL PRIMARY KEY)"])
        expectCRMError(.version) { try migrate(connection, [first, third]) }
        #expect(try !connection.tableExists("m_third"))
        #expect(try applied(connection) == ["0100-first", "0101-second"])
    }

    @Test func pendingMigrationsOnAReadOnlyHandleAreRefused() throws {
        let connection = try Connection(path: ":memory:", readOnly: false)
        try migrate(connection, [first])
        expectCRMError(.readOnly, "1") { try migrate(connection, [first, second], readOnly: true) }
        #expect(try !connection.tableExists("m_second"))
        // Nothing pending: a read-only handle is fine.
        #expect(throws: Never.self) { try migrate(connection, [first], readOnly: true) }
    }

    @Test func aForeignSQLiteDatabaseIsRefused() throws {
        let connection = try Connection(path: ":memory:", readOnly: false)
        try connection.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY)")
        expectCRMError(.corrupt, "not a libcrm database") { try migrate(connection, [first]) }
        #expect(try !connection.tableExists("m_first"))
        #expect(try !connection.tableExists("crm_migrations"))
    }

    // MARK: Through Store, on files

    @Test func storeRecordsItsOwnAndTheModulesMigrationsOnce() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            do {
                let store = try makeStore(path)
                #expect(try applied(store.connection) == ["0001-store-outbox", "0002-store-dead-letters", "9001-test-items", "9002-test-children"])
                store.close()
            }
            let store = try makeStore(path)
            defer { store.close() }
            #expect(try store.connection.integer("SELECT count(*) FROM crm_migrations") == 4)
        }
    }

    @Test func aFileFromANewerLibraryIsRefusedAndLeftByteIdentical() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            let newer = Migration("9999-from-the-future", ["CREATE TABLE future (id BIGINT NOT NULL PRIMARY KEY)"])
            do {
                let store = try makeStore(path, migrations: testMigrations + [newer])
                _ = try store.write("test") { try store.insertItem(1, "kept") }
                store.close()
            }
            let before = try #require(contents(path))
            expectCRMError(.version, "9999-from-the-future", "not changed") { try makeStore(path) }
            expectCRMError(.version, "9999-from-the-future") { try makeStore(path, readOnly: true) }
            #expect(contents(path) == before)
            // The newer library still opens it, with its data.
            let store = try makeStore(path, migrations: testMigrations + [newer])
            defer { store.close() }
            #expect(try store.itemNames() == ["kept"])
        }
    }

    @Test func aStoreWhoseMigrationFailsLeavesTheFileUnmigrated() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            do {
                let store = try makeStore(path, migrations: [itemsMigration])
                _ = try store.write("test") { try store.insertItem(1, "kept") }
                store.close()
            }
            let failing = Migration("9003-broken", ["CREATE TABLE half (id BIGINT NOT NULL PRIMARY KEY)", "CREATE TABLE half (x TEXT)"])
            expectCRMError(.internal) { try makeStore(path, migrations: [itemsMigration, failing]) }
            let store = try makeStore(path, migrations: [itemsMigration])
            defer { store.close() }
            #expect(try applied(store.connection) == ["0001-store-outbox", "0002-store-dead-letters", "9001-test-items"])
            #expect(try !store.connection.tableExists("half"))
            #expect(try store.itemNames() == ["kept"])
        }
    }
}
