import ArgumentParser

extension CRMHarness {
    /// `crm-harness reminders`: the follow-ups due (reminder.list), after
    /// turning what is due into follow-ups first with --run (reminder.run).
    struct Reminders: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the follow-ups due (reminder.list); with --run, make what is due first (reminder.run).",
            discussion: """
                Reads through the C ABI, like every subcommand. --run applies the follow-up rules \
                (reminder.rules: a new lead untouched, an idle opportunity, a proposal without a reply) \
                as of --as-of and makes one follow-up task per quiet record, at most once however often it runs. \
                The list shows the open follow-ups due on or before --as-of (default today). \
                With --json: reminder.run's answer with --run, else reminder.list's page.

                Examples:
                  crm-harness reminders --run --db crm.sqlite
                  crm-harness reminders --owner thabo --as-of 2026-12-31 --db crm.sqlite
                  crm-harness exec reminder.configure '{"rule": "opportunity_idle", "days": 10}' --db crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("as-of"), help: ArgumentHelp("The day to look at (YYYY-MM-DD, default today).", valueName: "date"))
        var asOf: String?
        @Flag(name: .customLong("run"), help: "Make the follow-ups that are due first (reminder.run).")
        var makeDue = false
        @Option(help: "Only this sales rep's follow-ups.")
        var owner: String?
        @Option(help: "At most this many follow-ups listed (1..500).")
        var limit: Int = 50

        func run() throws {
            try global.withDatabase { database in
                if makeDue {
                    var arguments: JSON = [:]
                    if let asOf { arguments = arguments.setting("as_of", .string(asOf)) }
                    let answer = try database.exec("reminder.run", arguments)
                    if global.json { return print(answer) }
                    let created = answer["created"]?.array ?? []
                    print("reminder.run as of \(answer["as_of"]?.string ?? ""): \(created.count) new follow-up\(created.count == 1 ? "" : "s")")
                    if !created.isEmpty { print(Reminders.madeTable(created).render(indent: "  "), terminator: "") }
                    print("")
                }
                var arguments: JSON = ["limit": .int(Int64(limit))]
                if let asOf { arguments = arguments.setting("date", .string(asOf)) }
                if let owner { arguments = arguments.setting("owner", .string(owner)) }
                let page = try database.exec("reminder.list", arguments)
                if global.json { return print(page) }
                let items = page["items"]?.array ?? []
                print(Reminders.dueTable(items).render(indent: ""), terminator: "")
                let more = page["next_cursor"]?.string != nil
                print("\(items.count) follow-up\(items.count == 1 ? "" : "s") due\(more ? " (more: raise --limit or filter by --owner)" : "")")
            }
        }

        /// The follow-ups `reminder.run` made, as rows.
        static func madeTable(_ created: [JSON]) -> TextTable {
            var table = TextTable(["rule", "record", "owner", "quiet since", "due"])
            for item in created {
                table.add([item["rule"]?.string ?? "", "\(item["record_type"]?.string ?? "") \(item["record_id"]?.int ?? 0)",
                           item["owner"]?.string ?? "", item["last_touch_at"]?.string ?? "", item["due_at"]?.string ?? ""])
            }
            return table
        }

        /// Open follow-up activities (`reminder.list` items), as rows.
        static func dueTable(_ items: [JSON]) -> TextTable {
            var table = TextTable(["id", "due", "owner", "rule", "record", "subject"], rightAligned: [0])
            for item in items {
                let record = item["opportunity_id"]?.int.map { "opportunity \($0)" } ?? item["lead_id"]?.int.map { "lead \($0)" } ?? ""
                table.add([String(item["id"]?.int ?? 0), item["due_at"]?.string ?? "", item["owner"]?.string ?? "",
                           item["reminder_rule"]?.string ?? "", record, item["subject"]?.string ?? ""])
            }
            return table
        }
    }
}
