import ArgumentParser

extension CRMHarness {
    /// `crm-harness quote ID`: one quote as a readable document (quote.get);
    /// `crm-harness quote --list`: the quotes as a table (quote.list).
    struct Quote: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one quote as a document (quote.get), or list quotes (quote.list).",
            discussion: """
                Reads through the C ABI, like every subcommand. A quote shows its header, its lines \
                (quantities as decimals, 1.500 for quantity_milli 1500) and its totals. A sent quote \
                past its valid_until shows as expired as of --as-of (default today).

                Examples:
                  crm-harness quote 12 --db crm.sqlite
                  crm-harness quote 12 --html --db crm.sqlite > quote.html   (document.render)
                  crm-harness quote --list --status sent --db crm.sqlite
                  crm-harness exec quote.send '{"id": 12}' --db crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The quote to show.")
        var id: Int64?
        @Flag(help: "List quotes instead of showing one.")
        var list = false
        @Flag(help: "Print the document rendered as HTML by the default template (document.render).")
        var html = false
        @Flag(help: "Print the document rendered as text by the default template (document.render).")
        var text = false
        @Option(help: "Only quotes in this (effective) status: draft, sent, accepted, declined, expired, superseded.")
        var status: String?
        @Option(name: .customLong("account"), help: ArgumentHelp("Only this account's quotes.", valueName: "id"))
        var accountID: Int64?
        @Option(name: .customLong("as-of"), help: ArgumentHelp("The day expiry is judged on (YYYY-MM-DD).", valueName: "date"))
        var asOf: String?
        @Option(help: "At most this many quotes (1..500).")
        var limit: Int = 50

        func validate() throws {
            if html && text { throw ValidationError("give --html or --text, not both") }
            if (html || text) && id == nil { throw ValidationError("--html and --text render one document; give its id") }
            if list == (id != nil) { throw ValidationError("give a quote id, or --list") }
        }

        func run() throws {
            try global.withDatabase { database in
                if let id, html || text {
                    let rendered = try database.exec("document.render", ["type": .string("quote"), "id": .int(id), "format": .string(html ? "html" : "text")])
                    if global.json { return print(rendered) }
                    return print(rendered["body"]?.string ?? "", terminator: "")
                }
                if let id {
                    var arguments: JSON = ["id": .int(id)]
                    if let asOf { arguments = arguments.setting("as_of", .string(asOf)) }
                    let quote = try database.exec("quote.get", arguments)
                    if global.json { return print(quote) }
                    let account = try? database.exec("account.get", ["id": .int(quote["account_id"]?.int ?? 0)])
                    return print(Quote.document(quote, accountName: account?["name"]?.string), terminator: "")
                }
                var arguments: JSON = ["limit": .int(Int64(limit))]
                if let status { arguments = arguments.setting("status", .string(status)) }
                if let accountID { arguments = arguments.setting("account_id", .int(accountID)) }
                if let asOf { arguments = arguments.setting("as_of", .string(asOf)) }
                let page = try database.exec("quote.list", arguments)
                if global.json { return print(page) }
                let quotes = page["items"]?.array ?? []
                var table = TextTable(["id", "number", "status", "account", "issued", "valid until", "total"], rightAligned: [0, 6])
                for quote in quotes {
                    table.add([String(quote["id"]?.int ?? 0), quote["number"]?.string ?? "", Quote.status(quote),
                               String(quote["account_id"]?.int ?? 0), quote["issued_on"]?.string ?? "-",
                               quote["valid_until"]?.string ?? "-",
                               DemoRun.money(quote["total_minor"]?.int, quote["currency"]?.string ?? "ZAR")])
                }
                print(table.render(indent: ""), terminator: "")
                let more = page["next_cursor"]?.string != nil
                print("\(quotes.count) quote\(quotes.count == 1 ? "" : "s")\(more ? " (more: raise --limit or filter)" : "")")
            }
        }

        /// "sent", or "expired (sent)" for a sent quote past its date.
        static func status(_ quote: JSON) -> String {
            let status = quote["status"]?.string ?? ""
            let effective = quote["effective_status"]?.string ?? status
            return effective == status ? status : "\(effective) (\(status))"
        }

        /// Thousandths as a decimal: 1500 -> "1.500".
        static func decimal(_ milli: Int64?) -> String {
            guard let milli else { return "" }
            let magnitude = milli.magnitude
            let fraction = String(magnitude % 1000)
            return "\(milli < 0 ? "-" : "")\(magnitude / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
        }

        /// Basis points as a percentage: 1500 -> "15%", 1250 -> "12.5%".
        static func percent(_ bp: Int64?) -> String {
            guard let bp, bp != 0 else { return "" }
            var text = "\(bp / 100)"
            if bp % 100 != 0 {
                var fraction = String(bp % 100)
                if fraction.count < 2 { fraction = "0" + fraction }
                while fraction.hasSuffix("0") { fraction.removeLast() }
                text += "." + fraction
            }
            return text + "%"
        }

        /// The quote as a document: header, lines, totals, notes.
        static func document(_ quote: JSON, accountName: String?) -> String {
            let currency = quote["currency"]?.string ?? "ZAR"
            func money(_ key: String) -> String { DemoRun.money(quote[key]?.int, currency) }
            var text = "QUOTE \(quote["number"]?.string ?? "")  (revision \(quote["revision"]?.int ?? 1)"
            if let previous = quote["revision_of"]?.int { text += ", replaces quote \(previous)" }
            text += ")  \(status(quote))\n"
            let accountID = quote["account_id"]?.int ?? 0
            text += "  account:     \(accountName.map { "\($0) (\(accountID))" } ?? String(accountID))\n"
            if let contact = quote["contact_id"]?.int { text += "  contact:     \(contact)\n" }
            if let opportunity = quote["opportunity_id"]?.int { text += "  opportunity: \(opportunity)\n" }
            text += "  currency:    \(currency)\n"
            text += "  issued:      \(quote["issued_on"]?.string ?? "not yet sent")\n"
            text += "  valid until: \(quote["valid_until"]?.string ?? "-")\n"
            if let accepted = quote["accepted_on"]?.string { text += "  accepted:    \(accepted)\n" }
            if let reason = quote["decline_reason"]?.string { text += "  declined:    \(reason)\n" }
            text += "\n"
            var table = TextTable(["#", "description", "qty", "unit price", "discount", "tax", "net", "tax amount"],
                                  rightAligned: [0, 2, 3, 4, 5, 6, 7])
            for (index, line) in (quote["lines"]?.array ?? []).enumerated() {
                table.add([String(index + 1), line["description"]?.string ?? "", decimal(line["quantity_milli"]?.int),
                           DemoRun.money(line["unit_price_minor"]?.int, currency), percent(line["discount_bp"]?.int),
                           percent(line["tax_rate_bp"]?.int), DemoRun.money(line["net_minor"]?.int, currency),
                           DemoRun.money(line["tax_minor"]?.int, currency)])
            }
            text += table.render(indent: "  ")
            var totals = TextTable(["", ""], rightAligned: [1])
            totals.add(["subtotal", money("subtotal_minor")])
            totals.add(["tax", money("tax_minor")])
            totals.add(["total", money("total_minor")])
            // The totals without the header rows of a table.
            let rendered = totals.render(indent: "  ").split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2)
            text += "\n" + rendered.joined(separator: "\n")
            if let notes = quote["notes"]?.string { text += "\n  notes: \(notes)\n" }
            return text
        }
    }
}
