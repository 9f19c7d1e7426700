import Testing
@testable import CRMAccounts
import CRMStore

/// Inside a host transaction a call refused on its input must leave the
/// transaction as it was: every write command checks all its input before
/// its first write (a failure after a write rolls the whole transaction back).
@Suite("Host transactions")
struct HostTransactionTests {
    /// Valid arguments for every write command, against the accounts made in `setUp`.
    static let validArguments: [String: String] = [
        "account.create": #"{"name": "Fresh Traders"}"#,
        "account.update": #"{"id": 1, "name": "Renamed Traders"}"#,
        "account.archive": #"{"id": 3}"#,
        "account.merge": #"{"survivor_id": 1, "merged_id": 2}"#,
        "contact.create": #"{"account_id": 1, "last_name": "Mokoena"}"#,
        "contact.update": #"{"id": 1, "role": "buyer"}"#,
        "contact.archive": #"{"id": 1}"#,
        "contact.consent": #"{"contact_id": 1, "channel": "email", "status": "opted_in", "source": "web form"}"#,
        "contact.preferences": #"{"contact_id": 1, "set": {"brand": "Makita"}}"#,
        "contact.erase": #"{"id": 1}"#,
        "interaction.log": #"{"account_id": 1, "kind": "call", "occurred_at": "2026-12-01T09:30:00Z"}"#,
        // The outbox's own commands (the store's module), against the dead letter made in `setUp`.
        "events.fail": #"{"consumer": "ledger", "seq": 1, "error": "exit 1"}"#,
        "events.replay": #"{"consumer": "ledger", "seq": 2}"#,
        "events.settle": #"{"consumer": "ledger", "seq": 2}"#,
        "events.retire": #"{"consumer": "ledger"}"#,
        "events.prune": #"{"older_than_days": 0}"#,
    ]

    private func setUp() throws -> Fixture {
        let f = try Fixture()
        try f.account("Keeper Ltd")
        try f.account("Duplicate Ltd")
        try f.account("Closing Ltd")
        try f.contact(1)
        try f.run("events.fail", #"{"consumer": "ledger", "seq": 2, "error": "exit 1", "max_attempts": 1}"#)
        return f
    }

    @Test func everyWriteCommandIsCovered() {
        let writes = commands.names.filter { commands.command(named: $0)?.access == .write }
        #expect(Set(writes) == Set(Self.validArguments.keys))
    }

    @Test(arguments: HostTransactionTests.validArguments.keys.sorted())
    func aCallRefusedOnItsInputKeepsTheTransaction(_ command: String) throws {
        let f = try setUp()
        let valid = try #require(Self.validArguments[command])
        try f.store.beginTransaction()
        try f.run("account.create", #"{"name": "Earlier In The Transaction"}"#)
        // The same valid arguments with one misspelt field more: refused
        // after every other field was read and checked, before any write.
        let misspelt = String(valid.dropLast()) + #", "zz_unknown": 1}"#
        expectCRMError(.invalid, "unknown field 'zz_unknown'") { try f.run(command, misspelt) }
        #expect(f.store.abortedTransaction == nil)
        #expect(f.store.connection.inTransaction)
        // The transaction goes on: the command itself still works, and both calls commit.
        try f.run(command, valid)
        let committed = try f.store.commitTransaction()
        #expect(committed.first?.type == "account.created")
        // The outbox's own bookkeeping writes no events.
        #expect(committed.count >= (command.hasPrefix("events.") ? 1 : 2))
        guard case .array(let accounts)? = try f.run("account.list", #"{"include_archived": true}"#)["items"] else {
            Issue.record("account.list returned no items")
            return
        }
        #expect(accounts.count == (command == "account.create" ? 5 : 4))
    }

    @Test func tooManyPreferencesAreRefusedBeforeAnyIsWritten() throws {
        let f = try setUp()
        let first = (1...60).map { "\"a\($0)\": \"x\"" }.joined(separator: ", ")
        try f.run("contact.preferences", "{\"contact_id\": 1, \"set\": {\(first)}}")
        try f.store.beginTransaction()
        let more = (1...41).map { "\"b\($0)\": \"y\"" }.joined(separator: ", ")
        expectCRMError(.range, "101 preferences") { try f.run("contact.preferences", "{\"contact_id\": 1, \"set\": {\(more)}}") }
        #expect(f.store.abortedTransaction == nil)
        // Clearing some makes room in the same call.
        let swap = (1...41).map { "\"b\($0)\": \"y\"" } + (1...41).map { "\"a\($0)\": null" }
        try f.run("contact.preferences", "{\"contact_id\": 1, \"set\": {\(swap.joined(separator: ", "))}}")
        _ = try f.store.commitTransaction()
        let preferences = try f.run("contact.get", #"{"id": 1}"#)["preferences"]
        guard case .object(let fields)? = preferences?.decoded else { Issue.record("no preferences"); return }
        #expect(fields.count == 60)
    }
}
