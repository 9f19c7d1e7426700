import Testing
import CRMAccounts
import CRMLeads
import CRMPipeline
import CRMDocuments
import CRMStore
@_exported import CRMTestSupport

/// 2026-12-01T09:30:00Z.
let epoch = Timestamp(secondsSinceEpoch: 1_796_117_400)!

/// A store with the accounts, leads, pipeline and documents modules on the
/// engine the suites run on (`TestEngine`), and a fixed clock.
final class DocumentsFixture: CommandFixture {
    /// - Parameter extra: more modules, such as a test's stand-in for a
    ///   module not on this branch yet (a `quote.get` for job cards).
    init(pipeline: Bool = true, extra: [Module] = []) throws {
        let modules = pipeline
            ? [AccountsModule.module, LeadsModule.module, PipelineModule.module, DocumentsModule.module]
            : [AccountsModule.module, DocumentsModule.module]
        try super.init(clock: FixedClock(epoch), modules: Modules(modules + extra))
    }

    /// Makes a record with JSON fields (without braces); returns its id.
    @discardableResult
    func make(_ command: String, _ fields: String) throws -> Int64 {
        try #require(try run(command, "{\(fields)}")["id"]?.int)
    }
}
