import CCRM
import Foundation
import Testing

@Suite struct HookDeliveryTests {
    @Test func hooksRunAfterCommitAndNeverForARollback() throws {
        let db = try OpenDatabase()
        let log = HookLog()
        var id: Int32 = 0
        #expect(crm_hook_register(db.handle, "account.*", HookLog.callback, log.userData, &id) == CRM_OK)

        #expect(crm_begin(db.handle) == CRM_OK)
        db.exec("account.create", #"{"name": "Rolled Back Ltd"}"#)
        #expect(log.heard.isEmpty, "a hook ran before the commit")
        #expect(crm_rollback(db.handle) == CRM_OK)
        #expect(log.heard.isEmpty, "a hook ran for a rolled-back change")

        #expect(crm_begin(db.handle) == CRM_OK)
        db.exec("account.create", #"{"name": "Kept One"}"#)
        db.exec("account.create", #"{"name": "Kept Two"}"#)
        #expect(log.heard.isEmpty)
        #expect(crm_commit(db.handle) == CRM_OK)
        #expect(log.heard == ["account.created", "account.created"])
    }

    @Test func aHookMayCallBackIntoTheLibraryAndItsEventsFollowInOrder() throws {
        let db = try OpenDatabase()
        let log = HookLog()
        nonisolated(unsafe) let handle = db.handle
        // On each new account, the hook logs a note against it: a write from inside a hook.
        log.reaction = { type in
            guard type == "account.created" else { return }
            var result: UnsafeMutablePointer<CChar>?
            let code = crm_exec(handle, "account.list", #"{"limit": 1}"#, &result)
            crm_free(result)
            #expect(code == CRM_OK)
            let logged = crm_exec(handle, "interaction.log",
                                  #"{"account_id": 1, "kind": "note", "occurred_at": "2026-12-01T08:00:00Z"}"#, nil)
            #expect(logged == CRM_OK, "re-entrant crm_exec from a hook failed: \(String(cString: crm_errmsg(handle)))")
        }
        var id: Int32 = 0
        #expect(crm_hook_register(db.handle, "*", HookLog.callback, log.userData, &id) == CRM_OK)
        let created = db.exec("account.create", #"{"name": "Hooked Traders"}"#)
        #expect(created.code == CRM_OK)
        // The nested event is delivered after the hook that caused it returned.
        #expect(log.heard == ["account.created", "interaction.logged"])
        let listed = try db.record("interaction.list", #"{"account_id": 1}"#)
        #expect((listed["items"] as? [Any])?.count == 1)
    }

    @Test func anUnregisteredHookHearsNothingMore() throws {
        let db = try OpenDatabase()
        let log = HookLog()
        var id: Int32 = 0
        #expect(crm_hook_register(db.handle, "account.created", HookLog.callback, log.userData, &id) == CRM_OK)
        db.exec("account.create", #"{"name": "First"}"#)
        #expect(crm_hook_unregister(db.handle, id) == CRM_OK)
        db.exec("account.create", #"{"name": "Second"}"#)
        #expect(log.heard == ["account.created"])
        #expect(crm_hook_unregister(db.handle, id) == CRM_NOTFOUND)
    }
}
