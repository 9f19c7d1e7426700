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

    /// An opportunity made with the pipeline's commands, now, and moved
    /// to `stage` (a closing stage with a reason); returns its id.
    @discardableResult
    func opportunity(account: Int64, contact: Int64? = nil, owner: String?, stage: String = "prospecting") throws -> Int64 {
        var fields = #""account_id": \#(account), "title": "Roof sheeting", "amount_minor": 100000"#
        if let contact { fields += #", "contact_id": \#(contact)"# }
        if let owner { fields += #", "owner": "\#(owner)""# }
        let id = try make("opportunity.create", fields)
        if stage != "prospecting" {
            try run("opportunity.move", #"{"id": \#(id), "stage": "\#(stage)", "reason": "test"}"#)
        }
        return id
    }

    /// Moves the clock forward by whole days.
    func advance(days: Int64) { clock.advance(seconds: days * 86_400) }
}

@Test func activitiesModuleMigrates() throws {
    let fixture = try ActivitiesFixture()
    #expect(fixture.store.modules.problems.isEmpty)
}
