@testable import CRM
import CRMStore
import CRMTestSupport
import Testing

/// The modules this build is made of: no duplicate migration id, none
/// outside its module's range, no command or record type listed twice.
@Suite struct LibraryModulesTests {
    @Test func theLibrarysModulesHaveNoProblems() {
        #expect(Library.modules.problems == [])
    }

    @Test func everyCommandOfEveryModuleIsReachable() {
        let declared = Library.modules.all.flatMap(\.commands).map(\.name).sorted()
        #expect(Library.commands.names == declared)
        #expect(declared.contains("account.create") && declared.contains("interaction.list"))
    }

    @Test func findByReferenceKnowsEveryDeclaredRecordType() {
        #expect(Library.modules.recordTypes == ["account", "activity", "call_list", "contact", "credit_note", "interaction", "invoice", "jobcard", "lead", "opportunity", "payment", "product", "quote"])
    }
}

/// Inside a host transaction, a write command refused on its input keeps the
/// transaction: every write command of every module checks its arguments
/// before its first write. Sent nothing but an unknown field, each is refused
/// (a missing field or the unknown one) and the transaction goes on.
@Suite("every write command inside a host transaction")
struct WriteCommandsInHostTransactionTests {
    @Test func aRefusedWriteNeverAbortsTheHostTransaction() throws {
        let store = try Store(path: try TestEngine.freshTarget(), readOnly: false, clock: FixedClock(Timestamp(secondsSinceEpoch: 1_796_117_400)!),
                              modules: Library.modules, libraryVersion: "test")
        defer { store.close() }
        let writes = Library.commands.names.filter { Library.commands.command(named: $0)?.access == .write }
        #expect(writes.count > 50)
        try store.beginTransaction()
        _ = try Library.commands.run("account.create", arguments: .object([("name", .string("Earlier In The Transaction"))]), store: store)
        for name in writes {
            let error = thrownCRMError { try Library.commands.run(name, arguments: .object([("zz_unknown", .integer(1))]), store: store) }
            #expect(error?.code == .invalid || error?.code == .notFound || error?.code == .range, "\(name): \(error?.message ?? "")")
            #expect(store.abortedTransaction == nil, "\(name) wrote before it refused its input")
        }
        let committed = try store.commitTransaction()
        #expect(committed.map(\.type) == ["account.created"])
    }
}
