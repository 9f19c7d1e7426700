import Foundation
import Testing
@testable import CRMBridge
import CRMStore

@Suite("CSV file fingerprints and export columns")
struct CSVFingerprintTests {
    @Test func sha256MatchesThePublishedVectors() {
        // FIPS 180-4 examples: empty, one block, two blocks; and 1,000 bytes.
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000))
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func aFingerprintCoversTheHeadAndTheBytesBeforeTheOffset() throws {
        let f = try CSVFixture()
        // 40,000 bytes: the head window (16 KiB) and the window before offset 30,000 do not meet.
        var bytes = [UInt8](repeating: 0x61, count: 40_000)
        let path = try f.file("f.csv", String(decoding: bytes, as: UTF8.self))
        func take() throws -> FileFingerprint {
            let reader = try CSVReader(path: path, context: "test")
            return try #require(FileFingerprint.take(descriptor: reader.descriptor, offset: 30_000))
        }
        let before = try take()
        #expect(before.size == 40_000)
        #expect(before.headDigest == SHA256.hex([UInt8](repeating: 0x61, count: 16_384)))
        #expect(before.beforeOffsetDigest == before.headDigest)
        // A byte after the offset: the same fingerprint (an append or a change not yet read).
        bytes[35_000] = 0x62
        try f.file("f.csv", String(decoding: bytes, as: UTF8.self))
        #expect(try take().headDigest == before.headDigest)
        #expect(try take().beforeOffsetDigest == before.beforeOffsetDigest)
        // Just before the offset: the second digest differs.
        bytes[29_999] = 0x62
        try f.file("f.csv", String(decoding: bytes, as: UTF8.self))
        #expect(try take().headDigest == before.headDigest)
        #expect(try take().beforeOffsetDigest != before.beforeOffsetDigest)
        // In the head.
        bytes[0] = 0x62
        try f.file("f.csv", String(decoding: bytes, as: UTF8.self))
        #expect(try take().headDigest != before.headDigest)
    }

    /// The columns an export knows are the fields the list commands answer
    /// (but arrays of objects), so the list cannot drift from the records.
    @Test func theKnownColumnsAreTheFieldsOfTheRecords() throws {
        let f = try CSVFixture()
        try f.run("account.create", #"{"name": "A", "addresses": [{"kind": "billing", "line1": "1 Main Road", "city": "Durban"}]}"#)
        try f.run("contact.create", #"{"account_id": 1, "last_name": "B", "address": {"line1": "1 Main Road", "city": "Durban"}}"#)
        try f.run("invoice.record", #"{"source": "legacy", "external_ref": "I1", "account_id": 1, "number": "X-1", "issued_on": "2026-10-01", "total_minor": 100}"#)
        try f.run("payment.record", #"{"account_id": 1, "amount_minor": 5, "method": "eft", "received_on": "2026-10-02"}"#)
        let nested: Set<String> = ["addresses", "address", "external_refs", "lines", "allocations", "refunds", "consent", "preferences"]
        for kind in CSVKind.allCases {
            let answer = try f.run(CSVExport.listCommand(kind), "{}")
            guard case .object(let fields)? = answer["items"]?.array?.first?.decoded else {
                Issue.record("no \(kind.rawValue) listed")
                continue
            }
            let keys = Set(fields.map(\.0)).subtracting(nested)
            #expect(keys == Set(CSVExport.recordFields(kind)), "\(kind.rawValue)")
            #expect(Set(CSVExport.knownColumns(kind)).count == CSVExport.knownColumns(kind).count)
        }
    }
}

@Suite("CSV list cells")
struct CSVListCellTests {
    @Test(arguments: [
        ("a;b", ["a", "b"]),
        (" a ; b ;", ["a", "b"]),
        (";;a;;", ["a"]),
        ("", []),
        ("  ", []),
        ("café; Zürich\u{00A0}", ["café", "Zürich"]),
        ("one", ["one"]),
    ])
    func splitsOnSemicolonsAndTrims(text: String, items: [String]) {
        #expect(CSVRow.listItems(text) == items)
    }
}
