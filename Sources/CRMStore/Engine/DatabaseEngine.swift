/// Which database engine a store runs on.
public enum EngineKind: String, Sendable {
    /// An embedded SQLite file (the default).
    case sqlite
    /// A PostgreSQL server (and the engines that speak its protocol).
    case postgresql
}

/// What the store needs of a database engine: statements with bound
/// values, transactions and savepoints, and the few facts about the schema
/// migrations ask. `Connection` is the one face modules see; the SQLite and
/// PostgreSQL engines are the two implementations.
///
/// SQL reaches an engine in the subset both speak, with `?` for every value
/// (the PostgreSQL engine numbers them). Where the engines differ, the
/// store offers one operation both implement (`SQLDialect`), or a
/// migration carries a statement per engine.
protocol DatabaseEngine: AnyObject {
    /// Which engine this is.
    var kind: EngineKind { get }
    /// Runs SQL that takes no values (schema changes), discarding any rows.
    func execute(_ sql: String) throws
    /// Runs a statement that returns no rows; returns how many rows it changed.
    func run(_ sql: String, _ values: [SQLValue]) throws -> Int
    /// Runs a query and hands each row to `each` until it returns false.
    func query(_ sql: String, _ values: [SQLValue], _ each: (Row) throws -> Bool) throws
    /// Rows changed since the connection opened; a failed, undone statement adds none.
    var totalChanges: Int64 { get }
    /// Whether a transaction is open.
    var inTransaction: Bool { get }
    /// Opens a transaction; `immediate` takes the write lock now.
    func begin(immediate: Bool) throws
    /// Commits the open transaction.
    func commit() throws
    /// Rolls back the open transaction; a no-op outside one.
    func rollback()
    /// Opens the savepoint `crm_call` inside the transaction.
    func savepoint() throws
    /// Releases `crm_call`.
    func releaseSavepoint() throws
    /// Rolls back to `crm_call` and releases it.
    func rollbackToSavepoint()
    /// How long a statement waits for a lock another connection holds.
    func setBusyTimeout(milliseconds: Int32) throws
    /// Whether the database has a table of that name.
    func tableExists(_ name: String) throws -> Bool
    /// Whether the database has any table of its own users (not the engine's).
    func hasTables() throws -> Bool
    /// Runs once the database is known to be libcrm's (or new), before the
    /// first write: SQLite switches the file to write-ahead logging.
    func prepareForWriting() throws
    /// Copies the database into the new, empty file at `destination`.
    func backup(to destination: String) throws
    /// Ends the connection. Idempotent.
    func close()
}
