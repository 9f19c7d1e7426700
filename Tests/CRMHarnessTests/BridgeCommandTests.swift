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
}
