// The C ABI of Include/crm.h. Each function translates between C and the
// Swift modules and nothing more: no business rule lives here. Every
// prototype is implemented with @_cdecl + @implementation against the header
// imported as the CCRM module, so a signature that drifts from the header
// does not compile.
#if canImport(Glibc)
import Glibc
#endif
import CCRM
import CRMCredit
import CRMStore

// MARK: Versions and codes

@_cdecl("crm_version") @implementation
public func crm_version() -> UnsafePointer<CChar>? {
    versionText
}

/// CRM_VERSION as a C string made once and kept for the life of the process.
nonisolated(unsafe) private let versionText: UnsafePointer<CChar>? = UnsafePointer(strdup(Library.version))

@_cdecl("crm_abi_version") @implementation
public func crm_abi_version() -> Int32 { CRM_ABI_VERSION }

@_cdecl("crm_errstr") @implementation
public func crm_errstr(_ code: Int32) -> UnsafePointer<CChar>? {
    switch code {
    case CRM_OK: return staticText("not an error")
    case CRM_INVALID: return staticText("invalid argument")
    case CRM_NOTFOUND: return staticText("not found")
    case CRM_CONFLICT: return staticText("conflict")
    case CRM_CONSTRAINT: return staticText("refused by a business rule")
    case CRM_BUSY: return staticText("database is busy")
    case CRM_IO: return staticText("input/output error")
    case CRM_CORRUPT: return staticText("database file is corrupt or not a libcrm database")
    case CRM_RANGE: return staticText("value out of range")
    case CRM_MISUSE: return staticText("library used incorrectly")
    case CRM_VERSION_ERR: return staticText("database written by a newer libcrm")
    case CRM_READONLY: return staticText("database is read-only")
    case CRM_CREDIT_HOLD: return staticText("account is on credit hold")
    case CRM_INTERNAL: return staticText("internal error")
    default: return staticText("unknown error")
    }
}

/// The C code of a result code, by name, so the two tables cannot drift.
func cCode(_ code: ResultCode) -> Int32 {
    switch code {
    case .invalid: return CRM_INVALID
    case .notFound: return CRM_NOTFOUND
    case .conflict: return CRM_CONFLICT
    case .constraint: return CRM_CONSTRAINT
    case .busy: return CRM_BUSY
    case .io: return CRM_IO
    case .corrupt: return CRM_CORRUPT
    case .range: return CRM_RANGE
    case .misuse: return CRM_MISUSE
    case .version: return CRM_VERSION_ERR
    case .readOnly: return CRM_READONLY
    case .creditHold: return CRM_CREDIT_HOLD
    case .internal: return CRM_INTERNAL
    }
}

private func staticText(_ text: StaticString) -> UnsafePointer<CChar>? {
    UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}

// MARK: Errors and memory

@_cdecl("crm_errmsg") @implementation
public func crm_errmsg(_ db: OpaquePointer?) -> UnsafePointer<CChar>? {
    let key = db.map { UInt(bitPattern: UnsafeMutableRawPointer($0)) } ?? 0
    return ThreadState.current.message(handle: key) ?? staticText("not an error")
}

@_cdecl("crm_free") @implementation
public func crm_free(_ p: UnsafeMutableRawPointer?) {
    free(p)
}

/// Runs one call on a handle: looks the handle up, clears the thread's
/// message for it, runs `body` and turns a thrown `CRMError` into its code
/// and message. The events `body` returns are delivered to the hooks after
/// the handle's lock is released.
private func onHandle(_ db: OpaquePointer?, _ function: String, _ body: (DatabaseHandle) throws -> [Event]) -> Int32 {
    let thread = ThreadState.current
    let key = db.map { UInt(bitPattern: UnsafeMutableRawPointer($0)) } ?? 0
    guard let handle = HandleTable.handle(db) else {
        let message = db == nil ? "\(function): the handle is NULL" : "\(function): the handle is not open (closed already?)"
        thread.setMessage(message, handle: key)
        if key != 0 { thread.setMessage(message, handle: 0) }
        return CRM_MISUSE
    }
    thread.clearMessage(handle: key)
    do {
        let events = try body(handle)
        handle.deliver(events)
        return CRM_OK
    } catch {
        let failure = CRMError(error)
        thread.setMessage(failure.message, handle: key)
        return cCode(failure.code)
    }
}

/// Writes NULL to a pointer out-parameter so a failed call never leaves garbage.
private func clear<T>(_ out: UnsafeMutablePointer<T?>?) { out?.pointee = nil }

// MARK: Opening and closing

@_cdecl("crm_open") @implementation
public func crm_open(_ path: UnsafePointer<CChar>?, _ flags: Int32, _ out_db: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    clear(out_db)
    let thread = ThreadState.current
    var pathText: String?
    do {
        let text = try CString.string(path, name: "crm_open: path", limit: 4096)
        pathText = text
        guard let out_db else { throw CRMError.invalid("out_db must not be NULL") }
        let known = CRM_OPEN_READONLY | CRM_OPEN_EXISTING | CRM_OPEN_GROUP_ACCESS
        guard flags & ~known == 0 else {
            throw CRMError.invalid("unknown flags 0x\(String(UInt32(bitPattern: flags & ~known), radix: 16)) "
                + "(known: CRM_OPEN_READONLY, CRM_OPEN_EXISTING, CRM_OPEN_GROUP_ACCESS)")
        }
        let store = try Store(path: text, readOnly: flags & CRM_OPEN_READONLY != 0,
                              mustExist: flags & CRM_OPEN_EXISTING != 0,
                              access: flags & CRM_OPEN_GROUP_ACCESS != 0 ? .group : .ownerOnly,
                              modules: Library.modules, libraryVersion: Library.version)
        guard let handle = HandleTable.insert(DatabaseHandle(store: store)) else {
            store.close()
            throw CRMError(.internal, "internal: no handle token left")
        }
        out_db.pointee = handle
        thread.clearMessage(handle: 0)
        return CRM_OK
    } catch {
        // Every message names the file (when the path could be read at all).
        let failure = CRMError(error)
        var detail = Substring(failure.message)
        if detail.hasPrefix("crm_open: ") { detail = detail.dropFirst("crm_open: ".count) }
        // A PostgreSQL target is shown without its password.
        let message = pathText.map { "crm_open: '\(Connection.displayName($0))': \(detail)" } ?? "crm_open: \(detail)"
        thread.setMessage(message, handle: 0)
        return cCode(failure.code)
    }
}

@_cdecl("crm_close") @implementation
public func crm_close(_ db: OpaquePointer?) -> Int32 {
    guard let db else { return CRM_OK }
    let key = UInt(bitPattern: UnsafeMutableRawPointer(db))
    let thread = ThreadState.current
    guard let handle = HandleTable.remove(db) else {
        thread.setMessage("crm_close: the handle is not open (closed already?)", handle: key)
        thread.setMessage("crm_close: the handle is not open (closed already?)", handle: 0)
        return CRM_MISUSE
    }
    handle.removeAllHooks()
    handle.serialized { handle.store.close() }
    thread.clearMessage(handle: key)
    return CRM_OK
}

@_cdecl("crm_busy_timeout") @implementation
public func crm_busy_timeout(_ db: OpaquePointer?, _ milliseconds: Int32) -> Int32 {
    onHandle(db, "crm_busy_timeout") { handle in
        try handle.serialized { try handle.store.setBusyTimeout(milliseconds: milliseconds) }
        return []
    }
}

// MARK: Backups

@_cdecl("crm_backup") @implementation
public func crm_backup(_ db: OpaquePointer?, _ dest_path: UnsafePointer<CChar>?) -> Int32 {
    onHandle(db, "crm_backup") { handle in
        let destination = try CString.string(dest_path, name: "crm_backup: dest_path", limit: 4096)
        try handle.serialized { try handle.store.backup(to: destination) }
        return []
    }
}

// MARK: Commands

@_cdecl("crm_exec") @implementation
public func crm_exec(_ db: OpaquePointer?, _ command: UnsafePointer<CChar>?, _ json_args: UnsafePointer<CChar>?,
                     _ json_result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    clear(json_result)
    return onHandle(db, "crm_exec") { handle in
        let name = try CString.string(command, name: "crm_exec: command", limit: 100)
        let bytes = json_args == nil ? Array("{}".utf8) : try CString.bytes(json_args, name: "\(name): json_args", limit: 4 << 20)
        let arguments = try JSONParser.parse(bytes, what: "\(name): json_args")
        return try execute(handle, name, arguments, json_result)
    }
}

/// Runs a command on a handle and copies its result out inside the call's
/// transaction, before it commits: a failed copy fails the call and leaves
/// the file as it was. Returns the events committed, for the hooks.
private func execute(_ handle: DatabaseHandle, _ name: String, _ arguments: JSONValue,
                     _ json_result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                     _ inspect: (JSONValue) throws -> Void = { _ in }) throws -> [Event] {
    var copy: UnsafeMutablePointer<CChar>? = nil
    do {
        let (_, events) = try handle.serialized {
            try Library.commands.run(name, arguments: arguments, store: handle.store) { result in
                try inspect(result)
                if json_result != nil { copy = try CString.copy(JSONWriter.string(result)) }
            }
        }
        json_result?.pointee = copy
        return events
    } catch {
        free(copy)
        // A refusal that says more than its message (a credit hold's
        // decision) hands that record out; a failed copy leaves NULL.
        if let json_result, let detail = (error as? CRMError)?.detail {
            json_result.pointee = try? CString.copy(JSONWriter.string(detail))
        }
        throw error
    }
}

@_cdecl("crm_lead_capture") @implementation
public func crm_lead_capture(_ db: OpaquePointer?, _ first_name: UnsafePointer<CChar>?, _ last_name: UnsafePointer<CChar>?,
                             _ company: UnsafePointer<CChar>?, _ email: UnsafePointer<CChar>?, _ phone: UnsafePointer<CChar>?,
                             _ source_channel: UnsafePointer<CChar>?, _ source: UnsafePointer<CChar>?,
                             _ external_ref: UnsafePointer<CChar>?, _ out_lead_id: UnsafeMutablePointer<Int64>?,
                             _ json_result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    clear(json_result)
    return onHandle(db, "crm_lead_capture") { handle in
        guard let out_lead_id else { throw CRMError.invalid("crm_lead_capture: out_lead_id must not be NULL") }
        // NULL or "" leaves a field out; lead.create checks the rest.
        var fields: [(String, JSONValue)] = []
        for (key, pointer) in [("first_name", first_name), ("last_name", last_name), ("company", company), ("email", email),
                               ("phone", phone), ("source_channel", source_channel), ("source", source),
                               ("external_ref", external_ref)] {
            guard let pointer, pointer.pointee != 0 else { continue }
            fields.append((key, .string(try CString.string(pointer, name: "crm_lead_capture: \(key)", limit: 4096))))
        }
        var id: Int64 = 0
        let events = try execute(handle, "lead.create", .object(fields), json_result) { result in
            guard case .integer(let made)? = result["id"] else { throw CRMError(.internal, "internal: lead.create answered no id") }
            id = made
        }
        out_lead_id.pointee = id
        return events
    }
}

@_cdecl("crm_payment_record") @implementation
public func crm_payment_record(_ db: OpaquePointer?, _ account_id: Int64, _ account_source: UnsafePointer<CChar>?,
                               _ account_ref: UnsafePointer<CChar>?, _ amount_minor: Int64, _ currency: UnsafePointer<CChar>?,
                               _ received_on: UnsafePointer<CChar>?, _ method: UnsafePointer<CChar>?,
                               _ reference: UnsafePointer<CChar>?, _ source: UnsafePointer<CChar>?,
                               _ external_ref: UnsafePointer<CChar>?, _ out_payment_id: UnsafeMutablePointer<Int64>?,
                               _ out_unallocated_minor: UnsafeMutablePointer<Int64>?,
                               _ json_result: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    clear(json_result)
    return onHandle(db, "crm_payment_record") { handle in
        let context = "crm_payment_record"
        guard let out_payment_id else { throw CRMError.invalid("\(context): out_payment_id must not be NULL") }
        /// NULL or "" leaves a field out.
        func text(_ pointer: UnsafePointer<CChar>?, _ name: String) throws -> String? {
            guard let pointer, pointer.pointee != 0 else { return nil }
            return try CString.string(pointer, name: "\(context): \(name)", limit: 4096)
        }
        let accountSource = try text(account_source, "account_source")
        let accountRef = try text(account_ref, "account_ref")
        // The account by id, or by the host's reference (a merged account's leads to the survivor).
        let account: Int64
        switch (account_id, accountSource, accountRef) {
        case (0, let source?, let ref?):
            account = try handle.serialized {
                try handle.store.read(context) {
                    try handle.store.recordID("account", reference: ExternalReference(source: source, externalRef: ref), context: context)
                }
            }
        case (0, nil, nil):
            throw CRMError.invalid("\(context): account_id or account_source and account_ref are required")
        case (0, _, _):
            throw CRMError.invalid("\(context): account_source and account_ref go together")
        case (_, nil, nil):
            account = account_id
        default:
            throw CRMError.invalid("\(context): send account_id or account_source and account_ref, not both")
        }
        var fields: [(String, JSONValue)] = [("account_id", .integer(account)), ("amount_minor", .integer(amount_minor)),
                                             ("allocate", .string("oldest_first"))]
        for (key, pointer) in [("currency", currency), ("received_on", received_on), ("method", method), ("reference", reference),
                               ("source", source), ("external_ref", external_ref)] {
            if let value = try text(pointer, key) { fields.append((key, .string(value))) }
        }
        var id: Int64 = 0, unallocated: Int64 = 0
        let events = try execute(handle, "payment.record", .object(fields), json_result) { result in
            guard case .integer(let made)? = result["id"], case .integer(let left)? = result["unallocated_minor"] else {
                throw CRMError(.internal, "internal: payment.record answered no id")
            }
            id = made
            unallocated = left
        }
        out_payment_id.pointee = id
        out_unallocated_minor?.pointee = unallocated
        return events
    }
}

@_cdecl("crm_credit_check") @implementation
public func crm_credit_check(_ db: OpaquePointer?, _ account_id: Int64, _ amount_minor: Int64, _ stage: Int32,
                             _ out_decision: UnsafeMutablePointer<Int32>?) -> Int32 {
    onHandle(db, "crm_credit_check") { handle in
        let context = "crm_credit_check"
        guard let out_decision else { throw CRMError.invalid("\(context): out_decision must not be NULL") }
        let stages = [CRM_STAGE_QUOTE_ACCEPTANCE: "quote_acceptance", CRM_STAGE_JOBCARD_CREATION: "jobcard_creation",
                      CRM_STAGE_INVOICE_ISSUE: "invoice_issue"]
        guard let stageName = stages[stage] else {
            throw CRMError.invalid("\(context): stage must be CRM_STAGE_QUOTE_ACCEPTANCE (1), CRM_STAGE_JOBCARD_CREATION (2) "
                                   + "or CRM_STAGE_INVOICE_ISSUE (3); got \(stage)")
        }
        let decisions = ["allow": CRM_DECISION_ALLOW, "warn": CRM_DECISION_WARN, "require_prepayment": CRM_DECISION_REQUIRE_PREPAYMENT,
                         "hold": CRM_DECISION_HOLD, "block": CRM_DECISION_BLOCK]
        var decision: Int32 = CRM_DECISION_ALLOW
        let arguments = JSONValue.object([("account_id", .integer(account_id)), ("stage", .string(stageName)),
                                          ("amount_minor", .integer(amount_minor))])
        let events = try execute(handle, "credit.check", arguments, nil) { result in
            guard case .string(let answer)? = result["decision"], let known = decisions[answer] else {
                throw CRMError(.internal, "internal: credit.check answered no decision")
            }
            decision = known
        }
        out_decision.pointee = decision
        return events
    }
}

@_cdecl("crm_find_by_ref") @implementation
public func crm_find_by_ref(_ db: OpaquePointer?, _ record_type: UnsafePointer<CChar>?, _ source: UnsafePointer<CChar>?,
                            _ external_ref: UnsafePointer<CChar>?, _ out_id: UnsafeMutablePointer<Int64>?) -> Int32 {
    onHandle(db, "crm_find_by_ref") { handle in
        let type = try CString.string(record_type, name: "crm_find_by_ref: record_type", limit: 50)
        let reference = ExternalReference(
            source: try CString.string(source, name: "crm_find_by_ref: source", limit: 400),
            externalRef: try CString.string(external_ref, name: "crm_find_by_ref: external_ref", limit: 800))
        guard let out_id else { throw CRMError.invalid("crm_find_by_ref: out_id must not be NULL") }
        out_id.pointee = try handle.serialized {
            try handle.store.read("crm_find_by_ref") {
                try handle.store.recordID(type, reference: reference, context: "crm_find_by_ref")
            }
        }
        return []
    }
}

// MARK: Transactions

@_cdecl("crm_begin") @implementation
public func crm_begin(_ db: OpaquePointer?) -> Int32 {
    onHandle(db, "crm_begin") { handle in
        try handle.serialized { try handle.store.beginTransaction() }
        return []
    }
}

@_cdecl("crm_commit") @implementation
public func crm_commit(_ db: OpaquePointer?) -> Int32 {
    onHandle(db, "crm_commit") { handle in
        try handle.serialized { try handle.store.commitTransaction() }
    }
}

@_cdecl("crm_rollback") @implementation
public func crm_rollback(_ db: OpaquePointer?) -> Int32 {
    onHandle(db, "crm_rollback") { handle in
        try handle.serialized { try handle.store.rollbackTransaction() }
        return []
    }
}

// MARK: Hooks

@_cdecl("crm_hook_register") @implementation
public func crm_hook_register(_ db: OpaquePointer?, _ event_pattern: UnsafePointer<CChar>?, _ fn: crm_hook_fn?,
                              _ user_data: UnsafeMutableRawPointer?, _ out_hook_id: UnsafeMutablePointer<Int32>?) -> Int32 {
    onHandle(db, "crm_hook_register") { handle in
        let text = try CString.string(event_pattern, name: "crm_hook_register: event_pattern", limit: 400)
        guard let pattern = EventPattern(text) else {
            throw CRMError.invalid("crm_hook_register: event_pattern '\(text.prefix(100))' must be an event type, a prefix such as 'account.*', or '*'")
        }
        guard let fn else { throw CRMError.invalid("crm_hook_register: fn must not be NULL") }
        guard let out_hook_id else { throw CRMError.invalid("crm_hook_register: out_hook_id must not be NULL") }
        out_hook_id.pointee = try handle.addHook(pattern: pattern, function: fn, userData: user_data)
        return []
    }
}

@_cdecl("crm_hook_unregister") @implementation
public func crm_hook_unregister(_ db: OpaquePointer?, _ hook_id: Int32) -> Int32 {
    onHandle(db, "crm_hook_unregister") { handle in
        guard handle.removeHook(id: hook_id) else {
            throw CRMError.notFound("crm_hook_unregister: no hook \(hook_id) on this handle")
        }
        return []
    }
}

// MARK: Outbox

@_cdecl("crm_events_fetch") @implementation
public func crm_events_fetch(_ db: OpaquePointer?, _ consumer: UnsafePointer<CChar>?, _ after_seq: Int64, _ limit: Int32,
                             _ json_events: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    clear(json_events)
    return onHandle(db, "crm_events_fetch") { handle in
        let name = try consumerName(consumer, function: "crm_events_fetch")
        guard after_seq >= 0 else { throw CRMError.range("crm_events_fetch: after_seq must be >= 0; got \(after_seq)") }
        guard (1...1000).contains(limit) else { throw CRMError.range("crm_events_fetch: limit must be between 1 and 1000; got \(limit)") }
        guard let json_events else { throw CRMError.invalid("crm_events_fetch: json_events must not be NULL") }
        let (events, from) = try handle.serialized {
            try handle.store.fetchEvents(consumer: name, afterSeq: after_seq, limit: Int(limit))
        }
        let page = JSONValue.object([
            ("events", .array(events.map(\.json))),
            ("last_seq", .integer(events.last?.seq ?? from)),
        ])
        json_events.pointee = try CString.copy(JSONWriter.string(page))
        return []
    }
}

@_cdecl("crm_events_ack") @implementation
public func crm_events_ack(_ db: OpaquePointer?, _ consumer: UnsafePointer<CChar>?, _ seq: Int64) -> Int32 {
    onHandle(db, "crm_events_ack") { handle in
        let name = try consumerName(consumer, function: "crm_events_ack")
        guard seq >= 0 else { throw CRMError.range("crm_events_ack: seq must be >= 0; got \(seq)") }
        try handle.serialized { try handle.store.acknowledgeEvents(consumer: name, seq: seq) }
        return []
    }
}

private func consumerName(_ pointer: UnsafePointer<CChar>?, function: String) throws -> String {
    let name = try CString.string(pointer, name: "\(function): consumer", limit: 400)
    guard name.unicodeScalars.count <= 100 else {
        throw CRMError.range("\(function): consumer is longer than 100 characters")
    }
    return name
}

// MARK: Credit

@_cdecl("crm_credit_score") @implementation
public func crm_credit_score(_ db: OpaquePointer?, _ account_id: Int64, _ as_of_date: UnsafePointer<CChar>?,
                             _ out: UnsafeMutablePointer<crm_credit_score_info>?) -> Int32 {
    onHandle(db, "crm_credit_score") { handle in
        let context = "crm_credit_score"
        guard let out else { throw CRMError.invalid("\(context): out must not be NULL") }
        // The first version of the struct is its whole current layout: every member fits.
        let firstVersionSize = MemoryLayout<crm_credit_score_info>.size
        guard out.pointee.size >= firstVersionSize else {
            throw CRMError.invalid("\(context): size is \(out.pointee.size); set it to sizeof(crm_credit_score_info) (at least \(firstVersionSize))")
        }
        guard account_id > 0 else { throw CRMError.invalid("\(context): account_id must be a positive id, got \(account_id)") }
        var asOf: CalendarDate?
        if let as_of_date {
            let text = try CString.string(as_of_date, name: "\(context): as_of_date", limit: 10)
            guard let date = CalendarDate(text) else {
                throw CRMError.invalid("\(context): as_of_date must be a date YYYY-MM-DD, got '\(text)'")
            }
            asOf = date
        }
        let figures = try handle.serialized {
            let day = asOf ?? handle.store.clock.now().date
            // The kept score of that day is one row, read by one statement
            // without a transaction of its own; anything else (another day,
            // nothing kept, an unknown account) is the full computation.
            if let kept = try handle.store.readStatement(context, {
                try CreditScoreSummaries.kept(handle.store, accountID: account_id, asOf: day)
            }) {
                return kept
            }
            return try handle.store.read(context) {
                try CreditScoring.computed(handle.store, accountID: account_id, asOf: day, currency: nil, collecting: false, context: context)
            }
        }
        var info = crm_credit_score_info()
        info.size = firstVersionSize
        info.score = Int32(clamping: figures.score ?? 0)
        switch figures.band {
        case .lowRisk?: info.band = CRM_CREDIT_BAND_LOW_RISK
        case .moderate?: info.band = CRM_CREDIT_BAND_MODERATE
        case .high?: info.band = CRM_CREDIT_BAND_HIGH
        case .severe?: info.band = CRM_CREDIT_BAND_SEVERE
        case nil: info.band = CRM_CREDIT_BAND_UNRATED
        }
        info.trend = Int32(clamping: figures.trendChange ?? 0)
        info.flags = (figures.score == nil ? CRM_CREDIT_UNRATED : 0) | (figures.trendChange == nil ? 0 : CRM_CREDIT_TREND_KNOWN)
            | (figures.adbt == nil ? 0 : CRM_CREDIT_ADBT_KNOWN)
        info.adbt_days = figures.adbt ?? 0
        info.overdue_minor = Int64(clamping: figures.overdueMinor)
        info.experiences = Int64(figures.experienceCount)
        let code = Array(figures.currency.utf8.prefix(3))
        withUnsafeMutableBytes(of: &info.currency) { bytes in
            for index in 0..<4 { bytes[index] = index < code.count ? code[index] : 0 }
        }
        out.pointee = info
        return []
    }
}
