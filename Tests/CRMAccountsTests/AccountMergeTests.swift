import Testing
@testable import CRMAccounts
import CRMStore

@Suite("account.merge")
struct AccountMergeTests {
    static let mergedCreate = #"""
        {"source": "ledger", "external_ref": "C-0099", "name": "Acme Trading Pty Ltd", "email": "info@acme.test",
         "tax_number": "4123456789", "phone": "+27 11 555 0000", "segment": "wholesale", "region": "Gauteng",
         "credit_limit_minor": 250000, "owner": "sipho", "website": "https://acme.test", "notes": "from the old ledger",
         "size_band": "large", "strategic": true, "tags": ["vip", "north"], "addresses": [{"line1": "9 Old Rd"}]}
        """#

    /// A survivor with a few fields of its own, a merged account with contacts,
    /// interactions, a reference, tags and a child.
    struct Scene {
        let f: Fixture
        let survivor: Int64
        let merged: Int64
        let contacts: [Int64]
        let interactions: [Int64]
        let child: Int64
    }

    func scene() throws -> Scene {
        let f = try Fixture()
        let survivor = try f.account("Acme Trading", #""phone": "021 555 0100", "tags": ["b2b", "vip"], "source": "crm", "external_ref": "A-1""#)
        let merged = try #require(f.run("account.create", Self.mergedCreate)["id"]?.int)
        let contacts = [try f.contact(merged, "Dlamini"), try f.contact(merged, "Zulu")]
        let survivorContact = try f.contact(survivor, "Naidoo")
        let interactions = [
            try f.interaction(merged, at: "2026-11-01T08:00:00Z", #""contact_id": \#(contacts[0])"#),
            try f.interaction(merged, kind: "note", at: "2026-11-02T08:00:00Z"),
            try f.interaction(merged, kind: "visit", at: "2026-11-03T08:00:00Z"),
        ]
        try f.interaction(survivor, at: "2026-11-04T08:00:00Z", #""contact_id": \#(survivorContact)"#)
        let child = try f.account("Acme Branch", #""parent_account_id": \#(merged)"#)
        f.clock.advance(seconds: 3600)
        return Scene(f: f, survivor: survivor, merged: merged, contacts: contacts, interactions: interactions, child: child)
    }

    @Test func mergeMovesContactsInteractionsReferencesTagsAndChildren() throws {
        let s = try scene()
        let f = s.f
        let result = try f.run("account.merge", #"{"survivor_id": \#(s.survivor), "merged_id": \#(s.merged)}"#)
        #expect(result["id"] == .integer(s.survivor))
        #expect(result["tags"]?.strings == ["b2b", "north", "vip"])
        #expect(result["external_refs"] == (try args(#"[{"source": "crm", "external_ref": "A-1"}, {"source": "ledger", "external_ref": "C-0099"}]"#)))
        #expect(result["version"] == .integer(2))
        #expect(result["updated_at"] == .string("2026-12-01T10:30:00Z"))
        #expect(try f.run("account.get", #"{"id": \#(s.survivor)}"#) == result)

        let contactIDs = try f.ids("contact.list", #"{"account_id": \#(s.survivor)}"#)
        #expect(Set(contactIDs).isSuperset(of: s.contacts))
        #expect(contactIDs.count == 3)
        #expect(try f.ids("contact.list", #"{"account_id": \#(s.merged)}"#) == [])
        for contact in s.contacts {
            #expect(try f.run("contact.get", #"{"id": \#(contact)}"#)["account_id"] == .integer(s.survivor))
        }
        let interactionIDs = try f.ids("interaction.list", #"{"account_id": \#(s.survivor)}"#)
        #expect(interactionIDs.count == 4)
        #expect(Set(interactionIDs).isSuperset(of: s.interactions))
        #expect(try f.ids("interaction.list", #"{"account_id": \#(s.merged)}"#) == [])
        #expect(try f.run("account.get", #"{"id": \#(s.child)}"#)["parent_account_id"] == .integer(s.survivor))
        #expect(try f.ids("account.list", #"{"parent_account_id": \#(s.survivor)}"#) == [s.child])
        #expect(try f.ids("account.list", #"{"tag": "north"}"#) == [s.survivor])
    }

    @Test func theSurvivorKeepsItsValuesAndTakesTheMergedOnesWhereItHasNone() throws {
        let s = try scene()
        let result = try s.f.run("account.merge", #"{"survivor_id": \#(s.survivor), "merged_id": \#(s.merged)}"#)
        #expect(result["name"] == .string("Acme Trading"))
        #expect(result["phone"] == .string("021 555 0100"))
        #expect(result["email"] == .string("info@acme.test"))
        #expect(result["tax_number"] == .string("4123456789"))
        #expect(result["segment"] == .string("wholesale"))
        #expect(result["region"] == .string("Gauteng"))
        #expect(result["credit_limit_minor"] == .integer(250_000))
        #expect(result["owner"] == .string("sipho"))
        #expect(result["website"] == .string("https://acme.test"))
        #expect(result["notes"] == .string("from the old ledger"))
        #expect(result["size_band"] == .string("large"))
        #expect(result["strategic"] == .bool(true))
        #expect(result["addresses"]?.array?.compactMap { $0["line1"]?.text } == ["9 Old Rd"])
        // The filled fields are searchable on the survivor.
        #expect(try s.f.run("account.search", #"{"query": "info@acme.test"}"#).items.compactMap { $0["id"]?.int } == [s.survivor])
    }

    @Test func theSurvivorsOwnAddressesAreKept() throws {
        let f = try Fixture()
        let survivor = try f.account("A", #""addresses": [{"line1": "Mine"}]"#)
        let merged = try f.account("B", #""addresses": [{"line1": "Theirs"}], "email": "b@b.test""#)
        let result = try f.run("account.merge", #"{"survivor_id": \#(survivor), "merged_id": \#(merged)}"#)
        #expect(result["addresses"]?.array?.compactMap { $0["line1"]?.text } == ["Mine"])
        #expect(result["email"] == .string("b@b.test"))
    }

    @Test func theMergedAccountIsArchivedWithMergedIntoID() throws {
        let s = try scene()
        let f = s.f
        try f.run("account.merge", #"{"survivor_id": \#(s.survivor), "merged_id": \#(s.merged)}"#)
        let merged = try f.run("account.get", #"{"id": \#(s.merged)}"#)
        #expect(merged["archived"] == .bool(true))
        #expect(merged["archived_at"] == .string("2026-12-01T10:30:00Z"))
        #expect(merged["merged_into_id"] == .integer(s.survivor))
        #expect(merged["external_refs"] == .array([]))
        #expect(merged["version"] == .integer(2))
        #expect(try f.ids("account.list") == [s.survivor, s.child])
        #expect(try f.ids("account.list", #"{"include_archived": true}"#) == [s.survivor, s.merged, s.child])
        expectCRMError(.constraint, "merged into account \(s.survivor)") { try f.run("account.update", #"{"id": \#(s.merged), "name": "X"}"#) }
        expectCRMError(.constraint, "merged") { try f.run("account.archive", #"{"id": \#(s.merged)}"#) }
    }

    @Test func replayingTheMergedAccountsCreateReturnsTheSurvivor() throws {
        let s = try scene()
        let f = s.f
        try f.run("account.merge", #"{"survivor_id": \#(s.survivor), "merged_id": \#(s.merged)}"#)
        let before = try f.outboxCount()
        let replay = try f.run("account.create", Self.mergedCreate)
        #expect(replay["replayed"] == .bool(true))
        #expect(replay["id"] == .integer(s.survivor))
        #expect(try f.outboxCount() == before)
        #expect(try f.run("account.get", #"{"source": "ledger", "external_ref": "C-0099"}"#)["id"] == .integer(s.survivor))
        let updated = try f.run("account.update", #"{"source": "ledger", "external_ref": "C-0099", "status": "active"}"#)
        #expect(updated["id"] == .integer(s.survivor))
    }

    @Test func theMergeEventCountsWhatMoved() throws {
        let s = try scene()
        let (_, events) = try s.f.runWithEvents("account.merge", #"{"survivor_id": \#(s.survivor), "merged_id": \#(s.merged)}"#)
        #expect(events.map(\.type) == ["account.merged"])
        let record = try #require(events.first?.record)
        #expect(record["merged_id"] == .integer(s.merged))
        #expect(record["survivor"]?["id"] == .integer(s.survivor))
        #expect(record["survivor"] == (try s.f.run("account.get", #"{"id": \#(s.survivor)}"#)))
        #expect(record["moved"] == (try args(#"{"contacts": 2, "interactions": 3, "external_refs": 1, "child_accounts": 1}"#)))
        #expect(try s.f.events().last?.record == record)
    }

    @Test func mergingIntoItselfOrWithAClosedAccountIsRejected() throws {
        let f = try Fixture()
        let a = try f.account("A"), b = try f.account("B"), archived = try f.account("C")
        try f.run("account.archive", #"{"id": \#(archived)}"#)
        let before = try f.outboxCount()
        expectCRMError(.invalid, "same") { try f.run("account.merge", #"{"survivor_id": \#(a), "merged_id": \#(a)}"#) }
        expectCRMError(.constraint, "account \(archived)", "archived") { try f.run("account.merge", #"{"survivor_id": \#(archived), "merged_id": \#(a)}"#) }
        expectCRMError(.constraint, "account \(archived)", "archived") { try f.run("account.merge", #"{"survivor_id": \#(a), "merged_id": \#(archived)}"#) }
        expectCRMError(.notFound, "account 99") { try f.run("account.merge", #"{"survivor_id": \#(a), "merged_id": 99}"#) }
        expectCRMError(.notFound, "account 99") { try f.run("account.merge", #"{"survivor_id": 99, "merged_id": \#(a)}"#) }
        expectCRMError(.invalid, "merged_id") { try f.run("account.merge", #"{"survivor_id": \#(a)}"#) }
        expectCRMError(.invalid, "survivor_id") { try f.run("account.merge", #"{"merged_id": \#(a)}"#) }
        #expect(try f.outboxCount() == before)
        try f.run("account.merge", #"{"survivor_id": \#(a), "merged_id": \#(b)}"#)
        expectCRMError(.constraint, "merged") { try f.run("account.merge", #"{"survivor_id": \#(a), "merged_id": \#(b)}"#) }
        expectCRMError(.constraint, "merged") { try f.run("account.merge", #"{"survivor_id": \#(b), "merged_id": \#(a)}"#) }
    }

    @Test func aSurvivorThatWasAChildOfTheMergedAccountTakesItsParent() throws {
        let f = try Fixture()
        let group = try f.account("Group")
        let merged = try f.account("Region", #""parent_account_id": \#(group)"#)
        let survivor = try f.account("Branch", #""parent_account_id": \#(merged)"#)
        let (result, events) = try f.runWithEvents("account.merge", #"{"survivor_id": \#(survivor), "merged_id": \#(merged)}"#)
        #expect(result["parent_account_id"] == .integer(group))
        #expect(events.first?.record["moved"]?["child_accounts"] == .integer(0))
    }

    @Test func aMergedAccountThatWasAChildOfTheSurvivorLeavesNoSelfParent() throws {
        let f = try Fixture()
        let survivor = try f.account("Group")
        let merged = try f.account("Branch", #""parent_account_id": \#(survivor)"#)
        let result = try f.run("account.merge", #"{"survivor_id": \#(survivor), "merged_id": \#(merged)}"#)
        #expect(result["parent_account_id"] == .null)
    }

    @Test func interactionsOfAMovedContactCanBeLoggedOnTheSurvivor() throws {
        let s = try scene()
        let f = s.f
        try f.run("account.merge", #"{"survivor_id": \#(s.survivor), "merged_id": \#(s.merged)}"#)
        let logged = try f.run("interaction.log",
                               #"{"account_id": \#(s.survivor), "contact_id": \#(s.contacts[0]), "kind": "call", "occurred_at": "2026-12-01T10:00:00Z"}"#)
        #expect(logged["contact_id"] == .integer(s.contacts[0]))
        // Logging against the merged account itself is refused and names the survivor.
        expectCRMError(.constraint, "merged into account \(s.survivor)") {
            try f.run("interaction.log", #"{"account_id": \#(s.merged), "contact_id": \#(s.contacts[0]), "kind": "call", "occurred_at": "2026-12-01T10:00:00Z"}"#)
        }
    }

    @Test func mergingAnAncestorIntoItsDescendantLeavesNoParentCycle() throws {
        let f = try Fixture()
        let merged = try f.account("Region")
        let middle = try f.account("District", #""parent_account_id": \#(merged)"#)
        let survivor = try f.account("Branch", #""parent_account_id": \#(middle)"#)
        try f.run("account.merge", #"{"survivor_id": \#(survivor), "merged_id": \#(merged)}"#)
        // Walk up from every account: no chain may come back to where it started.
        for start in [survivor, middle] {
            var seen: [Int64] = [start]
            var current = try f.run("account.get", #"{"id": \#(start)}"#)["parent_account_id"]?.int
            while let id = current, seen.count < 10 {
                #expect(!seen.contains(id), "parent chain from \(start) loops: \(seen + [id])")
                if seen.contains(id) { break }
                seen.append(id)
                current = try f.run("account.get", #"{"id": \#(id)}"#)["parent_account_id"]?.int
            }
        }
        // And the accounts can still be re-parented without tripping over a cycle.
        let group = try f.account("Group")
        #expect(try f.run("account.update", #"{"id": \#(survivor), "parent_account_id": \#(group)}"#)["parent_account_id"] == .integer(group))
    }

    @Test func aCreditLimitInAnotherCurrencyIsNotCopiedAsIfItWereTheSurvivors() throws {
        let f = try Fixture()
        let survivor = try f.account("Acme Trading", #""currency": "ZAR""#)
        let merged = try f.account("Acme Trading Ltd", #""currency": "USD", "credit_limit_minor": 1000000"#)
        let result = try f.run("account.merge", #"{"survivor_id": \#(survivor), "merged_id": \#(merged)}"#)
        #expect(result["currency"] == .string("ZAR"))
        // 1,000,000 US cents are not 1,000,000 South African cents.
        #expect(result["credit_limit_minor"] == .null)
    }

    @Test func aCreditLimitInTheSameCurrencyFillsAnEmptyOne() throws {
        let f = try Fixture()
        let survivor = try f.account("Acme Trading", #""currency": "USD""#)
        let merged = try f.account("Acme Trading Ltd", #""currency": "USD", "credit_limit_minor": 1000000"#)
        let result = try f.run("account.merge", #"{"survivor_id": \#(survivor), "merged_id": \#(merged)}"#)
        #expect(result["credit_limit_minor"] == .integer(1_000_000))
    }
}
