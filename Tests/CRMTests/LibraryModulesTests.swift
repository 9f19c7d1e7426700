@testable import CRM
import CRMStore
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
        #expect(Library.modules.recordTypes == ["account", "activity", "call_list", "contact", "credit_note", "interaction", "invoice", "jobcard", "lead", "opportunity", "product", "quote"])
    }
}
