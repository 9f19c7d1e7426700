import ArgumentParser

extension CRMHarness {
    /// `crm-harness pipeline`: the opportunities as a table with their stage,
    /// probability and weighted amount (opportunity.list), the pipeline's
    /// stages (pipeline.stages), or one opportunity's stage history.
    struct Pipeline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List opportunities by stage (opportunity.list), the stages, or one opportunity's stage history.",
            discussion: """
                Reads through the C ABI, like every subcommand. Filters are opportunity.list's; \
                --stages shows the pipeline's stages and probabilities; --history ID every stage \
                the opportunity entered, with when, by whom and why.

                Examples:
                  crm-harness pipeline --status open --owner "Sipho Dube" --db crm.sqlite
                  crm-harness pipeline --history 3 --db crm.sqlite
                  crm-harness exec opportunity.move '{"id": 3, "stage": "won", "reason": "best price"}' --db crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "Only opportunities in this status (open, won, lost).")
        var status: String?
        @Option(help: "Only opportunities in this stage (prospecting, qualification, proposal, ...).")
        var stage: String?
        @Option(help: "Only this sales rep's opportunities.")
        var owner: String?
        @Option(name: .customLong("account"), help: ArgumentHelp("Only this account's opportunities.", valueName: "id"))
        var accountID: Int64?
        @Option(help: "At most this many opportunities (1..500).")
        var limit: Int = 50
        @Flag(help: "Show the pipeline's stages and their probabilities instead.")
        var stages = false
        @Option(help: ArgumentHelp("Show this opportunity's stage history instead of the list.", valueName: "id"))
        var history: Int64?

        func run() throws {
            try global.withDatabase { database in
                if stages {
                    let answer = try database.exec("pipeline.stages", [:])
                    if global.json { return print(answer) }
                    var table = TextTable(["#", "stage", "name", "probability", "closes as"], rightAligned: [0, 3])
                    for stage in answer["items"]?.array ?? [] {
                        table.add([String(stage["position"]?.int ?? 0), stage["code"]?.string ?? "", stage["name"]?.string ?? "",
                                   "\(stage["probability"]?.int ?? 0)%", stage["outcome"]?.string == "open" ? "-" : stage["outcome"]?.string ?? ""])
                    }
                    return print(table.render(indent: ""), terminator: "")
                }
                if let history {
                    let answer = try database.exec("opportunity.history", ["id": .int(history)])
                    if global.json { return print(answer) }
                    print("opportunity \(history):")
                    print(Pipeline.historyTable(answer["items"]?.array ?? []).render(indent: "  "), terminator: "")
                    return
                }
                var arguments: JSON = ["limit": .int(Int64(limit))]
                if let status { arguments = arguments.setting("status", .string(status)) }
                if let stage { arguments = arguments.setting("stage", .string(stage)) }
                if let owner { arguments = arguments.setting("owner", .string(owner)) }
                if let accountID { arguments = arguments.setting("account_id", .int(accountID)) }
                let page = try database.exec("opportunity.list", arguments)
                if global.json { return print(page) }
                let deals = page["items"]?.array ?? []
                print(try Pipeline.table(deals, database: database).render(indent: ""), terminator: "")
                let more = page["next_cursor"]?.string != nil
                print("\(deals.count) opportunit\(deals.count == 1 ? "y" : "ies")\(more ? " (more: raise --limit or filter)" : "")")
            }
        }

        /// Opportunities as rows: stage, probability, customer, deal, owner,
        /// expected close, amount and weighted amount (amount x probability,
        /// rounded half away from zero to the minor unit).
        static func table(_ deals: [JSON], database: CRMDatabase) throws -> TextTable {
            var table = TextTable(["id", "stage", "prob.", "customer", "deal", "owner", "close by", "amount", "weighted"],
                                  rightAligned: [0, 2, 7, 8])
            var names: [Int64: String] = [:]
            for deal in deals {
                let accountID = deal["account_id"]?.int ?? 0
                if names[accountID] == nil {
                    names[accountID] = try database.exec("account.get", ["id": .int(accountID)])["name"]?.string ?? ""
                }
                let amount = deal["amount_minor"]?.int ?? 0
                let probability = deal["probability"]?.int ?? 0
                let currency = deal["currency"]?.string ?? "ZAR"
                table.add([String(deal["id"]?.int ?? 0), deal["stage"]?.string ?? "", "\(probability)%", names[accountID] ?? "",
                           deal["title"]?.string ?? "", deal["owner"]?.string ?? "-", deal["expected_close_on"]?.string ?? "-",
                           DemoRun.money(amount, currency), weighted(amount, probability).map { DemoRun.money($0, currency) } ?? "overflow"])
            }
            return table
        }

        /// amount x probability / 100, half away from zero; nil on overflow.
        static func weighted(_ amount: Int64, _ probability: Int64) -> Int64? {
            let (product, overflow) = amount.multipliedReportingOverflow(by: probability)
            guard !overflow else { return nil }
            let (quotient, remainder) = product.quotientAndRemainder(dividingBy: 100)
            return abs(remainder) >= 50 ? quotient + (product < 0 ? -1 : 1) : quotient
        }

        /// A stage history as rows.
        static func historyTable(_ items: [JSON]) -> TextTable {
            var table = TextTable(["when", "from", "to", "by", "reason"])
            for item in items {
                table.add([item["occurred_at"]?.string ?? "", item["from"]?.string ?? "(created)", item["to"]?.string ?? "",
                           item["performed_by"]?.string ?? "", item["reason"]?.string ?? ""])
            }
            return table
        }
    }
}
