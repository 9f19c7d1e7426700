import Testing
@testable import CRMStore

@Suite("ExternalReference")
struct ExternalReferenceTests {
    private func read(_ text: String) throws -> (ExternalReference?, Arguments) {
        var arguments = try Arguments(try json(text), context: "account.create")
        let reference = try ExternalReference.read(&arguments)
        return (reference, arguments)
    }

    @Test func readsBothFieldsAndMarksThemRead() throws {
        let (reference, arguments) = try read(#"{"source": "ledger", "external_ref": "CUST-001"}"#)
        #expect(reference == ExternalReference(source: "ledger", externalRef: "CUST-001"))
        #expect(throws: Never.self) { try arguments.finish() }
    }

    @Test func neitherFieldMeansNoReference() throws {
        let (reference, arguments) = try read(#"{}"#)
        #expect(reference == nil)
        #expect(throws: Never.self) { try arguments.finish() }
        let (nulls, _) = try read(#"{"source": null, "external_ref": null}"#)
        #expect(nulls == nil)
    }

    @Test func oneWithoutTheOtherIsInvalid() throws {
        expectCRMError(.invalid, "account.create", "source is required with external_ref") {
            try read(#"{"external_ref": "CUST-001"}"#)
        }
        expectCRMError(.invalid, "external_ref is required with source") { try read(#"{"source": "ledger"}"#) }
    }

    @Test func lengthsAreChecked() throws {
        let source100 = String(repeating: "s", count: 100)
        let ref200 = String(repeating: "r", count: 200)
        #expect(try read("{\"source\": \"\(source100)\", \"external_ref\": \"\(ref200)\"}").0?.externalRef == ref200)
        expectCRMError(.range, "source") { try read("{\"source\": \"\(source100)s\", \"external_ref\": \"x\"}") }
        expectCRMError(.range, "external_ref") { try read("{\"source\": \"ledger\", \"external_ref\": \"\(ref200)r\"}") }
        expectCRMError(.invalid, "source must not be empty") { try read(#"{"source": "", "external_ref": "x"}"#) }
        expectCRMError(.invalid, "external_ref must be a string") { try read(#"{"source": "ledger", "external_ref": 42}"#) }
    }

    @Test func jsonNamesBothFields() {
        let reference = ExternalReference(source: "ledger", externalRef: "INV-9")
        #expect(JSONWriter.string(reference.json) == #"{"source":"ledger","external_ref":"INV-9"}"#)
    }
}

@Suite("ExternalReferences")
struct ExternalReferencesTests {
    private let customer = ExternalReference(source: "ledger", externalRef: "CUST-001")

    @Test func claimedReferenceIsFoundWithItsRequest() throws {
        let store = try makeStore()
        defer { store.close() }
        let request = try json(#"{"name": "Acme", "credit_limit_minor": 500000}"#)
        _ = try store.write("account.create") {
            try ExternalReferences.claim(store, recordType: "account", customer, recordID: 42, request: request)
        }
        let found = try #require(try ExternalReferences.find(store, recordType: "account", customer))
        #expect(found.recordID == 42)
        #expect(found.request == request)
        #expect(try ExternalReferences.recordID(store, recordType: "account", customer) == 42)
    }

    @Test func lookupIsExactOnTypeSourceAndReference() throws {
        let store = try makeStore()
        defer { store.close() }
        _ = try store.write("account.create") {
            try ExternalReferences.claim(store, recordType: "account", customer, recordID: 42, request: .object([]))
        }
        #expect(try ExternalReferences.recordID(store, recordType: "contact", customer) == nil)
        #expect(try ExternalReferences.recordID(store, recordType: "account", ExternalReference(source: "pastel", externalRef: "CUST-001")) == nil)
        #expect(try ExternalReferences.recordID(store, recordType: "account", ExternalReference(source: "ledger", externalRef: "cust-001")) == nil)
        #expect(try ExternalReferences.recordID(store, recordType: "account", ExternalReference(source: "ledger", externalRef: "CUST-001 ")) == nil)
    }

    @Test func aReferenceCanBeClaimedOncePerRecordType() throws {
        let store = try makeStore()
        defer { store.close() }
        _ = try store.write("account.create") {
            try ExternalReferences.claim(store, recordType: "account", customer, recordID: 1, request: .object([]))
        }
        expectCRMError(.conflict) {
            try store.write("account.create") {
                try ExternalReferences.claim(store, recordType: "account", customer, recordID: 2, request: .object([]))
            }
        }
        #expect(try ExternalReferences.recordID(store, recordType: "account", customer) == 1)
        // The same reference for another record type is a separate claim.
        _ = try store.write("contact.create") {
            try ExternalReferences.claim(store, recordType: "contact", customer, recordID: 7, request: .object([]))
        }
        #expect(try ExternalReferences.recordID(store, recordType: "contact", customer) == 7)
    }

    @Test func aClaimIsUndoneWithItsWrite() throws {
        let store = try makeStore()
        defer { store.close() }
        #expect(throws: CRMError.self) {
            try store.write("account.create") {
                try ExternalReferences.claim(store, recordType: "account", customer, recordID: 1, request: .object([]))
                throw CRMError.invalid("account.create: name is required")
            }
        }
        #expect(try ExternalReferences.find(store, recordType: "account", customer) == nil)
    }

    @Test func referencesOfARecordAndMovingThem() throws {
        let clock = FixedClock(testEpoch)
        let store = try makeStore(clock: clock)
        defer { store.close() }
        let web = ExternalReference(source: "web-shop", externalRef: "u-9")
        let pastel = ExternalReference(source: "pastel", externalRef: "P1")
        _ = try store.write("x") {
            try ExternalReferences.claim(store, recordType: "account", web, recordID: 1, request: .object([]))
        }
        clock.advance(seconds: 10)
        _ = try store.write("x") {
            try ExternalReferences.claim(store, recordType: "account", customer, recordID: 1, request: .object([]))
            try ExternalReferences.claim(store, recordType: "account", pastel, recordID: 1, request: .object([]))
            try ExternalReferences.claim(store, recordType: "account", ExternalReference(source: "ledger", externalRef: "OTHER"), recordID: 2, request: .object([]))
            try ExternalReferences.claim(store, recordType: "contact", ExternalReference(source: "ledger", externalRef: "C"), recordID: 1, request: .object([]))
        }
        // By source, then reference, whenever they were claimed.
        #expect(try ExternalReferences.references(store, recordType: "account", recordID: 1) == [customer, pastel, web])

        let moved = try store.write("account.merge") { try ExternalReferences.move(store, recordType: "account", from: 1, to: 2) }.0
        #expect(moved == 3)
        #expect(try ExternalReferences.references(store, recordType: "account", recordID: 1).isEmpty)
        #expect(try ExternalReferences.references(store, recordType: "account", recordID: 2).count == 4)
        #expect(try ExternalReferences.recordID(store, recordType: "account", customer) == 2)
        // Other record types are untouched.
        #expect(try ExternalReferences.references(store, recordType: "contact", recordID: 1).count == 1)
    }

    // MARK: Replay comparison

    @Test func sameContentHasNoDifferenceWhateverTheFieldOrder() throws {
        let original = try json(#"{"name": "Acme", "tags": ["a", "b"], "limit": 5}"#)
        let replay = try json(#"{"limit": 5, "name": "Acme", "tags": ["a", "b"]}"#)
        #expect(ExternalReferences.firstDifference(original: original, replay: replay) == nil)
    }

    @Test func differenceNamesTheFirstDifferingField() throws {
        let original = try json(#"{"name": "Acme", "email": "a@x", "limit": 5}"#)
        #expect(ExternalReferences.firstDifference(original: original, replay: try json(#"{"name": "Acme", "email": "b@x", "limit": 6}"#)) == "email")
        #expect(ExternalReferences.firstDifference(original: original, replay: try json(#"{"name": "Acme", "email": "a@x", "limit": 5.0}"#)) == "limit")
        #expect(ExternalReferences.firstDifference(original: original, replay: try json(#"{"name": "Acme", "email": "a@x", "limit": 5, "phone": "1"}"#)) == "phone")
        #expect(ExternalReferences.firstDifference(original: original, replay: try json(#"{"name": "Acme", "limit": 5}"#)) == "email")
        #expect(ExternalReferences.firstDifference(original: original, replay: try json(#"{"name": "Acme", "email": null, "limit": 5}"#)) == "email")
    }

    @Test func nonObjectsCompareAsAWhole() {
        #expect(ExternalReferences.firstDifference(original: .array([.integer(1)]), replay: .array([.integer(1)])) == nil)
        #expect(ExternalReferences.firstDifference(original: .array([.integer(1)]), replay: .array([.integer(2)])) == "arguments")
        #expect(ExternalReferences.firstDifference(original: .object([]), replay: .null) == "arguments")
    }

    @Test func aReplayedCreateWithTheSameContentMatchesTheStoredContent() throws {
        // The stored content survives the trip through the table.
        let store = try makeStore()
        defer { store.close() }
        let first = try json(#"{"name": "Zoë \"A\"", "limit": 9223372036854775807}"#)
        _ = try store.write("account.create") {
            try ExternalReferences.claim(store, recordType: "account", customer, recordID: 1, request: first)
        }
        let stored = try #require(try ExternalReferences.find(store, recordType: "account", customer)).request
        let replay = try json(#"{"limit": 9223372036854775807, "name": "Zoë \"A\""}"#)
        #expect(ExternalReferences.firstDifference(original: stored, replay: replay) == nil)
        let changed = try json(#"{"name": "Zoe", "limit": 9223372036854775807}"#)
        #expect(ExternalReferences.firstDifference(original: stored, replay: changed) == "name")
    }
}
