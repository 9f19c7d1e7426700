import CSQLite

/// The SQLite engine: one connection to an SQLite file, opening and
/// configuring it, a cache of prepared statements, and the transaction and
/// savepoint primitives.
///
/// Not thread-safe by itself: its owner (`Store`) serializes every use.
final class SQLiteEngine: DatabaseEngine {
    var kind: EngineKind { .sqlite }

    private var handle: OpaquePointer?
    private var statements: [StatementKey: Statement] = [:]

    /// SQL text as a cache key, hashed on its length and last bytes: hashing
    /// a whole statement on every call cost more than running some of them.
    /// Equality still compares the whole text.
    private struct StatementKey: Hashable {
        let sql: String

        func hash(into hasher: inout Hasher) {
            // FNV-1a over the last 32 bytes, then one combine.
            let digest = sql.utf8.withContiguousStorageIfAvailable { bytes -> UInt64 in
                var value: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
                for byte in bytes.suffix(32) { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
                return value
            }
            if let digest { hasher.combine(digest) } else { hasher.combine(sql) }
        }
    }

    /// Opens `path` (":memory:" for a private in-memory database).
    ///
    /// Configures WAL journaling, foreign keys and a 5 s busy timeout, and
    /// checks that the file is an SQLite database. A missing file is created
    /// first, empty and with `access`'s mode, unless `readOnly` or
    /// `mustExist`, which open only a file that is there.
    /// - Throws: `StoreError` (cannot open, not a database, busy); `CRMError`
    ///   `.notFound` for a missing file that may not be created, `.io` when
    ///   it cannot be created.
    init(path: String, readOnly: Bool, mustExist: Bool = false, access: FileAccess = .ownerOnly) throws {
        if !DatabaseFile.isFileless(path) {
            if readOnly || mustExist {
                if DatabaseFile.isMissing(path) {
                    throw CRMError.notFound("no such file; nothing was created (an open with CRM_OPEN_EXISTING or CRM_OPEN_READONLY never creates one)")
                }
            } else {
                try DatabaseFile.createIfMissing(path, access: access)
            }
        }
        var connection: OpaquePointer?
        // Never SQLITE_OPEN_CREATE on a file path: the file was created above
        // with its mode, or must exist. (":memory:" needs no file.)
        let create = DatabaseFile.isFileless(path) && !readOnly ? SQLITE_OPEN_CREATE : 0
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | create))
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let error = StoreError(connection: connection, code: code, sql: nil)
            sqlite3_close_v2(connection)
            throw error
        }
        handle = connection
        do {
            sqlite3_busy_timeout(connection, Connection.defaultBusyTimeout)
            sqlite3_extended_result_codes(connection, 1)
            // Reading the schema fails at once on a file that is not a database.
            try execute("PRAGMA schema_version")
            // 4 KiB pages for new files, whatever this SQLite was built with:
            // an event (about 750 bytes) and its account fill them well. (2 KiB
            // pages, chosen while every call copied its pages into a
            // savepoint, held two events a page and wrote a third more.)
            try execute("PRAGMA page_size = 4096")
            try execute("PRAGMA foreign_keys = ON")
            // Savepoint and statement journals stay in memory; a larger page
            // cache keeps a host's long import transaction from spilling early.
            try execute("PRAGMA temp_store = MEMORY")
            try execute("PRAGMA cache_size = -16384")
            // No memory map (mmap_size stays 0): an I/O error on a mapped
            // file is a SIGBUS in the host, not an error code.
            try execute("PRAGMA trusted_schema = OFF")
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// Switches the file to write-ahead logging, so readers in other
    /// processes do not block the writer. Done only once the file is known to
    /// be libcrm's (or new): a foreign or newer file is left byte for byte.
    ///
    /// A new, empty file is made in incremental auto-vacuum mode first (the
    /// mode is fixed when the first table is created), so `events.prune` can
    /// give the pages of pruned events back to the file system. A file that
    /// has pages is left as it is (the pragma would rewrite its header on
    /// every open): a file made before keeps its pages for later rows until
    /// one `VACUUM` with the host stopped converts it (docs/COMMANDS.md,
    /// "Outbox consumers, dead letters and retention").
    func prepareForWriting() throws {
        var pages: Int64 = -1
        try query("PRAGMA page_count", []) { row in
            pages = row.integer(0)
            return false
        }
        if pages == 0 { try execute("PRAGMA auto_vacuum = INCREMENTAL") }
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = NORMAL")
    }

    /// How long a statement waits for a lock another connection holds
    /// before it fails with SQLITE_BUSY; 0 fails at once.
    func setBusyTimeout(milliseconds: Int32) throws {
        let connection = try open()
        let code = sqlite3_busy_timeout(connection, max(0, milliseconds))
        guard code == SQLITE_OK else { throw StoreError(connection: connection, code: code, sql: nil) }
    }

    /// Copies the whole database into the new, empty file at `destination`
    /// with SQLite's online backup API, in one read transaction: the copy is
    /// the last committed state when it began, whatever other connections
    /// write meanwhile (WAL readers do not block writers). The destination
    /// must exist already (made with its mode by the caller).
    /// - Throws: `StoreError` (busy, I/O, full disk).
    func backup(to destination: String) throws {
        let source = try open()
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(destination, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nil)
        guard code == SQLITE_OK, let target = opened else {
            let error = StoreError(connection: opened, code: code, sql: nil)
            sqlite3_close_v2(opened)
            throw error
        }
        var failure: StoreError?
        if let backup = sqlite3_backup_init(target, "main", source, "main") {
            // -1: every page in one step, so one read transaction sees one state.
            let stepped = sqlite3_backup_step(backup, -1)
            let finished = sqlite3_backup_finish(backup)
            if stepped != SQLITE_DONE {
                failure = StoreError(connection: nil, code: stepped == SQLITE_OK ? SQLITE_INTERNAL : stepped, sql: nil)
            } else if finished != SQLITE_OK {
                failure = StoreError(connection: target, code: finished, sql: nil)
            }
        } else {
            failure = StoreError(connection: target, code: sqlite3_errcode(target), sql: nil)
        }
        let closed = sqlite3_close_v2(target)
        if let failure { throw failure }
        guard closed == SQLITE_OK else { throw StoreError(connection: nil, code: closed, sql: nil) }
    }

    /// Finalizes every cached statement and closes the file. Idempotent.
    func close() {
        statements.removeAll()
        if let handle {
            sqlite3_close_v2(handle)
            self.handle = nil
        }
    }

    private func open() throws -> OpaquePointer {
        guard let handle else {
            throw StoreError(resultCode: SQLITE_MISUSE, extendedResultCode: SQLITE_MISUSE,
                             message: "the connection is closed", sql: nil)
        }
        return handle
    }

    /// Runs SQL text that takes no values (schema changes, pragmas),
    /// discarding any rows.
    func execute(_ sql: String) throws {
        let connection = try open()
        let code = sqlite3_exec(connection, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw StoreError(connection: connection, code: code, sql: sql) }
    }

    /// The cached prepared statement for `sql`, prepared on first use.
    /// A statement still stepping (the same SQL run again from inside a
    /// `rows` closure) is not reused: that call gets a fresh one of its own.
    private func statement(_ sql: String) throws -> Statement {
        let key = StatementKey(sql: sql)
        if let cached = statements[key] {
            if sqlite3_stmt_busy(cached.handle) == 0 { return cached }
            return try Statement(connection: try open(), sql: sql)
        }
        let prepared = try Statement(connection: try open(), sql: sql)
        statements[key] = prepared
        return prepared
    }

    /// Runs a statement that returns no rows (INSERT, UPDATE, DELETE).
    /// - Returns: the number of rows it changed.
    func run(_ sql: String, _ values: [SQLValue]) throws -> Int {
        let statement = try statement(sql)
        try statement.reset(binding: values)
        defer { statement.finish() }
        while try statement.step() {}
        return Int(sqlite3_changes(try open()))
    }

    /// Runs a query and hands each row to `each` until it returns false.
    func query(_ sql: String, _ values: [SQLValue], _ each: (Row) throws -> Bool) throws {
        let statement = try statement(sql)
        try statement.reset(binding: values)
        defer { statement.finish() }
        while try statement.step() {
            guard try each(Row(statement: statement.handle)) else { return }
        }
    }

    /// Runs a query and maps every row (the direct path `Connection` takes).
    func rows<T>(_ sql: String, _ values: [SQLValue], _ map: (Row) throws -> T) throws -> [T] {
        let statement = try statement(sql)
        try statement.reset(binding: values)
        defer { statement.finish() }
        var result: [T] = []
        while try statement.step() {
            result.append(try map(Row(statement: statement.handle)))
        }
        return result
    }

    /// Runs a query and maps its first row, if any.
    func row<T>(_ sql: String, _ values: [SQLValue], _ map: (Row) throws -> T) throws -> T? {
        let statement = try statement(sql)
        try statement.reset(binding: values)
        defer { statement.finish() }
        guard try statement.step() else { return nil }
        return try map(Row(statement: statement.handle))
    }

    /// Whether a table of that name exists in the file.
    func tableExists(_ name: String) throws -> Bool {
        var found = false
        try query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)]) { row in
            found = row.integer(0) > 0
            return false
        }
        return found
    }

    /// Whether the file holds tables that are not SQLite's own.
    func hasTables() throws -> Bool {
        var found = false
        try query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", []) { row in
            found = row.integer(0) > 0
            return false
        }
        return found
    }

    /// Rows changed by every INSERT, UPDATE and DELETE since the connection
    /// opened; a statement that failed and was undone adds nothing.
    var totalChanges: Int64 {
        guard let handle else { return 0 }
        return sqlite3_total_changes64(handle)
    }

    /// Whether the connection is inside a transaction.
    var inTransaction: Bool {
        guard let handle else { return false }
        return sqlite3_get_autocommit(handle) == 0
    }

    /// BEGIN IMMEDIATE (takes the write lock now) or BEGIN DEFERRED.
    func begin(immediate: Bool) throws {
        _ = try run(immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", [])
    }

    /// COMMIT.
    func commit() throws { _ = try run("COMMIT", []) }

    /// ROLLBACK; a no-op outside a transaction.
    func rollback() {
        guard inTransaction, let handle else { return }
        sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
    }

    /// SAVEPOINT crm_call.
    func savepoint() throws { _ = try run("SAVEPOINT crm_call", []) }
    /// RELEASE crm_call.
    func releaseSavepoint() throws { _ = try run("RELEASE crm_call", []) }
    /// ROLLBACK TO crm_call, then RELEASE it.
    func rollbackToSavepoint() {
        guard let handle else { return }
        sqlite3_exec(handle, "ROLLBACK TO crm_call; RELEASE crm_call", nil, nil, nil)
    }
}
