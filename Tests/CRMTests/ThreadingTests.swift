import CCRM
import Foundation
import Testing

@Suite struct ThreadingTests {
    @Test func errorMessagesArePerThread() throws {
        let db = try OpenDatabase()
        nonisolated(unsafe) let handle = db.handle
        let ready = DispatchSemaphore(value: 0)
        let proceed = DispatchSemaphore(value: 0)
        let box = MessageBox()
        let thread = Thread {
            _ = crm_exec(handle, "account.create", #"{"colour": "red"}"#, nil)
            ready.signal()
            proceed.wait()
            box.message = String(cString: crm_errmsg(handle))
            ready.signal()
        }
        thread.start()
        ready.wait()
        // This thread fails differently; the other thread's message must survive.
        #expect(crm_exec(handle, "account.get", #"{"id": 999}"#, nil) == CRM_NOTFOUND)
        #expect(String(cString: crm_errmsg(handle)).contains("account 999"))
        proceed.signal()
        ready.wait()
        #expect(box.message.contains("unknown field 'colour'"), "got \(box.message)")
    }

    @Test func oneHandleServesManyThreadsAtOnce() throws {
        let db = try OpenDatabase(file: true)
        nonisolated(unsafe) let handle = db.handle
        let group = DispatchGroup()
        let failures = MessageBox()
        for worker in 0..<4 {
            group.enter()
            Thread {
                for index in 0..<50 {
                    let code = crm_exec(handle, "account.create", #"{"name": "Worker \#(worker) account \#(index)"}"#, nil)
                    if code != CRM_OK { failures.append("\(code): \(String(cString: crm_errmsg(handle)))") }
                }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(failures.message.isEmpty)
        let page = try db.record("account.list", #"{"limit": 500}"#)
        #expect((page["items"] as? [Any])?.count == 200)
    }

    @Test func aClosedHandleIsMisuseNotACrash() throws {
        var db: OpaquePointer?
        #expect(crm_open(":memory:", 0, &db) == CRM_OK)
        let stale = db
        #expect(crm_close(db) == CRM_OK)
        #expect(crm_exec(stale, "account.list", "{}", nil) == CRM_MISUSE)
        #expect(String(cString: crm_errmsg(stale)).contains("not open"))
        #expect(crm_close(stale) == CRM_MISUSE)
        #expect(crm_close(nil) == CRM_OK)
    }
}

final class MessageBox: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    var message: String {
        get { lock.lock(); defer { lock.unlock() }; return text }
        set { lock.lock(); text = newValue; lock.unlock() }
    }
    func append(_ line: String) { lock.lock(); text += line + "\n"; lock.unlock() }
}
