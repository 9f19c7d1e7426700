import CSQLite

/// A failed SQLite call: its primary and extended result codes, SQLite's
/// message and the SQL text (never the bound values, which may be personal data).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, ...).
    public let resultCode: Int32
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, ...).
    public let extendedResultCode: Int32
    /// SQLite's own message.
    public let message: String
    /// The statement that failed, if any.
    public let sql: String?

    public var description: String {
        if let sql { return "\(message) (SQLite \(extendedResultCode) in: \(sql))" }
        return "\(message) (SQLite \(extendedResultCode))"
    }

    /// The libcrm failure this SQLite failure amounts to.
    public var crmError: CRMError {
        let code: ResultCode
        switch resultCode {
        case SQLITE_BUSY, SQLITE_LOCKED: code = .busy
        case SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_PROTOCOL: code = .io
        case SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_FORMAT: code = .corrupt
        case SQLITE_READONLY: code = .readOnly
        case SQLITE_CONSTRAINT: code = .conflict
        case SQLITE_TOOBIG, SQLITE_RANGE: code = .range
        // sum() past 64 bits: PostgreSQL's 22003, a range error there too.
        case SQLITE_ERROR where message == "integer overflow": code = .range
        case SQLITE_MISUSE: code = .misuse
        default: code = .internal
        }
        return CRMError(code, "storage: \(description)")
    }
}

extension CRMError {
    /// Converts any error thrown below the feature modules into a `CRMError`.
    public init(_ error: any Error) {
        if let error = error as? CRMError {
            self = error
        } else if let error = error as? StoreError {
            self = error.crmError
        } else {
            self = CRMError(.internal, "internal: \(error)")
        }
    }
}
