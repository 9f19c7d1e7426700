import Foundation
import Testing

@Suite("crm-harness invoice")
struct InvoiceCommandTests {
    @Test("invoice ID prints the invoice as a document, --list the invoices with what is due, --json the library's answer")
    func invoiceDocumentAndList() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        for (command, arguments) in [
            ("account.create", #"{"name": "Karoo Irrigation", "payment_terms_days": 30}"#),
            ("invoice.create", #"{"account_id": 1, "lines": [{"description": "Borehole pump 0.75 kW", "quantity_milli": 2000, "unit_price_minor": 125000, "tax_rate_bp": 1500}]}"#),
            ("invoice.issue", #"{"id": 1, "issued_on": "2026-11-01"}"#),
        ] {
            let made = try db.run(["exec", command, arguments])
            #expect(made.status == CRMCode.ok, "\(made)")
        }
        let shown = try db.run(["invoice", "1", "--as-of", "2026-12-15"])
        #expect(shown.status == CRMCode.ok, "\(shown)")
        #expect(shown.stdout.contains("INVOICE INV-000001  issued, overdue"), "\(shown)")
        #expect(shown.stdout.contains("due:       2026-12-01"), "\(shown)")
        // 2 x 1 250.00 = 2 500.00 + 15% = 2 875.00.
        #expect(shown.stdout.firstMatch(#"balance due\s+(R 2 875.00)"#) != nil, "\(shown)")
        let listed = try db.run(["invoice", "--list", "--overdue", "--as-of", "2026-12-15"])
        #expect(listed.stdout.contains("INV-000001") && listed.stdout.contains("1 invoice"), "\(listed)")
        let notYet = try db.run(["invoice", "--list", "--overdue", "--as-of", "2026-11-15"])
        #expect(notYet.stdout.contains("0 invoices"), "\(notYet)")
        let json = try db.run(["invoice", "1", "--json"])
        #expect(try json.jsonObject()["number"] as? String == "INV-000001", "\(json)")
        let rendered = try db.run(["invoice", "1", "--text"])
        #expect(rendered.stdout.contains("TAX INVOICE INV-000001") && rendered.stdout.contains("Balance due  ZAR 2 875.00"), "\(rendered)")
        let bad = try db.run(["invoice"])
        #expect(bad.status == 64, "\(bad)")
    }
}
