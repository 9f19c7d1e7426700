// The harness's only door into libcrm: the C ABI of Include/crm.h (module CCRM).
// Nothing here imports the library's Swift modules.
import CCRM

/// A failed libcrm call: the CRM_* result code and the library's message,
/// read with crm_errmsg right after the failure.
struct CRMFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    /// The record a refusal hands out besides its message (a credit
    /// hold's decision: crm_exec fills json_result with it); nil for most.
    var detail: JSON? = nil

    /// The library's static phrase for the code (crm_errstr).
    var phrase: String { String(cString: crm_errstr(code)) }

    /// The line the harness prints on stderr.
    var description: String { "error: \(phrase): \(message)" }
}

/// A failure of the harness itself, not of the library (for instance the
/// library answered with text that is not JSON). Exits with `HarnessFailure.exitCode`.
struct HarnessFailure: Error, CustomStringConvertible {
    static let exitCode: Int32 = 70  // EX_SOFTWARE
    let message: String
    var description: String { "error: harness: \(message)" }
}

/// Names of the CRM_* codes, for tables and JSON summaries.
func crmCodeName(_ code: Int32) -> String {
    switch code {
    case CRM_OK: return "CRM_OK"
    case CRM_INVALID: return "CRM_INVALID"
    case CRM_NOTFOUND: return "CRM_NOTFOUND"
    case CRM_CONFLICT: return "CRM_CONFLICT"
    case CRM_CONSTRAINT: return "CRM_CONSTRAINT"
    case CRM_BUSY: return "CRM_BUSY"
    case CRM_IO: return "CRM_IO"
    case CRM_CORRUPT: return "CRM_CORRUPT"
    case CRM_RANGE: return "CRM_RANGE"
    case CRM_MISUSE: return "CRM_MISUSE"
    case CRM_VERSION_ERR: return "CRM_VERSION_ERR"
    case CRM_READONLY: return "CRM_READONLY"
    case CRM_CREDIT_HOLD: return "CRM_CREDIT_HOLD"
    case CRM_INTERNAL: return "CRM_INTERNAL"
    default: return "code \(code)"
    }
}

/// The loaded library's version, and the header's the harness was built with.
enum LibraryVersion {
    static var library: String { String(cString: crm_version()) }
    static var abi: Int32 { crm_abi_version() }
    static let header = CRM_VERSION
    static let headerABI = Int32(CRM_ABI_VERSION)
}

/// One open crm_db handle. `close()` it on every path (`defer`); deinit closes
/// it too as a backstop.
final class CRMDatabase {
    private var handle: OpaquePointer?
    let path: String

    /// Whether `path` looks like a PostgreSQL target (a URL, or key=value
    /// pairs with no slash): only for what the CLI prints; the library
    /// itself decides which engine opens a path (crm.h, crm_open).
    var isServer: Bool {
        path.hasPrefix("postgresql://") || path.hasPrefix("postgres://") || (path.contains("=") && !path.contains("/"))
    }

    /// The path as the CLI prints it: a server target may carry a password,
    /// so it is never echoed.
    var shownPath: String { isServer ? "\"$CRM_DB\"" : path }

    /// crm_open(path, flags, &db). On failure the message is crm_errmsg(NULL).
    init(path: String, readOnly: Bool = false, flags: Int32 = 0) throws {
        self.path = path
        var db: OpaquePointer?
        let code = crm_open(path, (readOnly ? CRM_OPEN_READONLY : 0) | flags, &db)
        guard code == CRM_OK, let db else {
            let message = String(cString: crm_errmsg(nil))
            if let db { crm_close(db) }  // never expected: out_db is NULL on failure
            throw CRMFailure(code: code == CRM_OK ? CRM_INTERNAL : code, message: message)
        }
        handle = db
    }

    deinit { close() }

    /// crm_close. Safe to call more than once.
    func close() {
        guard let db = handle else { return }
        handle = nil
        crm_close(db)
    }

    private func open() throws -> OpaquePointer {
        guard let db = handle else {
            throw CRMFailure(code: CRM_MISUSE, message: "harness: the database handle is closed")
        }
        return db
    }

    private func failure(_ code: Int32, _ db: OpaquePointer) -> CRMFailure {
        CRMFailure(code: code, message: String(cString: crm_errmsg(db)))
    }

    /// Takes ownership of a string the library returned and frees it with crm_free.
    private static func take(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { crm_free(pointer) }
        return String(cString: pointer)
    }

    /// crm_exec with the arguments given as raw bytes (passed through untouched,
    /// so the library judges malformed JSON and invalid UTF-8 itself). Returns the
    /// library's result text, or nil when it gave none.
    func execRaw(_ command: String, arguments: [UInt8]?) throws -> String? {
        let db = try open()
        var result: UnsafeMutablePointer<CChar>?
        let code: Int32
        if let arguments {
            var terminated = arguments.map { CChar(bitPattern: $0) }
            terminated.append(0)
            code = terminated.withUnsafeBufferPointer { crm_exec(db, command, $0.baseAddress, &result) }
        } else {
            code = crm_exec(db, command, nil, &result)
        }
        guard code == CRM_OK else {
            var failure = failure(code, db)
            // A refusal may hand out its record (CRM_CREDIT_HOLD's decision).
            if let detail = CRMDatabase.take(result) { failure.detail = try? JSON.parse(detail) }
            throw failure
        }
        return CRMDatabase.take(result)
    }

    /// crm_exec with JSON arguments, answering the parsed result.
    func exec(_ command: String, _ arguments: JSON = [:]) throws -> JSON {
        guard let text = try execRaw(command, arguments: Array(arguments.description.utf8)) else {
            throw HarnessFailure(message: "\(command) returned no result")
        }
        do {
            return try JSON.parse(text)
        } catch {
            throw HarnessFailure(message: "\(command) returned \(error): \(text.prefix(200))")
        }
    }

    /// What a payment names and what the host knows it by, for crm_payment_record.
    struct PaymentReceived {
        var accountID: Int64 = 0
        var accountSource: String?
        var accountRef: String?
        var amountMinor: Int64 = 0
        var currency: String?
        var receivedOn: String?
        var method = "eft"
        var reference: String?
        var source: String?
        var externalRef: String?
    }

    /// crm_payment_record (the typed call, allocating oldest-first), answering
    /// the whole result: the payment with its allocations and posting.
    func recordPayment(_ payment: PaymentReceived) throws -> JSON {
        let db = try open()
        var paymentID: Int64 = 0
        var unallocated: Int64 = 0
        var result: UnsafeMutablePointer<CChar>?
        let code = crm_payment_record(db, payment.accountID, payment.accountSource, payment.accountRef, payment.amountMinor,
                                      payment.currency, payment.receivedOn, payment.method, payment.reference, payment.source,
                                      payment.externalRef, &paymentID, &unallocated, &result)
        guard code == CRM_OK else {
            let failure = failure(code, db)
            crm_free(result)
            throw failure
        }
        guard let text = CRMDatabase.take(result) else { throw HarnessFailure(message: "crm_payment_record returned no result") }
        return try JSON.parse(text)
    }

    /// crm_busy_timeout.
    func setBusyTimeout(milliseconds: Int32) throws {
        let db = try open()
        let code = crm_busy_timeout(db, milliseconds)
        guard code == CRM_OK else { throw failure(code, db) }
    }

    /// crm_backup.
    func backup(to destination: String) throws {
        let db = try open()
        let code = crm_backup(db, destination)
        guard code == CRM_OK else { throw failure(code, db) }
    }

    /// crm_find_by_ref.
    func findByRef(_ recordType: String, source: String, externalRef: String) throws -> Int64 {
        let db = try open()
        var id: Int64 = 0
        let code = crm_find_by_ref(db, recordType, source, externalRef, &id)
        guard code == CRM_OK else { throw failure(code, db) }
        return id
    }

    /// crm_find_by_ref, with CRM_NOTFOUND answered as nil.
    func lookUpRef(_ recordType: String, source: String, externalRef: String) throws -> Int64? {
        do {
            return try findByRef(recordType, source: source, externalRef: externalRef)
        } catch let failure as CRMFailure where failure.code == CRM_NOTFOUND {
            return nil
        }
    }

    /// crm_events_fetch, answering the library's JSON text.
    func fetchEventsRaw(consumer: String, afterSeq: Int64, limit: Int32) throws -> String {
        let db = try open()
        var result: UnsafeMutablePointer<CChar>?
        let code = crm_events_fetch(db, consumer, afterSeq, limit, &result)
        guard code == CRM_OK else {
            let failure = failure(code, db)
            crm_free(result)
            throw failure
        }
        return CRMDatabase.take(result) ?? ""
    }

    /// crm_events_fetch, parsed.
    func fetchEvents(consumer: String, afterSeq: Int64, limit: Int32) throws -> JSON {
        let text = try fetchEventsRaw(consumer: consumer, afterSeq: afterSeq, limit: limit)
        do {
            return try JSON.parse(text)
        } catch {
            throw HarnessFailure(message: "crm_events_fetch returned \(error): \(text.prefix(200))")
        }
    }

    /// crm_events_ack.
    func ackEvents(consumer: String, upTo seq: Int64) throws {
        let db = try open()
        let code = crm_events_ack(db, consumer, seq)
        guard code == CRM_OK else { throw failure(code, db) }
    }

    /// crm_hook_register with a C callback that hands every event to `listener`.
    /// The listener must stay alive until `unregisterHook` (the caller keeps it).
    func registerHook(pattern: String, listener: HookListener) throws -> Int32 {
        let db = try open()
        var hookID: Int32 = 0
        let userData = Unmanaged.passUnretained(listener).toOpaque()
        let code = crm_hook_register(
            db, pattern,
            { eventType, eventJSON, userData in
                // @convention(c): no captures; everything comes through user_data.
                guard let userData else { return }
                let listener = Unmanaged<HookListener>.fromOpaque(userData).takeUnretainedValue()
                let type = eventType.map { String(cString: $0) } ?? ""
                let json = eventJSON.map { String(cString: $0) } ?? ""
                listener.receive(type: type, json: json)
            },
            userData, &hookID)
        guard code == CRM_OK else { throw failure(code, db) }
        return hookID
    }

    /// crm_hook_unregister.
    func unregisterHook(_ hookID: Int32) throws {
        let db = try open()
        let code = crm_hook_unregister(db, hookID)
        guard code == CRM_OK else { throw failure(code, db) }
    }
}

/// What a registered hook hears: every event, in delivery order. The strings the
/// library passes are valid only during the call, so they are copied here.
final class HookListener {
    struct Heard {
        let seq: Int64?
        let type: String
        let event: JSON?
    }

    private(set) var heard: [Heard] = []
    /// When set, each event is also printed as it arrives (the demo's live trace).
    var echo: ((Heard) -> Void)?

    func receive(type: String, json: String) {
        let event = try? JSON.parse(json)
        let heard = Heard(seq: event?["seq"]?.int, type: type, event: event)
        self.heard.append(heard)
        echo?(heard)
    }

    var countsByType: [(type: String, count: Int)] {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for event in heard {
            if counts[event.type] == nil { order.append(event.type) }
            counts[event.type, default: 0] += 1
        }
        return order.map { (type: $0, count: counts[$0] ?? 0) }
    }
}
