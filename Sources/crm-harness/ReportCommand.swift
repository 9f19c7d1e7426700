import ArgumentParser

extension CRMHarness {
    /// `crm-harness report`: the pipeline and time reports that have no
    /// subcommand of their own, each as a table (`funnel` and `forecast`
    /// have theirs).
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sales reports as tables: cycle, win-loss, lead-conversion, time.",
            discussion: """
                Each runs its report.* command through the C ABI; --json prints the library's answer. \
                docs/COMMANDS.md "Pipeline reports" and "Time per rep and per customer" define every figure. \
                See also: crm-harness funnel, crm-harness forecast.

                Examples:
                  crm-harness report cycle --from 2026-01-01 --to 2026-12-31 --db crm.sqlite
                  crm-harness report win-loss --from 2026-01-01 --to 2026-12-31 --by competitor --db crm.sqlite
                  crm-harness report lead-conversion --from 2026-01-01 --to 2026-12-31 --by campaign --db crm.sqlite
                  crm-harness report time --from 2026-12-01 --to 2026-12-31 --by account --db crm.sqlite
                """,
            subcommands: [Cycle.self, WinLoss.self, LeadConversion.self, Time.self])

        /// The date range every report takes.
        struct Range: ParsableArguments {
            @Option(help: ArgumentHelp("The first day of the range (YYYY-MM-DD).", valueName: "date"))
            var from: String
            @Option(help: ArgumentHelp("The last day of the range (YYYY-MM-DD).", valueName: "date"))
            var to: String

            var json: JSON { ["from": .string(from), "to": .string(to)] }
        }

        /// Days as "12.50", or "-" when there is nothing to average.
        static func days(_ value: JSON?) -> String {
            guard let hundredths = value?["hundredths"]?.int else { return "-" }
            let rest = abs(hundredths % 100)
            return "\(hundredths / 100).\(rest < 10 ? "0" : "")\(rest)"
        }

        /// A rate as "59.11%" alone (for money, whose fraction would be long), or "-".
        static func percent(_ value: JSON?) -> String {
            String(Funnel.rate(value).prefix { $0 != " " })
        }

        /// A group's name from its dimensions ("(none)" for a null one).
        static func name(_ row: JSON, _ dimensions: [String]) -> String {
            dimensions.map { row[$0]?.string ?? "(none)" }.joined(separator: " / ")
        }

        /// `crm-harness report cycle`: days from creation to won or lost, and time in each stage.
        struct Cycle: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Days from creation to won or lost, and the average time in each stage (report.cycle).")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var range: Range
            @Option(name: .customLong("as-of"), help: ArgumentHelp("Where the stage a deal is in ends (a date or timestamp; default now).", valueName: "time"))
            var asOf: String?

            func run() throws {
                try global.withDatabase { database in
                    var arguments = range.json
                    if let asOf { arguments = arguments.setting("as_of", .string(asOf)) }
                    let answer = try database.exec("report.cycle", arguments)
                    if global.json { return print(answer) }
                    var closed = TextTable(["closed", "deals", "average days", "median days"], rightAligned: [1, 2, 3])
                    for outcome in ["won", "lost", "all"] {
                        let figures = answer["closed"]?[outcome]
                        closed.add([outcome, String(figures?["opportunities"]?.int ?? 0), Report.days(figures?["average_days"]),
                                    Report.days(figures?["median_days"])])
                    }
                    print("sales cycle of the deals closed \(range.from) to \(range.to)")
                    print(closed.render(indent: "  "), terminator: "")
                    var stages = TextTable(["stage", "visits", "average days"], rightAligned: [1, 2])
                    for stage in answer["stages"]?.array ?? [] {
                        stages.add([stage["stage"]?.string ?? "", String(stage["visits"]?.int ?? 0), Report.days(stage["average_days"])])
                    }
                    print("time in each stage (entries \(range.from) to \(range.to), as of \(answer["as_of"]?.string ?? ""))")
                    print(stages.render(indent: "  "), terminator: "")
                }
            }
        }

        /// `crm-harness report win-loss`: won against lost by reason, competitor or owner.
        struct WinLoss: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "win-loss", abstract: "Deals won and lost by reason, competitor or owner (report.win_loss).")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var range: Range
            @Option(help: "The opportunities' currency (one per report).")
            var currency: String = "ZAR"
            @Option(help: ArgumentHelp("close_reason (default), competitor or owner.", valueName: "dimension"))
            var by: String = "close_reason"

            func run() throws {
                try global.withDatabase { database in
                    let answer = try database.exec("report.win_loss", range.json.setting("currency", .string(currency)).setting("group_by", .string(by)))
                    if global.json { return print(answer) }
                    var table = TextTable([by, "won", "won value", "lost", "lost value", "win rate", "value win rate"], rightAligned: [1, 2, 3, 4, 5, 6])
                    func add(_ label: String, _ row: JSON?) {
                        table.add([label, String(row?["won"]?["opportunities"]?.int ?? 0), DemoRun.money(row?["won"]?["amount_minor"]?.int ?? 0, currency),
                                   String(row?["lost"]?["opportunities"]?.int ?? 0), DemoRun.money(row?["lost"]?["amount_minor"]?.int ?? 0, currency),
                                   Funnel.rate(row?["win_rate"]), Report.percent(row?["value_win_rate"])])
                    }
                    for row in answer["rows"]?.array ?? [] { add(Report.name(row, [by]), row) }
                    add("total", answer["total"])
                    print("\(currency) deals closed \(range.from) to \(range.to), won and lost by \(by)")
                    print(table.render(indent: "  "), terminator: "")
                }
            }
        }

        /// `crm-harness report lead-conversion`: leads to customers by source channel or campaign.
        struct LeadConversion: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "lead-conversion", abstract: "Leads to customers and won deals by source channel or campaign (report.lead_conversion).")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var range: Range
            @Option(help: ArgumentHelp("source_channel (default) or campaign.", valueName: "dimension"))
            var by: String = "source_channel"

            func run() throws {
                try global.withDatabase { database in
                    let answer = try database.exec("report.lead_conversion", range.json.setting("group_by", .string(by)))
                    if global.json { return print(answer) }
                    var table = TextTable([by, "leads", "converted", "customers", "new accounts", "won", "conversion", "won rate"],
                                          rightAligned: [1, 2, 3, 4, 5, 6, 7])
                    func add(_ label: String, _ row: JSON?) {
                        table.add([label] + ["leads", "converted", "customers", "new_accounts", "won"].map { String(row?[$0]?.int ?? 0) }
                                  + [Funnel.rate(row?["conversion_rate"]), Funnel.rate(row?["won_rate"])])
                    }
                    for row in answer["rows"]?.array ?? [] { add(Report.name(row, [by]), row) }
                    add("total", answer["total"])
                    print("leads captured \(range.from) to \(range.to), by \(by)")
                    print(table.render(indent: "  "), terminator: "")
                }
            }
        }

        /// `crm-harness report time`: minutes spent per rep or per customer.
        struct Time: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Activities completed and minutes spent, per rep or per customer (report.time).")

            @OptionGroup var global: GlobalOptions
            @OptionGroup var range: Range
            @Option(help: ArgumentHelp("owner (default) or account.", valueName: "dimension"))
            var by: String = "owner"

            func run() throws {
                try global.withDatabase { database in
                    let answer = try database.exec("report.time", range.json.setting("by", .string(by)))
                    if global.json { return print(answer) }
                    var table = TextTable([by == "account" ? "customer" : "rep", "completed", "minutes", "average"], rightAligned: [1, 2, 3])
                    func add(_ label: String, _ row: JSON?) {
                        table.add([label, String(row?["completed"]?.int ?? 0), String(row?["minutes_spent"]?.int ?? 0),
                                   String(row?["average_minutes"]?.int ?? 0)])
                    }
                    for row in answer["items"]?.array ?? [] {
                        add(by == "account" ? row["account_name"]?.string ?? "(none)" : row["owner"]?.string ?? "(none)", row)
                    }
                    add("total", answer["total"])
                    print("activities completed \(range.from) to \(range.to), by \(by)")
                    print(table.render(indent: "  "), terminator: "")
                }
            }
        }
    }
}
