import CSQLite

/// A prepared SQLite statement, owned and cached by its `Connection`.
///
/// A statement is reset and its bindings cleared before every use, so a
/// cached statement never carries values from one call into the next.
public final class Statement {
    let handle: OpaquePointer
    /// The SQL text, kept for error messages.
    public let sql: String
    private let connection: OpaquePointer

    init(connection: OpaquePointer, sql: String) throws {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            let error = StoreError(connection: connection, code: code, sql: sql)
            sqlite3_finalize(statement)
            throw error
        }
        self.handle = statement
        self.sql = sql
        self.connection = connection
        self.parameterCount = Int(sqlite3_bind_parameter_count(statement))
        self.textBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: 256)
    }

    /// How many `?` the statement has.
    private let parameterCount: Int

    /// The bound text of the current use, copied here back to back and bound
    /// without a copy by SQLite (SQLITE_STATIC): one memcpy per value instead
    /// of one SQLite allocation each. Owned by the statement; it stays put
    /// until the next `reset(binding:)`, which resets the statement first.
    private var textBuffer: UnsafeMutablePointer<CChar>
    private var textCapacity = 256

    deinit {
        sqlite3_finalize(handle)
        textBuffer.deallocate()
    }

    /// Resets the statement and binds `values` to its parameters in order.
    /// Every parameter is bound on every use, so none keeps an earlier value.
    func reset(binding values: [SQLValue]) throws {
        sqlite3_reset(handle)
        let count = parameterCount
        guard count == values.count else {
            throw StoreError(resultCode: SQLITE_RANGE, extendedResultCode: SQLITE_RANGE,
                             message: "statement takes \(count) values, \(values.count) given", sql: sql)
        }
        var needed = 0
        for value in values {
            if case .text(let text) = value { needed += text.utf8.count }
        }
        if needed > textCapacity {
            // Nothing may point into the old buffer once it is freed.
            sqlite3_clear_bindings(handle)
            textBuffer.deallocate()
            textCapacity = max(needed, textCapacity * 2)
            textBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: textCapacity)
        }
        var offset = 0
        var index: Int32 = 0
        for value in values {
            index += 1
            let code: Int32
            switch value {
            case .integer(let number):
                code = sqlite3_bind_int64(handle, index, number)
            case .text(var text):
                // The explicit length keeps text with an embedded NUL whole.
                let target = textBuffer + offset
                let length = text.withUTF8 { bytes -> Int in
                    if let base = bytes.baseAddress { UnsafeMutableRawPointer(target).copyMemory(from: base, byteCount: bytes.count) }
                    return bytes.count
                }
                offset += length
                code = sqlite3_bind_text(handle, index, target, Int32(clamping: length), nil)
            case .null, .typedNull:
                code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw StoreError(connection: connection, code: code, sql: sql) }
        }
    }

    /// Steps once: true when a row is available, false when done.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = StoreError(connection: connection, code: code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Leaves the statement idle so it holds no read lock between calls.
    func finish() {
        sqlite3_reset(handle)
    }
}

extension StoreError {
    init(connection: OpaquePointer?, code: Int32, sql: String?) {
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        let message: String
        if let connection, let text = sqlite3_errmsg(connection) {
            message = String(cString: text)
        } else if let text = sqlite3_errstr(code) {
            message = String(cString: text)
        } else {
            message = "SQLite error \(code)"
        }
        self.init(resultCode: code & 0xff, extendedResultCode: extended, message: message, sql: sql)
    }
}
