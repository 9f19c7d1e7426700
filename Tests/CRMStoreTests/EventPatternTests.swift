import Testing
@testable import CRMStore

@Suite("EventPattern")
struct EventPatternTests {
    private let types = ["account.created", "account.updated", "accounts.created", "account", "invoice.issued",
                         "invoice.issued.late", "contact.erased", ""]

    private func matching(_ pattern: String) throws -> [String] {
        let parsed = try #require(EventPattern(pattern), "pattern '\(pattern)' should parse")
        return types.filter { parsed.matches($0) }
    }

    @Test func starMatchesEverything() throws {
        #expect(try matching("*") == types)
    }

    @Test func exactTypeMatchesOnlyItself() throws {
        #expect(try matching("invoice.issued") == ["invoice.issued"])
        #expect(try matching("account") == ["account"])
        #expect(try matching("Account.created").isEmpty)
    }

    @Test func prefixGlobMatchesTheTypesUnderThatPrefix() throws {
        #expect(try matching("account.*") == ["account.created", "account.updated"])
        // The dot is part of the prefix: "accounts.created" and "account" are not under "account.".
        #expect(try matching("invoice.*") == ["invoice.issued", "invoice.issued.late"])
        #expect(try matching("invoice.issued.*") == ["invoice.issued.late"])
    }

    @Test(arguments: ["", "**", "*.*", "account*", "acc*unt.created", "*.created", "account.*.*", "account.**", ".*",
                      "account.*x", "*account", "a.b*"])
    func rejectsMalformedPatterns(_ text: String) {
        #expect(EventPattern(text) == nil)
    }

    @Test func lengthIsLimitedTo100Characters() {
        let exact100 = String(repeating: "a", count: 100)
        #expect(EventPattern(exact100) != nil)
        #expect(EventPattern(exact100 + "b") == nil)
        let glob100 = String(repeating: "a", count: 98) + ".*"
        #expect(EventPattern(glob100) != nil)
        #expect(EventPattern("a" + glob100) == nil)
        // Counted in characters, not bytes.
        #expect(EventPattern(String(repeating: "é", count: 100)) != nil)
    }

    @Test func patternsCompareByMeaning() {
        #expect(EventPattern("account.*") == EventPattern("account.*"))
        #expect(EventPattern("account.*") != EventPattern("account."))
        #expect(EventPattern("*") != EventPattern("account.*"))
    }
}
