import Testing
@testable import CRMStore

@Suite("Arguments")
struct ArgumentsTests {
    private enum Kind: String, CaseIterable { case person, company }

    private func arguments(_ text: String, context: String = "account.create") throws -> Arguments {
        try Arguments(try json(text), context: context)
    }

    // MARK: The object itself

    @Test(arguments: ["[]", "null", "1", "\"x\"", "true"])
    func argumentsMustBeAnObject(_ text: String) throws {
        let value = try json(text)
        expectCRMError(.invalid, "account.create", "must be a JSON object") { try Arguments(value, context: "account.create") }
    }

    @Test func keysAndContainsDoNotMarkFieldsRead() throws {
        let args = try arguments(#"{"name": "A", "code": 7}"#)
        #expect(args.keys == ["name", "code"])
        #expect(args.contains("name"))
        #expect(!args.contains("email"))
        expectCRMError(.invalid, "unknown field 'name'") { try args.finish() }
    }

    @Test func jsonIsTheObjectAsSent() throws {
        let value = try json(#"{"name": "A", "code": 7, "tags": [1]}"#)
        let args = try Arguments(value, context: "x")
        #expect(args.json == value)
    }

    @Test func finishTruncatesAHugeUnknownFieldName() throws {
        let name = String(repeating: "k", count: 5_000)
        let args = try arguments("{\"\(name)\": 1}")
        let error = expectCRMError(.invalid, "unknown field") { try args.finish() }
        #expect((error?.message.count ?? .max) < 300)
    }

    // MARK: finish()

    @Test func finishRejectsTheFirstUnreadFieldByName() throws {
        var args = try arguments(#"{"name": "A", "nmae": "typo", "other": 1}"#)
        _ = try args.string("name", length: 1...10)
        expectCRMError(.invalid, "account.create", "unknown field 'nmae'") { try args.finish() }
    }

    @Test func finishPassesWhenEveryFieldWasRead() throws {
        var args = try arguments(#"{"name": "A", "note": null, "count": 3}"#)
        _ = try args.string("name", length: 1...10)
        _ = try args.string("note", length: 0...10)
        _ = try args.integer("count")
        _ = try args.bool("absent_flag")   // reading an absent field is fine
        #expect(throws: Never.self) { try args.finish() }
    }

    @Test func rawMarksTheFieldReadAndReturnsItsValue() throws {
        var args = try arguments(#"{"extra": [1, 2]}"#)
        #expect(args.raw("extra") == .array([.integer(1), .integer(2)]))
        #expect(args.raw("missing") == nil)
        #expect(throws: Never.self) { try args.finish() }
    }

    // MARK: Presence

    @Test func presenceDistinguishesAbsentNullAndValue() throws {
        var args = try arguments(#"{"cleared": null, "set": "x"}"#)
        let absent = try args.string("missing", length: 0...10)
        let cleared = try args.string("cleared", length: 0...10)
        let set = try args.string("set", length: 0...10)
        #expect(!absent.isPresent)
        #expect(absent.value == nil)
        #expect(cleared.isPresent)
        #expect(cleared.value == nil)
        guard case .null = cleared else { Issue.record("expected .null, got \(cleared)"); return }
        #expect(set.isPresent)
        #expect(set.value == "x")
    }

    // MARK: Strings

    @Test func stringWithinLimitsIsReturned() throws {
        var args = try arguments(#"{"name": "Acme Ltd"}"#)
        #expect(try args.string("name", length: 1...8).value == "Acme Ltd")
    }

    @Test func stringTooLongIsARangeErrorNamingTheField() throws {
        var args = try arguments(#"{"name": "123456789"}"#)
        expectCRMError(.range, "account.create", "name", "9 characters", "at most 8") { try args.string("name", length: 1...8) }
    }

    @Test func emptyStringWhereOneCharacterIsNeededIsInvalid() throws {
        var args = try arguments(#"{"name": ""}"#)
        expectCRMError(.invalid, "name must not be empty") { try args.string("name", length: 1...8) }
        var longer = try arguments(#"{"code": "ab"}"#)
        expectCRMError(.invalid, "code must be at least 3 characters") { try longer.string("code", length: 3...3) }
    }

    @Test func lengthIsCountedInUnicodeScalars() throws {
        // One scalar outside the BMP (4 UTF-8 bytes, 2 UTF-16 units) is one character.
        var emoji = try arguments(#"{"initial": "😀"}"#)
        #expect(try emoji.string("initial", length: 1...1).value == "😀")
        // "é" as e + combining acute is two scalars.
        var decomposed = try arguments("{\"initial\": \"e\u{301}\"}")
        expectCRMError(.range, "initial") { try decomposed.string("initial", length: 1...1) }
        // 200 three-byte characters fit a 200-character limit.
        let text = String(repeating: "€", count: 200)
        var wide = try arguments("{\"name\": \"\(text)\"}")
        #expect(try wide.string("name", length: 1...200).value == text)
        var tooWide = try arguments("{\"name\": \"\(text)€\"}")
        expectCRMError(.range, "name", "201") { try tooWide.string("name", length: 1...200) }
    }

    @Test func stringWithNULIsInvalid() throws {
        var args = try arguments(#"{"name": "a\u0000b"}"#)
        expectCRMError(.invalid, "name", "NUL") { try args.string("name", length: 1...10) }
    }

    @Test(arguments: [#"{"name": 5}"#, #"{"name": true}"#, #"{"name": ["a"]}"#, #"{"name": {"a": 1}}"#])
    func nonStringIsInvalidNamingFieldAndType(_ text: String) throws {
        var args = try arguments(text)
        expectCRMError(.invalid, "account.create", "name must be a string, got") { try args.string("name", length: 0...10) }
    }

    @Test func requiredStringRejectsAbsentAndNull() throws {
        var absent = try arguments("{}")
        expectCRMError(.invalid, "account.create", "name is required") { try absent.requiredString("name", length: 1...10) }
        var null = try arguments(#"{"name": null}"#)
        expectCRMError(.invalid, "name is required") { try null.requiredString("name", length: 1...10) }
        var present = try arguments(#"{"name": "Bo"}"#)
        #expect(try present.requiredString("name", length: 1...10) == "Bo")
    }

    // MARK: Choices

    @Test func choiceAcceptsOnlyListedValues() throws {
        var ok = try arguments(#"{"kind": "company"}"#)
        #expect(try ok.choice("kind", ["person", "company"]).value == "company")
        var bad = try arguments(#"{"kind": "Company"}"#)
        expectCRMError(.invalid, "kind must be one of person, company", "'Company'") { try bad.choice("kind", ["person", "company"]) }
        var wrongType = try arguments(#"{"kind": 1}"#)
        expectCRMError(.invalid, "kind must be a string") { try wrongType.choice("kind", ["person"]) }
    }

    @Test func choiceOfAnEnumReturnsTheCase() throws {
        var args = try arguments(#"{"kind": "person", "other": null}"#)
        #expect(try args.choice("kind", Kind.self).value == .person)
        #expect(try args.choice("other", Kind.self).isPresent)
        #expect(try !args.choice("absent", Kind.self).isPresent)
        var bad = try arguments(#"{"kind": "robot"}"#)
        expectCRMError(.invalid, "kind") { try bad.choice("kind", Kind.self) }
    }

    @Test func choiceErrorTruncatesHugeValues() throws {
        let huge = String(repeating: "x", count: 10_000)
        var args = try arguments("{\"kind\": \"\(huge)\"}")
        let error = expectCRMError(.invalid, "kind") { try args.choice("kind", ["a"]) }
        #expect((error?.message.count ?? .max) < 500)
    }

    // MARK: Integers

    @Test func integerWithinRange() throws {
        var args = try arguments(#"{"qty": 5, "low": -9223372036854775808, "high": 9223372036854775807}"#)
        #expect(try args.integer("qty", range: 1...10).value == 5)
        #expect(try args.integer("low").value == .min)
        #expect(try args.integer("high").value == .max)
    }

    @Test func integerOutsideRangeIsARangeErrorNamingTheField() throws {
        var args = try arguments(#"{"qty": 11}"#)
        expectCRMError(.range, "account.create", "qty must be between 1 and 10", "11") { try args.integer("qty", range: 1...10) }
    }

    @Test func bigIntegerIsARangeErrorNamingTheField() throws {
        var args = try arguments(#"{"amount_minor": 99999999999999999999}"#)
        expectCRMError(.range, "account.create", "amount_minor", "64-bit") { try args.integer("amount_minor") }
        var negative = try arguments(#"{"amount_minor": -9223372036854775809}"#)
        expectCRMError(.range, "amount_minor") { try negative.requiredInteger("amount_minor") }
    }

    @Test func bigIntegerErrorDoesNotEchoAHugeLiteral() throws {
        let digits = String(repeating: "7", count: 5_000)
        var args = try arguments("{\"amount_minor\": \(digits)}")
        let error = expectCRMError(.range, "amount_minor") { try args.integer("amount_minor") }
        #expect((error?.message.count ?? .max) < 300)
    }

    @Test(arguments: [#"{"n": 1.5}"#, #"{"n": 1.0}"#, #"{"n": 1e2}"#])
    func fractionalNumbersAreInvalidForIntegers(_ text: String) throws {
        var args = try arguments(text)
        let error = expectCRMError(.invalid, "n must be a whole number, got") { try args.integer("n") }
        #expect(error?.message.contains("minor units") == false)
    }

    @Test func onlyMoneyFieldsAreToldAboutMinorUnits() throws {
        var args = try arguments(#"{"amount_minor": 1.5, "limit": 2.5, "payment_terms_days": 30.5}"#)
        expectCRMError(.invalid, "amount_minor must be a whole number of minor units, got") { try args.integer("amount_minor") }
        let limit = expectCRMError(.invalid, "limit must be a whole number, got") { try args.integer("limit") }
        #expect(limit?.message.contains("minor") == false)
        let terms = expectCRMError(.invalid, "payment_terms_days must be a whole number, got") { try args.integer("payment_terms_days") }
        #expect(terms?.message.contains("minor") == false)
    }

    @Test(arguments: [#"{"n": "5"}"#, #"{"n": true}"#, #"{"n": [5]}"#])
    func nonNumbersAreInvalidForIntegers(_ text: String) throws {
        var args = try arguments(text)
        expectCRMError(.invalid, "n must be an integer") { try args.integer("n") }
    }

    @Test func requiredIntegerRejectsAbsentAndNull() throws {
        var absent = try arguments("{}")
        expectCRMError(.invalid, "qty is required") { try absent.requiredInteger("qty") }
        var null = try arguments(#"{"qty": null}"#)
        expectCRMError(.invalid, "qty is required") { try null.requiredInteger("qty") }
    }

    @Test func idMustBePositive() throws {
        var zero = try arguments(#"{"account_id": 0}"#)
        expectCRMError(.range, "account_id") { try zero.id("account_id") }
        var negative = try arguments(#"{"account_id": -3}"#)
        expectCRMError(.range, "account_id") { try negative.id("account_id") }
        var ok = try arguments(#"{"account_id": 12}"#)
        #expect(try ok.id("account_id").value == 12)
    }

    // MARK: Booleans

    @Test func boolAcceptsOnlyJSONBooleans() throws {
        var args = try arguments(#"{"a": true, "b": false}"#)
        #expect(try args.bool("a").value == true)
        #expect(try args.bool("b").value == false)
        for text in [#"{"c": 1}"#, #"{"c": "true"}"#, #"{"c": 0}"#] {
            var bad = try arguments(text)
            expectCRMError(.invalid, "c must be true or false") { try bad.bool("c") }
        }
    }

    // MARK: Arrays

    @Test func arrayChecksEachItemNamingItsIndex() throws {
        var args = try arguments(#"{"tags": ["vip", "", "x"]}"#)
        expectCRMError(.invalid, "tags[1]") {
            try args.array("tags", maximumCount: 10) { value, field in
                try Arguments.text(value, field: field(), context: "account.create", length: 1...20)
            }
        }
        var ok = try arguments(#"{"tags": ["vip", "b2b"]}"#)
        let tags = try ok.array("tags", maximumCount: 2) { value, field in
            try Arguments.text(value, field: field(), context: "account.create", length: 1...20)
        }
        #expect(tags.value == ["vip", "b2b"])
    }

    @Test func arrayOverMaximumCountIsARangeError() throws {
        var args = try arguments(#"{"tags": [1, 2, 3]}"#)
        expectCRMError(.range, "tags has 3 items, at most 2") {
            try args.array("tags", maximumCount: 2) { value, _ in value }
        }
    }

    @Test func arrayFieldMustBeAnArray() throws {
        var args = try arguments(#"{"tags": "vip"}"#)
        expectCRMError(.invalid, "tags must be an array") { try args.array("tags", maximumCount: 5) { value, _ in value } }
    }

    @Test func staticIntegerCheckerNamesTheItem() {
        expectCRMError(.range, "lines[2]") {
            try Arguments.integer(.bigInteger("1" + String(repeating: "0", count: 30)), field: "lines[2]", context: "invoice.create", range: 0...10)
        }
    }

    // MARK: Objects

    @Test func nestedObjectRejectsItsOwnUnknownFields() throws {
        var args = try arguments(#"{"address": {"city": "Durban", "zip": "4001"}}"#)
        expectCRMError(.invalid, "account.create: address: unknown field 'zip'") {
            try args.object("address") { nested in try nested.string("city", length: 1...50).value }
        }
    }

    @Test func nestedObjectErrorsCarryTheNestedContext() throws {
        var args = try arguments(#"{"address": {"city": 7}}"#)
        expectCRMError(.invalid, "account.create: address: city must be a string") {
            try args.object("address") { nested in try nested.string("city", length: 1...50).value }
        }
    }

    @Test func nestedObjectReadsValues() throws {
        var args = try arguments(#"{"address": {"city": "Durban", "code": 4001}}"#)
        let address = try args.object("address") { nested -> (String?, Int64?) in
            (try nested.string("city", length: 1...50).value, try nested.integer("code").value)
        }
        #expect(address.value?.0 == "Durban")
        #expect(address.value?.1 == 4001)
        #expect(throws: Never.self) { try args.finish() }
    }

    @Test func objectFieldMustBeAnObject() throws {
        var args = try arguments(#"{"address": ["Durban"]}"#)
        expectCRMError(.invalid, "address must be an object") { try args.object("address") { _ in 0 } }
    }
}
