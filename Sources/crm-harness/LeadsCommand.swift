import ArgumentParser

extension CRMHarness {
    /// `crm-harness leads`: the lead book as a table (lead.list), or one
    /// lead's status history (lead.history).
    struct Leads: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List leads (lead.list), or show one lead's status history (lead.history).",
            discussion: """
                Reads through the C ABI, like every subcommand. Filters are lead.list's; \
                --history ID shows every status the lead has had, with when, why and by whom.

                Examples:
                  crm-harness leads --status qualified --owner thabo --db crm.sqlite
                  crm-harness leads --history 12 --db crm.sqlite
                  crm-harness exec lead.create '{"company": "Khumalo Roofing", "source_channel": "web"}' --db crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "Only leads in this status (new, contacted, qualified, converted, disqualified).")
        var status: String?
        @Option(help: "Only this sales rep's leads.")
        var owner: String?
        @Option(name: .customLong("source-channel"), help: "Only leads from this channel (web, phone_in, walk_in, referral, ...).")
        var sourceChannel: String?
        @Option(help: "At most this many leads (1..500).")
        var limit: Int = 50
        @Option(help: ArgumentHelp("Show this lead's status history instead of the list.", valueName: "id"))
        var history: Int64?
        @Option(help: ArgumentHelp("Show this lead's rule score and predicted conversion, with their reasons (lead.score).", valueName: "id"))
        var score: Int64?

        func run() throws {
            try global.withDatabase { database in
                if let score {
                    let answer = try database.exec("lead.score", ["id": .int(score)])
                    if global.json { return print(answer) }
                    return print(Leads.scoreText(answer), terminator: "")
                }
                if let history {
                    let answer = try database.exec("lead.history", ["id": .int(history)])
                    if global.json { return print(answer) }
                    var table = TextTable(["when", "from", "to", "by", "reason"])
                    for item in answer["items"]?.array ?? [] {
                        table.add([item["occurred_at"]?.string ?? "", item["from"]?.string ?? "(captured)", item["to"]?.string ?? "",
                                   item["performed_by"]?.string ?? "", item["reason"]?.string ?? ""])
                    }
                    print("lead \(history):")
                    print(table.render(indent: "  "), terminator: "")
                    return
                }
                var arguments: JSON = ["limit": .int(Int64(limit))]
                if let status { arguments = arguments.setting("status", .string(status)) }
                if let owner { arguments = arguments.setting("owner", .string(owner)) }
                if let sourceChannel { arguments = arguments.setting("source_channel", .string(sourceChannel)) }
                let page = try database.exec("lead.list", arguments)
                if global.json { return print(page) }
                let leads = page["items"]?.array ?? []
                var table = TextTable(["id", "status", "lead", "company", "channel", "owner", "estimated value"], rightAligned: [0, 6])
                for lead in leads {
                    let person = [lead["first_name"]?.string, lead["last_name"]?.string].compactMap { $0 }.joined(separator: " ")
                    table.add([String(lead["id"]?.int ?? 0), lead["status"]?.string ?? "", person, lead["company"]?.string ?? "",
                               lead["source_channel"]?.string ?? "", lead["owner"]?.string ?? "",
                               lead["estimated_value_minor"]?.int.map { DemoRun.money($0, lead["currency"]?.string ?? "ZAR") } ?? ""])
                }
                print(table.render(indent: ""), terminator: "")
                let more = page["next_cursor"]?.string != nil
                print("\(leads.count) lead\(leads.count == 1 ? "" : "s")\(more ? " (more: raise --limit or filter)" : "")")
            }
        }

        /// Both scores of `lead.score` with what made them.
        static func scoreText(_ answer: JSON) -> String {
            let rule = answer["rule"]
            var text = "lead \(answer["lead_id"]?.int ?? 0): rule score \(rule?["score"]?.int ?? 0)/100 "
                + "(\(rule?["points"]?.int ?? 0) of \(rule?["max_points"]?.int ?? 0) points, as of \(rule?["as_of"]?.string ?? ""))\n"
            var factors = TextTable(["factor", "value", "points", "of"], rightAligned: [2, 3])
            for factor in rule?["factors"]?.array ?? [] {
                factors.add([factor["factor"]?.string ?? "", factor["value"]?.string ?? "-", String(factor["points"]?.int ?? 0),
                             String(factor["max_points"]?.int ?? 0)])
            }
            text += factors.render(indent: "  ")
            let predictive = answer["predictive"]
            guard let probability = predictive?["probability"]?.double else {
                return text + "predicted conversion: none yet (\(predictive?["reason"]?.string ?? "not trained"))\n"
            }
            let examples = predictive?["examples"]
            text += "predicted conversion: \(Int((probability * 100).rounded()))% (learned from \(examples?["converted"]?.int ?? 0) converted "
                + "and \(examples?["disqualified"]?.int ?? 0) disqualified leads)\n"
            var ratios = TextTable(["field", "value", "likelihood ratio"], rightAligned: [2])
            for factor in predictive?["factors"]?.array ?? [] {
                ratios.add([factor["field"]?.string ?? "", factor["value"]?.string ?? "-",
                            factor["likelihood_ratio"]?.numberText ?? "-"])
            }
            return text + ratios.render(indent: "  ")
        }
    }
}
