import Foundation
import Testing
@testable import CRMStore

/// The SQL the PostgreSQL engine sends: no server needed.
@Suite("PostgreSQL dialect")
struct PostgreSQLDialectTests {
    @Test func parametersAreNumberedOutsideQuotes() {
        #expect(PostgreSQLDialect.numberingParameters("SELECT ? WHERE a = ? AND b = '?' AND \"c?\" = ?")
                == "SELECT $1 WHERE a = $2 AND b = '?' AND \"c?\" = $3")
        #expect(PostgreSQLDialect.numberingParameters("SELECT 1") == "SELECT 1")
    }

    @Test func ddlTakesBigintsAndDropsWithoutRowID() {
        #expect(PostgreSQLDialect.ddl("CREATE TABLE t (id INTEGER PRIMARY KEY NOT NULL, n integer, note TEXT DEFAULT 'INTEGER') WITHOUT ROWID")
                == "CREATE TABLE t (id BIGINT PRIMARY KEY NOT NULL, n BIGINT, note TEXT DEFAULT 'INTEGER') ")
        #expect(PostgreSQLDialect.ddl("CREATE INDEX a_integers ON a (integer_key)") == "CREATE INDEX a_integers ON a (integer_key)")
    }

    @Test func migrationsGiveEachEngineItsStatements() {
        let common = Migration("0901-x", ["CREATE TABLE x (id INTEGER PRIMARY KEY) WITHOUT ROWID"])
        #expect(common.statements(for: .sqlite) == ["CREATE TABLE x (id INTEGER PRIMARY KEY) WITHOUT ROWID"])
        #expect(common.statements(for: .postgresql) == ["CREATE TABLE x (id BIGINT PRIMARY KEY) "])
        let split = Migration("0902-y", sqlite: ["A"], postgresql: ["B"])
        #expect(split.statements(for: .sqlite) == ["A"])
        #expect(split.statements(for: .postgresql) == ["B"])
    }

    @Test func sqlstatesMapToLibcrmCodes() {
        #expect(PostgreSQLEngine.code(sqlState: "23505") == .conflict)
        #expect(PostgreSQLEngine.code(sqlState: "23503") == .conflict)
        #expect(PostgreSQLEngine.code(sqlState: "55P03") == .busy)
        #expect(PostgreSQLEngine.code(sqlState: "40001") == .busy)
        #expect(PostgreSQLEngine.code(sqlState: "40P01") == .busy)
        #expect(PostgreSQLEngine.code(sqlState: "25006") == .readOnly)
        #expect(PostgreSQLEngine.code(sqlState: "08006") == .io)
        #expect(PostgreSQLEngine.code(sqlState: "53100") == .io)
        #expect(PostgreSQLEngine.code(sqlState: "22003") == .range)
        #expect(PostgreSQLEngine.code(sqlState: "42P01") == .internal)
    }
}

/// The engine against a server (`CRM_TEST_POSTGRES_URL`), each test in a schema of its own.
@Suite("PostgreSQL engine", .enabled(if: testPostgresURL != nil, "CRM_TEST_POSTGRES_URL is not set: no server to test against"))
struct PostgreSQLEngineTests {
    /// A new schema and a store's connection in it.
    private func schemaURL() throws -> String {
        let url = try #require(testPostgresURL)
        let schema = "e_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let admin = try Connection(path: url, readOnly: false)
        defer { admin.close() }
        try admin.execute("CREATE SCHEMA \(schema)")
        return url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }

    @Test func typedNullsWorkWhereAnUntypedParameterWouldNot() throws {
        let connection = try Connection(path: try schemaURL(), readOnly: false)
        defer { connection.close() }
        #expect(connection.kind == .postgresql)
        try connection.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT)")
        try connection.run("INSERT INTO t (id, name) VALUES (?, ?), (?, ?)", [.integer(1), .text("a"), .integer(2), .text(nil)])
        let all = try connection.rows("SELECT id FROM t WHERE (? IS NULL OR id = ?) ORDER BY id",
                                      [.integer(nil), .integer(nil)]) { $0.integer(0) }
        #expect(all == [1, 2])
        let one = try connection.rows("SELECT id, name FROM t WHERE (? IS NULL OR id = ?)", [.integer(1), .integer(1)]) {
            ($0.integer(0), $0.optionalText(1))
        }
        #expect(one.map(\.0) == [1] && one.first?.1 == "a")
        #expect(try connection.row("SELECT name FROM t WHERE id = 2", []) { $0.optionalText(0) } == .some(nil))
        #expect(try connection.tableExists("t"))
        #expect(!(try connection.tableExists("u")))
    }

    @Test func aUniqueViolationIsAConflictAndChangesAreCounted() throws {
        let connection = try Connection(path: try schemaURL(), readOnly: false)
        defer { connection.close() }
        try connection.execute("CREATE TABLE t (id BIGINT PRIMARY KEY)")
        let before = connection.totalChanges
        #expect(try connection.run("INSERT INTO t (id) VALUES (?)", [.integer(1)]) == 1)
        #expect(connection.totalChanges == before + 1)
        expectCRMError(.conflict, "23505") { try connection.run("INSERT INTO t (id) VALUES (?)", [.integer(1)]) }
        #expect(connection.totalChanges == before + 1)
    }

    @Test func aSecondWriterWaitsForTheLockAndThenIsBusy() throws {
        let url = try schemaURL()
        let first = try Connection(path: url, readOnly: false)
        let second = try Connection(path: url, readOnly: false)
        defer { first.close(); second.close() }
        try first.begin(immediate: true)
        try second.setBusyTimeout(milliseconds: 200)
        let started = Date()
        expectCRMError(.busy, "55P03") { try second.begin(immediate: true) }
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 0.15 && waited < 5, "waited \(waited) s")
        #expect(!second.inTransaction)
        try first.commit()
        try second.begin(immediate: true)
        try second.commit()
    }

    @Test func writersInAnotherSchemaDoNotWait() throws {
        let first = try Connection(path: try schemaURL(), readOnly: false)
        let other = try Connection(path: try schemaURL(), readOnly: false)
        defer { first.close(); other.close() }
        try first.begin(immediate: true)
        try other.setBusyTimeout(milliseconds: 0)
        try other.begin(immediate: true)
        try other.commit()
        try first.commit()
    }

    @Test func aStoreMigratesOnceAndRefusesANewerSchema() throws {
        let url = try schemaURL()
        let store = try Store(path: url, readOnly: false, migrations: [Migration("0901-x", ["CREATE TABLE x (id INTEGER PRIMARY KEY) WITHOUT ROWID"])],
                              libraryVersion: "test")
        #expect(try store.connection.tableExists("x"))
        #expect(try store.connection.tableExists("crm_events"))
        try store.connection.run("INSERT INTO crm_migrations (id, applied_at) VALUES (?, ?)", [.text("9999-future"), .text("2026-12-05T00:00:00Z")])
        store.close()
        expectCRMError(.version, "9999-future") {
            try Store(path: url, readOnly: false, migrations: [Migration("0901-x", ["CREATE TABLE x (id INTEGER PRIMARY KEY)"])], libraryVersion: "test")
        }
    }

    @Test func backupIsRefusedWithTheToolToUse() throws {
        let store = try Store(path: try schemaURL(), readOnly: false, migrations: [], libraryVersion: "test")
        defer { store.close() }
        expectCRMError(.misuse, "pg_dump") { try store.backup(to: "/tmp/never-written.sqlite") }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written.sqlite"))
    }

    @Test func aMissingServerIsAnIOErrorWithoutThePassword() {
        expectCRMError(.io, "cannot connect to PostgreSQL") {
            try Connection(path: "postgresql://crm:s3cret-pw@127.0.0.1:1/crm?connect_timeout=2", readOnly: false)
        }
        let failure = thrownCRMError { try Connection(path: "postgresql://crm:s3cret-pw@127.0.0.1:1/crm?connect_timeout=2", readOnly: false) }
        #expect(failure?.message.contains("s3cret-pw") == false)
    }
}
