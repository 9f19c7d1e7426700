import Foundation
import Testing

@Suite("crm-harness bridge journal")
struct BridgeCommandTests {
    @Test("bridge journal prints the journal, or appends a consumer's part to a file and says what it wrote")
    func journal() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        for (command, arguments) in [
            ("account.create", #"{"name": "Karoo Irrigation", "currency": "ZAR"}"#),
            ("invoice.create", #"{"account_id": 1, "lines": [{"description": "Pump", "quantity_milli": 1000, "unit_price_minor": 100000, "tax_rate_bp": 1500}]}"#),
            ("invoice.issue", #"{"id": 1, "issued_on": "2026-11-01"}"#),
        ] {
            let made = try db.run(["exec", command, arguments])
            #expect(made.status == CRMCode.ok, "\(made)")
        }
        let printed = try db.run(["bridge", "journal", "--format", "hledger"])
        #expect(printed.status == CRMCode.ok, "\(printed)")
        #expect(printed.stdout.contains("2026-11-01 (INV-000001) Invoice INV-000001\n"), "\(printed)")
        #expect(printed.stdout.contains("    Assets:Receivable:1100:Karoo Irrigation 1  1150.00 ZAR\n"), "\(printed)")

        let file = db.directory.appendingPathComponent("books.journal").path
        let first = try db.run(["bridge", "journal", "--format", "hledger", "--consumer", "books", "--out", file])
        #expect(first.status == CRMCode.ok, "\(first)")
        #expect(first.stdout.contains("1 transaction (events 1 to "), "\(first)")
        let paid = try db.run(["exec", "payment.record", #"{"account_id": 1, "amount_minor": 15000, "method": "eft", "received_on": "2026-11-20", "allocations": [{"invoice_id": 1, "amount_minor": 15000}]}"#])
        #expect(paid.status == CRMCode.ok, "\(paid)")
        let second = try db.run(["bridge", "journal", "--format", "hledger", "--consumer", "books", "--out", file, "--json"])
        #expect(second.status == CRMCode.ok, "\(second)")
        #expect(try second.jsonObject()["transactions"] as? Int == 1, "\(second)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("1150.00 ZAR\n") && text.contains("  -150.00 ZAR = 1000.00 ZAR\n"), "\(text)")

        let bad = try db.run(["bridge", "journal", "--format", "gnucash"])
        #expect(bad.status == CRMCode.invalid && bad.stderr.contains("format"), "\(bad)")
    }

    @Test("bridge journal after events.prune: a consumer with a kept state asserts on; one without says its assertions were left out")
    func journalAfterPrune() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        for (command, arguments) in [
            ("account.create", #"{"name": "Karoo Irrigation", "currency": "ZAR"}"#),
            ("invoice.record", #"{"source": "old", "external_ref": "K-1", "account_id": 1, "number": "K-1", "issued_on": "2026-11-01", "total_minor": 100000, "posting": true}"#),
        ] {
            let made = try db.run(["exec", command, arguments])
            #expect(made.status == CRMCode.ok, "\(made)")
        }
        let books = db.directory.appendingPathComponent("books.journal").path
        #expect(try db.run(["bridge", "journal", "--format", "hledger", "--consumer", "books", "--out", books]).status == CRMCode.ok)
        usleep(1_100_000)  // the events must be older than the cut-off of 0 days
        let pruned = try db.run(["exec", "events.prune", #"{"older_than_days": 0}"#, "--json"])
        #expect(try pruned.jsonObject()["pruned"] as? Int == 2, "\(pruned)")
        let paid = try db.run(["exec", "payment.record", #"{"account_id": 1, "amount_minor": 40000, "method": "eft", "received_on": "2026-11-20", "allocations": [{"invoice_id": 1, "amount_minor": 40000}]}"#])
        #expect(paid.status == CRMCode.ok, "\(paid)")

        let kept = try db.run(["bridge", "journal", "--format", "hledger", "--consumer", "books", "--out", books])
        #expect(kept.status == CRMCode.ok && !kept.stderr.contains("left out"), "\(kept)")
        let text = try String(contentsOfFile: books, encoding: .utf8)
        #expect(text.contains("  -400.00 ZAR = 600.00 ZAR\n"), "\(text)")
        if let hledger = ["/usr/bin/hledger", "/usr/local/bin/hledger"].first(where: FileManager.default.isExecutableFile) {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: hledger)
            check.arguments = ["-f", books, "check", "--strict"]
            try check.run()
            check.waitUntilExit()
            #expect(check.terminationStatus == 0)
        }

        let late = try db.run(["bridge", "journal", "--format", "hledger", "--consumer", "late", "--out", db.directory.appendingPathComponent("late.journal").path])
        #expect(late.status == CRMCode.ok, "\(late)")
        #expect(late.stderr.contains("1 balance assertion left out") && late.stderr.contains("pruned"), "\(late)")
        let both = try db.run(["bridge", "journal", "--format", "hledger", "--consumer", "books", "--after-seq", "1"])
        #expect(both.status == CRMCode.invalid && both.stderr.contains("after_seq"), "\(both)")
    }
}
