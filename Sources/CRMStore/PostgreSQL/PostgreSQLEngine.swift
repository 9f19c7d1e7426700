#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The PostgreSQL engine: one libpq connection to a server, behind the
/// same `DatabaseEngine` as the SQLite file.
///
/// How it keeps SQLite's semantics:
/// - **One writer at a time.** A write transaction (`begin(immediate: true)`)
///   first takes a transaction-level advisory lock that every libcrm writer
///   on the database takes, as SQLite's write lock does. Ids and outbox
///   sequence numbers are counted while it is held and saved at commit, so
///   they are assigned in commit order: a consumer that has fetched up to
///   seq N never later finds an event with a smaller seq committed after
///   it. (PostgreSQL's own sequences hand out numbers at nextval, not at
///   commit, so `seq > N` polling over them would skip late committers.)
///   The lock is released by the commit or rollback, also when the client
///   dies: the server ends its transaction.
/// - **Busy.** The wait for that lock, or any row lock, is bounded by
///   `lock_timeout` (the handle's busy timeout); running out is SQLSTATE
///   55P03, reported as `.busy`, as are serialization failures and deadlocks.
/// - **Readers** run in a REPEATABLE READ READ ONLY transaction: one
///   snapshot per call, as an SQLite read transaction.
/// - **Values** are sent as text with their type (int8 or text); a NULL
///   keeps the type of what it stands for (`SQLValue.typedNull`). Each
///   statement is prepared once per connection and parameter types.
///
/// Not thread-safe by itself: its owner (`Store`) serializes every use.
final class PostgreSQLEngine: DatabaseEngine {
    var kind: EngineKind { .postgresql }

    private let pq: LibPQ
    private var connection: OpaquePointer?
    /// The target as messages may show it (no password).
    private let target: String
    /// Statements with their `?` numbered, by the text modules wrote.
    private var numbered: [String: String] = [:]
    private var changes: Int64 = 0

    /// The advisory lock every libcrm writer on a database takes: this key
    /// ("crm" in ASCII) and the hash of the schema the tables live in, so
    /// two libcrm databases in two schemas of one server do not wait for
    /// each other.
    static let writerLock: Int64 = 0x63_72_6D

    /// `int8` and `text`, the two parameter types libcrm binds.
    private static let int8: LibPQ.Oid = 20
    private static let text: LibPQ.Oid = 25

    /// Connects to `conninfo` (a `postgresql://` URL or a libpq keyword=value string).
    /// - Throws: `.io` when libpq is missing or the server cannot be reached
    ///   (the message names the target without its password).
    init(conninfo: String, readOnly: Bool) throws {
        pq = try LibPQ.shared()
        target = PostgreSQLConnectionInfo.redacted(conninfo)
        guard let connection = pq.PQconnectdb(conninfo) else {
            throw CRMError(.io, "cannot connect to PostgreSQL: libpq is out of memory")
        }
        guard pq.PQstatus(connection) == LibPQ.ConnStatus.ok else {
            let reason = PostgreSQLConnectionInfo.sanitizedReason(LibPQ.string(pq.PQerrorMessage(connection)) ?? "no reason given")
            pq.PQfinish(connection)
            throw CRMError(.io, "cannot connect to PostgreSQL: \(reason)")
        }
        self.connection = connection
        // The server's notices would otherwise go to the host's stderr.
        _ = pq.PQsetNoticeProcessor(connection, { _, _ in }, nil)
        do {
            try execute("SET client_min_messages = warning")
            try execute("SET lock_timeout = '\(Connection.defaultBusyTimeout)ms'")
            if readOnly { try execute("SET default_transaction_read_only = on") }
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    func close() {
        numbered.removeAll()
        prepared.removeAll()
        if let connection {
            pq.PQfinish(connection)
            self.connection = nil
        }
    }

    private func open() throws -> OpaquePointer {
        guard let connection else { throw CRMError.misuse("storage: the PostgreSQL connection is closed") }
        return connection
    }

    // MARK: Statements

    func execute(_ sql: String) throws {
        let connection = try open()
        let result = pq.PQexec(connection, sql)
        defer { pq.PQclear(result) }
        try check(result, sql: sql)
    }

    func run(_ sql: String, _ values: [SQLValue]) throws -> Int {
        let result = try send(sql, values)
        defer { pq.PQclear(result) }
        let count = Int(LibPQ.string(pq.PQcmdTuples(result)) ?? "") ?? 0
        changes += Int64(count)
        return count
    }

    func query(_ sql: String, _ values: [SQLValue], _ each: (Row) throws -> Bool) throws {
        let result = try send(sql, values)
        defer { pq.PQclear(result) }
        let rows = pq.PQntuples(result)
        let columns = pq.PQnfields(result)
        var texts = [String?](repeating: nil, count: Int(max(columns, 0)))
        for row in 0..<max(rows, 0) {
            for column in 0..<max(columns, 0) {
                if pq.PQgetisnull(result, row, column) != 0 {
                    texts[Int(column)] = nil
                } else if let value = pq.PQgetvalue(result, row, column) {
                    let length = Int(max(pq.PQgetlength(result, row, column), 0))
                    texts[Int(column)] = value.withMemoryRebound(to: UInt8.self, capacity: length) {
                        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                    }
                } else {
                    texts[Int(column)] = nil
                }
            }
            let more = try texts.withUnsafeBufferPointer { try each(Row(texts: $0)) }
            guard more else { return }
        }
    }

    /// Runs `sql` with `values` bound as typed text parameters.
    private func send(_ sql: String, _ values: [SQLValue]) throws -> OpaquePointer {
        let connection = try open()
        let text: String
        if let cached = numbered[sql] {
            text = cached
        } else {
            text = PostgreSQLDialect.numberingParameters(sql)
            numbered[sql] = text
        }
        var types: [LibPQ.Oid] = []
        var strings: [UnsafeMutablePointer<CChar>?] = []
        types.reserveCapacity(values.count)
        strings.reserveCapacity(values.count)
        defer { for string in strings { free(string) } }
        for value in values {
            switch value {
            case .integer(let number):
                types.append(Self.int8)
                strings.append(strdup(String(number)))
            case .text(let string):
                // PostgreSQL text cannot hold NUL: what follows one is cut, as C strings are.
                types.append(Self.text)
                strings.append(strdup(string))
            case .typedNull(.integer):
                types.append(Self.int8)
                strings.append(nil)
            case .typedNull(.text):
                types.append(Self.text)
                strings.append(nil)
            case .null:
                types.append(0)
                strings.append(nil)
            }
        }
        let name = try preparedName(text, sql: sql, types: types)
        let result = strings.withUnsafeBufferPointer { stringBuffer in
            stringBuffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { parameters in
                pq.PQexecPrepared(connection, name, CInt(values.count), parameters.baseAddress, nil, nil, 0)
            }
        }
        do {
            try check(result, sql: sql)
        } catch {
            pq.PQclear(result)
            throw error
        }
        guard let result else { throw CRMError(.io, "storage: no result from PostgreSQL") }
        return result
    }

    /// A statement prepared once per connection and parameter types, so
    /// the server parses and plans it once, not on every call.
    private struct PreparedKey: Hashable {
        let sql: String
        let types: [LibPQ.Oid]
    }
    private var prepared: [PreparedKey: String] = [:]

    /// The name of `text` prepared with `types`, preparing it on first use.
    private func preparedName(_ text: String, sql: String, types: [LibPQ.Oid]) throws -> String {
        let key = PreparedKey(sql: text, types: types)
        if let name = prepared[key] { return name }
        let connection = try open()
        let name = "crm_\(prepared.count + 1)"
        let result = types.withUnsafeBufferPointer { typeBuffer in
            pq.PQprepare(connection, name, text, CInt(types.count), typeBuffer.baseAddress)
        }
        defer { pq.PQclear(result) }
        try check(result, sql: sql)
        prepared[key] = name
        return name
    }

    /// Throws the failure a result reports, mapped to its libcrm code.
    private func check(_ result: OpaquePointer?, sql: String) throws {
        guard let result else {
            let reason = LibPQ.string(pq.PQerrorMessage(connection)) ?? "out of memory"
            throw CRMError(.io, "storage: PostgreSQL \(target): \(Self.firstLine(reason)) (in: \(sql))")
        }
        let status = pq.PQresultStatus(result)
        guard status != LibPQ.ExecStatus.commandOK, status != LibPQ.ExecStatus.tuplesOK,
              status != LibPQ.ExecStatus.emptyQuery else { return }
        let state = LibPQ.string(pq.PQresultErrorField(result, LibPQ.DiagField.sqlState)) ?? ""
        let message = LibPQ.string(pq.PQresultErrorField(result, LibPQ.DiagField.messagePrimary))
            ?? Self.firstLine(LibPQ.string(pq.PQresultErrorMessage(result)) ?? "failed")
        throw CRMError(Self.code(sqlState: state), "storage: \(message) (PostgreSQL \(state.isEmpty ? "error" : state) in: \(sql))")
    }

    /// The libcrm code of a SQLSTATE.
    static func code(sqlState state: String) -> ResultCode {
        switch state {
        case "40001", "40P01", "55P03", "55006", "57014": return .busy
        case "25006": return .readOnly
        case "22001", "22003", "54000", "54001": return .range
        case "XX001", "XX002": return .corrupt
        default: break
        }
        switch state.prefix(2) {
        case "23": return .conflict
        case "08", "53", "57", "58": return .io
        default: return .internal
        }
    }

    private static func firstLine(_ text: String) -> String {
        String(text.split(whereSeparator: { $0 == "\n" }).first ?? "")
    }

    // MARK: Transactions

    var totalChanges: Int64 { changes }

    var inTransaction: Bool {
        guard let connection else { return false }
        let status = pq.PQtransactionStatus(connection)
        return status == LibPQ.TransactionStatus.inTransaction || status == LibPQ.TransactionStatus.inError
            || status == LibPQ.TransactionStatus.active
    }

    func begin(immediate: Bool) throws {
        guard immediate else {
            try execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return
        }
        try execute("BEGIN ISOLATION LEVEL READ COMMITTED")
        do {
            _ = try run("SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), hashtext(current_schema()))", [.integer(Self.writerLock)])
        } catch {
            rollback()
            throw error
        }
    }

    func commit() throws {
        let connection = try open()
        if pq.PQtransactionStatus(connection) == LibPQ.TransactionStatus.inError {
            rollback()
            throw CRMError(.internal, "storage: the PostgreSQL transaction had failed and was rolled back")
        }
        try execute("COMMIT")
    }

    func rollback() {
        guard inTransaction, let connection else { return }
        pq.PQclear(pq.PQexec(connection, "ROLLBACK"))
    }

    func savepoint() throws { try execute("SAVEPOINT crm_call") }
    func releaseSavepoint() throws { try execute("RELEASE SAVEPOINT crm_call") }
    func rollbackToSavepoint() {
        guard let connection else { return }
        pq.PQclear(pq.PQexec(connection, "ROLLBACK TO SAVEPOINT crm_call"))
        pq.PQclear(pq.PQexec(connection, "RELEASE SAVEPOINT crm_call"))
    }

    /// `lock_timeout`; 0 ("fail at once") is 1 ms, since 0 means "wait forever" to PostgreSQL.
    func setBusyTimeout(milliseconds: Int32) throws {
        try execute("SET lock_timeout = '\(max(1, milliseconds))ms'")
    }

    // MARK: Schema

    func tableExists(_ name: String) throws -> Bool {
        var found = false
        try query("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ?", [.text(name)]) {
            found = $0.integer(0) > 0
            return false
        }
        return found
    }

    func hasTables() throws -> Bool {
        var found = false
        try query("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()", []) {
            found = $0.integer(0) > 0
            return false
        }
        return found
    }

    func prepareForWriting() throws {}

    func backup(to destination: String) throws {
        throw CRMError.misuse("a PostgreSQL database is backed up with the server's own tools (pg_dump, or a base backup), not crm_backup")
    }
}
