import Testing
@testable import CRMAccounts
import CRMStore

@Suite("account.duplicates")
struct AccountDuplicatesTests {
    struct Pair: Equatable, CustomStringConvertible {
        var accountID: Int64
        var duplicateID: Int64
        var reasons: [String]
        var description: String { "\(accountID)-\(duplicateID) \(reasons)" }
    }

    func pairs(_ f: Fixture, _ text: String = "{}") throws -> [Pair] {
        try f.run("account.duplicates", text).items.map {
            Pair(accountID: $0["account_id"]?.int ?? -1, duplicateID: $0["duplicate_id"]?.int ?? -1, reasons: $0["reasons"]?.strings ?? [])
        }
    }

    @Test func theSameEmailInAnyCaseIsADuplicate() throws {
        let f = try Fixture()
        let a = try f.account("Northwind", #""email": "accounts@northwind.test""#)
        let b = try f.account("Southwind Foods", #""email": "Accounts@NorthWind.TEST""#)
        _ = try f.account("Eastwind Logistics", #""email": "accounts@eastwind.test""#)
        #expect(try pairs(f) == [Pair(accountID: a, duplicateID: b, reasons: ["email"])])
    }

    @Test func theSamePhoneInAnotherFormatIsADuplicate() throws {
        let f = try Fixture()
        let a = try f.account("Northwind", #""phone": "+27 21 555 0100""#)
        let b = try f.account("Southwind Foods", #""phone": "(021) 555-0100""#)
        _ = try f.account("Eastwind Logistics", #""phone": "021 555 0101""#)
        #expect(try pairs(f) == [Pair(accountID: a, duplicateID: b, reasons: ["phone"])])
    }

    @Test func theSameTaxNumberIsADuplicate() throws {
        let f = try Fixture()
        let a = try f.account("Northwind", #""tax_number": "4123456789""#)
        let b = try f.account("Southwind Foods", #""tax_number": "4123-456 789""#)
        _ = try f.account("Eastwind Logistics", #""tax_number": "4123456780""#)
        #expect(try pairs(f) == [Pair(accountID: a, duplicateID: b, reasons: ["tax_number"])])
    }

    @Test func legalSuffixesAreIgnoredInNames() throws {
        let f = try Fixture()
        let a = try f.account("Acme Trading Pty Ltd")
        let b = try f.account("ACME TRADING (PTY) LTD.")
        let c = try f.account("Acme Trading")
        let d = try f.account("Acme Trading CC")
        let found = try pairs(f)
        #expect(found == [
            Pair(accountID: a, duplicateID: b, reasons: ["name"]), Pair(accountID: a, duplicateID: c, reasons: ["name"]),
            Pair(accountID: a, duplicateID: d, reasons: ["name"]), Pair(accountID: b, duplicateID: c, reasons: ["name"]),
            Pair(accountID: b, duplicateID: d, reasons: ["name"]), Pair(accountID: c, duplicateID: d, reasons: ["name"]),
        ])
        let items = try f.run("account.duplicates").items
        #expect(items.allSatisfy { $0["name_similarity"] == .double(1) })
    }

    @Test func similarNamesArePairedWithTheirSimilarity() throws {
        let f = try Fixture()
        let a = try f.account("Acme Trading")
        let b = try f.account("Acme Tradng")
        let item = try #require(f.run("account.duplicates").items.first)
        #expect(item["account_id"] == .integer(a))
        #expect(item["duplicate_id"] == .integer(b))
        #expect(item["reasons"]?.strings == ["name"])
        // 1 - 1/12, rounded to two places.
        #expect(item["name_similarity"] == .double(0.92))
    }

    @Test func accentsAndCaseDoNotMakeNamesDifferent() throws {
        let f = try Fixture()
        let a = try f.account("Café Müller")
        let b = try f.account("CAFE MULLER")
        #expect(try pairs(f) == [Pair(accountID: a, duplicateID: b, reasons: ["name"])])
    }

    @Test func dissimilarNamesAreNotPaired() throws {
        let f = try Fixture()
        try f.account("Acme Trading")
        try f.account("Acme Holdings")
        try f.account("Acme Logistics")
        try f.account("Bravo Trading")
        try f.account("Acme")
        #expect(try pairs(f) == [])
    }

    @Test func namesThatDifferInTheirFirstLettersArePairedToo() throws {
        // "akme trading" and "acme trading" are 11/12 alike, above the 0.85 threshold.
        let f = try Fixture()
        let a = try f.account("Akme Trading")
        let b = try f.account("Acme Trading")
        #expect(Normalization.similarity(Normalization.nameKey("Akme Trading"), Normalization.nameKey("Acme Trading")) >= 0.85)
        #expect(try pairs(f) == [Pair(accountID: a, duplicateID: b, reasons: ["name"])])
    }

    @Test func severalReasonsAreReportedOnOnePair() throws {
        let f = try Fixture()
        let a = try f.account("Acme Trading", #""email": "info@acme.test", "phone": "021 555 0100""#)
        let b = try f.account("Acme Trading Pty Ltd", #""email": "INFO@acme.test", "phone": "+27215550100""#)
        let found = try pairs(f)
        #expect(found.count == 1)
        #expect(found.first?.accountID == a)
        #expect(found.first?.duplicateID == b)
        #expect(Set(found.first?.reasons ?? []) == ["email", "phone", "name"])
        #expect(found.first?.reasons.count == 3)
    }

    @Test func accountIDFilterShowsOnlyThatAccountsPairsWithItFirst() throws {
        let f = try Fixture()
        let a = try f.account("Northwind", #""email": "a@x.test""#)
        let b = try f.account("Southwind", #""email": "a@x.test", "phone": "021 555 0100""#)
        let c = try f.account("Blue Crane Foods", #""phone": "021 555 0100""#)
        let d = try f.account("Karoo Farms", #""tax_number": "99887766""#)
        let e = try f.account("Umhlanga Traders", #""tax_number": "99887766""#)
        #expect(try pairs(f) == [
            Pair(accountID: a, duplicateID: b, reasons: ["email"]), Pair(accountID: b, duplicateID: c, reasons: ["phone"]),
            Pair(accountID: d, duplicateID: e, reasons: ["tax_number"]),
        ])
        #expect(try pairs(f, #"{"account_id": \#(b)}"#) == [
            Pair(accountID: b, duplicateID: a, reasons: ["email"]), Pair(accountID: b, duplicateID: c, reasons: ["phone"]),
        ])
        #expect(try pairs(f, #"{"account_id": \#(c)}"#) == [Pair(accountID: c, duplicateID: b, reasons: ["phone"])])
        #expect(try pairs(f, #"{"account_id": \#(e)}"#) == [Pair(accountID: e, duplicateID: d, reasons: ["tax_number"])])
        expectCRMError(.notFound, "account 99") { try f.run("account.duplicates", #"{"account_id": 99}"#) }
    }

    @Test func accountIDFilterAppliesToNamePairs() throws {
        let f = try Fixture()
        let a = try f.account("Acme Trading")
        let b = try f.account("Acme Trading Ltd")
        let c = try f.account("Bravo Motors")
        let d = try f.account("Bravo Motors Inc")
        #expect(try pairs(f, #"{"account_id": \#(b)}"#) == [Pair(accountID: b, duplicateID: a, reasons: ["name"])])
        #expect(try pairs(f, #"{"account_id": \#(c)}"#) == [Pair(accountID: c, duplicateID: d, reasons: ["name"])])
    }

    @Test func archivedAndMergedAccountsAreNotPaired() throws {
        let f = try Fixture()
        let a = try f.account("Acme Trading", #""email": "info@acme.test""#)
        let archived = try f.account("Acme Trading Ltd", #""email": "info@acme.test""#)
        try f.run("account.archive", #"{"id": \#(archived)}"#)
        let merged = try f.account("Other", #""tax_number": "12345678""#)
        let survivor = try f.account("Survivor")
        try f.run("account.merge", #"{"survivor_id": \#(survivor), "merged_id": \#(merged)}"#)
        #expect(try pairs(f) == [])
        #expect(try pairs(f, #"{"account_id": \#(a)}"#) == [])
    }

    @Test func theLimitIsRespected() throws {
        let f = try Fixture()
        for number in 1...6 { try f.account("Company \(number)", #""email": "same@x.test""#) }
        #expect(try pairs(f).count == 15)
        #expect(try pairs(f, #"{"limit": 4}"#).count == 4)
        #expect(try f.run("account.duplicates", #"{"limit": 4}"#)["truncated"] == .bool(true))
        #expect(try f.run("account.duplicates", #"{"limit": 15}"#)["truncated"] == .bool(false))
        expectCRMError(.range, "limit") { try f.run("account.duplicates", #"{"limit": 0}"#) }
        expectCRMError(.range, "limit") { try f.run("account.duplicates", #"{"limit": 501}"#) }
    }
}
