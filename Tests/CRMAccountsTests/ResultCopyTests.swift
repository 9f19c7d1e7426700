import Testing
import CRMAccounts
import CRMStore
import CRMTestSupport

/// The C layer copies a command's result out inside the call's transaction
/// (`CommandTable.run`'s `beforeCommit`): a copy that fails fails the call,
/// and the file is as it was, with no event for the hooks.
@Suite("Result copied before commit")
struct ResultCopyTests {
    struct CopyFailed: Error {}

    @Test func aFailedCopyWritesNothing() throws {
        let f = try Fixture()
        let before = try f.outboxCount()
        #expect(throws: (any Error).self) {
            _ = try f.store.modules.commands.run("account.create", arguments: args(#"{"name": "Lost Copy Ltd"}"#), store: f.store) { _ in
                throw CopyFailed()
            }
        }
        #expect(try f.store.connection.integer("SELECT count(*) FROM accounts") == 0)
        #expect(try f.outboxCount() == before)
    }

    @Test func theCopySeesTheResultAndTheCallCommits() throws {
        let f = try Fixture()
        var copied: JSONValue?
        let (result, events) = try f.store.modules.commands.run("account.create", arguments: args(#"{"name": "Kept Copy Ltd"}"#),
                                                               store: f.store) { copied = $0 }
        #expect(copied == result)
        #expect(events.map(\.type) == ["account.created"])
        #expect(try f.store.connection.integer("SELECT count(*) FROM accounts") == 1)
    }
}
