import Foundation
import Testing

@Suite("crm-harness quote")
struct QuoteCommandTests {
    @Test("quote ID prints the quote as a document, --list a table, --json the library's answer")
    func quoteDocumentAndList() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        for (command, arguments) in [
            ("account.create", #"{"name": "Khumalo Roofing", "currency": "ZAR"}"#),
            ("product.create", #"{"code": "LAB-FIT", "name": "Fitter, per hour", "kind": "labour", "unit": "hour", "unit_price_minor": 45000, "tax_rate_bp": 1500}"#),
            ("quote.create", #"{"account_id": 1, "valid_until": "2099-12-31", "notes": "Site access from 7am", "lines": [{"product_id": 1, "quantity_milli": 1500, "discount_bp": 1000}, {"description": "Delivery to site", "quantity_milli": 1000, "unit_price_minor": 85000}]}"#),
            ("quote.send", #"{"id": 1, "issued_on": "2026-12-01"}"#),
            ("quote.create", #"{"account_id": 1}"#),
        ] {
            let made = try db.run(["exec", command, arguments])
            #expect(made.status == CRMCode.ok, "\(made)")
        }

        let document = try db.run(["quote", "1"])
        #expect(document.status == CRMCode.ok, "\(document)")
        #expect(document.stdout.contains("QUOTE Q-000001"), "\(document)")
        #expect(document.stdout.contains("Khumalo Roofing (1)"), "\(document)")
        #expect(document.stdout.contains("Fitter, per hour"), "\(document)")
        #expect(document.stdout.contains("1.500"), "\(document)")
        #expect(document.stdout.contains("R 450.00"), "\(document)")
        #expect(document.stdout.contains("10%"), "\(document)")
        // 1.5 h x R 450.00 less 10% = R 607.50, tax R 91.13; delivery R 850.00: total R 1 548.63.
        #expect(document.stdout.firstMatch(#"subtotal\s+(R 1 457.50)"#) == "R 1 457.50", "\(document)")
        #expect(document.stdout.firstMatch(#"total\s+(R 1 548.63)"#) == "R 1 548.63", "\(document)")
        #expect(document.stdout.contains("Site access from 7am"), "\(document)")

        let expired = try db.run(["quote", "1", "--as-of", "2100-01-01"])
        #expect(expired.stdout.contains("expired (sent)"), "\(expired)")

        let table = try db.run(["quote", "--list"])
        #expect(table.status == CRMCode.ok, "\(table)")
        #expect(table.stdout.contains("Q-000002"), "\(table)")
        #expect(table.stdout.contains("2 quotes"), "\(table)")

        let sent = try db.run(["quote", "--list", "--status", "sent", "--json"])
        let page = try sent.jsonObject()
        #expect((page["items"] as? [[String: Any]])?.count == 1, "\(sent)")

        let json = try db.run(["quote", "1", "--json"])
        #expect((try json.jsonObject())["total_minor"] as? Int == 154_863, "\(json)")

        let text = try db.run(["quote", "1", "--text"])
        #expect(text.status == CRMCode.ok, "\(text)")
        #expect(text.stdout.hasPrefix("QUOTE Q-000001\n"), "\(text)")
        #expect(text.stdout.contains("Total        ZAR 1 548.63\n"), "\(text)")
        let html = try db.run(["quote", "1", "--html"])
        #expect(html.status == CRMCode.ok, "\(html)")
        #expect(html.stdout.hasPrefix("<!DOCTYPE html>"), "\(html)")
        #expect(html.stdout.contains("ZAR 1 548.63"), "\(html)")
        let both = try db.run(["quote", "1", "--html", "--text"])
        #expect(both.status != CRMCode.ok, "\(both)")
        let renderedMissing = try db.run(["quote", "9", "--text"])
        #expect(renderedMissing.status == CRMCode.notFound, "\(renderedMissing)")

        let missing = try db.run(["quote", "9"])
        #expect(missing.status == CRMCode.notFound, "\(missing)")
        let neither = try db.run(["quote"])
        #expect(neither.status == 64, "\(neither)")
    }
}
