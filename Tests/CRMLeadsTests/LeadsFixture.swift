import Testing
import CRMAccounts
import CRMLeads
import CRMStore
@_exported import CRMTestSupport

/// 2026-12-01T09:30:00Z.
let epoch = Timestamp(secondsSinceEpoch: 1_796_117_400)!

/// Arguments from JSON text.
func args(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8), what: "args") }

/// A store with the accounts and leads modules, on the engine the suites
/// run on (`TestEngine`), and a fixed clock.
final class LeadsFixture {
    let clock: FixedClock
    let store: Store

    init() throws {
        clock = FixedClock(epoch)
        store = try Store(path: try TestEngine.freshTarget(), readOnly: false, clock: clock,
                          modules: Modules([AccountsModule.module, LeadsModule.module]), libraryVersion: "test")
    }

    deinit { store.close() }

    @discardableResult
    func run(_ command: String, _ text: String = "{}") throws -> JSONValue {
        try store.modules.commands.run(command, arguments: args(text), store: store).0
    }

    func runWithEvents(_ command: String, _ text: String = "{}") throws -> (JSONValue, [Event]) {
        try store.modules.commands.run(command, arguments: args(text), store: store)
    }

    /// Captures a lead from JSON fields (without braces); returns its id.
    @discardableResult
    func lead(_ fields: String) throws -> Int64 {
        try #require(try run("lead.create", "{\(fields)}")["id"]?.int)
    }

    func count(_ table: String) throws -> Int64 { try store.connection.integer("SELECT count(*) FROM \(table)") ?? -1 }
}

extension JSONValue {
    var int: Int64? { if case .integer(let value) = self { return value } else { return nil } }
    var text: String? { if case .string(let value) = self { return value } else { return nil } }
    var array: [JSONValue]? { if case .array(let value) = self { return value } else { return nil } }
    var items: [JSONValue] { self["items"]?.array ?? [] }
}
