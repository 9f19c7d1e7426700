extension DemoRun {
    // MARK: 13. The document chain

    /// The catalogue imported from the stock system, the proposal for the
    /// townhouse trusses written up as a quote from it, sent and accepted
    /// (which wins the deal), and the job card the site team works from:
    /// the quoted materials, its tasks, the hours actually worked and an
    /// extra part, signed off by the customer. A rerun replays the catalogue,
    /// the quote and the job card and moves nothing twice.
    func documents() throws {
        heading(13, "The document chain: a quote from the catalogue, accepted, the job done, invoiced and paid")
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

        // The site team's job card: the quoted materials and delivery (not the
        // quoted hours: the hours come from what the team logs).
        let (created, cardOutcome) = try importRecord("jobcard.create", type: "jobcard", source: DemoData.opportunitySource,
                                                      ref: "WO-2027-0042", arguments: [
            "quote_id": .int(quoteID), "line_positions": [0, 1, 2], "site": "Erf 1177, Olifantsfontein Road, Midrand",
            "description": "Supply, deliver and erect trusses and ceilings for 14 townhouses",
            "tasks": [["description": "Deliver trusses and ceiling boards"], ["description": "Erect trusses, units 1-7"],
                      ["description": "Erect trusses, units 8-14"], ["description": "Fix ceiling boards"]],
        ])
        var card = created
        let cardID = card["id"]?.int ?? 0
        say()
        say("jobcard.create from the accepted quote, with the quoted materials and delivery (\(cardOutcome.rawValue)):")
        func step(_ command: String, _ arguments: JSON, _ note: String) throws {
            card = try database.exec(command, arguments.setting("id", .int(cardID)))
            say("  \(command): \(note) -> \(card["status"]?.string ?? "")")
        }
        if card["status"]?.string == "open" {
            try step("jobcard.schedule", ["scheduled_on": .string(String(DemoRun.daysFromNow(2).prefix(10))),
                                          "technicians": ["Sipho Dube", "Themba Nkosi"]], "two days on, Sipho and Themba")
        }
        if card["status"]?.string == "scheduled" {
            try step("jobcard.start", [:], "the team is on site")
            for (technician, minutes) in [("Sipho Dube", Int64(2_880)), ("Themba Nkosi", Int64(2_640))] {
                var remaining = minutes, day: Int64 = 2
                while remaining > 0 {  // one entry per day on site
                    let today = min(remaining, 600)
                    card = try database.exec("jobcard.log_labour", [
                        "id": .int(cardID), "technician": .string(technician), "minutes": .int(today),
                        "product_id": .int(productIDs["LAB-ERECT"] ?? 0), "worked_on": .string(String(DemoRun.daysFromNow(day).prefix(10))),
                    ])
                    remaining -= today
                    day += 1
                }
                say("  jobcard.log_labour: \(technician), \(minutes / 60) hours in 10-hour days")
            }
            try step("jobcard.use_part", ["product_id": .int(productIDs["CEIL-6.4"] ?? 0), "quantity_milli": 12_000],
                     "12 more ceiling boards (breakage)")
            for position in 0..<4 {
                card = try database.exec("jobcard.task", ["id": .int(cardID), "position": .int(Int64(position)), "status": "done"])
            }
            try step("jobcard.complete", ["signed_by": "Pieter van Wyk"], "signed off by the customer")
        } else {
            say("  (the job was done on an earlier run: nothing to do)")
        }
        do {
            _ = try database.exec("jobcard.start", ["id": .int(cardID)])
        } catch let failure as CRMFailure {
            say("A completed job is not started again: \(failure.message)")
        }
        say()
        if prose { print(CRMHarness.JobCard.workOrder(card, customer: account["name"]?.string ?? ""), terminator: "") }

        // The invoice: what the job card says was done (parts and the hours logged).
        var (invoice, invoiceOutcome) = try importRecord("invoice.create", type: "invoice", source: DemoData.opportunitySource,
                                                         ref: "INV-WO-2027-0042", arguments: ["jobcard_id": .int(cardID)])
        let invoiceID = invoice["id"]?.int ?? 0
        say()
        say("invoice.create from the signed-off job card: its parts and the hours logged (\(invoiceOutcome.rawValue)).")
        if invoice["status"]?.string == "draft" {
            invoice = try database.exec("invoice.issue", ["id": .int(invoiceID)])
            say("invoice.issue: \(invoice["number"]?.string ?? "") takes the next number of its series, due \(invoice["due_on"]?.string ?? "") by the")
            say("customer's payment terms; the invoice.issued event carries the posting for the ledger:")
            var posting = TextTable(["account", "debit", "credit"], rightAligned: [1, 2])
            for line in invoice["posting"]?["lines"]?.array ?? [] {
                posting.add([line["account"]?.string ?? "", line["debit_minor"]?.int.map { DemoRun.money($0, "ZAR") } ?? "",
                             line["credit_minor"]?.int.map { DemoRun.money($0, "ZAR") } ?? ""])
            }
            show(posting)
        } else {
            say("(the invoice was issued on an earlier run: \(invoice["number"]?.string ?? ""))")
        }
        do {
            _ = try database.exec("invoice.update", ["id": .int(invoiceID), "notes": "changed"])
        } catch let failure as CRMFailure {
            say("An issued invoice is never edited: \(failure.message)")
        }

        // The customer pays: a deposit, then the rest and a little more by mistake.
        say()
        say("crm_payment_record (the typed C call a cash book makes) allocates each payment oldest-first:")
        // The amounts follow the invoice's total, the same on a rerun (when it is paid already).
        let total = invoice["total_minor"]?.int ?? 0
        var deposit = CRMDatabase.PaymentReceived()
        deposit.accountID = invoice["account_id"]?.int ?? 0
        deposit.amountMinor = 20_000_000
        deposit.reference = "VAN WYK BOUERS DEP"
        deposit.receivedOn = invoice["issued_on"]?.string  // stable: a rerun on a later day replays
        deposit.source = "bank-statement"
        deposit.externalRef = "FNB-2026-12-06-0042"
        let first = try database.recordPayment(deposit)
        if prose { print(CRMHarness.Pay.summary(first), terminator: "") }
        var rest = deposit
        rest.amountMinor = max(0, total - 20_000_000) + 100_000
        rest.reference = "VAN WYK BOUERS FINAL"
        rest.externalRef = "FNB-2026-12-20-0107"
        var second = try database.recordPayment(rest)
        if prose { print(CRMHarness.Pay.summary(second), terminator: "") }
        let secondID = second["id"]?.int ?? 0
        if (second["unallocated_minor"]?.int ?? 0) > 0 {
            second = try database.exec("payment.refund", ["payment_id": .int(secondID), "amount_minor": .int(second["unallocated_minor"]?.int ?? 0),
                                                          "reason": "overpaid: refunded to the customer's account"])
            say("payment.refund: the R 1 000.00 overpaid goes back; unallocated credit now \(DemoRun.money(second["unallocated_minor"]?.int, "ZAR")).")
        } else {
            say("(the overpayment was refunded on an earlier run)")
        }
        invoice = try database.exec("invoice.get", ["id": .int(invoiceID)])
        say()
        if prose { print(CRMHarness.Invoice.document(invoice, accountName: account["name"]?.string), terminator: "") }
        remember("documents", ["products": .int(Int64(productIDs.count)), "quote": .string(quote["number"]?.string ?? ""),
                               "quote_status": .string(quote["status"]?.string ?? ""),
                               "jobcard_status": .string(card["status"]?.string ?? ""),
                               "invoice": .string(invoice["number"]?.string ?? ""),
                               "invoice_status": .string(invoice["status"]?.string ?? "")])
    }
}
