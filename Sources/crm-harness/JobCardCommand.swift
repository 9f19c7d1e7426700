import ArgumentParser

extension CRMHarness {
    /// `crm-harness jobcard ID`: one job card as a readable work order
    /// (jobcard.get and jobcard.billable); `--list` the job cards as a table
    /// (jobcard.list).
    struct JobCard: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jobcard",
            abstract: "Show one job card as a work order (jobcard.get, jobcard.billable), or --list job cards (jobcard.list).",
            discussion: """
                Reads through the C ABI, like every subcommand. The work order shows the customer, \
                site, asset, technicians, tasks, labour, parts and the totals it would invoice; \
                --list filters are jobcard.list's.

                Examples:
                  crm-harness jobcard 3 --db crm.sqlite
                  crm-harness jobcard 3 --html --db crm.sqlite > jobcard.html   (document.render)
                  crm-harness jobcard --list --status in_progress --technician "Sipho Dlamini" --db crm.sqlite
                  crm-harness exec jobcard.log_labour '{"id": 3, "technician": "Sipho Dlamini", "minutes": 90, "product_id": 2}' --db crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The job card to show.", valueName: "id"))
        var id: Int64?
        @Flag(help: "List job cards instead of showing one.")
        var list = false
        @Flag(help: "Print the document rendered as HTML by the default template (document.render).")
        var html = false
        @Flag(help: "Print the document rendered as text by the default template (document.render).")
        var text = false
        @Option(help: "Only job cards in this status (open, scheduled, in_progress, on_hold, completed, invoiced, cancelled).")
        var status: String?
        @Option(help: "Only job cards this technician is on.")
        var technician: String?
        @Option(name: .customLong("account"), help: ArgumentHelp("Only this account's job cards.", valueName: "id"))
        var accountID: Int64?
        @Option(help: "At most this many job cards (1..500).")
        var limit: Int = 50

        func validate() throws {
            if html && text { throw ValidationError("give --html or --text, not both") }
            if (html || text) && id == nil { throw ValidationError("--html and --text render one document; give its id") }
            if list && id != nil { throw ValidationError("Give a job card id or --list, not both.") }
            if !list && id == nil { throw ValidationError("Give a job card id, or --list.") }
            if !list && (status != nil || technician != nil || accountID != nil) {
                throw ValidationError("--status, --technician and --account filter --list.")
            }
        }

        func run() throws {
            try global.withDatabase { database in
                if let id, html || text {
                    let rendered = try database.exec("document.render", ["type": .string("jobcard"), "id": .int(id), "format": .string(html ? "html" : "text")])
                    if global.json { return print(rendered) }
                    return print(rendered["body"]?.string ?? "", terminator: "")
                }
                if let id {
                    let card = try database.exec("jobcard.get", ["id": .int(id)])
                    if global.json { return print(card) }
                    let account = try database.exec("account.get", ["id": .int(card["account_id"]?.int ?? 0)])
                    print(JobCard.workOrder(card, customer: account["name"]?.string ?? ""), terminator: "")
                    return
                }
                var arguments: JSON = ["limit": .int(Int64(limit))]
                if let status { arguments = arguments.setting("status", .string(status)) }
                if let technician { arguments = arguments.setting("technician", .string(technician)) }
                if let accountID { arguments = arguments.setting("account_id", .int(accountID)) }
                let page = try database.exec("jobcard.list", arguments)
                if global.json { return print(page) }
                let cards = page["items"]?.array ?? []
                var names: [Int64: String] = [:]
                var table = TextTable(["id", "number", "status", "customer", "scheduled", "technicians", "total"], rightAligned: [0, 6])
                for card in cards {
                    let accountID = card["account_id"]?.int ?? 0
                    if names[accountID] == nil {
                        names[accountID] = try database.exec("account.get", ["id": .int(accountID)])["name"]?.string ?? ""
                    }
                    table.add([String(card["id"]?.int ?? 0), card["number"]?.string ?? "", card["status"]?.string ?? "",
                               names[accountID] ?? "", card["scheduled_on"]?.string ?? "-",
                               (card["technicians"]?.array ?? []).compactMap(\.string).joined(separator: ", "),
                               DemoRun.money(card["total_minor"]?.int, card["currency"]?.string ?? "ZAR")])
                }
                print(table.render(indent: ""), terminator: "")
                let more = page["next_cursor"]?.string != nil
                print("\(cards.count) job card\(cards.count == 1 ? "" : "s")\(more ? " (more: raise --limit or filter)" : "")")
            }
        }

        /// A job card as a work order, the text a workshop prints.
        static func workOrder(_ card: JSON, customer: String) -> String {
            let currency = card["currency"]?.string ?? "ZAR"
            let money = { (minor: Int64?) in DemoRun.money(minor, currency) }
            var out = "Job card \(card["number"]?.string ?? "") (id \(card["id"]?.int ?? 0)): \(card["status"]?.string ?? "")\n"
            func field(_ name: String, _ value: String?) {
                guard let value, !value.isEmpty else { return }
                out += "  \(name):" + String(repeating: " ", count: max(1, 13 - name.count)) + value + "\n"
            }
            field("customer", customer + (card["contact_id"]?.int.map { " (contact \($0))" } ?? ""))
            field("quote", card["quote_id"]?.int.map { "quote \($0)" })
            field("site", card["site"]?.string)
            var asset = card["asset_description"]?.string ?? ""
            if let serial = card["serial_number"]?.string { asset += (asset.isEmpty ? "" : ", ") + "serial \(serial)" }
            if card["warranty"]?.bool == true { asset += (asset.isEmpty ? "" : " ") + "(warranty repair)" }
            field("asset", asset)
            field("job", card["description"]?.string)
            var when = card["scheduled_on"]?.string ?? ""
            if let at = card["scheduled_at"]?.string { when += " at \(at)" }
            field("scheduled", when)
            field("technicians", (card["technicians"]?.array ?? []).compactMap(\.string).joined(separator: ", "))
            field("on hold", card["hold_reason"]?.string)
            field("cancelled", card["cancel_reason"]?.string)
            if let signOff = card["sign_off"], !signOff.isNull {
                field("signed off", "\(signOff["name"]?.string ?? "") at \(signOff["signed_at"]?.string ?? "")")
            }
            let tasks = card["tasks"]?.array ?? []
            if !tasks.isEmpty {
                out += "\nTasks\n"
                var table = TextTable(["#", "task", "status"], rightAligned: [0])
                for task in tasks {
                    table.add([String(task["position"]?.int ?? 0), task["description"]?.string ?? "", task["status"]?.string ?? ""])
                }
                out += table.render(indent: "  ")
            }
            let labour = card["labour"]?.array ?? []
            if !labour.isEmpty {
                out += "\nLabour\n"
                var table = TextTable(["date", "technician", "minutes", "hours", "rate", "net"], rightAligned: [2, 3, 4, 5])
                for entry in labour {
                    table.add([entry["worked_on"]?.string ?? "", entry["technician"]?.string ?? "",
                               String(entry["minutes"]?.int ?? 0), milli(entry["quantity_milli"]?.int ?? 0),
                               money(entry["unit_price_minor"]?.int), money(entry["net_minor"]?.int)])
                }
                out += table.render(indent: "  ")
            }
            let lines = card["lines"]?.array ?? []
            if !lines.isEmpty {
                out += "\nParts\n"
                var table = TextTable(["part", "quantity", "price", "net"], rightAligned: [1, 2, 3])
                for line in lines {
                    table.add([line["description"]?.string ?? "", milli(line["quantity_milli"]?.int ?? 0),
                               money(line["unit_price_minor"]?.int), money(line["net_minor"]?.int)])
                }
                out += table.render(indent: "  ")
            }
            out += "\n  subtotal \(money(card["subtotal_minor"]?.int))   tax \(money(card["tax_minor"]?.int))   total \(money(card["total_minor"]?.int))\n"
            return out
        }

        /// Thousandths as a decimal: 1500 -> "1.5", 833 -> "0.833", 2000 -> "2".
        static func milli(_ value: Int64) -> String {
            let whole = value / 1000, fraction = (value % 1000).magnitude
            guard fraction != 0 else { return String(whole) }
            var digits = String(fraction)
            digits = String(repeating: "0", count: 3 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            return "\(value < 0 && whole == 0 ? "-" : "")\(whole).\(digits)"
        }
    }
}
