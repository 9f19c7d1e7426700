import Testing
import CRMAccounts
import CRMLeads
import CRMPipeline
import CRMActivities
import CRMStore
@_exported import CRMTestSupport

/// 2026-12-01T09:30:00Z.
let epoch = Timestamp(secondsSinceEpoch: 1_796_117_400)!

/// A store with the modules up to activities on the engine the suites run on
/// (`TestEngine`), and a fixed clock the tests move.
final class ActivitiesFixture: CommandFixture {
    init() throws {
        try super.init(clock: FixedClock(epoch), modules: Modules([AccountsModule.module, LeadsModule.module, PipelineModule.module, ActivitiesModule.module]))
    }

    /// Makes a record with JSON fields (without braces); returns its id.
    @discardableResult
    func make(_ command: String, _ fields: String) throws -> Int64 {
        try #require(try run(command, "{\(fields)}")["id"]?.int)
    }
}

@Test func activitiesModuleMigrates() throws {
    let fixture = try ActivitiesFixture()
    #expect(fixture.store.modules.problems.isEmpty)
}
