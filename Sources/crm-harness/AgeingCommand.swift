import ArgumentParser

extension CRMHarness {
    /// `crm-harness ageing`: ar.ageing as a table, one row per account and
    /// the book's total, each column a band of days past due.
    struct Ageing: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The receivables by how long they are past due on a date (ar.ageing).",
            discussion: """
                Exact as of the date: invoices issued by then, less what was paid, \
                credited and allocated by then. "current" is not yet due; open credit \
                notes and unallocated payments are shown beside the bands, and "net" is \
                what the account owes after them. docs/COMMANDS.md "Receivables ageing".

                Examples:
                  crm-harness ageing --db crm.sqlite
                  crm-harness ageing --as-of 2026-11-30 --buckets 30,60,90 --db crm.sqlite
                  crm-harness ageing --account 7 --json --db crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("as-of"), help: ArgumentHelp("The day to age on (YYYY-MM-DD; default today).", valueName: "date"))
        var asOf: String?
        @Option(help: ArgumentHelp("One account only.", valueName: "id"))
        var account: Int64?
        @Option(help: "The currency (default: the account's, or the book's one currency).")
        var currency: String?
        @Option(help: ArgumentHelp("The bands' upper bounds in days, ascending (default 30,60,90,120).", valueName: "days"))
        var buckets: String?

        func run() throws {
            try global.withDatabase { database in
                var arguments: JSON = ["as_of": .string(asOf ?? String(DemoRun.daysFromNow(0).prefix(10)))]
                if let account { arguments = arguments.setting("account_id", .int(account)) }
                if let currency { arguments = arguments.setting("currency", .string(currency)) }
                if let buckets {
                    var bounds: [JSON] = []
                    for part in buckets.split(separator: ",", omittingEmptySubsequences: false) {
                        guard let days = Int64(part.filter { $0 != " " }) else {
                            throw HarnessFailure(message: "ageing: --buckets must be whole numbers of days separated by commas, such as 30,60,90")
                        }
                        bounds.append(.int(days))
                    }
                    arguments = arguments.setting("buckets", .array(bounds))
                }
                let answer = try database.exec("ar.ageing", arguments)
                if global.json { return print(answer) }
                print(Ageing.render(answer), terminator: "")
            }
        }

        /// The header of a band: "current", "1-30", "over 120".
        static func bandName(_ bucket: JSON) -> String {
            guard let from = bucket["from_days"]?.int else { return "current" }
            guard let to = bucket["to_days"]?.int else { return "over \(from - 1)" }
            return "\(from)-\(to)"
        }

        /// The ageing as a table with a total row.
        static func render(_ answer: JSON) -> String {
            let currency = answer["currency"]?.string ?? "ZAR"
            let bands = (answer["buckets"]?.array ?? []).map(bandName)
            var headers = ["account"] + bands
            headers += ["total", "credit notes", "unallocated", "net"]
            var table = TextTable(headers, rightAligned: Set(1..<headers.count))
            func row(_ name: String, _ figures: JSON) -> [String] {
                let amounts = (figures["buckets"]?.array ?? []).map { DemoRun.money($0["amount_minor"]?.int ?? 0, currency) }
                return [name] + amounts + [figures["total_minor"], figures["open_credit_notes_minor"],
                                           figures["unallocated_payments_minor"], figures["net_minor"]]
                    .map { DemoRun.money($0?.int ?? 0, currency) }
            }
            for account in answer["accounts"]?.array ?? [] {
                table.add(row(account["name"]?.string ?? "account \(account["account_id"]?.int ?? 0)", account))
            }
            if answer["account_id"]?.int == nil { table.add(row("book", answer)) }
            return "receivables in \(currency) as of \(answer["as_of"]?.string ?? ""), by days past due\n" + table.render(indent: "  ")
        }
    }
}
