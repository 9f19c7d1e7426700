#if canImport(Glibc)
import Glibc
#endif

extension DemoRun {
    // MARK: 12. Activities, follow-ups and a call list

    /// The sales reps' visits and calls on the open deals (completing a
    /// customer contact logs it in the interaction history), the time they
    /// spent, the follow-ups due for quiet leads and deals, and a
    /// telemarketing list that leaves out whoever opted out of phone calls.
    /// A rerun replays the activities and the call list and finds no new
    /// follow-up.
    func activities() throws {
        heading(12, "Activities, follow-ups and a call list")
        let deals = try database.exec("opportunity.list", ["limit": 100])["items"]?.array ?? []
        func deal(_ title: String) throws -> JSON {
            guard let found = deals.first(where: { $0["title"]?.string?.hasPrefix(title) == true }) else {
                throw HarnessFailure(message: "demo: no opportunity \"\(title)\"")
            }
            return found
        }
        let plans: [(ref: String, deal: JSON, kind: String, subject: String, owner: String, outcome: String?, minutes: Int64?)] = [
            ("ACT-2027-0031", try deal("Trusses and ceiling boards"), "visit", "Site visit: measure the 14 townhouse roofs", "Sipho Dube",
             "Measured; drawings agree with the quote, roof pitch 17 degrees", 95),
            ("ACT-2027-0032", try deal("Gutters and downpipes"), "call", "Call about the revised gutter price", "Sipho Dube",
             "Accepts 4% off if delivery is before the builders' holiday", 15),
            ("ACT-2027-0033", try deal("Roof sheeting for two farm sheds"), "meeting", "Meet at the farm to agree sheet lengths",
             "Sipho Dube", nil, nil),
        ]
        say("activity.create plans each visit, call or meeting on a deal; activity.complete records what came of it")
        say("and, for a contact with the customer, logs it in the interaction history in the same call.")
        say()
        var table = TextTable(["activity", "kind", "deal", "subject", "status", "minutes", "logged as"], rightAligned: [0, 5])
        for plan in plans {
            var fields: JSON = ["kind": .string(plan.kind), "subject": .string(plan.subject), "owner": .string(plan.owner),
                                "opportunity_id": .int(plan.deal["id"]?.int ?? 0)]
            if let contact = plan.deal["contact_id"]?.int { fields = fields.setting("contact_id", .int(contact)) }
            if plan.outcome == nil { fields = fields.setting("due_at", .string(DemoRun.daysFromNow(3))) }
            var (activity, _) = try importRecord("activity.create", type: "activity", source: DemoData.opportunitySource,
                                                 ref: plan.ref, arguments: fields)
            if let outcome = plan.outcome, activity["status"]?.string == "open", let id = activity["id"]?.int {
                activity = try database.exec("activity.complete", ["id": .int(id), "outcome": .string(outcome),
                                                                   "minutes_spent": .int(plan.minutes ?? 0)])
            }
            table.add([String(activity["id"]?.int ?? 0), plan.kind, String(plan.deal["id"]?.int ?? 0), plan.subject,
                       activity["status"]?.string ?? "", activity["minutes_spent"]?.int.map(String.init) ?? "-",
                       activity["interaction_id"]?.int.map { "interaction \($0)" } ?? "-"])
        }
        show(table)

        let today = String(DemoRun.daysFromNow(0).prefix(10))
        let time = try database.exec("report.time", ["from": .string(today), "to": .string(today), "by": "owner"])
        say()
        say("report.time by owner for today:")
        var minutes = TextTable(["owner", "completed", "minutes", "average"], rightAligned: [1, 2, 3])
        for item in time["items"]?.array ?? [] {
            minutes.add([item["owner"]?.string ?? "(none)", String(item["completed"]?.int ?? 0), String(item["minutes_spent"]?.int ?? 0),
                         String(item["average_minutes"]?.int ?? 0)])
        }
        show(minutes)

        // Follow-ups: as if the reminder run happened 15 days from now.
        let asOf = DemoRun.daysFromNow(15)
        let rules = (try database.exec("reminder.rules", [:])["items"]?.array ?? [])
            .map { "\($0["rule"]?.string ?? "") \($0["days"]?.int ?? 0) days" }.joined(separator: ", ")
        say()
        say("reminder.run as of \(asOf) (15 days on; rules: \(rules)):")
        let made = try database.exec("reminder.run", ["as_of": .string(asOf)])["created"]?.array ?? []
        if made.isEmpty {
            say("  nothing new: every quiet lead and deal has its follow-up from an earlier run")
        } else {
            show(CRMHarness.Reminders.madeTable(made))
        }
        let due = try database.exec("reminder.list", ["owner": "Sipho Dube", "date": .string(String(asOf.prefix(10)))])["items"]?.array ?? []
        say("reminder.list for Sipho Dube, due by then (crm-harness reminders --owner ...):")
        show(CRMHarness.Reminders.dueTable(due))

        // A telemarketing list of the Gauteng customers, built once; the
        // builder on site asked not to be phoned (recorded once: the same
        // answer again changes nothing).
        if let musa = contactIDs["NKO001-2"] {
            _ = try database.exec("contact.consent", ["contact_id": .int(musa), "channel": "phone", "status": "opted_out",
                                                      "source": "asked on a call not to be phoned"])
            say()
            say("contact.consent: Musa Nkosi (contact \(musa)) opted out of phone calls.")
        }
        let list = try database.exec("calllist.build", [
            "from": "accounts", "name": "Gauteng customers: December specials", "region": "Gauteng", "owner": "Lerato Molefe",
            "source": "campaigns", "external_ref": "DEC-2026-GP",
        ])
        let skipped = list["skipped"] ?? .null
        say("calllist.build from the Gauteng accounts: \(list["entry_count"]?.int ?? 0) calls, skipped \(skipped["opted_out"]?.int ?? 0) who opted out of phone calls and \(skipped["no_phone"]?.int ?? 0) without a number\(list["replayed"]?.bool == true ? " (the list built on an earlier run)" : "").")
        let entries = try database.exec("calllist.get", ["id": .int(list["id"]?.int ?? 0)])
        var calls = TextTable(["call", "account", "contact", "phone", "status"], rightAligned: [0])
        for entry in entries["entries"]?.array ?? [] {
            let account = try entry["account_id"]?.int.map { try database.exec("account.get", ["id": .int($0)])["name"]?.string ?? "" } ?? "-"
            let contact = try entry["contact_id"]?.int.map {
                let person = try database.exec("contact.get", ["id": .int($0)])
                return [person["first_name"]?.string, person["last_name"]?.string].compactMap { $0 }.joined(separator: " ")
            } ?? "(the account's number)"
            calls.add([String(entry["activity_id"]?.int ?? 0), account, contact, entry["phone"]?.string ?? "-", entry["status"]?.string ?? ""])
        }
        show(calls)
        remember("activities", ["follow_ups_made": .int(Int64(made.count)), "calls": .int(list["entry_count"]?.int ?? 0)])
    }

    /// An RFC 3339 time `days` days from now, to the second.
    static func daysFromNow(_ days: Int64) -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(Int64(now.tv_sec) + days * 86_400)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [Int8](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
