import Testing
@testable import CRMDocuments
import CRMStore

@Suite("product catalogue")
struct ProductCommandsTests {
    static let sheet = #""code": "IBR-053", "name": "IBR sheet 0.53 mm, per metre", "kind": "goods", "unit": "m", "unit_price_minor": 18950, "tax_rate_bp": 1500, "revenue_account": "4000""#

    @Test func aProductIsCreatedReplayedAndFoundByItsReference() throws {
        let f = try DocumentsFixture(pipeline: false)
        let (made, events) = try f.runWithEvents("product.create", "{\(Self.sheet), \"source\": \"stock\", \"external_ref\": \"S-1\"}")
        #expect(made["code"]?.text == "IBR-053")
        #expect(made["unit_price_minor"]?.int == 18_950)
        #expect(made["currency"]?.text == "ZAR")
        #expect(made["tax_rate_bp"]?.int == 1_500)
        #expect(made["warranty_months"]?.int == 0)
        #expect(made["replayed"] == .bool(false))
        #expect(events.map(\.type) == ["product.created"])
        let again = try f.run("product.create", "{\(Self.sheet), \"source\": \"stock\", \"external_ref\": \"S-1\"}")
        #expect(again["replayed"] == .bool(true) && again["id"] == made["id"])
        #expect(try f.run("product.get", #"{"source": "stock", "external_ref": "S-1"}"#)["id"] == made["id"])
        expectCRMError(.conflict, "code 'ibr-053' belongs to product") {
            try f.run("product.create", #"{"code": "ibr-053", "name": "Another", "unit_price_minor": 1}"#)
        }
    }

    @Test func badInputNamesTheFieldAndWritesNothing() throws {
        let f = try DocumentsFixture(pipeline: false)
        let before = try f.rows("crm_events")
        expectCRMError(.invalid, "code is required") { try f.run("product.create", #"{"name": "x", "unit_price_minor": 1}"#) }
        expectCRMError(.invalid, "unit_price_minor is required") { try f.run("product.create", #"{"code": "x", "name": "x"}"#) }
        expectCRMError(.range, "unit_price_minor") { try f.run("product.create", #"{"code": "x", "name": "x", "unit_price_minor": -1}"#) }
        expectCRMError(.range, "tax_rate_bp") { try f.run("product.create", #"{"code": "x", "name": "x", "unit_price_minor": 1, "tax_rate_bp": 10001}"#) }
        expectCRMError(.invalid, "kind") { try f.run("product.create", #"{"code": "x", "name": "x", "unit_price_minor": 1, "kind": "food"}"#) }
        expectCRMError(.invalid, "name must not be blank") { try f.run("product.create", #"{"code": "x", "name": " ", "unit_price_minor": 1}"#) }
        expectCRMError(.invalid, "currency") { try f.run("product.create", #"{"code": "x", "name": "x", "unit_price_minor": 1, "currency": "XYZ"}"#) }
        #expect(try f.rows("products") == 0)
        #expect(try f.rows("crm_events") == before)
    }

    @Test func updatesArchiveAndList() throws {
        let f = try DocumentsFixture(pipeline: false)
        let sheet = try f.make("product.create", Self.sheet)
        let labour = try f.make("product.create", #""code": "LAB-FIT", "name": "Fitter, per hour", "kind": "labour", "unit": "hour", "unit_price_minor": 45000, "tax_rate_bp": 1500"#)
        let (updated, events) = try f.runWithEvents("product.update", #"{"id": \#(sheet), "unit_price_minor": 19500, "expected_version": 1}"#)
        #expect(updated["unit_price_minor"]?.int == 19_500 && updated["version"]?.int == 2)
        #expect(events.first?.record["changed"]?.strings == ["unit_price_minor"])
        expectCRMError(.conflict, "lab-fit", "belongs to product \(labour)") { try f.run("product.update", #"{"id": \#(sheet), "code": "lab-fit"}"#) }
        expectCRMError(.conflict, "version") { try f.run("product.update", #"{"id": \#(sheet), "name": "x", "expected_version": 1}"#) }
        #expect(try f.run("product.list", #"{"kind": "labour"}"#).items.map { $0["id"]?.int } == [labour])
        let archived = try f.run("product.archive", #"{"id": \#(labour)}"#)
        #expect(archived["archived"] == .bool(true))
        expectCRMError(.constraint, "archived") { try f.run("product.update", #"{"id": \#(labour), "name": "x"}"#) }
        expectCRMError(.constraint, "archived already") { try f.run("product.archive", #"{"id": \#(labour)}"#) }
        #expect(try f.run("product.list", #"{"archived": false}"#).items.map { $0["id"]?.int } == [sheet])
        #expect(try f.run("product.list", #"{"archived": true}"#).items.map { $0["id"]?.int } == [labour])
    }

    @Test func linesArePricedFromTheCatalogueOrFreeText() throws {
        let f = try DocumentsFixture(pipeline: false)
        let sheet = try f.make("product.create", Self.sheet)
        let usd = try f.make("product.create", #""code": "IMP-1", "name": "Imported fixing", "unit_price_minor": 100, "currency": "USD""#)
        var arguments = try Arguments(args(#"{"lines": [{"product_id": \#(sheet), "quantity_milli": 120000, "discount_bp": 500}, {"description": "Delivery to site", "quantity_milli": 1000, "unit_price_minor": 85000, "tax_rate_bp": 1500}]}"#), context: "quote.create")
        let inputs = try #require(try DocumentLine.read(&arguments).value)
        let lines = try DocumentLine.resolve(f.store, inputs, currency: .zar, context: "quote.create")
        // 120 m x 189.50 less 5% = 21603.00; 15% VAT = 3240.45.
        #expect(lines[0].description == "IBR sheet 0.53 mm, per metre")
        #expect(lines[0].netMinor == 2_160_300 && lines[0].taxMinor == 324_045)
        #expect(lines[1].netMinor == 85_000 && lines[1].taxMinor == 12_750)
        var bad = try Arguments(args(#"{"lines": [{"product_id": \#(usd), "quantity_milli": 1000}]}"#), context: "quote.create")
        expectCRMError(.invalid, "lines[0]", "USD") { try DocumentLine.resolve(f.store, try #require(try DocumentLine.read(&bad).value), currency: .zar, context: "quote.create") }
        var free = try Arguments(args(#"{"lines": [{"quantity_milli": 1000, "unit_price_minor": 5}]}"#), context: "quote.create")
        expectCRMError(.invalid, "lines[0].description") { try DocumentLine.resolve(f.store, try #require(try DocumentLine.read(&free).value), currency: .zar, context: "quote.create") }
        var zero = try Arguments(args(#"{"lines": [{"description": "x", "quantity_milli": 0, "unit_price_minor": 5}]}"#), context: "quote.create")
        expectCRMError(.range, "lines[0]: quantity_milli") { try DocumentLine.read(&zero) }
    }
}

@Suite("document lines")
struct DocumentLineStorageTests {
    @Test func linesAreStoredPerDocumentInOrder() throws {
        let f = try DocumentsFixture(pipeline: false)
        let line = { (description: String, net: Int64) in
            DocumentLine(productID: nil, description: description, quantityMilli: 1_000, unitPriceMinor: net, discountBP: 0,
                         taxRateBP: 1_500, netMinor: net, taxMinor: net * 15 / 100)
        }
        try f.store.write("test") {
            try LineQueries.replace(f.store, documentType: "quote", documentID: 7, [line("Delivery", 100), line("Sheeting", 2_000)])
            try LineQueries.replace(f.store, documentType: "invoice", documentID: 7, [line("Other", 5)])
        }
        #expect(try LineQueries.load(f.store, documentType: "quote", documentID: 7).map(\.description) == ["Delivery", "Sheeting"])
        try f.store.write("test") { try LineQueries.replace(f.store, documentType: "quote", documentID: 7, [line("Only", 1)]) }
        #expect(try LineQueries.load(f.store, documentType: "quote", documentID: 7) == [line("Only", 1)])
        #expect(try LineQueries.load(f.store, documentType: "invoice", documentID: 7).map(\.description) == ["Other"])
    }
}
