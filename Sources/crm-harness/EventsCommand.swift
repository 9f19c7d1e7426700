import ArgumentParser

extension CRMHarness {
    /// `crm-harness events`: crm_events_fetch (and crm_events_ack) for one consumer.
    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the outbox events a consumer has not acknowledged (crm_events_fetch).",
            discussion: """
                Prints one line per event: seq, type, occurred_at and a short summary of \
                its record; with --json exactly the library's {"events": [...], "last_seq": N}. \
                Delivery is at least once: what is fetched but not acknowledged comes again. \
                --ack acknowledges the last event fetched (crm_events_ack), so the next \
                fetch for that consumer starts after it.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("The consumer whose acknowledged position is used (1..100 characters).", valueName: "name"))
        var consumer: String = "harness"

        @Option(help: ArgumentHelp("Only events with a seq greater than this (and than the consumer's position).", valueName: "seq"))
        var after: Int64 = 0

        @Option(help: ArgumentHelp("At most this many events (1..1000).", valueName: "n"))
        var limit: Int32 = 100

        @Flag(help: "Acknowledge the last event fetched for the consumer.")
        var ack = false

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1...1000, got \(limit).") }
            guard after >= 0 else { throw ValidationError("--after must be 0 or more, got \(after).") }
            guard !consumer.isEmpty else { throw ValidationError("--consumer must not be empty.") }
        }

        func run() throws {
            try global.withDatabase { database in
                let raw = try database.fetchEventsRaw(consumer: consumer, afterSeq: after, limit: limit)
                let page: JSON
                do {
                    page = try JSON.parse(raw)
                } catch {
                    throw HarnessFailure(message: "crm_events_fetch returned \(error): \(raw.prefix(200))")
                }
                let events = page["events"]?.array ?? []
                let lastFetched = events.last?["seq"]?.int

                if global.json {
                    print(raw)
                } else if events.isEmpty {
                    print("no events for consumer '\(consumer)' (last_seq \(page["last_seq"]?.int.map(String.init) ?? "?"))")
                } else {
                    var table = TextTable(["seq", "type", "occurred_at", "record"])
                    for event in events {
                        let type = event["type"]?.string ?? "?"
                        table.add([
                            event["seq"]?.int.map(String.init) ?? "?",
                            type,
                            event["occurred_at"]?.string ?? "",
                            EventSummary.clip(EventSummary.summarize(type: type, record: event["record"] ?? .null), 100),
                        ])
                    }
                    print(table.render(), terminator: "")
                    print("\(events.count) event\(events.count == 1 ? "" : "s"), last_seq \(page["last_seq"]?.int.map(String.init) ?? "?")")
                }

                if ack {
                    if let lastFetched {
                        try database.ackEvents(consumer: consumer, upTo: lastFetched)
                        if !global.json { print("acked up to seq \(lastFetched) for consumer '\(consumer)'") }
                    } else if !global.json {
                        print("nothing to ack")
                    }
                }
            }
        }
    }
}

/// One short line per event record, for tables.
enum EventSummary {
    static func summarize(type: String, record: JSON) -> String {
        switch type {
        case "account.merged":
            let survivor = record["survivor"] ?? .null
            var line = "account \(text(record["merged_id"])) merged into \(describeAccount(survivor))"
            if let moved = record["moved"]?.members, !moved.isEmpty {
                line += " (moved " + moved.map { "\($0.key) \(text($0.value))" }.joined(separator: ", ") + ")"
            }
            return line
        case "consent.changed":
            return "contact \(text(record["contact_id"])) \(text(record["channel"])) \(text(record["status"]))"
                + (record["source"]?.string.map { " (\($0))" } ?? "")
        default:
            break
        }
        let changed = record["changed"]?.array?.compactMap(\.string)
        let suffix = changed.map { $0.isEmpty ? "" : " changed: " + $0.joined(separator: ", ") } ?? ""
        if type.hasPrefix("account.") {
            return describeAccount(record["account"] ?? record) + suffix
        }
        if type.hasPrefix("contact.") {
            let contact = record["contact"] ?? record
            let name = [contact["first_name"]?.string, contact["last_name"]?.string].compactMap { $0 }.joined(separator: " ")
            return "contact \(text(contact["id"])) \(name) of account \(text(contact["account_id"]))" + suffix
        }
        if type.hasPrefix("interaction.") {
            let interaction = record["interaction"] ?? record
            var line = "interaction \(text(interaction["id"])) \(text(interaction["kind"])) \(text(interaction["direction"])) on account \(text(interaction["account_id"]))"
            if let subject = interaction["subject"]?.string { line += ": " + clip(subject, 50) }
            return line
        }
        return clip(record.description, 80)
    }

    static func describeAccount(_ account: JSON) -> String {
        var line = "account \(text(account["id"]))"
        if let name = account["name"]?.string { line += " \"\(name)\"" }
        return line
    }

    /// A scalar as plain text ("?" when missing).
    static func text(_ value: JSON?) -> String {
        guard let value else { return "?" }
        switch value {
        case .string(let text): return text
        case .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        default: return value.description
        }
    }

    static func clip(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}
