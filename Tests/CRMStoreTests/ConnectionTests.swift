import Foundation
import Testing
@testable import CRMStore

@Suite("Connection")
struct ConnectionTests {
    private func memory() throws -> Connection {
        let connection = try Connection(path: ":memory:", readOnly: false)
        try connection.execute("CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, name TEXT, n BIGINT)")
        return connection
    }

    private func pragmaText(_ connection: Connection, _ name: String) throws -> String? {
        try connection.row("PRAGMA \(name)") { $0.text(0) }
    }

    // MARK: Configuration

    @Test func fileConnectionHasForeignKeysAndABusyTimeout() throws {
        try withTemporaryDirectory { directory in
            let connection = try Connection(path: file(directory, "crm.db"), readOnly: false)
            defer { connection.close() }
            #expect(try connection.integer("PRAGMA foreign_keys") == 1)
            #expect(try connection.integer("PRAGMA busy_timeout") == 5000)
            #expect(try connection.integer("PRAGMA trusted_schema") == 0)
        }
    }

    @Test func aStoreFileUsesWAL() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            let store = try makeStore(path)
            #expect(try pragmaText(store.connection, "journal_mode") == "wal")
            #expect(try store.connection.integer("PRAGMA synchronous") == 1)   // NORMAL
            #expect(try store.connection.integer("PRAGMA foreign_keys") == 1)
            store.close()
            // And on every later open.
            let again = try makeStore(path)
            defer { again.close() }
            #expect(try pragmaText(again.connection, "journal_mode") == "wal")
            #expect(try again.connection.integer("PRAGMA synchronous") == 1)
        }
    }

    @Test func aLibcrmFileInRollbackModeIsSwitchedToWALOnOpen() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            try makeStore(path).close()
            do {
                let raw = try Connection(path: path, readOnly: false)
                try raw.execute("PRAGMA journal_mode = DELETE")
                raw.close()
            }
            #expect(contents(path)?[18] == 1)
            let store = try makeStore(path)
            defer { store.close() }
            #expect(try pragmaText(store.connection, "journal_mode") == "wal")
        }
    }

    @Test func walModeIsKeptInTheFile() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            let store = try makeStore(path)
            store.close()
            let bytes = try #require(contents(path))
            // Header bytes 18 and 19 are 2 for a WAL database.
            #expect(bytes.count >= 100)
            #expect(Array(bytes.prefix(16)) == Array("SQLite format 3\u{0}".utf8))
            #expect(bytes[18] == 2 && bytes[19] == 2)
        }
    }

    @Test func memoryConnectionHasForeignKeysOn() throws {
        let connection = try memory()
        #expect(try pragmaText(connection, "journal_mode") == "memory")
        #expect(try connection.integer("PRAGMA foreign_keys") == 1)
    }

    @Test func foreignKeysAreEnforced() throws {
        let connection = try memory()
        try connection.execute("CREATE TABLE parent (id BIGINT NOT NULL PRIMARY KEY)")
        try connection.execute("CREATE TABLE child (id BIGINT NOT NULL PRIMARY KEY, parent_id BIGINT NOT NULL REFERENCES parent (id))")
        let error = try #require(throws: StoreError.self) {
            try connection.run("INSERT INTO child (id, parent_id) VALUES (1, 99)")
        }
        #expect(error.resultCode == 19)            // SQLITE_CONSTRAINT
        #expect(error.extendedResultCode == 787)   // SQLITE_CONSTRAINT_FOREIGNKEY
        #expect(error.crmError.code == .conflict)
        try connection.run("INSERT INTO parent (id) VALUES (99)")
        #expect(try connection.run("INSERT INTO child (id, parent_id) VALUES (1, 99)") == 1)
    }

    @Test func aFileThatIsNotADatabaseIsCorruptAndLeftAlone() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "ledger.dat")
            let junk = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
            #expect(FileManager.default.createFile(atPath: path, contents: junk))
            expectCRMError(.corrupt) { try makeStore(path) }
            expectCRMError(.corrupt) { try makeStore(path, readOnly: true) }
            #expect(contents(path) == junk)
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test func anEmptyFileBecomesANewLibcrmDatabase() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "new.db")
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            let store = try makeStore(path)
            defer { store.close() }
            #expect(try store.connection.tableExists("crm_events"))
            #expect(try pragmaText(store.connection, "journal_mode") == "wal")
        }
    }

    @Test func aTextFileIsCorrupt() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "notes.txt")
            let text = Data(String(repeating: "This is not an SQLite database.\n", count: 200).utf8)
            #expect(FileManager.default.createFile(atPath: path, contents: text))
            let error = expectCRMError(.corrupt) { try makeStore(path) }
            #expect(error?.message.isEmpty == false)
            #expect(contents(path) == text)
        }
    }

    @Test func anotherProgramsSQLiteDatabaseIsRefusedAsCorrupt() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "ledger.db")
            do {
                let other = try Connection(path: path, readOnly: false)
                try other.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER)")
                try other.run("INSERT INTO ledger (id, amount) VALUES (1, 100)")
                other.close()
            }
            expectCRMError(.corrupt, "not a libcrm database") { try makeStore(path) }
            let check = try Connection(path: path, readOnly: false)
            defer { check.close() }
            #expect(try !check.tableExists("crm_migrations"))
            #expect(try !check.tableExists("crm_events"))
            #expect(try check.integer("SELECT amount FROM ledger WHERE id = 1") == 100)
        }
    }

    @Test func anotherProgramsRollbackJournalDatabaseIsRefusedByteIdentical() throws {
        // A host pointing libcrm at its own SQLite file by mistake must get its
        // file back untouched (in particular not switched to WAL).
        try withTemporaryDirectory { directory in
            let path = file(directory, "ledger.db")
            do {
                let other = try Connection(path: path, readOnly: false)
                try other.execute("PRAGMA journal_mode = DELETE")
                try other.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER)")
                try other.run("INSERT INTO ledger (id, amount) VALUES (1, 100)")
                other.close()
            }
            let before = try #require(contents(path))
            #expect(before[18] == 1 && before[19] == 1)   // rollback journal
            expectCRMError(.corrupt, "not a libcrm database") { try makeStore(path) }
            let after = try #require(contents(path))
            #expect(after[18] == 1 && after[19] == 1, "the refused file was switched to journal mode \(after[18])")
            #expect(after == before)
        }
    }

    // MARK: Statements and the cache

    @Test func cachedStatementsTakeFreshBindingsEachTime() throws {
        let connection = try memory()
        let insert = "INSERT INTO t (id, name, n) VALUES (?, ?, ?)"
        #expect(try connection.run(insert, [.integer(1), .text("one"), .integer(10)]) == 1)
        #expect(try connection.run(insert, [.integer(2), .null, .integer(nil)]) == 1)
        #expect(try connection.run(insert, [.integer(3), .text("three"), .integer(30)]) == 1)
        // The second row did not inherit the first row's values.
        let select = "SELECT name, n FROM t WHERE id = ?"
        #expect(try connection.row(select, [.integer(2)]) { [$0.optionalText(0) ?? "NULL", $0.optionalInteger(1).map(String.init) ?? "NULL"] }
            == ["NULL", "NULL"])
        #expect(try connection.row(select, [.integer(1)]) { $0.text(0) } == "one")
        #expect(try connection.row(select, [.integer(3)]) { $0.text(0) } == "three")
        #expect(try connection.row(select, [.integer(4)]) { $0.text(0) } == nil)
        #expect(try connection.row(select, [.integer(1)]) { $0.integer(1) } == 10)
    }

    @Test func aCachedStatementWorksAgainAfterItFailed() throws {
        let connection = try memory()
        let insert = "INSERT INTO t (id, name) VALUES (?, ?)"
        try connection.run(insert, [.integer(1), .text("one")])
        let error = try #require(throws: StoreError.self) { try connection.run(insert, [.integer(1), .text("dup")]) }
        #expect(error.crmError.code == .conflict)
        try connection.run(insert, [.integer(2), .text("two")])
        #expect(try connection.rows("SELECT name FROM t ORDER BY id") { $0.text(0) } == ["one", "two"])
    }

    @Test func aWrongNumberOfValuesIsARangeErrorAndTheStatementStaysUsable() throws {
        let connection = try memory()
        let insert = "INSERT INTO t (id, name) VALUES (?, ?)"
        let error = try #require(throws: StoreError.self) { try connection.run(insert, [.integer(1)]) }
        #expect(error.crmError.code == .range)
        #expect(error.message.contains("2"))
        #expect(throws: StoreError.self) { try connection.run(insert, [.integer(1), .text("a"), .text("b")]) }
        #expect(try connection.integer("SELECT count(*) FROM t") == 0)
        try connection.run(insert, [.integer(1), .text("a")])
        #expect(try connection.integer("SELECT count(*) FROM t") == 1)
    }

    @Test func aSumPast64BitsIsARangeError() throws {
        let connection = try memory()
        let error = try #require(throws: StoreError.self) {
            try connection.integer("SELECT sum(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1)")
        }
        #expect(error.crmError.code == .range)
    }

    @Test func aQueryStoppedMidwayStartsOverNextTime() throws {
        let connection = try memory()
        for id in Int64(1)...5 { try connection.run("INSERT INTO t (id, n) VALUES (?, ?)", [.integer(id), .integer(id * 10)]) }
        let sql = "SELECT id FROM t WHERE n >= ? ORDER BY id"
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try connection.rows(sql, [.integer(0)]) { row -> Int64 in
                if row.integer(0) == 2 { throw Stop() }
                return row.integer(0)
            }
        }
        #expect(try connection.rows(sql, [.integer(0)]) { $0.integer(0) } == [1, 2, 3, 4, 5])
        #expect(try connection.rows(sql, [.integer(30)]) { $0.integer(0) } == [3, 4, 5])
        // row() reads one row and leaves the statement ready for the next call.
        #expect(try connection.row(sql, [.integer(40)]) { $0.integer(0) } == 4)
        #expect(try connection.row(sql, [.integer(10)]) { $0.integer(0) } == 1)
        #expect(!connection.inTransaction)
    }

    @Test func valuesRoundTripExactly() throws {
        let connection = try memory()
        let texts = ["", "Zoë 東京 😀", "quote ' and \" and ; DROP TABLE t; --", String(repeating: "x", count: 100_000)]
        for (offset, text) in texts.enumerated() {
            try connection.run("INSERT INTO t (id, name, n) VALUES (?, ?, ?)", [.integer(Int64(offset)), .text(text), .integer(.min + Int64(offset))])
        }
        try connection.run("INSERT INTO t (id, name, n) VALUES (?, ?, ?)", [.integer(.max), .text(nil), .integer(.max)])
        #expect(try connection.rows("SELECT name FROM t WHERE id < 100 ORDER BY id") { $0.text(0) } == texts)
        #expect(try connection.integer("SELECT n FROM t WHERE id = 0") == .min)
        #expect(try connection.integer("SELECT n FROM t WHERE id = ?", [.integer(.max)]) == .max)
        #expect(try connection.row("SELECT name FROM t WHERE id = ?", [.integer(.max)]) { $0.optionalText(0) } == .some(nil))
        #expect(try connection.row("SELECT name FROM t WHERE id = ?", [.integer(.max)]) { $0.text(0) } == "")
        #expect(try connection.tableExists("t"))
    }

    @Test func textWithAnEmbeddedNULIsStoredWhole() throws {
        // A bound value must reach the file as given, not cut at its first NUL.
        let connection = try memory()
        try connection.run("INSERT INTO t (id, name) VALUES (1, ?)", [.text("before\u{0}after")])
        #expect(try connection.row("SELECT name FROM t WHERE id = 1") { $0.text(0) } == "before\u{0}after")
        #expect(try connection.integer("SELECT length(CAST(name AS BLOB)) FROM t WHERE id = 1") == 12)
    }

    @Test func rowHelpersReadNullsAndBooleans() throws {
        let connection = try memory()
        let values = try #require(try connection.row("SELECT NULL, 0, 7, 'x'") { row in
            (row.optionalInteger(0), row.integer(0), row.bool(1), row.bool(2), row.optionalText(0), row.text(3))
        })
        #expect(values.0 == nil)
        #expect(values.1 == 0)
        #expect(values.2 == false)
        #expect(values.3 == true)
        #expect(values.4 == nil)
        #expect(values.5 == "x")
        #expect(SQLValue.bool(true) == .integer(1))
        #expect(SQLValue.bool(false) == .integer(0))
        // A NULL keeps its type, for engines that need one.
        #expect(SQLValue.text(nil as String?) == .typedNull(.text))
        #expect(SQLValue.integer(nil as Int64?) == .typedNull(.integer))
    }

    @Test func integerOfAnEmptyResultIsNil() throws {
        let connection = try memory()
        #expect(try connection.integer("SELECT n FROM t WHERE id = 1") == nil)
        #expect(try !connection.tableExists("missing"))
    }

    // MARK: Transactions

    @Test func transactionsAndSavepoints() throws {
        let connection = try memory()
        #expect(!connection.inTransaction)
        connection.rollback()   // a no-op outside a transaction
        try connection.begin(immediate: true)
        #expect(connection.inTransaction)
        try connection.run("INSERT INTO t (id) VALUES (1)")
        try connection.savepoint()
        try connection.run("INSERT INTO t (id) VALUES (2)")
        connection.rollbackToSavepoint()
        #expect(connection.inTransaction)
        try connection.savepoint()
        try connection.run("INSERT INTO t (id) VALUES (3)")
        try connection.releaseSavepoint()
        try connection.commit()
        #expect(!connection.inTransaction)
        #expect(try connection.rows("SELECT id FROM t ORDER BY id") { $0.integer(0) } == [1, 3])

        try connection.begin(immediate: false)
        try connection.run("INSERT INTO t (id) VALUES (4)")
        connection.rollback()
        #expect(!connection.inTransaction)
        #expect(try connection.integer("SELECT count(*) FROM t") == 2)
    }

    // MARK: Errors

    @Test func errorsCarryTheSQLButNeverTheBoundValues() throws {
        let connection = try memory()
        try connection.execute("CREATE UNIQUE INDEX t_name ON t (name)")
        try connection.run("INSERT INTO t (id, name) VALUES (?, ?)", [.integer(1), .text("secret@example.com")])
        let error = try #require(throws: StoreError.self) {
            try connection.run("INSERT INTO t (id, name) VALUES (?, ?)", [.integer(2), .text("secret@example.com")])
        }
        #expect(error.sql == "INSERT INTO t (id, name) VALUES (?, ?)")
        #expect(error.description.contains("INSERT INTO t"))
        #expect(!error.description.contains("secret"))
        #expect(!CRMError(error).message.contains("secret"))
        #expect(CRMError(error).message.hasPrefix("storage: "))
    }

    @Test func syntaxErrorsAreInternal() throws {
        let connection = try memory()
        let error = try #require(throws: StoreError.self) { try connection.execute("SELEC 1") }
        #expect(error.resultCode == 1)
        #expect(error.crmError.code == .internal)
        #expect(error.sql == "SELEC 1")
    }

    @Test func aClosedConnectionIsMisuseAndCloseIsIdempotent() throws {
        let connection = try memory()
        connection.close()
        connection.close()
        #expect(!connection.inTransaction)
        let error = try #require(throws: StoreError.self) { try connection.run("SELECT 1") }
        #expect(error.crmError.code == .misuse)
        #expect(throws: StoreError.self) { try connection.execute("SELECT 1") }
    }

    @Test func readOnlyConnectionRefusesWrites() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            do {
                let writer = try Connection(path: path, readOnly: false)
                try writer.execute("CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY)")
                writer.close()
            }
            let reader = try Connection(path: path, readOnly: true)
            defer { reader.close() }
            #expect(try reader.integer("SELECT count(*) FROM t") == 0)
            let error = try #require(throws: StoreError.self) { try reader.run("INSERT INTO t (id) VALUES (1)") }
            #expect(error.crmError.code == .readOnly)
        }
    }

    @Test func missingDirectoryIsAnIOError() throws {
        let error = try #require(throws: CRMError.self) {
            try Connection(path: "/nonexistent-dir-for-crm-tests/x/crm.db", readOnly: false)
        }
        #expect(error.code == .io)
    }

    @Test func aNewFileIsCreatedWithExactlyItsModeAndAMissingOneMayBeRefused() throws {
        try withTemporaryDirectory { directory in
            let old = umask(0o022)
            defer { umask(old) }
            for (access, mode) in [(FileAccess.ownerOnly, 0o600), (.group, 0o660)] {
                let path = file(directory, "mode-\(mode).db")
                let connection = try Connection(path: path, readOnly: false, access: access)
                connection.close()
                let attributes = try FileManager.default.attributesOfItem(atPath: path)
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == mode)
            }
            let missing = file(directory, "missing.db")
            let error = try #require(throws: CRMError.self) { try Connection(path: missing, readOnly: false, mustExist: true) }
            #expect(error.code == .notFound)
            #expect(!FileManager.default.fileExists(atPath: missing))
        }
    }

    @Test func crmErrorWrapsEveryKindOfError() {
        struct Other: Error {}
        let original = CRMError.notFound("account 7: not found")
        #expect(CRMError(original as any Error).code == .notFound)
        #expect(CRMError(original as any Error).message == "account 7: not found")
        #expect(CRMError(Other()).code == .internal)
        #expect(CRMError(Other()).message.hasPrefix("internal: "))
        let busy = StoreError(resultCode: 5, extendedResultCode: 5, message: "database is locked", sql: nil)
        #expect(CRMError(busy).code == .busy)
        let full = StoreError(resultCode: 13, extendedResultCode: 13, message: "database or disk is full", sql: nil)
        #expect(CRMError(full).code == .io)
        let ioerr = StoreError(resultCode: 10, extendedResultCode: 266, message: "disk I/O error", sql: nil)
        #expect(CRMError(ioerr).code == .io)
        let notADB = StoreError(resultCode: 26, extendedResultCode: 26, message: "file is not a database", sql: nil)
        #expect(CRMError(notADB).code == .corrupt)
        let tooBig = StoreError(resultCode: 18, extendedResultCode: 18, message: "string or blob too big", sql: nil)
        #expect(CRMError(tooBig).code == .range)
    }

    @Test func resultCodesMatchTheHeaderNumbers() {
        #expect(ResultCode.allCases.map(\.rawValue) == Array(1...13))
        #expect(ResultCode.invalid.rawValue == 1)
        #expect(ResultCode.internal.rawValue == 13)
    }
}
