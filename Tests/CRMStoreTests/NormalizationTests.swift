import Testing
@testable import CRMStore

@Suite("normalization")
struct NormalizationTests {
    @Test(arguments: [("Jo@Example.COM", "jo@example.com"), ("  jo@example.com\t\n", "jo@example.com"),
                      ("jo@example.com", "jo@example.com"), ("ÉLISE@café.fr", "élise@café.fr")])
    func emailIsTrimmedAndLowerCased(input: String, expected: String) {
        #expect(Normalization.email(input) == expected)
    }

    @Test(arguments: [("+27 (0)21 555-0100", "215550100"), ("021 555 0100", "215550100"), ("0027215550100", "215550100"),
                      ("+27 21 555 0100", "215550100"), ("555-0100", "5550100"), ("ext. 12", "12"), ("", ""),
                      ("phone: n/a", ""), ("٠٢١ ٥٥٥", "")])
    func phoneKeepsTheLastNineASCIIDigits(input: String, expected: String) {
        #expect(Normalization.phone(input) == expected)
    }

    @Test(arguments: [("ZA 4123-456.789", "ZA4123456789"), ("za4123456789", "ZA4123456789"), ("4123 456 789", "4123456789"),
                      ("GB 123 4567 89", "GB123456789"), ("---", ""), ("DE–123/45", "DE12345")])
    func taxNumberKeepsUpperCasedLettersAndDigits(input: String, expected: String) {
        #expect(Normalization.taxNumber(input) == expected)
    }

    @Test(arguments: [
        ("Acme Trading (Pty) Ltd.", "acme trading"),
        ("ACME TRADING PTY LTD", "acme trading"),
        ("Acme Trading CC", "acme trading"),
        ("Acme, Inc.", "acme"),
        ("The Acme Company", "acme"),
        ("Müller & Söhne GmbH", "muller sohne"),
        ("Café Noir", "cafe noir"),
        ("Straße 1", "strasse 1"),
        ("Ærø Øl", "aero ol"),
        ("  Lots   of\tspace ", "lots of space"),
        ("Pty Ltd", "pty ltd"),
        ("O'Brien's", "o brien s"),
        ("Cafe\u{301} Bleu", "cafe bleu"),
        ("Москва Трейд", "москва трейд"),
        ("", ""),
    ])
    func nameKeyFoldsCaseAccentsPunctuationAndLegalSuffixes(input: String, expected: String) {
        #expect(Normalization.nameKey(input) == expected)
    }

    @Test func searchKeyKeepsLegalWords() {
        #expect(Normalization.searchKey("Acme (Pty) Ltd.") == "acme pty ltd")
        #expect(Normalization.searchKey("École-Supérieure") == "ecole superieure")
    }

    @Test func similarityIsOneMinusEditDistanceOverTheLongerLength() {
        #expect(Normalization.similarity("acme", "acme") == 1)
        #expect(Normalization.similarity("", "") == 1)
        #expect(Normalization.similarity("abc", "") == 0)
        #expect(Normalization.similarity("abc", "xyz") == 0)
        #expect(Normalization.similarity("acme trading", "acme tradng") == 1 - 1.0 / 12)
        #expect(Normalization.similarity("kitten", "sitting") == 1 - 3.0 / 7)
        #expect(Normalization.similarity("acme", "acme trading") == 1 - 8.0 / 12)
        #expect(Normalization.similarity("abcd", "dcba") == Normalization.similarity("dcba", "abcd"))
        // Accented letters count as one character each.
        #expect(Normalization.similarity("café", "cafe") == 0.75)
    }

    @Test func editDistance() {
        func distance(_ a: String, _ b: String) -> Int { Normalization.editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars)) }
        #expect(distance("", "abc") == 3)
        #expect(distance("abc", "") == 3)
        #expect(distance("flaw", "lawn") == 2)
        #expect(distance("intention", "execution") == 5)
        #expect(distance("same", "same") == 0)
    }

    @Test func trimmingWhitespace() {
        #expect("  a b \n".trimmingWhitespace() == "a b")
        #expect(" \t ".trimmingWhitespace() == "")
        #expect("x".trimmingWhitespace() == "x")
    }
}
