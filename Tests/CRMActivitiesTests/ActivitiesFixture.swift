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

    /// An opportunity written straight into its table (the pipeline's
    /// commands come from another branch); returns its id.
    @discardableResult
    func opportunity(account: Int64, contact: Int64? = nil, owner: String?, stage: String = "prospecting",
                     status: String = "open", stageChangedAt: Timestamp? = nil) throws -> Int64 {
        let now = clock.now().description
        let changed = (stageChangedAt ?? clock.now()).description
        let (id, _) = try store.write("test") { () -> Int64 in
            let id = try store.nextID("opportunities")
            try store.connection.run(
                """
                INSERT INTO opportunities (id, account_id, contact_id, title, amount_minor, currency, owner, products, stage, probability,
                    status, stage_changed_at, version, created_at, updated_at)
                VALUES (?, ?, ?, 'Roof sheeting', 100000, 'ZAR', ?, '[]', ?, 10, ?, ?, 1, ?, ?)
                """,
                [.integer(id), .integer(account), .integer(contact), .text(owner), .text(stage), .text(status), .text(changed),
                 .text(now), .text(now)])
            return id
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
