import Testing
@testable import CRMDocuments
import CRMStore

@Suite("document.render")
struct RenderTests {
    /// An account with a billing address, a contact, two products and a
    /// draft quote of three lines; returns the quote's id.
    func makeQuote(_ f: DocumentsFixture, description: String = "Delivery to site") throws -> Int64 {
        let account = try f.make("account.create", #""name": "Khumalo Roofing", "currency": "ZAR", "tax_number": "4123456789", "addresses": [{"kind": "billing", "line1": "12 Main Road", "line2": "Unit 4", "city": "Graaff-Reinet", "postal_code": "6280", "country": "ZA"}]"#)
        let contact = try f.make("contact.create", #""account_id": \#(account), "first_name": "Thabo", "last_name": "Khumalo""#)
        let sheet = try f.make("product.create", #""code": "IBR-053", "name": "IBR sheet 0.53 mm, per metre", "unit": "m", "unit_price_minor": 18950, "tax_rate_bp": 1500"#)
        let labour = try f.make("product.create", #""code": "LAB-FIT", "name": "Fitter, per hour", "kind": "labour", "unit": "hour", "unit_price_minor": 45000, "tax_rate_bp": 1500"#)
        let descriptionJSON = JSONWriter.string(.string(description))
        let lines = #"[{"product_id": \#(sheet), "quantity_milli": 120000, "discount_bp": 500}, {"product_id": \#(labour), "quantity_milli": 1500, "discount_bp": 1000}, {"description": \#(descriptionJSON), "quantity_milli": 333, "unit_price_minor": 150}]"#
        return try f.make("quote.create", #""account_id": \#(account), "contact_id": \#(contact), "issued_on": "2026-12-01", "valid_until": "2026-12-31", "notes": "Price holds for 30 days", "lines": \#(lines), "source": "erp", "external_ref": "QT-1""#)
    }

    func render(_ f: DocumentsFixture, _ fields: String) throws -> JSONValue {
        try f.run("document.render", "{\(fields)}")
    }

    @Test func theDefaultTextOfAQuoteIsExact() throws {
        let f = try DocumentsFixture(pipeline: false)
        let id = try makeQuote(f)
        let result = try render(f, #""type": "quote", "id": \#(id), "format": "text""#)
        #expect(result["type"]?.text == "quote" && result["id"]?.int == id && result["format"]?.text == "text")
        #expect(result["content_type"]?.text == "text/plain; charset=utf-8")
        let body = try #require(result["body"]?.text)
        #expect(body == Self.quoteText)
    }

    static let quoteText = """
        QUOTE Q-000001
        ================================================================================
        Customer:    Khumalo Roofing
                     12 Main Road
                     Unit 4
                     Graaff-Reinet 6280
                     ZA
        Tax number:  4123456789
        Attention:   Thabo Khumalo
        Date:        1 December 2026
        Valid until: 31 December 2026
        Status:      draft
        --------------------------------------------------------------------------------
        1. IBR sheet 0.53 mm, per metre
           120 x 189.50 less 5%, tax 15%: 21 603.00
        2. Fitter, per hour
           1.5 x 450.00 less 10%, tax 15%: 607.50
        3. Delivery to site
           0.333 x 1.50, tax 0%: 0.50
        --------------------------------------------------------------------------------
        Subtotal     ZAR 22 211.00
        Tax          ZAR 3 331.58
        Total        ZAR 25 542.58

        Price holds for 30 days

        """

    @Test func htmlEscapesValuesAndTextDoesNot() throws {
        let f = try DocumentsFixture(pipeline: false)
        let nasty = #"<script>alert("x")</script> & 'quoted'"#
        let id = try makeQuote(f, description: nasty)
        let html = try render(f, #""type": "quote", "id": \#(id)"#)
        #expect(html["format"]?.text == "html" && html["content_type"]?.text == "text/html; charset=utf-8")
        let body = try #require(html["body"]?.text)
        #expect(body.hasPrefix("<!DOCTYPE html>"))
        #expect(body.contains("@page { size: A4;"))
        #expect(!body.contains("<script>"))
        #expect(body.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "))
        #expect(body.contains("<td>3</td><td>&lt;script&gt;"))
        #expect(body.contains("ZAR 25 542.58") && body.contains("Khumalo Roofing") && body.contains("Graaff-Reinet 6280"))
        let text = try #require(try render(f, #""type": "quote", "id": \#(id), "format": "text""#)["body"]?.text)
        #expect(text.contains("3. " + nasty + "\n"))
        // A host's HTML template escapes too; its text one does not.
        let host = try render(f, #""type": "quote", "id": \#(id), "template": "{{#lines}}{{description}}|{{/lines}}""#)
        #expect(host["body"]?.text?.contains("&lt;script&gt;") == true)
        let hostText = try render(f, #""type": "quote", "id": \#(id), "format": "text", "template": "{{#lines}}[{{description}}]{{/lines}}""#)
        #expect(hostText["body"]?.text?.contains("[" + nasty + "]") == true)
    }

    @Test func aHostTemplateRendersTheViewModel() throws {
        let f = try DocumentsFixture(pipeline: false)
        let id = try makeQuote(f)
        let template = #"{{title}} {{number}} for {{account.name}} ({{contact.name}}), {{issued_on}} / {{valid_until_long}}\n{{#lines}}{{number}}:{{quantity}}:{{quantity_milli}}:{{unit_price}}:{{discount}}:{{tax_rate}}:{{net}}:{{net_minor}}:{{total}}{{#last}}.{{/last}}\n{{/lines}}{{currency}} {{subtotal}} + {{tax}} = {{total}} ({{total_minor}}, {{currency_digits}} digits) {{{account.address.city}}} {{status}}"#
        let result = try render(f, #""type": "quote", "source": "erp", "external_ref": "QT-1", "format": "text", "template": "\#(template)""#)
        #expect(result["id"]?.int == id)
        #expect(result["body"]?.text == """
            Quote Q-000001 for Khumalo Roofing (Thabo Khumalo), 2026-12-01 / 31 December 2026
            1:120.000:120000:189.50:5%:15%:21 603.00:2160300:24 843.45
            2:1.500:1500:450.00:10%:15%:607.50:60750:698.63
            3:0.333:333:1.50:0%:0%:0.50:50:0.50.
            ZAR 22 211.00 + 3 331.58 = 25 542.58 (2554258, 2 digits) Graaff-Reinet draft
            """)
    }

    @Test func aJobCardRendersInBothFormats() throws {
        let f = try DocumentsFixture(pipeline: false)
        _ = try makeQuote(f)
        let id = try f.make("jobcard.create", #""account_id": 1, "contact_id": 1, "site": "Plot 12, Graaff-Reinet", "asset_description": "Borehole pump", "serial_number": "GRF-99812", "warranty": true, "technicians": ["Sipho", "Anna"], "description": "Pump trips the breaker", "tasks": [{"description": "Test the motor windings", "status": "done"}], "lines": [{"description": "Capacitor 40 uF", "quantity_milli": 1000, "unit_price_minor": 32000, "tax_rate_bp": 1500}]"#)
        _ = try f.run("jobcard.log_labour", "{\"id\": \(id), \"technician\": \"Sipho\", \"minutes\": 90, \"product_id\": 2, \"worked_on\": \"2026-12-02\"}")
        let text = try #require(try render(f, #""type": "jobcard", "id": \#(id), "format": "text""#)["body"]?.text)
        for expected in ["JOB CARD J-000001", "Site:        Plot 12, Graaff-Reinet", "Technicians: Sipho, Anna", "Warranty repair",
                         "1. [done] Test the motor windings", "2026-12-02 Sipho: Fitter, per hour", "1.500 h x 450.00, tax 15%: 675.00",
                         "1. Capacitor 40 uF", "Total        ZAR 1 144.25"] {
            #expect(text.contains(expected), "\(expected)")
        }
        let html = try #require(try render(f, #""type": "jobcard", "id": \#(id)"#)["body"]?.text)
        #expect(html.contains("<h1>Job card</h1>") && html.contains("Borehole pump") && html.contains("ZAR 1 144.25"))
        #expect(html.contains("Customer signature"))
    }

    @Test func badTemplatesAreInvalidAndNeverTrap() throws {
        let f = try DocumentsFixture(pipeline: false)
        let id = try makeQuote(f)
        expectCRMError(.invalid, "template does not parse") {
            try render(f, #""type": "quote", "id": \#(id), "template": "{{#lines}}x{{/line}}""#)
        }
        expectCRMError(.invalid, "template does not parse") {
            try render(f, #""type": "quote", "id": \#(id), "template": "{{#lines}}x""#)
        }
        expectCRMError(.invalid, "template changes the delimiters") {
            try render(f, #""type": "quote", "id": \#(id), "template": "{{=<% %>=}}<%number%>""#)
        }
        let deep = String(repeating: "{{#lines}}", count: 5000) + String(repeating: "{{/lines}}", count: 5000)
        expectCRMError(.invalid, "template nests sections more than 100 deep") {
            try render(f, #""type": "quote", "id": \#(id), "template": "\#(deep)""#)
        }
        // A comment or a triple mustache does not hide a close from the check.
        let hidden = String(repeating: "{{#lines}}{{!{{/lines}}", count: 200)
        expectCRMError(.invalid, "nests sections") { try render(f, #""type": "quote", "id": \#(id), "template": "\#(hidden)""#) }
        // Sections that multiply past the output bound are refused before rendering.
        let nested = String(repeating: "{{#lines}}", count: 12) + "{{description}}" + String(repeating: "{{/lines}}", count: 12)
        expectCRMError(.range, "template could render more than") {
            try render(f, #""type": "quote", "id": \#(id), "template": "\#(nested)""#)
        }
        let enumerated = String(repeating: "{{#enumerated(account)}}", count: 9) + "{{value}}" + String(repeating: "{{/enumerated(account)}}", count: 9)
        expectCRMError(.range, "template could render more than") {
            try render(f, #""type": "quote", "id": \#(id), "template": "\#(enumerated)""#)
        }
        let twice = try render(f, #""type": "quote", "id": \#(id), "format": "text", "template": "{{#lines}}{{#lines}}{{number}}{{/lines}};{{/lines}}""#)
        #expect(twice["body"]?.text == "123;123;123;")
        let big = String(repeating: "x", count: 200_001)
        expectCRMError(.range, "template") { try render(f, #""type": "quote", "id": \#(id), "template": "\#(big)""#) }
        let wide = String(repeating: "é", count: 100_001)
        expectCRMError(.range, "bytes") { try render(f, #""type": "quote", "id": \#(id), "template": "\#(wide)""#) }
        // Odd but valid templates render without trapping.
        for template in ["{{plusone(total_minor)}}{{minusone(currency_digits)}}", "{{>missing}}", "{{<parent}}{{$b}}x{{/b}}{{/parent}}",
                         "{{#lines}}{{#lines}}{{number}}{{/lines}}{{/lines}}", "{{sorted(lines)}}{{reversed(lines)}}{{count(lines)}}",
                         "{{#account}}{{#addresses}}{{line1}}{{/addresses}}{{/account}}", "{{% CONTENT_TYPE: HTML}}{{notes}}",
                         "{{{.}}}{{.}}", "{{#first(lines)}}{{description}}{{/first(lines)}}"] {
            let body = try render(f, #""type": "quote", "id": \#(id), "template": \#(JSONWriter.string(.string(template)))"#)["body"]
            #expect(body?.text != nil, "\(template)")
        }
    }

    @Test func theLargestDocumentRendersThroughTheDefaultTemplates() throws {
        let f = try DocumentsFixture(pipeline: false)
        let account = try f.make("account.create", #""name": "Khumalo Roofing", "currency": "ZAR""#)
        let description = JSONWriter.string(.string(String(repeating: "<\"&'é", count: 200)))
        let line = #"{"description": \#(description), "quantity_milli": 1000000000, "unit_price_minor": 9999999, "discount_bp": 1, "tax_rate_bp": 10000}"#
        let lines = "[" + Array(repeating: line, count: DocumentLine.maximumCount).joined(separator: ", ") + "]"
        let notes = JSONWriter.string(.string(String(repeating: "\"", count: 4000)))
        let id = try f.make("quote.create", #""account_id": \#(account), "notes": \#(notes), "lines": \#(lines)"#)
        for format in ["html", "text"] {
            let body = try #require(try render(f, #""type": "quote", "id": \#(id), "format": "\#(format)""#)["body"]?.text)
            #expect(body.contains("500. ") || body.contains("<td>500</td>"))
        }
    }

    @Test func anInvoiceAndItsCreditNoteRender() throws {
        let f = try DocumentsFixture(pipeline: false)
        let quote = try makeQuote(f)
        try f.run("quote.send", #"{"id": \#(quote)}"#)
        try f.run("quote.accept", #"{"id": \#(quote)}"#)
        let invoice = try f.make("invoice.create", #""quote_id": \#(quote)"#)
        try f.run("invoice.issue", #"{"id": \#(invoice), "issued_on": "2026-12-01"}"#)
        let text = try #require(try render(f, #""type": "invoice", "id": \#(invoice), "format": "text""#)["body"]?.text)
        for expected in ["TAX INVOICE INV-000001", "Customer:    Khumalo Roofing", "Date:        1 December 2026",
                         "Due:         31 December 2026", "Paid         ZAR 0.00"] {
            #expect(text.contains(expected), "\(expected) in \(text)")
        }
        #expect(!text.contains("Credited"), "nothing credited: no line for it")
        let note = try f.make("credit_note.create", #""invoice_id": \#(invoice), "line_positions": [2], "reason": "Delivery not needed""#)
        try f.run("credit_note.issue", #"{"id": \#(note)}"#)
        let credited = try #require(try render(f, #""type": "invoice", "id": \#(invoice), "format": "text""#)["body"]?.text)
        // The free-text delivery line: 0.333 x 1.50 = 0.50, no tax.
        #expect(credited.contains("Credited     ZAR 0.50"), "\(credited)")
        let html = try #require(try render(f, #""type": "credit_note", "id": \#(note)"#)["body"]?.text)
        #expect(html.contains("<h1>Credit note</h1>") && html.contains("INV-000001") && html.contains("Delivery not needed"))
    }

    @Test func unknownTypesAndRecordsAreRefused() throws {
        let f = try DocumentsFixture(pipeline: false)
        let id = try makeQuote(f)
        expectCRMError(.invalid, "quote, jobcard, invoice, credit_note") { try render(f, #""type": "receipt", "id": \#(id)"#) }
        expectCRMError(.notFound, "quote 999 not found") { try render(f, #""type": "quote", "id": 999"#) }
        expectCRMError(.notFound, "jobcard 1 not found") { try render(f, #""type": "jobcard", "id": 1"#) }
        expectCRMError(.notFound, "QT-9") { try render(f, #""type": "quote", "source": "erp", "external_ref": "QT-9""#) }
        expectCRMError(.invalid, "format") { try render(f, #""type": "quote", "id": \#(id), "format": "pdf""#) }
        expectCRMError(.invalid, "colour") { try render(f, #""type": "quote", "id": \#(id), "colour": "red""#) }
    }

    @Test func aStatementNeedsTheCreditModule() throws {
        let f = try DocumentsFixture(pipeline: false)
        try f.make("account.create", #""name": "Karoo Irrigation""#)
        expectCRMError(.invalid, "statement", "credit module") {
            try render(f, #""type": "statement", "account_id": 1, "from": "2026-10-01", "to": "2026-11-30""#)
        }
    }

    @Test func figuresAreFormattedWithoutTrapping() {
        #expect(DocumentFormat.money(145_000, digits: 2) == "1 450.00")
        #expect(DocumentFormat.money(-5, digits: 2) == "-0.05")
        #expect(DocumentFormat.money(123_456, digits: 0) == "123 456")
        #expect(DocumentFormat.money(1_234_567, digits: 3) == "1 234.567")
        #expect(DocumentFormat.money(Int64.min, digits: 2) == "-92 233 720 368 547 758.08")
        #expect(DocumentFormat.money(Int64.max, digits: 99) == "9.223372036854775807")
        #expect(DocumentFormat.quantity(1500) == "1.500" && DocumentFormat.shortQuantity(1500) == "1.5")
        #expect(DocumentFormat.shortQuantity(120_000) == "120" && DocumentFormat.quantity(5) == "0.005")
        #expect(DocumentFormat.percent(1500) == "15%" && DocumentFormat.percent(1250) == "12.5%" && DocumentFormat.percent(725) == "7.25%")
        #expect(DocumentFormat.percent(0) == "0%")
        #expect(DocumentFormat.longDate("2026-12-05") == "5 December 2026" && DocumentFormat.longDate("soon") == nil)
        let model = DocumentViewModel(digits: 3).object(.object([("amount_minor", .integer(1234)), ("none", .null), ("tags", .array([.string("a"), .string("b")]))]))
        #expect(model["amount"] as? String == "1.234" && model["amount_minor"] as? String == "1234" && model["none"] == nil)
        #expect(model["tags_list"] as? String == "a, b" && model["has_tags"] as? Bool == true)
    }
}
