import ArgumentParser

extension CRMHarness {
    /// `crm-harness invoice ID`: one invoice as a readable document
    /// (invoice.get); `crm-harness invoice --list`: the invoices as a table
    /// (invoice.list), the debtors clerk's view.
    struct Invoice: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one invoice as a document (invoice.get), or list invoices (invoice.list).",
            discussion: """
                Reads through the C ABI, like every subcommand. An invoice shows its header, its lines \
                (quantities as decimals), its totals and what is still due; overdue is judged as of \
                --as-of (default today).

                Examples:
                  crm-harness invoice 3 --db crm.sqlite
                  crm-harness invoice 3 --html --db crm.sqlite > invoice.html   (document.render)
                  crm-harness invoice --list --overdue --db crm.sqlite
                  crm-harness exec invoice.issue '{"id": 3}' --db crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The invoice to show.")
        var id: Int64?
        @Flag(help: "List invoices instead of showing one.")
        var list = false
        @Flag(help: "Print the invoice rendered as HTML by the default template (document.render).")
        var html = false
        @Flag(help: "Print the invoice rendered as text by the default template (document.render).")
        var text = false
        @Option(help: "Only invoices in this status: draft, issued, partially_paid, paid, credited.")
        var status: String?
        @Option(name: .customLong("account"), help: ArgumentHelp("Only this account's invoices.", valueName: "id"))
        var accountID: Int64?
        @Flag(help: "Only invoices past their due date with a balance due.")
        var overdue = false
        @Option(name: .customLong("as-of"), help: ArgumentHelp("The day overdue is judged on (YYYY-MM-DD).", valueName: "date"))
        var asOf: String?
        @Option(help: "At most this many invoices (1..500).")
        var limit: Int = 50

        func validate() throws {
            if list == (id != nil) { throw ValidationError("give an invoice id, or --list") }
            if html && text { throw ValidationError("give --html or --text, not both") }
            if (html || text) && id == nil { throw ValidationError("--html and --text render one invoice; give its id") }
        }

        func run() throws {
            try global.withDatabase { database in
                if let id, html || text {
                    let rendered = try database.exec("document.render", ["type": "invoice", "id": .int(id), "format": .string(html ? "html" : "text")])
                    if global.json { return print(rendered) }
                    return print(rendered["body"]?.string ?? "", terminator: "")
                }
                if let id {
                    var arguments: JSON = ["id": .int(id)]
                    if let asOf { arguments = arguments.setting("as_of", .string(asOf)) }
                    let invoice = try database.exec("invoice.get", arguments)
                    if global.json { return print(invoice) }
                    let account = try? database.exec("account.get", ["id": .int(invoice["account_id"]?.int ?? 0)])
                    return print(Invoice.document(invoice, accountName: account?["name"]?.string), terminator: "")
                }
                var arguments: JSON = ["limit": .int(Int64(limit))]
                if let status { arguments = arguments.setting("status", .string(status)) }
                if let accountID { arguments = arguments.setting("account_id", .int(accountID)) }
                if overdue { arguments = arguments.setting("overdue", .bool(true)) }
                if let asOf { arguments = arguments.setting("as_of", .string(asOf)) }
                let page = try database.exec("invoice.list", arguments)
                if global.json { return print(page) }
                let invoices = page["items"]?.array ?? []
                var table = TextTable(["id", "number", "status", "account", "issued", "due", "total", "balance due"], rightAligned: [0, 6, 7])
                for invoice in invoices {
                    let currency = invoice["currency"]?.string ?? "ZAR"
                    table.add([String(invoice["id"]?.int ?? 0), invoice["number"]?.string ?? "(draft)", Invoice.status(invoice),
                               String(invoice["account_id"]?.int ?? 0), invoice["issued_on"]?.string ?? "-", invoice["due_on"]?.string ?? "-",
                               DemoRun.money(invoice["total_minor"]?.int, currency), DemoRun.money(invoice["balance_due_minor"]?.int, currency)])
                }
                print(table.render(indent: ""), terminator: "")
                let more = page["next_cursor"]?.string != nil
                print("\(invoices.count) invoice\(invoices.count == 1 ? "" : "s")\(more ? " (more: raise --limit or filter)" : "")")
            }
        }

        /// "issued", or "issued, overdue" past its due date with a balance.
        static func status(_ invoice: JSON) -> String {
            let status = invoice["status"]?.string ?? ""
            return invoice["overdue"]?.bool == true ? "\(status), overdue" : status
        }

        /// The invoice as a document: header, lines, totals and what is due.
        static func document(_ invoice: JSON, accountName: String?) -> String {
            let currency = invoice["currency"]?.string ?? "ZAR"
            func money(_ key: String) -> String { DemoRun.money(invoice[key]?.int, currency) }
            var text = "\(invoice["recorded"]?.bool == true ? "RECORDED " : "")INVOICE \(invoice["number"]?.string ?? "(draft)")  \(status(invoice))\n"
            let accountID = invoice["account_id"]?.int ?? 0
            text += "  account:   \(accountName.map { "\($0) (\(accountID))" } ?? String(accountID))\n"
            if let card = invoice["jobcard_id"]?.int { text += "  job card:  \(card)\n" }
            if let quote = invoice["quote_id"]?.int { text += "  quote:     \(quote)\n" }
            text += "  issued:    \(invoice["issued_on"]?.string ?? "not yet")\n"
            text += "  due:       \(invoice["due_on"]?.string ?? "-")\n\n"
            var table = TextTable(["#", "description", "qty", "unit price", "discount", "tax", "net", "tax amount"],
                                  rightAligned: [0, 2, 3, 4, 5, 6, 7])
            for (index, line) in (invoice["lines"]?.array ?? []).enumerated() {
                table.add([String(index + 1), line["description"]?.string ?? "", Quote.decimal(line["quantity_milli"]?.int),
                           DemoRun.money(line["unit_price_minor"]?.int, currency), Quote.percent(line["discount_bp"]?.int),
                           Quote.percent(line["tax_rate_bp"]?.int), DemoRun.money(line["net_minor"]?.int, currency),
                           DemoRun.money(line["tax_minor"]?.int, currency)])
            }
            text += table.render(indent: "  ") + "\n"
            for (label, key) in [("subtotal", "subtotal_minor"), ("tax", "tax_minor"), ("total", "total_minor"),
                                 ("credited", "credited_minor"), ("paid", "paid_minor"), ("balance due", "balance_due_minor")] {
                text += "  " + label + String(repeating: " ", count: 13 - label.count) + money(key) + "\n"
            }
            if let notes = invoice["notes"]?.string { text += "  notes: \(notes)\n" }
            return text
        }
    }
}
