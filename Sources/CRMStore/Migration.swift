/// One named, append-only schema step. A module lists its migrations in
/// order; once released, a migration is never edited, only followed by new ones.
///
/// Most migrations are written once, in SQLite's DDL, and run on PostgreSQL
/// with exactly two rewrites (`PostgreSQLDialect.ddl`): the type name
/// `INTEGER` becomes `BIGINT` (SQLite's integers are 64-bit; `INTEGER
/// PRIMARY KEY` keeps its one b-tree on SQLite), and `WITHOUT ROWID` is
/// dropped. A step that needs other SQL per engine (JSON functions, say)
/// carries a statement list per engine.
public struct Migration: Sendable {
    /// Unique across all modules and never reused, numbered inside its
    /// module's range (`Module.migrationIDs`): "0101-accounts".
    public let id: String
    /// The statements to run on SQLite, in order, inside the migrating
    /// transaction. Explicit types and ISO text dates; ids are assigned by
    /// libcrm, never by the engine.
    public let statements: [String]
    /// The statements to run on PostgreSQL when they are not the rewrite of `statements`.
    public let postgresqlStatements: [String]?

    /// A step written once for both engines.
    public init(_ id: String, _ statements: [String]) {
        self.id = id
        self.statements = statements
        self.postgresqlStatements = nil
    }

    /// A step written per engine.
    public init(_ id: String, sqlite: [String], postgresql: [String]) {
        self.id = id
        self.statements = sqlite
        self.postgresqlStatements = postgresql
    }

    /// The statements this step runs on an engine.
    public func statements(for engine: EngineKind) -> [String] {
        switch engine {
        case .sqlite: return statements
        case .postgresql: return postgresqlStatements ?? statements.map(PostgreSQLDialect.ddl)
        }
    }
}

/// Applies pending migrations and records them in `crm_migrations`.
///
/// All pending migrations run in one transaction: a file is either fully
/// migrated or left as it was. A file that records a migration this library
/// does not know was written by a newer libcrm and is refused untouched.
public struct Migrator {
    /// Every migration this library knows, in the order they apply.
    public let migrations: [Migration]

    public init(_ migrations: [Migration]) { self.migrations = migrations }

    /// Brings the file up to date. `beforeWriting` runs once the file is
    /// known to be a libcrm file this library may write, before anything is written.
    /// - Throws: `.version` for a newer file, `.readOnly` when migrations are
    ///   pending on a read-only handle, `StoreError` from SQLite.
    public func migrate(_ connection: Connection, readOnly: Bool, now: Timestamp, libraryVersion: String,
                        beforeWriting: () throws -> Void = {}) throws {
        let what = connection.kind == .sqlite ? "file" : "database"
        var applied = Set<String>()
        if try connection.tableExists("crm_migrations") {
            applied = Set(try connection.rows("SELECT id FROM crm_migrations") { $0.text(0) })
        } else if try connection.hasTables() {
            throw CRMError(.corrupt, connection.kind == .sqlite
                ? "the file is an SQLite database but not a libcrm database"
                : "the PostgreSQL schema holds tables that are not libcrm's (choose another schema or database)")
        }
        let known = Set(migrations.map(\.id))
        if let unknown = applied.subtracting(known).sorted().first {
            throw CRMError(.version, "the \(what) was written by a newer libcrm: migration '\(unknown)' is unknown to libcrm \(libraryVersion); the \(what) was not changed")
        }
        let pending = migrations.filter { !applied.contains($0.id) }
        guard !pending.isEmpty || readOnly else { return try beforeWriting() }
        guard !pending.isEmpty else { return }
        guard !readOnly else {
            throw CRMError(.readOnly, "the file needs \(pending.count) schema migration(s) and was opened read-only")
        }
        try beforeWriting()
        try connection.begin(immediate: true)
        do {
            if !(try connection.tableExists("crm_migrations")) {
                try connection.execute("CREATE TABLE crm_migrations (id TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)")
            }
            // Another process may have migrated while we waited for the lock.
            let appliedNow = Set(try connection.rows("SELECT id FROM crm_migrations") { $0.text(0) })
            if let unknown = appliedNow.subtracting(known).sorted().first {
                throw CRMError(.version, "the \(what) was written by a newer libcrm: migration '\(unknown)' is unknown to libcrm \(libraryVersion); the \(what) was not changed")
            }
            for migration in migrations where !appliedNow.contains(migration.id) {
                for statement in migration.statements(for: connection.kind) {
                    try connection.execute(statement)
                }
                try connection.run("INSERT INTO crm_migrations (id, applied_at) VALUES (?, ?)",
                                   [.text(migration.id), .text(now.description)])
            }
            try connection.commit()
        } catch {
            connection.rollback()
            throw error
        }
    }
}
