/// One open libcrm database: the connection, the clock, the file's identity,
/// and the transaction rules every command runs under.
///
/// - Outside a host transaction, each `write` is its own BEGIN IMMEDIATE ...
///   COMMIT, and returns the events it committed for the hooks.
/// - Inside a host transaction (`beginTransaction`), writes join it and
///   their events are returned by `commitTransaction`. Commands check their
///   input before their first write, so a call that fails on its input has
///   written nothing and the transaction goes on. A call that fails after it
///   began writing (I/O error, disk full, a constraint the checks missed)
///   cannot be undone on its own: the whole transaction is rolled back, and
///   every later call is refused until the host ends it with
///   `rollbackTransaction` (or `commitTransaction`, which commits nothing).
///   This replaced a savepoint per call, which cost a tenth of every create.
///
/// Not thread-safe by itself: the C layer serializes calls on a handle.
public final class Store {
    /// The SQLite connection.
    public let connection: Connection
    /// Where timestamps set by the library come from.
    public let clock: any Clock
    /// Whether the handle was opened read-only.
    public let isReadOnly: Bool
    /// The modules the library is made of: their record types, account
    /// links and personal data, for the commands that reach across modules.
    public let modules: Modules
    /// Every module's change observers, gathered once.
    private let observers: [ChangeObserver]
    /// The file's random identity, the first half of every idempotency key.
    public private(set) var fileID = ""
    /// Whether the host opened a transaction with `beginTransaction` (and
    /// has not ended it, even if the library rolled it back).
    public private(set) var inHostTransaction = false
    /// Set when a call failed part-way through its writes inside the host
    /// transaction and the library rolled the transaction back: the failure.
    public private(set) var abortedTransaction: CRMError?

    private var pendingEvents: [Event] = []
    /// `connection.totalChanges` when the current call began (or when its
    /// last undone savepoint ended): a call that fails with the count still
    /// there has written nothing.
    private var callChangesMark: Int64 = 0
    private var writeDepth = 0
    /// The last committed event when the host transaction began: a fetch on
    /// this handle inside it must not hand out events that may yet roll back.
    private var lastSeqBeforeTransaction: Int64 = 0
    /// Sequence values counted in the open write transaction, not yet saved.
    private var sequenceValues: [String: Int64] = [:]

    /// How long a call waits for another connection's lock before it fails
    /// with `.busy`, in milliseconds (0: at once).
    public private(set) var busyTimeout = Connection.defaultBusyTimeout

    /// Opens the file and applies the modules' pending migrations.
    ///
    /// A missing file is created (empty, with `access`'s mode) unless
    /// `readOnly` or `mustExist`; then it is `.notFound` and nothing is created.
    /// - Throws: `CRMError` (`.version` for a newer file, `.corrupt`, `.io`, `.busy`, `.readOnly`, `.notFound`).
    public init(path: String, readOnly: Bool, mustExist: Bool = false, access: FileAccess = .ownerOnly,
                clock: any Clock = SystemClock(), modules: Modules, libraryVersion: String) throws {
        self.clock = clock
        self.isReadOnly = readOnly
        self.modules = modules
        self.observers = modules.observers
        do {
            connection = try Connection(path: path, readOnly: readOnly, mustExist: mustExist, access: access)
        } catch {
            throw CRMError(error)
        }
        do {
            let connection = self.connection
            try Migrator(modules.migrations)
                .migrate(connection, readOnly: readOnly, now: clock.now(), libraryVersion: libraryVersion) {
                    if path != ":memory:" { try connection.prepareForWriting() }
                }
            fileID = try loadFileID()
        } catch {
            connection.close()
            throw CRMError(error)
        }
    }

    /// Opens the file with the store's own schema and `migrations` and no
    /// commands: for tests of the store itself.
    public convenience init(path: String, readOnly: Bool, mustExist: Bool = false, access: FileAccess = .ownerOnly,
                            clock: any Clock = SystemClock(), migrations: [Migration], libraryVersion: String) throws {
        let module = Module(name: "test", migrationIDs: 0...Int.max, migrations: migrations)
        try self.init(path: path, readOnly: readOnly, mustExist: mustExist, access: access, clock: clock,
                      modules: Modules([module]), libraryVersion: libraryVersion)
    }

    /// Rolls back any open transaction and closes the file.
    public func close() {
        connection.rollback()
        inHostTransaction = false
        abortedTransaction = nil
        pendingEvents.removeAll()
        sequenceValues.removeAll()
        connection.close()
    }

    private func loadFileID() throws -> String {
        if let id = try connection.row("SELECT value FROM crm_meta WHERE key = 'file_id'", [], { $0.text(0) }) {
            return id
        }
        var generator = SystemRandomNumberGenerator()
        let id = (0..<2).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
        guard !isReadOnly else { return id }
        try connection.run("INSERT INTO crm_meta (key, value) VALUES ('file_id', ?) ON CONFLICT (key) DO NOTHING", [.text(id)])
        return try connection.row("SELECT value FROM crm_meta WHERE key = 'file_id'", [], { $0.text(0) }) ?? id
    }

    // MARK: Host transactions

    /// Opens a host transaction (BEGIN IMMEDIATE).
    /// - Throws: `.misuse` when one is open, `.readOnly`, `.busy`.
    public func beginTransaction() throws {
        guard !inHostTransaction else {
            throw CRMError.misuse(abortedTransaction == nil
                ? "crm_begin: a transaction is already open on this handle"
                : "crm_begin: the open transaction was rolled back after a failed call; end it with crm_rollback first")
        }
        guard !isReadOnly else { throw CRMError(.readOnly, "crm_begin: the database was opened read-only") }
        do {
            try connection.begin(immediate: true)
        } catch {
            throw busyExplained(error, call: "crm_begin", outcome: "no transaction was opened, so retrying crm_begin is safe")
        }
        inHostTransaction = true
        pendingEvents.removeAll()
        sequenceValues.removeAll()
        do {
            lastSeqBeforeTransaction = try Outbox.lastCommittedSeq(connection)
        } catch {
            connection.rollback()
            inHostTransaction = false
            throw CRMError(error)
        }
    }

    /// Commits the host transaction.
    /// - Returns: the events it committed, for the hooks.
    /// - Throws: `.misuse` when none is open; on a failed COMMIT everything is rolled back.
    public func commitTransaction() throws -> [Event] {
        guard inHostTransaction else { throw CRMError.misuse("crm_commit: no transaction is open on this handle") }
        inHostTransaction = false
        defer {
            pendingEvents.removeAll()
            sequenceValues.removeAll()
        }
        if let failure = abortedTransaction {
            abortedTransaction = nil
            throw CRMError.misuse("crm_commit: nothing was committed: the transaction was rolled back when a call failed: \(failure.message)")
        }
        do {
            try saveSequences()
            try connection.commit()
        } catch {
            connection.rollback()
            throw CRMError(CRMError(error).code, "crm_commit: the transaction was rolled back: \(CRMError(error).message)")
        }
        return pendingEvents
    }

    /// Rolls back the host transaction and forgets its events.
    /// - Throws: `.misuse` when none is open.
    public func rollbackTransaction() throws {
        guard inHostTransaction else { throw CRMError.misuse("crm_rollback: no transaction is open on this handle") }
        inHostTransaction = false
        abortedTransaction = nil
        pendingEvents.removeAll()
        sequenceValues.removeAll()
        connection.rollback()
    }

    // MARK: Calls

    /// Runs a call that writes, atomically.
    /// - Returns: the body's result and the events committed by this call
    ///   (none inside a host transaction: those come with its commit).
    /// - Throws: whatever the body throws, after undoing all it wrote; `.readOnly`;
    ///   `.misuse` while a rolled-back host transaction waits to be ended.
    public func write<T>(_ context: String, _ body: () throws -> T) throws -> (T, [Event]) {
        guard !isReadOnly else { throw CRMError(.readOnly, "\(context): the database was opened read-only") }
        if writeDepth > 0 { return (try body(), []) }
        try refuseAfterAbort(context)
        writeDepth += 1
        defer { writeDepth -= 1 }
        if inHostTransaction {
            let mark = pendingEvents.count
            let sequencesBefore = sequenceValues
            callChangesMark = connection.totalChanges
            // PostgreSQL aborts the whole transaction at a failed statement:
            // there each call runs in a savepoint, so a refused call leaves
            // the transaction usable, exactly as on SQLite.
            let guarded = connection.kind == .postgresql
            do {
                if guarded { try connection.savepoint() }
                let result = try body()
                if guarded { try connection.releaseSavepoint() }
                return (result, [])
            } catch {
                if guarded { connection.rollbackToSavepoint() }
                let failure = CRMError(error)
                if connection.inTransaction && connection.totalChanges == callChangesMark {
                    // Failed before its first write, as every input error does:
                    // the transaction is exactly as it was.
                    pendingEvents.removeSubrange(mark..<pendingEvents.count)
                    sequenceValues = sequencesBefore
                    throw busyExplained(failure, call: context,
                                        outcome: "the call wrote nothing and the transaction goes on, so retrying the call is safe" + Store.replayNote)
                }
                // Failed part-way through its writes (or SQLite abandoned the
                // transaction itself): nothing half-written may be committed.
                connection.rollback()
                pendingEvents.removeAll()
                sequenceValues.removeAll()
                abortedTransaction = failure
                throw CRMError(failure.code, "\(failure.message); the host transaction was rolled back: end it with crm_rollback")
            }
        }
        do {
            try connection.begin(immediate: true)
            let result = try body()
            try saveSequences()
            try connection.commit()
            let events = pendingEvents
            pendingEvents.removeAll()
            sequenceValues.removeAll()
            return (result, events)
        } catch {
            connection.rollback()
            pendingEvents.removeAll()
            sequenceValues.removeAll()
            throw busyExplained(error, call: context, outcome: "nothing was written, so retrying the call is safe" + Store.replayNote)
        }
    }

    /// Runs a call that only reads, in one consistent snapshot.
    /// - Throws: `.misuse` while a rolled-back host transaction waits to be ended.
    /// - Parameter context: names the call in errors ("account.get").
    public func read<T>(_ context: String = "read", _ body: () throws -> T) throws -> T {
        if connection.inTransaction {
            guard connection.kind == .postgresql, writeDepth == 0 else { return try body() }
            // A failed read must not abort the host's PostgreSQL transaction.
            try connection.savepoint()
            do {
                let result = try body()
                try connection.releaseSavepoint()
                return result
            } catch {
                connection.rollbackToSavepoint()
                throw error
            }
        }
        try refuseAfterAbort(context)
        do {
            try connection.begin(immediate: false)
            let result = try body()
            try connection.commit()
            return result
        } catch {
            connection.rollback()
            throw busyExplained(error, call: context, outcome: "the call only reads, so retrying it is safe")
        }
    }

    /// Runs a read made of exactly one statement, without opening a
    /// transaction for it when none is open: one statement is a consistent
    /// snapshot on its own on both engines (SQLite and PostgreSQL in
    /// autocommit), so BEGIN and COMMIT would only add their cost. Inside a
    /// transaction it runs as `read` runs it.
    ///
    /// The body must run one statement at most: two statements outside a
    /// transaction may see different commits. A read of several
    /// statements belongs in `read`.
    /// - Throws: what the body throws (`.busy` explained as `read` explains
    ///   it); `.misuse` while a rolled-back host transaction waits to be ended.
    public func readStatement<T>(_ context: String = "read", _ body: () throws -> T) throws -> T {
        if connection.inTransaction { return try read(context, body) }
        try refuseAfterAbort(context)
        do {
            return try body()
        } catch {
            throw busyExplained(error, call: context, outcome: "the call only reads, so retrying it is safe")
        }
    }

    /// Runs part of a write in a savepoint, for a command that cannot check
    /// all its input before it writes: when `body` throws, what it wrote and
    /// the events it recorded are undone, and the error goes on to the
    /// caller. A call whose only writes were undone so counts as one that
    /// wrote nothing, so its host transaction goes on.
    /// - Throws: what `body` throws; `.internal` outside a write.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        guard writeDepth > 0 else { throw CRMError(.internal, "internal: savepoint outside a write") }
        let mark = pendingEvents.count
        let sequencesBefore = sequenceValues
        let wroteBefore = connection.totalChanges != callChangesMark
        do {
            try connection.savepoint()
        } catch {
            throw CRMError(error)
        }
        do {
            let result = try body()
            try connection.releaseSavepoint()
            return result
        } catch {
            guard connection.inTransaction else { throw error }
            connection.rollbackToSavepoint()
            pendingEvents.removeSubrange(mark..<pendingEvents.count)
            sequenceValues = sequencesBefore
            if !wroteBefore { callChangesMark = connection.totalChanges }
            throw error
        }
    }

    /// What `inEnclosingSavepoint` throws when its body failed after a write:
    /// the caller must undo the savepoint it runs in (its `savepoint` body
    /// throws this on, and `savepoint` undoes it).
    public struct WroteBeforeFailing: Error {
        /// What the body threw.
        public var failure: CRMError
    }

    /// Runs `body` inside the savepoint its caller already holds rather than
    /// one of its own, for a caller running many commands that each may fail
    /// (a savepoint costs SQLite a copy of every page a write touches). When
    /// `body` fails before its first write, as every input error does, the
    /// ids it took are given back and its error is thrown: the transaction is
    /// exactly as it was and the caller may go on. When it fails after a
    /// write, `WroteBeforeFailing` is thrown and the caller must undo its
    /// savepoint. SQLite only: on PostgreSQL a failed statement aborts the
    /// transaction until a rollback, so there the caller gives each command
    /// its own `savepoint`.
    /// - Throws: what `body` throws; `WroteBeforeFailing`; `.internal` outside a write.
    public func inEnclosingSavepoint<T>(_ body: () throws -> T) throws -> T {
        guard writeDepth > 0, connection.kind == .sqlite else {
            throw CRMError(.internal, "internal: inEnclosingSavepoint outside a write on SQLite")
        }
        let mark = pendingEvents.count
        let sequencesBefore = sequenceValues
        let changesBefore = connection.totalChanges
        do {
            return try body()
        } catch {
            guard connection.inTransaction, connection.totalChanges == changesBefore, pendingEvents.count == mark else {
                throw WroteBeforeFailing(failure: CRMError(error))
            }
            sequenceValues = sequencesBefore
            throw error
        }
    }

    // MARK: Locks held by other connections

    /// Sets how long a call waits for a lock another connection holds
    /// before it fails with `.busy`.
    /// - Throws: `.range` for a negative value.
    public func setBusyTimeout(milliseconds: Int32) throws {
        guard milliseconds >= 0 else {
            throw CRMError.range("crm_busy_timeout: milliseconds must be >= 0 (0 fails at once); got \(milliseconds)")
        }
        do {
            try connection.setBusyTimeout(milliseconds: milliseconds)
        } catch {
            throw CRMError(error)
        }
        busyTimeout = milliseconds
    }

    private static let replayNote = " (a create carrying source + external_ref is an idempotent retry)"

    /// A `.busy` failure of `call` told as what happened and what to do;
    /// any other failure unchanged.
    private func busyExplained(_ error: any Error, call: String, outcome: String) -> CRMError {
        let failure = CRMError(error)
        guard failure.code == .busy else { return failure }
        let waited = busyTimeout == 0 ? "the busy timeout is 0, so it failed at once" : "it waited the busy timeout, \(busyTimeout) ms"
        return CRMError(.busy, "\(call): the database file is locked by another connection (a writer in this or another process; "
            + "\(waited)); \(outcome) [\(failure.message)]")
    }

    // MARK: Backups

    /// Copies the database into a new file at `destination`, created with
    /// `access`'s mode, through SQLite's online backup API: the copy is the
    /// last committed state when it began, however other connections write
    /// meanwhile. Never overwrites: a file already at `destination` (or
    /// beside it as its -wal or -journal) is `.conflict`.
    /// - Throws: `.misuse` inside a host transaction, `.invalid` for a
    ///   destination that is not a file path, `.conflict`, `.io`, `.busy`.
    public func backup(to destination: String, access: FileAccess = .ownerOnly) throws {
        guard !inHostTransaction else {
            throw CRMError.misuse("crm_backup: a transaction is open on this handle (crm_begin); end it with crm_commit or crm_rollback first, or back up through another handle")
        }
        guard connection.kind == .sqlite else {
            throw CRMError.misuse("crm_backup: a PostgreSQL database is backed up with the server's own tools (pg_dump, or a base backup), not crm_backup")
        }
        guard !DatabaseFile.isFileless(destination) else {
            throw CRMError.invalid("crm_backup: dest_path must name a file; got '\(destination)'")
        }
        for leftover in [destination + "-wal", destination + "-journal"] where !DatabaseFile.isMissing(leftover) {
            throw CRMError.conflict("crm_backup: '\(leftover)' exists beside '\(destination)'; a backup never overwrites: remove both or choose a new name")
        }
        let created: Bool
        do {
            created = try DatabaseFile.create(destination, mode: access.mode)
        } catch {
            let failure = CRMError(error)
            throw CRMError(failure.code, "crm_backup: '\(destination)': \(failure.message)")
        }
        guard created else {
            throw CRMError.conflict("crm_backup: '\(destination)' already exists; a backup never overwrites a file: remove it or choose a new name")
        }
        do {
            try connection.backup(to: destination)
        } catch {
            DatabaseFile.remove(destination)
            let failure = busyExplained(error, call: "crm_backup", outcome: "no backup was written, so retrying is safe")
            throw CRMError(failure.code, failure.message.hasPrefix("crm_backup")
                ? failure.message : "crm_backup: '\(destination)': \(failure.message); no backup was written")
        }
    }

    /// After the library rolled back the host transaction, every call is
    /// refused until the host ends it: a write would otherwise commit on its
    /// own, outside the transaction the host believes is open.
    private func refuseAfterAbort(_ context: String) throws {
        guard let failure = abortedTransaction else { return }
        throw CRMError.misuse("\(context): the transaction was rolled back when an earlier call failed (\(failure.message)); end it with crm_rollback")
    }

    // MARK: Ids

    /// The next value of a sequence ("accounts", "events"): 1, 2, 3, ...
    /// never reused, even when the record with the highest id is gone.
    ///
    /// A write transaction holds the file's write lock from BEGIN IMMEDIATE
    /// to COMMIT, so within it the values are counted in memory and written
    /// back once, at commit: a bulk import pays one statement per sequence,
    /// not one per record.
    public func nextID(_ sequence: String) throws -> Int64 {
        guard writeDepth > 0 else { throw CRMError(.internal, "internal: id of \(sequence) taken outside a write") }
        let last: Int64
        if let cached = sequenceValues[sequence] {
            last = cached
        } else {
            last = try connection.integer("SELECT last_value FROM crm_sequences WHERE name = ?", [.text(sequence)]) ?? 0
        }
        let (next, overflow) = last.addingReportingOverflow(1)
        guard !overflow else { throw CRMError.range("\(sequence): no ids left") }
        sequenceValues[sequence] = next
        return next
    }

    /// Writes the counted sequence values back before a commit.
    private func saveSequences() throws {
        for (name, value) in sequenceValues.sorted(by: { $0.key < $1.key }) {
            try connection.run(
                """
                INSERT INTO crm_sequences (name, last_value) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET last_value = excluded.last_value
                """, [.text(name), .integer(value)])
        }
    }

    // MARK: Events

    /// Appends an event to the outbox in the current write.
    /// - Throws: `.internal` outside a write.
    public func record(event type: String, _ record: JSONValue) throws {
        guard writeDepth > 0 else { throw CRMError(.internal, "internal: event \(type) recorded outside a write") }
        let event = try Outbox.append(connection, seq: try nextID("events"), type: type, record: record, at: clock.now(), fileID: fileID)
        pendingEvents.append(event)
        for observer in observers where observer.hears(type) {
            try observer.observe(self, type, record)
        }
    }

    /// Committed events after both `afterSeq` and the consumer's acknowledged
    /// position (inside a host transaction: only those committed before it began).
    public func fetchEvents(consumer: String, afterSeq: Int64, limit: Int) throws -> (events: [Event], from: Int64) {
        let upTo = inHostTransaction ? lastSeqBeforeTransaction : Int64.max
        return try read("crm_events_fetch") { try Outbox.fetch(connection, consumer: consumer, afterSeq: afterSeq, upTo: upTo, limit: limit, fileID: fileID) }
    }

    /// Moves a consumer's acknowledged position up to `seq`.
    public func acknowledgeEvents(consumer: String, seq: Int64) throws {
        let upTo = inHostTransaction ? lastSeqBeforeTransaction : nil
        _ = try write("crm_events_ack") {
            try Outbox.acknowledge(connection, consumer: consumer, seq: seq, upTo: upTo, at: clock.now())
        }
    }
}
