import Testing
import CRMStore

/// `Modules.problems`: what the library's own test holds `Library.modules` to.
@Suite("Modules")
struct ModulesTests {
    private func command(_ name: String) -> Command { Command(name, .read) { _, _ in .null } }

    @Test func theStoresOwnModuleComesFirst() {
        let modules = Modules([Module(name: "accounts", migrationIDs: 100...199, migrations: [Migration("0101-a", [])])])
        #expect(modules.all.map(\.name) == ["store", "accounts"])
        #expect(modules.migrations.map(\.id).first == "0001-store-outbox")
        #expect(modules.problems.isEmpty)
    }

    @Test func aDuplicateMigrationIDIsAProblem() {
        let modules = Modules([
            Module(name: "accounts", migrationIDs: 100...199, migrations: [Migration("0101-a", [])]),
            Module(name: "leads", migrationIDs: 200...299, migrations: [Migration("0101-a", [])]),
        ])
        #expect(modules.problems.contains("migration '0101-a' of 'leads' is also in 'accounts'"))
    }

    @Test func anIDOutsideItsRangeOrWithoutANumberIsAProblem() {
        let modules = Modules([
            Module(name: "leads", migrationIDs: 200...299, migrations: [Migration("0301-leads", []), Migration("leads", [])]),
        ])
        #expect(modules.problems == [
            "migration '0301-leads' is outside the range of 'leads' (200...299)",
            "migration 'leads' of 'leads' does not start with its number",
        ])
    }

    @Test func overlappingRangesAreAProblem() {
        let modules = Modules([Module(name: "a", migrationIDs: 100...199, migrations: []), Module(name: "b", migrationIDs: 150...249, migrations: [])])
        #expect(modules.problems == ["module 'b' migration ids 150...249 overlap those of 'a' (100...199)"])
    }

    @Test func aCommandOrRecordTypeListedTwiceIsAProblem() {
        let modules = Modules([
            Module(name: "a", migrationIDs: 100...199, migrations: [], commands: [command("lead.get")], recordTypes: ["lead"]),
            Module(name: "b", migrationIDs: 200...299, migrations: [], commands: [command("lead.get")], recordTypes: ["lead"]),
        ])
        #expect(modules.problems == [
            "command 'lead.get' of 'b' is also in 'a'",
            "record type 'lead' of 'b' is also in 'a'",
        ])
    }

    @Test func migrationNumbers() {
        #expect(Migration("0101-accounts", []).number == 101)
        #expect(Migration("0001-store-outbox", []).number == 1)
        #expect(Migration("accounts", []).number == nil)
        #expect(Migration("0101", []).number == nil)
    }
}
