import CCRM

extension DemoRun {
    // MARK: 15. Credit control

    /// Who pays late, who is slipping and who is worth the risk: eighteen
    /// months of the old ledger's invoices and receipts brought in, the book
    /// aged, the accounts scored by payment speed, one slipping account
    /// explained, the book's DSO and collection figures, a credit policy that
    /// warns, blocks and holds at the right step (with an override and a
    /// hold that a payment releases), dunning letters, and a statement.
    /// A rerun replays every record and writes nothing new on the same day.
    func credit() throws {
        heading(15, "Credit control: who pays late, who is slipping, and the step where it matters")
        let today = String(DemoRun.daysFromNow(0).prefix(10))
        let history = try importPaymentHistory()
        say("invoice.record and payment.record bring in 18 months of the old ledger's invoices and receipts for five")
        say("customers (source \"\(DemoCreditHistory.source)\" and \"\(DemoCreditHistory.bankSource)\"): \(history.created) records created, \(history.replayed) replayed.")
        say("Every allocation is a payment experience: paid on day X against a due date D is X - D days beyond terms.")
        say()
        let ageing = try database.exec("ar.ageing", ["as_of": .string(today)])
        say("ar.ageing: what the book is owed today, by days past due (exact as of any date):")
        if prose { print(CRMHarness.Ageing.render(ageing), terminator: "") }

        // The five customers side by side: score, trend, share paid late, ADBT, overdue, a suggested limit.
        say()
        say("credit.score per customer (1-100, amount-weighted over 24 months; the key follows the public PAYDEX anchors:")
        say("80 on the due date, 50 at 30 days late, 20 at 120) and credit.suggest_limit from score, billing and history:")
        var table = TextTable(["customer", "habit", "score", "trend", "paid late", "ADBT", "overdue", "suggested limit"],
                              rightAligned: [2, 4, 5, 6, 7])
        var scores: [String: JSON] = [:]
        for habit in DemoCreditHistory.habits {
            let id = history.accounts[habit.code] ?? 0
            let score = try database.exec("credit.score", ["account_id": .int(id), "as_of": .string(today)])
            let suggested = try database.exec("credit.suggest_limit", ["account_id": .int(id), "as_of": .string(today)])
            scores[habit.code] = score
            let account = try database.exec("account.get", ["id": .int(id)])
            let trend = score["trend"]
            let direction = trend?["direction"]?.string.map { "\($0) (\(trend?["change"]?.int.map { $0 > 0 ? "+\($0)" : String($0) } ?? ""))" } ?? "-"
            table.add([account["name"]?.string ?? habit.code, habit.habit, CRMHarness.Credit.scoreText(score), direction,
                       DemoRun.percent(score["late_share"]?["rate_bp"]?.int),
                       CRMHarness.Credit.days(score["adbt"]), DemoRun.money(score["overdue_minor"]?.int ?? 0, "ZAR"),
                       DemoRun.money(suggested["limit_minor"]?.int ?? 0, "ZAR")])
        }
        show(table)

        // The slipping customer, explained.
        let slipping = history.accounts["MTH001"] ?? 0
        let explained = try database.exec("credit.explain", ["account_id": .int(slipping), "as_of": .string(today), "limit": 6])
        say()
        say("credit.explain: what moved Mthembu Hardware's score most (effect in points against the score without it):")
        var moved = TextTable(["invoice", "paid on", "amount", "days beyond terms", "key", "effect"], rightAligned: [2, 3, 4, 5])
        for item in explained["explained"]?.array ?? [] {
            moved.add([item["number"]?.string ?? "", item["settled_on"]?.string ?? "still open",
                       DemoRun.money(item["amount_minor"]?.int ?? 0, "ZAR"), String(item["days_beyond_terms"]?.int ?? 0),
                       CRMHarness.Credit.keyText(item["key_hundredths"]), CRMHarness.Credit.effectText(item)])
        }
        show(moved)

        // The book's collection figures over the last twelve months.
        let yearAgo = CRMHarness.Credit.yearBefore(today)
        let simple = try database.exec("ar.metrics", ["from": .string(yearAgo), "to": .string(today)])
        let countback = try database.exec("ar.metrics", ["from": .string(yearAgo), "to": .string(today), "dso_method": "countback"])
        say()
        say("ar.metrics for the book, \(yearAgo) to \(today):")
        var figures = TextTable(["figure", "value"], rightAligned: [1])
        figures.add(["DSO (simple)", CRMHarness.Credit.days(simple["dso"])])
        figures.add(["DSO (count-back)", CRMHarness.Credit.days(countback["dso"])])
        figures.add(["best possible DSO", CRMHarness.Credit.days(simple["best_possible_dso"])])
        figures.add(["average days delinquent", CRMHarness.Credit.days(simple["average_days_delinquent"])])
        figures.add(["average days to pay", CRMHarness.Credit.days(simple["average_days_to_pay"])])
        figures.add(["collection effectiveness (CEI)", DemoRun.percent(simple["cei"]?["rate_bp"]?.int)])
        figures.add(["ADBT (settled invoices)", CRMHarness.Credit.days(simple["adbt"])])
        show(figures)

        try creditPolicy(today: today, slipping: slipping)
        remember("credit", ["created": .int(Int64(history.created)), "replayed": .int(Int64(history.replayed)),
                            "scores": .object(scores.map { ($0.key, $0.value["score"] ?? .null) }.sorted { $0.0 < $1.0 })])
    }

    /// A percentage from basis points ("12.34%"), "-" without one.
    static func percent(_ basisPoints: Int64?) -> String {
        guard let basisPoints else { return "-" }
        let magnitude = basisPoints.magnitude
        return "\(basisPoints < 0 ? "-" : "")\(magnitude / 100).\(magnitude % 100 < 10 ? "0" : "")\(magnitude % 100)%"
    }

    /// The policy at work: configured once, the daily review places holds,
    /// a quote acceptance warns, a job card is blocked until the credit
    /// controller overrides, the dunning run writes its letters, and a
    /// payment releases the hold and resolves the letters.
    private func creditPolicy(today: String, slipping: Int64) throws {
        say()
        let policy = try database.exec("credit.configure_policy", [
            "overdue_limit_minor": 0, "overdue_days": 30, "min_score": 50,
            "quote_acceptance": "warn", "jobcard_creation": "block", "invoice_issue": "hold",
        ])
        say("credit.configure_policy (the default for every account, version \(policy["version"]?.int ?? 0)): nothing more than 30 days")
        say("past due, a payment-speed score of at least 50, and the limit on each account record; outside it a quote")
        say("acceptance warns, a job card is blocked and an invoice issue puts the account on hold.")
        // A new order from Mthembu: the quote acceptance warns, the job card is blocked.
        say()
        let products = try database.exec("product.list", ["limit": 100])["items"]?.array ?? []
        let sheeting = products.first { $0["code"]?.string == "CEIL-6.4" }?["id"]?.int ?? 0
        var (quote, _) = try importRecord("quote.create", type: "quote", source: DemoData.opportunitySource, ref: "QT-2027-0057",
                                          arguments: ["account_id": .int(slipping), "valid_until": "2027-01-31",
                                                      "lines": [["product_id": .int(sheeting), "quantity_milli": 60_000]]])
        let quoteID = quote["id"]?.int ?? 0
        if quote["status"]?.string == "draft" {
            quote = try database.exec("quote.send", ["id": .int(quoteID), "issued_on": .string(today)])
        }
        if quote["status"]?.string == "sent" {
            quote = try database.exec("quote.accept", ["id": .int(quoteID)])
            let reasons = (quote["credit"]?["reasons"]?.array ?? []).compactMap { $0["message"]?.string }
            say("quote.accept \(quote["number"]?.string ?? "") for Mthembu Hardware (\(DemoRun.money(quote["total_minor"]?.int, "ZAR"))): \(quote["credit"]?["decision"]?.string ?? "allow"); the")
            say("step goes through and its result and event say why: \(reasons.joined(separator: "; "))")
        } else {
            say("quote.accept \(quote["number"]?.string ?? ""): accepted on an earlier run.")
        }
        let card: (record: JSON, outcome: ImportOutcome)
        do {
            card = try importRecord("jobcard.create", type: "jobcard", source: DemoData.opportunitySource, ref: "WO-2027-0057",
                                    arguments: ["quote_id": .int(quoteID), "description": "Deliver 60 ceiling boards to the Pietermaritzburg store"])
        } catch let failure as CRMFailure where failure.code == CRM_CREDIT_HOLD {
            say("jobcard.create is refused with CRM_CREDIT_HOLD; crm_errmsg says:")
            say("  \(failure.message)")
            say("and json_result carries the decision (exposure \(DemoRun.money(failure.detail?["exposure_minor"]?.int, "ZAR")), overdue \(DemoRun.money(failure.detail?["overdue_minor"]?.int, "ZAR"))).")
            let grant = try database.exec("credit.override", [
                "account_id": .int(slipping), "stage": "jobcard_creation", "document_id": .int(quoteID),
                "user": "Naledi Khumalo", "reason": "Owner promised payment of the overdue invoices by Friday; order is for a school",
            ])
            say("credit.override by \(grant["user"]?.string ?? "") (\(grant["reason"]?.string ?? "")) lets this one step through:")
            card = try importRecord("jobcard.create", type: "jobcard", source: DemoData.opportunitySource, ref: "WO-2027-0057",
                                    arguments: ["quote_id": .int(quoteID), "description": "Deliver 60 ceiling boards to the Pietermaritzburg store"])
            say("  jobcard.create \(card.record["number"]?.string ?? "") goes through on override \(card.record["credit"]?["override"]?["id"]?.int ?? 0); its result and its")
            say("  jobcard.created event carry the decision (\(card.record["credit"]?["decision"]?.string ?? "")) and who overrode it, and credit.overridden was announced.")
        }
        if card.outcome != .created { say("jobcard.create \(card.record["number"]?.string ?? ""): made on an earlier run (replayed).") }

        // The daily review: the accounts outside policy go on hold.
        say()
        let review = try database.exec("credit.review", ["as_of": .string(today)])
        let placed = review["placed"]?.array ?? []
        say("credit.review as of \(today) (the daily run): \(placed.count) hold\(placed.count == 1 ? "" : "s") placed\(placed.isEmpty ? " (none new: the holds were placed on an earlier run)" : ":")")
        for hold in placed {
            let reasons = (hold["reasons"]?.array ?? []).compactMap { $0["message"]?.string }.joined(separator: "; ")
            let name = try database.exec("account.get", ["id": .int(hold["account_id"]?.int ?? 0)])["name"]?.string ?? ""
            say("  \(name): \(reasons)")
        }
        let held = try database.exec("credit.check", ["account_id": .int(slipping), "stage": "invoice_issue", "as_of": .string(today)])
        if held["decision"]?.string == "allow" {
            say("credit.check for an invoice issue to Mthembu now: allow (it paid and its hold was released on an earlier run).")
        } else {
            say("credit.check for an invoice issue to Mthembu now: \(held["decision"]?.string ?? "")"
                + " (\((held["reasons"]?.array ?? []).compactMap { $0["rule"]?.string }.joined(separator: ", ")))."
                + " Every step that does not simply allow is refused until the hold is released.")
        }

        // Dunning: the letters due today, once per invoice and level.
        say()
        let run = try database.exec("dunning.run", ["as_of": .string(today)])
        let letters = run["letters"]?.array ?? []
        say("dunning.run as of \(today): \(letters.count) letter\(letters.count == 1 ? "" : "s") (a dunning.letter event each, for the host to send;")
        say("a level goes once per invoice, so a second run today writes nothing):")
        if !letters.isEmpty {
            var sent = TextTable(["invoice", "level", "days overdue", "outstanding", "channel"], rightAligned: [1, 2, 3])
            for letter in letters {
                sent.add([letter["invoice_number"]?.string ?? "", "\(letter["level"]?.int ?? 0) \(letter["template"]?.string ?? "")",
                          String(letter["days_overdue"]?.int ?? 0), DemoRun.money(letter["outstanding_minor"]?.int, "ZAR"),
                          letter["channel"]?.string ?? "no channel"])
            }
            show(sent)
        }

        // Mthembu pays what is overdue: the hold releases itself and its letters resolve.
        say()
        let open = try database.exec("invoice.list", ["account_id": .int(slipping), "limit": 100])["items"]?.array ?? []
        let overdue = open.filter { $0["overdue"]?.bool == true }
        let owed = overdue.reduce(Int64(0)) { $0 + ($1["balance_due_minor"]?.int ?? 0) }
        if owed > 0 {
            let paid = try database.exec("payment.record", [
                "account_id": .int(slipping), "amount_minor": .int(owed), "method": "eft", "received_on": .string(today),
                "reference": "MTHEMBU OVERDUE", "source": .string(DemoCreditHistory.bankSource), "external_ref": .string("EFT-MTH001-CATCH-UP-\(today)"),
            ])
            say("payment.record: Mthembu pays its \(overdue.count) overdue invoices (\(DemoRun.money(paid["allocated_minor"]?.int, "ZAR")), oldest first).")
        } else {
            say("(Mthembu paid its overdue invoices on an earlier run)")
        }
        let holds = try database.exec("credit.holds", ["account_id": .int(slipping)])["items"]?.array ?? []
        for hold in holds {
            say("  credit hold \(hold["id"]?.int ?? 0): \(hold["status"]?.string ?? "")\(hold["release_reason"]?.string.map { ", \($0)" } ?? "") (\(hold["kind"]?.string ?? ""))")
        }
        let resolved = try database.exec("dunning.list", ["account_id": .int(slipping), "status": "resolved", "limit": 100])["items"]?.array ?? []
        say("  dunning letters resolved by the payment: \(resolved.count) (a dunning.resolved event per invoice).")
        let after = try database.exec("credit.check", ["account_id": .int(slipping), "stage": "invoice_issue", "as_of": .string(today)])
        say("credit.check for an invoice issue now: \(after["decision"]?.string ?? "").")

        // The statement the debtors clerk sends.
        say()
        let statementFrom = CRMHarness.Credit.yearBefore(today).prefix(8) + "01"
        let statement = try database.exec("document.render", ["type": "statement", "account_id": .int(slipping),
                                                               "from": .string(String(statementFrom)), "to": .string(today), "format": "text"])
        say("document.render type statement (text) for Mthembu Hardware, \(statementFrom) to \(today):")
        if prose {
            let lines = (statement["body"]?.string ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            for line in lines.prefix(14) { print("  \(line)") }
            if lines.count > 20 { print("  ...") }
            for line in lines.suffix(14) { print("  \(line)") }
        }
    }

    /// Brings in eighteen months of the old ledger's invoices and receipts
    /// (`invoice.record`, `payment.record` with the bank statement's line as
    /// its reference); a rerun replays every one. Returns the account ids by
    /// customer code and how many records were created and replayed.
    func importPaymentHistory() throws -> (accounts: [String: Int64], created: Int, replayed: Int) {
        var accounts: [String: Int64] = [:]
        var created = 0, replayed = 0
        for habit in DemoCreditHistory.habits {
            let accountID = try accountID(habit.code)
            accounts[habit.code] = accountID
            let account = try database.exec("account.get", ["id": .int(accountID)])
            let terms = account["payment_terms_days"]?.int ?? 30
            for invoice in DemoCreditHistory.invoices(habit, termsDays: terms) {
                let (recorded, outcome) = try importRecord("invoice.record", type: "invoice", source: DemoCreditHistory.source,
                                                           ref: invoice.number, arguments: [
                    "account_id": .int(accountID), "number": .string(invoice.number), "issued_on": .string(invoice.issuedOn),
                    "total_minor": .int(invoice.totalMinor), "tax_minor": .int(invoice.taxMinor),
                ])
                if outcome == .created { created += 1 } else { replayed += 1 }
                guard let paidOn = invoice.paidOn, let invoiceID = recorded["id"]?.int else { continue }
                let (_, paid) = try importRecord("payment.record", type: "payment", source: DemoCreditHistory.bankSource,
                                                 ref: "EFT-\(invoice.number)", arguments: [
                    "account_id": .int(accountID), "amount_minor": .int(invoice.totalMinor), "method": "eft",
                    "received_on": .string(paidOn), "reference": .string(invoice.number),
                    // The old ledger has these receipts (and the invoices) already: no posting for the host's books.
                    "posting": false,
                    "allocations": [["invoice_id": .int(invoiceID), "amount_minor": .int(invoice.totalMinor)]],
                ])
                if paid == .created { created += 1 } else { replayed += 1 }
            }
        }
        return (accounts, created, replayed)
    }
}
