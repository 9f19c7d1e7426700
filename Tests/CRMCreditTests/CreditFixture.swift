import Testing
import CRMAccounts
import CRMDocuments
import CRMCredit
import CRMStore
@_exported import CRMTestSupport

/// 2026-12-01T09:30:00Z.
let epoch = Timestamp(secondsSinceEpoch: 1_796_117_400)!

/// A store with the accounts, documents and credit modules on the engine
/// the suites run on (`TestEngine`), and a fixed clock.
final class CreditFixture: CommandFixture {
    /// - Parameter extra: more modules, such as a test's stand-in for a
    ///   command not on this branch yet.
    init(extra: [Module] = []) throws {
        try super.init(clock: FixedClock(epoch), modules: Modules([AccountsModule.module, DocumentsModule.module, CreditModule.module] + extra))
    }

    /// Makes a record with JSON fields (without braces); returns its id.
    @discardableResult
    func make(_ command: String, _ fields: String) throws -> Int64 {
        try #require(try run(command, "{\(fields)}")["id"]?.int)
    }
}

@Test func creditModuleMigrates() throws {
    let fixture = try CreditFixture()
    #expect(fixture.store.modules.problems.isEmpty)
}
