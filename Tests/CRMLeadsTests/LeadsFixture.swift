import Testing
import CRMAccounts
import CRMLeads
import CRMStore
@_exported import CRMTestSupport

/// 2026-12-01T09:30:00Z.
let epoch = Timestamp(secondsSinceEpoch: 1_796_117_400)!

/// A store with the accounts and leads modules (and any `others`, such as
/// a stand-in for a module being written elsewhere), on the engine the
/// suites run on (`TestEngine`), and a fixed clock.
final class LeadsFixture: CommandFixture {
    init(others: [Module] = []) throws {
        try super.init(clock: FixedClock(epoch), modules: Modules([AccountsModule.module, LeadsModule.module] + others))
    }

    /// Captures a lead from JSON fields (without braces); returns its id.
    @discardableResult
    func lead(_ fields: String) throws -> Int64 {
        try #require(try run("lead.create", "{\(fields)}")["id"]?.int)
    }

}
