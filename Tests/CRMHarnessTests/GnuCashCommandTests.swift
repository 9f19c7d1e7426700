import Foundation
import Testing

@Suite("crm-harness import-gnucash")
struct GnuCashCommandTests {
    /// Tests/fixtures/gnucash/shop.gnucash, made by make_book.py with GnuCash's own engine.
    static let book: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.appendingPathComponent("fixtures/gnucash/shop.gnucash").path
    }()

    @Test("import-gnucash prints its phase and a summary table; a dry run writes nothing; the second run replays everything; a missing book is CRM_IO")
    func importBook() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let dry = try db.run(["import-gnucash", "--dry-run", "--json", Self.book])
        #expect(dry.status == 0, "\(dry)")
        let preview = try dry.jsonObject()
        #expect((preview["counts"] as? [String: Any]).flatMap { $0["invoices"] as? [String: Any] }?["created"] as? Int == 61)

        let run = try db.run(["import-gnucash", "--batch-size", "50", Self.book])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("reading \(Self.book)"), "\(run)")
        // 127 records in committed batches of at most 50, counted once in the summary.
        #expect(run.stderr.contains("batch 1: 50 records made or updated\n") && run.stderr.contains("batch 3: 27 records made or updated; done"), "\(run)")
        #expect(run.stdout.firstMatch(#"invoices\s+(61)\s+0\s+0\s+2\s+0"#) != nil, "\(run)")
        #expect(run.stdout.firstMatch(#"payments\s+(57)\s+0"#) != nil, "\(run)")
        #expect(run.stdout.contains("skipped invoice B0001: vendor bill"), "\(run)")

        let again = try db.run(["import-gnucash", "--json", Self.book])
        #expect(again.status == 0, "\(again)")
        let counts = try again.jsonObject()["counts"] as? [String: Any]
        #expect((counts?["payments"] as? [String: Any])?["replayed"] as? Int == 57)
        #expect((counts?["payments"] as? [String: Any])?["created"] as? Int == 0)

        let missing = try db.run(["import-gnucash", Self.book + ".nope"])
        #expect(missing.status == 6, "\(missing)")
        #expect(missing.stderr.contains("path"), "\(missing)")
    }
}
