import Foundation
import Testing

@Suite("crm-harness command-line bytes")
struct ArgumentEncodingTests {
    /// `{"name": "Café"}` with the é as a lone Latin-1 byte, as a shell in a
    /// Latin-1 locale would pass it.
    static let latin1JSON: [UInt8] = Array(#"{"name": "Caf"#.utf8) + [0xE9] + Array(#""}"#.utf8)

    @Test("invalid UTF-8 in an argument is refused with CRM_INVALID, naming it, before the file is opened")
    func invalidArgumentRefused() throws {
        let db = try TemporaryDatabase(create: false)
        defer { db.remove() }
        // --create: without the check, this call would make the file.
        let run = try Harness.runRaw([
            Array("exec".utf8), Array("account.create".utf8), ArgumentEncodingTests.latin1JSON,
            Array("--db".utf8), Array(db.path.utf8), Array("--create".utf8),
        ])
        #expect(run.status == CRMCode.invalid, "\(run)")
        #expect(run.stdout.isEmpty, "\(run)")
        #expect(run.stderr.nonEmptyLines.count == 1, "\(run)")
        #expect(run.stderr.hasPrefix("error: invalid argument: "), "\(run)")
        #expect(run.stderr.contains("argument 3 is not valid UTF-8 (byte 13)"), "\(run)")
        #expect(run.stderr.contains(#"{"name": "Caf\xE9"}"#), "the argument is shown, its bad byte escaped: \(run)")
        #expect(!FileManager.default.fileExists(atPath: db.path), "nothing is opened or written: \(run)")
    }

    @Test("invalid UTF-8 in an option's value (--db) is refused too")
    func invalidOptionValueRefused() throws {
        let db = try TemporaryDatabase(create: false)
        defer { db.remove() }
        let path = Array(db.directory.path.utf8) + Array("/crm-".utf8) + [0xFF, 0xFE] + Array(".sqlite".utf8)
        let run = try Harness.runRaw([Array("exec".utf8), Array("account.list".utf8), Array("--db".utf8), path,
                                      Array("--create".utf8)])
        #expect(run.status == CRMCode.invalid, "\(run)")
        #expect(run.stderr.contains("argument 4 is not valid UTF-8"), "\(run)")
        #expect(run.stderr.contains(#"\xFF\xFE.sqlite"#), "\(run)")
        let files = try FileManager.default.contentsOfDirectory(atPath: db.directory.path)
        #expect(files.isEmpty, "no database was created: \(files)")
    }

    @Test("the same bytes on stdin are refused by the library with the same code")
    func invalidStdinRefused() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let run = try Harness.runRaw(
            [Array("exec".utf8), Array("account.create".utf8), Array("-".utf8), Array("--db".utf8), Array(db.path.utf8)],
            stdin: ArgumentEncodingTests.latin1JSON)
        #expect(run.status == CRMCode.invalid, "\(run)")
        #expect(run.stderr.contains("not valid UTF-8"), "\(run)")
        let list = try db.run(["exec", "account.list", "--json"])
        #expect(list.status == CRMCode.ok, "\(list)")
        #expect((try list.jsonObject()["items"] as? [Any])?.isEmpty == true, "nothing was stored: \(list)")
    }

    @Test("valid UTF-8 passed as raw bytes is stored as it was sent")
    func validBytesAccepted() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let json = Array(#"{"name": "Café Ölmühle 株式会社"}"#.utf8)
        let run = try Harness.runRaw([
            Array("exec".utf8), Array("account.create".utf8), json, Array("--json".utf8),
            Array("--db".utf8), Array(db.path.utf8),
        ])
        #expect(run.status == CRMCode.ok, "\(run)")
        #expect(try run.jsonObject()["name"] as? String == "Café Ölmühle 株式会社", "\(run)")
    }
}
