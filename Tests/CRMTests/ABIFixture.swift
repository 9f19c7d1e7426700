import CCRM
import Foundation
import Testing

/// A database opened through the C ABI, closed when the test ends.
final class OpenDatabase {
    let handle: OpaquePointer
    let directory: URL

    init(file: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("crm-abi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var db: OpaquePointer?
        let path = file ? directory.appendingPathComponent("crm.sqlite").path : ":memory:"
        let code = crm_open(path, 0, &db)
        guard code == CRM_OK, let db else { throw ABIFailure(code: code, message: String(cString: crm_errmsg(nil))) }
        handle = db
    }

    deinit {
        _ = crm_close(handle)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs a command; returns the code, the result text and the message.
    @discardableResult
    func exec(_ command: String, _ json: String) -> (code: Int32, result: String, message: String) {
        var result: UnsafeMutablePointer<CChar>?
        let code = crm_exec(handle, command, json, &result)
        defer { crm_free(result) }
        return (code, result.map { String(cString: $0) } ?? "", String(cString: crm_errmsg(handle)))
    }

    /// Runs a command that must succeed; returns its JSON object.
    func record(_ command: String, _ json: String) throws -> [String: Any] {
        let (code, result, message) = exec(command, json)
        guard code == CRM_OK else { throw ABIFailure(code: code, message: message) }
        return try #require(JSONSerialization.jsonObject(with: Data(result.utf8)) as? [String: Any])
    }
}

struct ABIFailure: Error {
    let code: Int32
    let message: String
}

/// What a hook heard, shared with the C callback through user_data.
final class HookLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []
    /// Run inside the callback, after the entry is noted.
    var reaction: ((String) -> Void)?

    func note(_ type: String) {
        lock.lock()
        entries.append(type)
        lock.unlock()
        reaction?(type)
    }

    var heard: [String] {
        lock.lock()
        defer { lock.unlock() }
        return entries
    }

    /// The C callback: user_data is an unretained HookLog.
    static let callback: crm_hook_fn = { type, _, userData in
        guard let type, let userData else { return }
        Unmanaged<HookLog>.fromOpaque(userData).takeUnretainedValue().note(String(cString: type))
    }

    var userData: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}
