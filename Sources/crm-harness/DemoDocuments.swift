extension DemoRun {
    // MARK: 13. The document chain

    /// The catalogue imported from the stock system, the proposal for the
    /// townhouse trusses written up as a quote from it, sent and accepted
    /// (which wins the deal). A rerun replays the catalogue and the quote and
    /// moves nothing twice.
    func documents() throws {
        heading(13, "The document chain: a quote from the catalogue, accepted")
        var catalogue = TextTable(["code", "product", "kind", "unit", "price", "VAT", "revenue", "import"], rightAligned: [4, 5])
        var productIDs: [String: Int64] = [:]
        for product in DemoData.products {
            let (record, outcome) = try importRecord("product.create", type: "product", source: DemoData.stockSource,
                                                     ref: product.ref, arguments: product.fields)
            productIDs[product.ref] = record["id"]?.int
            catalogue.add([record["code"]?.string ?? "", record["name"]?.string ?? "", record["kind"]?.string ?? "",
                           record["unit"]?.string ?? "", DemoRun.money(record["unit_price_minor"]?.int, "ZAR"),
                           CRMHarness.Quote.percent(record["tax_rate_bp"]?.int), record["revenue_account"]?.string ?? "-",
                           outcome.rawValue])
        }
        say("product.create with the stock system's codes (source \"\(DemoData.stockSource)\"):")
        show(catalogue)

        // The proposal for Van Wyk's 14 townhouses, as a quote on its opportunity.
        let deals = try database.exec("opportunity.list", ["limit": 100])["items"]?.array ?? []
        guard let deal = deals.first(where: { $0["title"]?.string?.hasPrefix("Trusses and ceiling boards") == true }),
              let dealID = deal["id"]?.int else {
            throw HarnessFailure(message: "demo: no opportunity for the townhouse trusses")
        }
        func line(_ ref: String, _ quantityMilli: Int64, discountBP: Int64 = 0) -> JSON {
            ["product_id": .int(productIDs[ref] ?? 0), "quantity_milli": .int(quantityMilli), "discount_bp": .int(discountBP)]
        }
        var fields: JSON = [
            "opportunity_id": .int(dealID), "valid_until": "2027-01-31",
            "notes": "Prices held until 31 January 2027. Trusses to SANS 10243, erection by our own team.",
            "lines": [line("TRUSS-6M", 126_000, discountBP: 500), line("CEIL-6.4", 448_000, discountBP: 500),
                      line("DEL-GP", 3_000), line("LAB-ERECT", 96_000)],
        ]
        if let contact = deal["contact_id"]?.int { fields = fields.setting("contact_id", .int(contact)) }
        var (quote, outcome) = try importRecord("quote.create", type: "quote", source: DemoData.opportunitySource,
                                                ref: "QT-2027-0042", arguments: fields)
        let quoteID = quote["id"]?.int ?? 0
        say()
        say("quote.create on opportunity \(dealID), its lines priced from the catalogue (\(outcome.rawValue)); the totals follow")
        say("the one rounding rule: line net = quantity x price less discount, tax per line, half away from zero.")
        if quote["status"]?.string == "draft" {
            quote = try database.exec("quote.send", ["id": .int(quoteID), "issued_on": .string(String(DemoRun.daysFromNow(0).prefix(10)))])
            say("quote.send: \(quote["number"]?.string ?? "") is sent and frozen; an edit now is refused.")
        }
        if quote["status"]?.string == "sent" {
            quote = try database.exec("quote.accept", ["id": .int(quoteID)])
            let won = try database.exec("opportunity.get", ["id": .int(dealID)])
            say("quote.accept: the customer signed; opportunity \(dealID) is now \(won["status"]?.string ?? "") (\(won["close_reason"]?.string ?? "")).")
        } else {
            say("(the quote was accepted on an earlier run: nothing to do)")
        }
        do {
            _ = try database.exec("quote.update", ["id": .int(quoteID), "notes": "changed"])
        } catch let failure as CRMFailure {
            say("An accepted quote is not edited: \(failure.message)")
        }
        say()
        let account = try database.exec("account.get", ["id": .int(quote["account_id"]?.int ?? 0)])
        if prose { print(CRMHarness.Quote.document(quote, accountName: account["name"]?.string), terminator: "\n") }
        remember("documents", ["products": .int(Int64(productIDs.count)), "quote": .string(quote["number"]?.string ?? ""),
                               "quote_status": .string(quote["status"]?.string ?? "")])
    }
}
