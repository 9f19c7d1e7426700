import ArgumentParser

extension CRMHarness {
    /// `crm-harness credit`: who pays late and who is slipping: the accounts
    /// ranked (account.rank), or one account's payment-speed score with the
    /// experiences that moved it most (credit.score, credit.explain) and what
    /// its credit policy would say at each step (credit.check).
    struct Credit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rank accounts by payment speed, overdue, DSO or billing, or explain one account's score.",
            discussion: """
                Without --account: account.rank as a table (--by score, the default, lists \
                the slowest payers first and unrated accounts last). With --account: the \
                account's payment-speed score (1-100, amount-weighted days beyond terms, \
                following the public PAYDEX key), its band and trend, the experiences that \
                moved it most, its credit policy and what each checked step would be told. \
                docs/COMMANDS.md "Payment-speed score", "Account rankings", "Credit policy".

                Examples:
                  crm-harness credit --db crm.sqlite
                  crm-harness credit --by overdue --segment contractors --db crm.sqlite
                  crm-harness credit --by billing --from 2026-01-01 --to 2026-12-31 --db crm.sqlite
                  crm-harness credit --account 7 --db crm.sqlite
                  crm-harness credit --account 7 --json --db crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("One account's score, explanation and policy.", valueName: "id"))
        var account: Int64?
        @Option(help: ArgumentHelp("Rank by score, overdue, dso or billing (default score).", valueName: "figure"))
        var by: String = "score"
        @Option(name: .customLong("as-of"), help: ArgumentHelp("The day to judge on (default today).", valueName: "date"))
        var asOf: String?
        @Option(help: ArgumentHelp("The window's first day (dso, billing; default a year before --to).", valueName: "date"))
        var from: String?
        @Option(help: ArgumentHelp("The window's last day (dso, billing; default today).", valueName: "date"))
        var to: String?
        @Option(help: "Only accounts of this segment.")
        var segment: String?
        @Option(help: "Only accounts of this kind (business, consumer, dealer, distributor).")
        var kind: String?
        @Option(help: "Only accounts of this region.")
        var region: String?
        @Option(help: "How many rows (1-500).")
        var limit: Int64 = 50

        func run() throws {
            let today = String(DemoRun.daysFromNow(0).prefix(10))
            try global.withDatabase { database in
                if let account {
                    let card = try Credit.card(database, accountID: account, asOf: asOf ?? today)
                    if global.json { return print(card) }
                    return print(Credit.renderCard(card), terminator: "")
                }
                var arguments: JSON = ["by": .string(by), "limit": .int(limit)]
                if by == "dso" || by == "billing" {
                    let end = to ?? today
                    arguments = arguments.setting("from", .string(from ?? Credit.yearBefore(end))).setting("to", .string(end))
                } else {
                    arguments = arguments.setting("as_of", .string(asOf ?? today))
                }
                for (name, value) in [("segment", segment), ("kind", kind), ("region", region)] {
                    if let value { arguments = arguments.setting(name, .string(value)) }
                }
                let ranking = try database.exec("account.rank", arguments)
                if global.json { return print(ranking) }
                print(Credit.renderRanking(ranking), terminator: "")
            }
        }

        /// The day a year before `date` plus one ("2026-12-06" -> "2025-12-07").
        static func yearBefore(_ date: String) -> String {
            let parts = date.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3 else { return date }
            let day = DemoCreditHistory.CalendarDay(year: parts[0] - 1, month: parts[1], day: min(parts[2], 28))
            return day.adding(days: Int64(parts[2] - min(parts[2], 28)) + 1).text
        }

        /// Everything about one account: score, explanation, policy and the
        /// decision at each step, as one JSON object.
        static func card(_ database: CRMDatabase, accountID: Int64, asOf: String) throws -> JSON {
            let account = try database.exec("account.get", ["id": .int(accountID)])
            let score = try database.exec("credit.score", ["account_id": .int(accountID), "as_of": .string(asOf)])
            let explain = try database.exec("credit.explain", ["account_id": .int(accountID), "as_of": .string(asOf), "limit": 8])
            var steps: [JSON] = []
            for stage in ["quote_acceptance", "jobcard_creation", "invoice_issue"] {
                steps.append(try database.exec("credit.check", ["account_id": .int(accountID), "stage": .string(stage),
                                                                "as_of": .string(asOf)]))
            }
            let holds = try database.exec("credit.holds", ["account_id": .int(accountID), "open": true])
            return ["account": account, "score": score, "explain": explain, "checks": .array(steps),
                    "open_holds": holds["items"] ?? .array([])]
        }

        /// A score with its band, or "unrated".
        static func scoreText(_ score: JSON?) -> String {
            guard let value = score?["score"]?.int else { return "unrated" }
            return "\(value) (\(score?["band"]?.string ?? ""))"
        }

        /// A day figure ({"days", "hundredths"} or a plain integer) as text.
        static func days(_ figure: JSON?) -> String {
            guard let figure, !figure.isNull else { return "-" }
            if let whole = figure.int { return "\(whole) d" }
            if let hundredths = figure["hundredths"]?.int {
                let sign = hundredths < 0 ? "-" : ""
                let magnitude = hundredths.magnitude
                return "\(sign)\(magnitude / 100).\(magnitude % 100 < 10 ? "0" : "")\(magnitude % 100) d"
            }
            return figure["days"]?.int.map { "\($0) d" } ?? "-"
        }

        static func renderRanking(_ ranking: JSON) -> String {
            let by = ranking["by"]?.string ?? ""
            let currency = ranking["currency"]?.string ?? "ZAR"
            var out = ""
            var table: TextTable
            switch by {
            case "score":
                out += "accounts by payment-speed score on \(ranking["as_of"]?.string ?? ""), slowest payers first\n"
                table = TextTable(["rank", "account", "score", "band"], rightAligned: [0, 2])
                for item in ranking["items"]?.array ?? [] {
                    table.add([String(item["rank"]?.int ?? 0), item["name"]?.string ?? "",
                               item["score"]?.int.map(String.init) ?? "unrated", item["band"]?.string ?? "-"])
                }
            case "overdue":
                out += "accounts by amount past due on \(ranking["as_of"]?.string ?? ""), in \(currency)\n"
                table = TextTable(["rank", "account", "past due", "owed"], rightAligned: [0, 2, 3])
                for item in ranking["items"]?.array ?? [] {
                    table.add([String(item["rank"]?.int ?? 0), item["name"]?.string ?? "",
                               DemoRun.money(item["overdue_minor"]?.int ?? 0, currency),
                               DemoRun.money(item["receivables_minor"]?.int ?? 0, currency)])
                }
            case "dso":
                out += "accounts by days sales outstanding, \(ranking["from"]?.string ?? "") to \(ranking["to"]?.string ?? "")\n"
                table = TextTable(["rank", "account", "DSO", "owed", "sales"], rightAligned: [0, 2, 3, 4])
                for item in ranking["items"]?.array ?? [] {
                    table.add([String(item["rank"]?.int ?? 0), item["name"]?.string ?? "", days(item["dso"]),
                               DemoRun.money(item["receivables_minor"]?.int ?? 0, currency),
                               DemoRun.money(item["credit_sales_minor"]?.int ?? 0, currency)])
                }
            default:
                out += "accounts by billing, \(ranking["from"]?.string ?? "") to \(ranking["to"]?.string ?? ""), in \(currency)\n"
                table = TextTable(["rank", "account", "billed", "invoices"], rightAligned: [0, 2, 3])
                for item in ranking["items"]?.array ?? [] {
                    table.add([String(item["rank"]?.int ?? 0), item["name"]?.string ?? "",
                               DemoRun.money(item["billed_minor"]?.int ?? 0, currency), String(item["invoices"]?.int ?? 0)])
                }
            }
            out += table.isEmpty ? "  (no account to rank)\n" : table.render(indent: "  ")
            if ranking["next_cursor"]?.string != nil { out += "  (more: raise --limit)\n" }
            return out
        }

        static func renderCard(_ card: JSON) -> String {
            let account = card["account"] ?? .null
            let score = card["score"] ?? .null
            let currency = score["currency"]?.string ?? "ZAR"
            var out = "\(account["name"]?.string ?? "") (account \(account["id"]?.int ?? 0)), as of \(score["as_of"]?.string ?? "")\n"
            out += "  payment-speed score  \(scoreText(score))\n"
            if let trend = score["trend"], !trend.isNull {
                let recent = trend["recent"]?.int.map(String.init) ?? "-"
                let previous = trend["previous"]?.int.map(String.init) ?? "-"
                out += "  trend                \(trend["direction"]?.string ?? "-") (last 3 months \(recent), the 12 before \(previous))\n"
            }
            let late = score["late_share"]
            out += "  paid late            \(Funnel.rate(late)) of the value\n"
            out += "  experiences          \(score["experiences"]?.int ?? 0)\n"
            out += "  ADBT                 \(days(score["adbt"])) beyond terms\n"
            out += "  overdue now          \(DemoRun.money(score["overdue_minor"]?.int ?? 0, currency))\n"
            let explained = card["explain"]?["explained"]?.array ?? []
            if !explained.isEmpty {
                out += "  what moved the score most:\n"
                var table = TextTable(["invoice", "paid", "amount", "days beyond terms", "key", "effect"], rightAligned: [2, 3, 4, 5])
                for item in explained {
                    table.add([item["number"]?.string ?? item["invoice_number"]?.string ?? String(item["invoice_id"]?.int ?? 0),
                               item["settled_on"]?.string ?? "open", DemoRun.money(item["amount_minor"]?.int ?? 0, currency),
                               String(item["days_beyond_terms"]?.int ?? 0), keyText(item["key_hundredths"]), effectText(item)])
                }
                out += table.render(indent: "    ")
            }
            out += "  credit policy and what each step would be told:\n"
            var steps = TextTable(["step", "decision", "exposure", "limit", "why"], rightAligned: [2, 3])
            for check in card["checks"]?.array ?? [] {
                let reasons = (check["reasons"]?.array ?? []).compactMap { $0["rule"]?.string }.joined(separator: ", ")
                steps.add([check["stage"]?.string ?? "", check["decision"]?.string ?? "",
                           DemoRun.money(check["exposure_minor"]?.int ?? 0, currency),
                           check["limit_minor"]?.int.map { DemoRun.money($0, currency) } ?? "none", reasons.isEmpty ? "-" : reasons])
            }
            out += steps.render(indent: "    ")
            let holds = card["open_holds"]?.array ?? []
            out += holds.isEmpty ? "  not on credit hold\n" : "  ON CREDIT HOLD since \(holds[0]["placed_at"]?.string ?? "")\n"
            return out
        }

        /// A key in hundredths as points ("80.00").
        static func keyText(_ key: JSON?) -> String {
            guard let key, let value = key.int else { return "-" }
            return "\(value / 100).\(value % 100 < 10 ? "0" : "")\(value % 100)"
        }

        /// The effect of one experience on the score, in points.
        static func effectText(_ item: JSON) -> String {
            if let hundredths = item["effect_hundredths"]?.int {
                let sign = hundredths < 0 ? "-" : "+"
                let magnitude = hundredths.magnitude
                return "\(sign)\(magnitude / 100).\(magnitude % 100 < 10 ? "0" : "")\(magnitude % 100)"
            }
            if let points = item["effect"]?.int { return points < 0 ? String(points) : "+\(points)" }
            return "-"
        }
    }
}
