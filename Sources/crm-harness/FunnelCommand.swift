import ArgumentParser

extension CRMHarness {
    /// `crm-harness funnel`: report.funnel as a table per group, each stage
    /// with how many opportunities reached it and the conversion to the next.
    struct Funnel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The sales funnel of the opportunities created in a date range (report.funnel).",
            discussion: """
                Reads through the C ABI, like every subcommand. For each stage: the \
                opportunities that reached it (entered it, a later stage, or won), their \
                value, and the conversion to the next stage (- when nobody reached this one). \
                docs/COMMANDS.md "Pipeline reports" defines every figure.

                Examples:
                  crm-harness funnel --from 2026-12-01 --to 2026-12-31 --db crm.sqlite
                  crm-harness funnel --from 2026-01-01 --to 2026-12-31 --by source_channel --db crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("The first day of the range (YYYY-MM-DD).", valueName: "date"))
        var from: String
        @Option(help: ArgumentHelp("The last day of the range (YYYY-MM-DD).", valueName: "date"))
        var to: String
        @Option(help: "The opportunities' currency (one per report).")
        var currency: String = "ZAR"
        @Option(help: ArgumentHelp("A funnel per source_channel or per owner besides the total.", valueName: "dimension"))
        var by: String?

        func run() throws {
            try global.withDatabase { database in
                var arguments: JSON = ["from": .string(from), "to": .string(to), "currency": .string(currency)]
                if let by { arguments = arguments.setting("group_by", .string(by)) }
                let answer = try database.exec("report.funnel", arguments)
                if global.json { return print(answer) }
                print("funnel of the \(currency) opportunities created \(from) to \(to)")
                for group in answer["groups"]?.array ?? [] {
                    let name = group[by ?? ""]?.string ?? "(none)"
                    print("\(by ?? ""): \(name)")
                    print(Funnel.render(group, currency: currency), terminator: "")
                }
                if by != nil { print("total") }
                print(Funnel.render(answer["total"] ?? .null, currency: currency), terminator: "")
            }
        }

        /// One group's funnel: a table of stages and a line of outcomes.
        static func render(_ figures: JSON, currency: String) -> String {
            var table = TextTable(["stage", "reached", "value", "to next"], rightAligned: [1, 2, 3])
            for stage in figures["stages"]?.array ?? [] {
                let next = stage["conversion_to_next"]
                table.add([stage["stage"]?.string ?? "", String(stage["reached"]?.int ?? 0),
                           DemoRun.money(stage["amount_minor"]?.int ?? 0, currency),
                           next?.isNull ?? true ? "" : Funnel.rate(next)])
            }
            let outcomes = "  created \(figures["created"]?.int ?? 0) (\(DemoRun.money(figures["amount_minor"]?.int ?? 0, currency))): "
                + "open \(figures["open"]?.int ?? 0), won \(figures["won"]?.int ?? 0), lost \(figures["lost"]?.int ?? 0); "
                + "win rate \(Funnel.rate(figures["win_rate"]))\n"
            return table.render(indent: "  ") + outcomes
        }

        /// A rate as "83.33% (5/6)", or "- (0/0)" without a denominator.
        static func rate(_ value: JSON?) -> String {
            let fraction = "(\(value?["numerator"]?.int ?? 0)/\(value?["denominator"]?.int ?? 0))"
            guard let basisPoints = value?["rate_bp"]?.int else { return "- \(fraction)" }
            let hundredths = basisPoints % 100
            return "\(basisPoints / 100).\(hundredths < 10 ? "0" : "")\(hundredths)% \(fraction)"
        }
    }

    /// `crm-harness forecast`: report.forecast as a table.
    struct Forecast: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The weighted forecast of the open opportunities expected to close in a date range (report.forecast).",
            discussion: """
                Weighted amount = amount x probability / 100, rounded per opportunity. \
                By month (every month of the range), owner or stage.

                Example:
                  crm-harness forecast --from 2027-01-01 --to 2027-06-30 --by owner --db crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("The first day of the range (YYYY-MM-DD).", valueName: "date"))
        var from: String
        @Option(help: ArgumentHelp("The last day of the range (YYYY-MM-DD).", valueName: "date"))
        var to: String
        @Option(help: "The opportunities' currency (one per report).")
        var currency: String = "ZAR"
        @Option(help: ArgumentHelp("month (default), owner or stage.", valueName: "dimension"))
        var by: String = "month"

        func run() throws {
            try global.withDatabase { database in
                let answer = try database.exec("report.forecast", [
                    "from": .string(from), "to": .string(to), "currency": .string(currency), "group_by": .string(by),
                ])
                if global.json { return print(answer) }
                print("forecast of the open \(currency) opportunities expected to close \(from) to \(to)")
                print(Forecast.table(answer, by: by, currency: currency).render(indent: "  "), terminator: "")
            }
        }

        /// The forecast's rows and total as a table.
        static func table(_ answer: JSON, by: String, currency: String) -> TextTable {
            var table = TextTable([by, "opportunities", "amount", "weighted"], rightAligned: [1, 2, 3])
            for row in answer["rows"]?.array ?? [] {
                table.add([row[by]?.string ?? "(none)", String(row["opportunities"]?.int ?? 0),
                           DemoRun.money(row["amount_minor"]?.int ?? 0, currency), DemoRun.money(row["weighted_minor"]?.int ?? 0, currency)])
            }
            let total = answer["total"]
            table.add(["total", String(total?["opportunities"]?.int ?? 0),
                       DemoRun.money(total?["amount_minor"]?.int ?? 0, currency), DemoRun.money(total?["weighted_minor"]?.int ?? 0, currency)])
            return table
        }
    }
}
