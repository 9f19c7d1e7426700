/// The database a store works in, whichever engine holds it: running SQL
/// with bound values, transactions and savepoints. Every module's SQL goes
/// through here, written once in the subset both engines speak.
///
/// Not thread-safe by itself: its owner (`Store`) serializes every use.
public final class Connection {
    let engine: any DatabaseEngine
    /// The same engine when it is SQLite: the hot paths call it directly,
    /// so a create or a get on the default engine pays no dynamic dispatch.
    private let sqlite: SQLiteEngine?

    /// The busy timeout every connection starts with, in milliseconds.
    public static let defaultBusyTimeout: Int32 = 5000

    /// Opens the database at `path`: a PostgreSQL server for a
    /// `postgresql://` or `postgres://` URL or a libpq keyword=value string
    /// (`PostgreSQLConnectionInfo`), else the SQLite file at `path`
    /// (":memory:" for a private in-memory database). A missing SQLite file
    /// is created first, empty and with `access`'s mode, unless `readOnly`
    /// or `mustExist`; on PostgreSQL the database must exist on the server.
    /// - Throws: `StoreError` (cannot open, not a database, busy); `CRMError`
    ///   `.notFound` for a missing file that may not be created, `.io` when
    ///   it cannot be created.
    public convenience init(path: String, readOnly: Bool, mustExist: Bool = false, access: FileAccess = .ownerOnly) throws {
        if PostgreSQLConnectionInfo.isTarget(path) {
            self.init(engine: try PostgreSQLEngine(conninfo: path, readOnly: readOnly))
        } else {
            self.init(engine: try SQLiteEngine(path: path, readOnly: readOnly, mustExist: mustExist, access: access))
        }
    }

    /// `path` as a message may show it: a PostgreSQL target without its
    /// password, a file path as it is.
    public static func displayName(_ path: String) -> String {
        PostgreSQLConnectionInfo.redacted(path)
    }

    init(engine: any DatabaseEngine) {
        self.engine = engine
        self.sqlite = engine as? SQLiteEngine
    }

    deinit { engine.close() }

    /// Which engine holds the database.
    public var kind: EngineKind { engine.kind }

    /// Runs once the database is known to be libcrm's (or new), before the first write.
    func prepareForWriting() throws { try engine.prepareForWriting() }

    /// How long a statement waits for a lock another connection holds
    /// before it fails with `.busy`; 0 fails at once.
    public func setBusyTimeout(milliseconds: Int32) throws {
        try engine.setBusyTimeout(milliseconds: milliseconds)
    }

    /// Copies the whole database into the new, empty file at `destination`:
    /// the last committed state when the copy began.
    func backup(to destination: String) throws { try engine.backup(to: destination) }

    /// Ends the connection. Idempotent.
    public func close() { engine.close() }

    /// Runs SQL text that takes no values (schema changes), discarding any rows.
    public func execute(_ sql: String) throws { try engine.execute(sql) }

    /// Runs a statement that returns no rows (INSERT, UPDATE, DELETE).
    /// - Returns: the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        if let sqlite { return try sqlite.run(sql, values) }
        return try engine.run(sql, values)
    }

    /// Runs a query and maps every row.
    public func rows<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (Row) throws -> T) throws -> [T] {
        if let sqlite { return try sqlite.rows(sql, values, map) }
        var result: [T] = []
        try engine.query(sql, values) { row in
            result.append(try map(row))
            return true
        }
        return result
    }

    /// Runs a query and maps its first row, if any.
    public func row<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (Row) throws -> T) throws -> T? {
        if let sqlite { return try sqlite.row(sql, values, map) }
        var result: T?
        try engine.query(sql, values) { row in
            result = try map(row)
            return false
        }
        return result
    }

    /// The first column of the first row as an integer, or nil.
    public func integer(_ sql: String, _ values: [SQLValue] = []) throws -> Int64? {
        try row(sql, values) { $0.optionalInteger(0) } ?? nil
    }

    /// Whether a table of that name exists.
    public func tableExists(_ name: String) throws -> Bool { try engine.tableExists(name) }

    /// Whether the database holds any table of its own users.
    func hasTables() throws -> Bool { try engine.hasTables() }

    /// Rows changed by every INSERT, UPDATE and DELETE since the connection
    /// opened; a statement that failed and was undone adds nothing.
    public var totalChanges: Int64 { engine.totalChanges }

    /// Whether the connection is inside a transaction.
    public var inTransaction: Bool { engine.inTransaction }

    /// BEGIN IMMEDIATE (takes the write lock now) or BEGIN DEFERRED.
    public func begin(immediate: Bool) throws { try engine.begin(immediate: immediate) }

    /// COMMIT.
    public func commit() throws { try engine.commit() }

    /// ROLLBACK; a no-op outside a transaction.
    public func rollback() { engine.rollback() }

    /// SAVEPOINT crm_call.
    func savepoint() throws { try engine.savepoint() }
    /// RELEASE crm_call.
    func releaseSavepoint() throws { try engine.releaseSavepoint() }
    /// ROLLBACK TO crm_call, then RELEASE it.
    func rollbackToSavepoint() { engine.rollbackToSavepoint() }
}
