#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The PostgreSQL client library, loaded at run time.
///
/// The shipped libcrm.so does not link libpq (its dependency list stays libc,
/// libstdc++, libsqlite3): the first PostgreSQL open `dlopen()`s `libpq.so.5`
/// and looks up the functions below once. A host that never opens a
/// PostgreSQL target never loads it, and a machine without it gets a
/// `CRMError(.io)` saying what to install instead of a loader error at start.
///
/// Each member is the C function itself, with its exact signature from
/// `libpq-fe.h` (PostgreSQL 10 and later export every one of them). C enums
/// (`ConnStatusType`, `ExecStatusType`, `PGTransactionStatusType`) are passed as
/// `CInt`, their size and calling convention; their values are in
/// ``ConnStatus``, ``ExecStatus`` and ``TransactionStatus``. `PGconn *` and
/// `PGresult *` are opaque pointers.
///
/// libpq is thread-safe per connection (a `PGconn` must not be used by two
/// threads at once); the table itself is immutable and shared.
final class LibPQ: @unchecked Sendable {
    // MARK: C types

    /// `Oid` (`unsigned int`, postgres_ext.h).
    typealias Oid = UInt32
    /// `typedef void (*PQnoticeProcessor)(void *arg, const char *message)`.
    typealias NoticeProcessor = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void

    /// `ConnStatusType` values a caller tests for (a blocking connect ends in one of these).
    enum ConnStatus {
        static let ok: CInt = 0          // CONNECTION_OK
        static let bad: CInt = 1         // CONNECTION_BAD
    }

    /// `ExecStatusType`.
    enum ExecStatus {
        static let emptyQuery: CInt = 0      // PGRES_EMPTY_QUERY
        static let commandOK: CInt = 1       // PGRES_COMMAND_OK
        static let tuplesOK: CInt = 2        // PGRES_TUPLES_OK
        static let copyOut: CInt = 3         // PGRES_COPY_OUT
        static let copyIn: CInt = 4          // PGRES_COPY_IN
        static let badResponse: CInt = 5     // PGRES_BAD_RESPONSE
        static let nonfatalError: CInt = 6   // PGRES_NONFATAL_ERROR
        static let fatalError: CInt = 7      // PGRES_FATAL_ERROR
        static let copyBoth: CInt = 8        // PGRES_COPY_BOTH
        static let singleTuple: CInt = 9     // PGRES_SINGLE_TUPLE
        static let pipelineSync: CInt = 10   // PGRES_PIPELINE_SYNC (libpq 14+)
        static let pipelineAborted: CInt = 11  // PGRES_PIPELINE_ABORTED (libpq 14+)
    }

    /// `PGTransactionStatusType`.
    enum TransactionStatus {
        static let idle: CInt = 0        // PQTRANS_IDLE
        static let active: CInt = 1      // PQTRANS_ACTIVE
        static let inTransaction: CInt = 2  // PQTRANS_INTRANS
        static let inError: CInt = 3     // PQTRANS_INERROR
        static let unknown: CInt = 4     // PQTRANS_UNKNOWN
    }

    /// `PG_DIAG_*` field codes for `PQresultErrorField` (postgres_ext.h).
    enum DiagField {
        static let severity = CInt(UInt8(ascii: "S"))          // PG_DIAG_SEVERITY
        static let sqlState = CInt(UInt8(ascii: "C"))          // PG_DIAG_SQLSTATE
        static let messagePrimary = CInt(UInt8(ascii: "M"))    // PG_DIAG_MESSAGE_PRIMARY
        static let messageDetail = CInt(UInt8(ascii: "D"))     // PG_DIAG_MESSAGE_DETAIL
        static let constraintName = CInt(UInt8(ascii: "n"))    // PG_DIAG_CONSTRAINT_NAME
        static let tableName = CInt(UInt8(ascii: "t"))         // PG_DIAG_TABLE_NAME
        static let columnName = CInt(UInt8(ascii: "c"))        // PG_DIAG_COLUMN_NAME
    }

    // MARK: The functions

    /// `PGconn *PQconnectdb(const char *conninfo)`
    let PQconnectdb: @convention(c) (UnsafePointer<CChar>?) -> OpaquePointer?
    /// `ConnStatusType PQstatus(const PGconn *conn)`
    let PQstatus: @convention(c) (OpaquePointer?) -> CInt
    /// `char *PQerrorMessage(const PGconn *conn)`
    let PQerrorMessage: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
    /// `void PQfinish(PGconn *conn)`
    let PQfinish: @convention(c) (OpaquePointer?) -> Void
    /// `PGresult *PQexec(PGconn *conn, const char *query)`
    let PQexec: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?
    /// `PGresult *PQexecParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
    /// const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat)`
    let PQexecParams: @convention(c) (
        OpaquePointer?, UnsafePointer<CChar>?, CInt, UnsafePointer<Oid>?,
        UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<CInt>?, UnsafePointer<CInt>?, CInt
    ) -> OpaquePointer?
    /// `PGresult *PQprepare(PGconn *conn, const char *stmtName, const char *query, int nParams,
    /// const Oid *paramTypes)`
    let PQprepare: @convention(c) (
        OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, CInt, UnsafePointer<Oid>?
    ) -> OpaquePointer?
    /// `PGresult *PQexecPrepared(PGconn *conn, const char *stmtName, int nParams,
    /// const char *const *paramValues, const int *paramLengths, const int *paramFormats, int resultFormat)`
    let PQexecPrepared: @convention(c) (
        OpaquePointer?, UnsafePointer<CChar>?, CInt,
        UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<CInt>?, UnsafePointer<CInt>?, CInt
    ) -> OpaquePointer?
    /// `ExecStatusType PQresultStatus(const PGresult *res)`
    let PQresultStatus: @convention(c) (OpaquePointer?) -> CInt
    /// `char *PQresultErrorMessage(const PGresult *res)`
    let PQresultErrorMessage: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
    /// `char *PQresultErrorField(const PGresult *res, int fieldcode)`
    let PQresultErrorField: @convention(c) (OpaquePointer?, CInt) -> UnsafeMutablePointer<CChar>?
    /// `int PQntuples(const PGresult *res)`
    let PQntuples: @convention(c) (OpaquePointer?) -> CInt
    /// `int PQnfields(const PGresult *res)`
    let PQnfields: @convention(c) (OpaquePointer?) -> CInt
    /// `char *PQgetvalue(const PGresult *res, int tup_num, int field_num)`
    let PQgetvalue: @convention(c) (OpaquePointer?, CInt, CInt) -> UnsafeMutablePointer<CChar>?
    /// `int PQgetisnull(const PGresult *res, int tup_num, int field_num)`
    let PQgetisnull: @convention(c) (OpaquePointer?, CInt, CInt) -> CInt
    /// `int PQgetlength(const PGresult *res, int tup_num, int field_num)`
    let PQgetlength: @convention(c) (OpaquePointer?, CInt, CInt) -> CInt
    /// `char *PQcmdTuples(PGresult *res)`
    let PQcmdTuples: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
    /// `void PQclear(PGresult *res)`
    let PQclear: @convention(c) (OpaquePointer?) -> Void
    /// `PGTransactionStatusType PQtransactionStatus(const PGconn *conn)`
    let PQtransactionStatus: @convention(c) (OpaquePointer?) -> CInt
    /// `PQnoticeProcessor PQsetNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg)`
    let PQsetNoticeProcessor: @convention(c) (OpaquePointer?, NoticeProcessor?, UnsafeMutableRawPointer?) -> NoticeProcessor?
    /// `const char *PQparameterStatus(const PGconn *conn, const char *paramName)`
    let PQparameterStatus: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> UnsafePointer<CChar>?
    /// `int PQserverVersion(const PGconn *conn)`
    let PQserverVersion: @convention(c) (OpaquePointer?) -> CInt

    // MARK: Loading

    /// The name `dlopen` is given: the SONAME of libpq since PostgreSQL 8.2.
    #if canImport(Darwin)
    static let libraryName = "libpq.5.dylib"
    #else
    static let libraryName = "libpq.so.5"
    #endif

    /// What to install, for the message of a failed load.
    static let installHint =
        "install the PostgreSQL client library (Debian/Ubuntu: apt-get install libpq5; RHEL: dnf install libpq)"

    /// The process's libpq, loaded by the first call (under a lock; later calls
    /// return the same table). A failed load is not remembered: the next call
    /// tries again, so installing libpq does not need a host restart.
    static func shared() throws -> LibPQ {
        try loaded.mutex.withLock {
            if let library = loaded.library { return library }
            let library = try load(libraryName)
            loaded.library = library
            return library
        }
    }

    /// Loads `name` and looks up every function (a new table on each call:
    /// ``shared()`` is the one to use; this one is for tests).
    static func load(_ name: String) throws -> LibPQ {
        // RTLD_LOCAL: libpq's symbols stay out of the global namespace, so they
        // cannot interpose on a host that links another libpq itself.
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
            throw CRMError(.io, "\(name) is not installed: \(installHint) (\(dlopenError()))")
        }
        do {
            return try LibPQ(handle: handle, name: name)
        } catch {
            dlclose(handle)
            throw error
        }
    }

    /// The handle from `dlopen`; never closed (function pointers into it are kept).
    private let handle: UnsafeMutableRawPointer

    private init(handle: UnsafeMutableRawPointer, name: String) throws {
        self.handle = handle
        func symbol<T>(_ symbolName: String) throws -> T {
            guard let address = dlsym(handle, symbolName) else {
                throw CRMError(.io, "\(name) has no function \(symbolName): \(LibPQ.installHint), version 10 or later")
            }
            // A function pointer is one pointer wide: T is always a @convention(c) type here.
            return unsafeBitCast(address, to: T.self)
        }
        PQconnectdb = try symbol("PQconnectdb")
        PQstatus = try symbol("PQstatus")
        PQerrorMessage = try symbol("PQerrorMessage")
        PQfinish = try symbol("PQfinish")
        PQexec = try symbol("PQexec")
        PQexecParams = try symbol("PQexecParams")
        PQprepare = try symbol("PQprepare")
        PQexecPrepared = try symbol("PQexecPrepared")
        PQresultStatus = try symbol("PQresultStatus")
        PQresultErrorMessage = try symbol("PQresultErrorMessage")
        PQresultErrorField = try symbol("PQresultErrorField")
        PQntuples = try symbol("PQntuples")
        PQnfields = try symbol("PQnfields")
        PQgetvalue = try symbol("PQgetvalue")
        PQgetisnull = try symbol("PQgetisnull")
        PQgetlength = try symbol("PQgetlength")
        PQcmdTuples = try symbol("PQcmdTuples")
        PQclear = try symbol("PQclear")
        PQtransactionStatus = try symbol("PQtransactionStatus")
        PQsetNoticeProcessor = try symbol("PQsetNoticeProcessor")
        PQparameterStatus = try symbol("PQparameterStatus")
        PQserverVersion = try symbol("PQserverVersion")
    }

    private static func dlopenError() -> String {
        guard let text = dlerror() else { return "dlopen failed" }
        return String(cString: text)
    }

    private final class Loaded: @unchecked Sendable {
        let mutex = Mutex()
        var library: LibPQ?
    }

    private static let loaded = Loaded()

    // MARK: Helpers

    /// The text of a C string libpq returned (nil for NULL). Invalid UTF-8 is
    /// repaired, never trapped on.
    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
    }

    /// The same, for libpq's `char *` returns.
    static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        string(UnsafePointer(pointer))
    }
}
