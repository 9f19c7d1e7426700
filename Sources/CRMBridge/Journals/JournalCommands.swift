import CRMStore

/// `bridge.export_journal`: the postings of every money-moving event in the
/// outbox as a plain-text journal for ledger, hledger or beancount.
public enum JournalCommands {
    /// The journal commands of the bridge.
    public static let all: [Command] = [
        Command("bridge.export_journal", .write, export),
    ]

    /// Events read from the outbox per page.
    static let page = 1_000

    /// The consumer name a read without a consumer fetches as: longer than
    /// the 100 characters crm_events_ack allows, so no consumer has a
    /// position under it (the empty name is a valid consumer).
    static let nobody = String(repeating: "~", count: 101)

    /// `bridge.export_journal {format, after_seq?, consumer?, limit?}` →
    /// `{format, text, from_seq, to_seq, transactions, consumer, state,
    /// assertions, assertions_omitted, events_read, warnings}`: the postings
    /// of the events after `after_seq` (or after the consumer's acknowledged
    /// position), at most `limit` events (default 10,000).
    ///
    /// With `consumer` the export stands on the journal state kept for
    /// (consumer, format) and reads only the events after the position; in
    /// the same transaction it moves the state and the consumer's position
    /// up to `to_seq`. `after_seq` and `consumer` together are refused.
    /// Where the state cannot be known (the events before `from_seq` were
    /// pruned and no state was kept), every account and commodity used is
    /// declared and no balance assertion is written: `state` says "unknown".
    static func export(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let format = try arguments.choice("format", JournalFormat.self).value else {
            throw CRMError.invalid("\(context): format is required (ledger, hledger or beancount)")
        }
        let afterSeqGiven = try arguments.integer("after_seq", range: 0...Int64.max).value
        let afterSeq = afterSeqGiven ?? 0
        let consumer = try arguments.string("consumer", length: 1...100).value
        if let consumer, consumer.trimmingWhitespace().isEmpty {
            throw CRMError.invalid("\(context): consumer must not be blank")
        }
        let limit = Int(try arguments.integer("limit", range: 1...1_000_000).value ?? 10_000)
        try arguments.finish()
        if consumer != nil, afterSeqGiven != nil {
            throw CRMError.invalid("\(context): after_seq cannot be given with a consumer: a consumer's journal continues from its "
                + "acknowledged position and the state kept for it (leave after_seq out, or export without a consumer)")
        }

        // The range: events after the position, at most `limit` of them.
        var exported: [Event] = []
        var from: Int64 = afterSeq
        var cursor = afterSeq
        var first = true
        while exported.count < limit {
            let wanted = min(page, limit - exported.count)
            let (events, start) = try store.fetchEvents(consumer: consumer ?? nobody, afterSeq: cursor, limit: wanted)
            if first { from = start; first = false }
            exported += events
            guard events.count == wanted, let last = events.last else { break }
            cursor = last.seq
        }
        let toSeq = exported.last?.seq ?? from
        var eventsRead = exported.count

        // What the range stands on: the consumer's kept state, nothing
        // (from the start), or the events before it still in the outbox.
        var book = JournalBook(format: format, roles: AccountRoles.defaults, customerName: customerName(store))
        var state = JournalState()
        let standing: String
        let kept = try consumer.flatMap { try JournalState.load(store, consumer: $0, format: format) }
        if let kept, kept.lastSeq == from {
            state = kept
            standing = "kept"
        } else if from == 0 {
            standing = "new"
        } else {
            // Roll forward from the kept state (when it is behind) or from
            // the start, over the events still there; all of them or nothing.
            let base = kept.map { $0.lastSeq < from ? $0 : JournalState() } ?? JournalState()
            let present = try store.connection.integer(
                "SELECT count(*) FROM crm_events WHERE seq > ? AND seq <= ?", [.integer(base.lastSeq), .integer(from)]) ?? 0
            if present == from - base.lastSeq {
                state = base
                var roller = book
                roller.roles = state.roles
                var earlier: [Event] = []
                cursor = base.lastSeq
                while cursor < from {
                    let (events, _) = try store.fetchEvents(consumer: nobody, afterSeq: cursor, limit: Int(min(Int64(page), from - cursor)))
                    eventsRead += events.count
                    earlier += events.filter { $0.seq <= from && ($0.record["posting"] != nil || $0.type == "ledger.configured") }
                    guard let last = events.last else { break }
                    cursor = last.seq
                }
                learnRoles(earlier, into: &roller.roles)
                let before = try earlier.compactMap { try roller.transaction($0) }
                _ = try roller.write(before, state: &state, fromSeq: base.lastSeq, toSeq: from)
                state.roles = roller.roles
                standing = "rebuilt"
            } else {
                // Pruned: the balances are unknown (and, without a kept
                // state, what was declared: everything used is declared).
                state = base
                state.lastSeq = from
                state.balancesKnown = false
                let scanned = try AccountRoles.current(store)
                for (code, role) in scanned.roles { state.roles.roles[code] = role }
                standing = "unknown"
            }
        }
        // Events missing inside the range (pruned before an unknown
        // consumer or a read without one saw them): the balances are not known.
        if Int64(exported.count) != toSeq - from {
            state.balancesKnown = false
        }

        // The roles: the state's, then every mapping the range configured, then the one in force.
        book.roles = state.roles
        learnRoles(exported, into: &book.roles)
        if store.hasCommand("ledger.mapping") { book.roles.apply(try store.invoke("ledger.mapping", .object([]))) }
        state.roles = book.roles

        let written = try exported.compactMap { try book.transaction($0) }
        let output = try book.write(written, state: &state, fromSeq: from, toSeq: toSeq)

        if let consumer {
            try state.save(store, consumer: consumer, format: format)
            if toSeq > from { try store.acknowledgeEvents(consumer: consumer, seq: toSeq) }
        }
        return .object([
            ("format", .string(format.rawValue)),
            ("text", .string(output.text)),
            ("from_seq", .integer(from)),
            ("to_seq", .integer(toSeq)),
            ("transactions", .integer(Int64(written.count))),
            ("consumer", .string(consumer)),
            ("state", .string(state.balancesKnown ? standing : "unknown")),
            ("assertions", .integer(Int64(output.assertions))),
            ("assertions_omitted", .integer(Int64(output.assertionsOmitted))),
            ("events_read", .integer(Int64(eventsRead))),
            ("warnings", .array(output.warnings.map(JSONValue.string))),
        ])
    }

    /// Applies the mappings of the `ledger.configured` events among `events`, in order.
    static func learnRoles(_ events: [Event], into roles: inout AccountRoles) {
        for event in events where event.type == "ledger.configured" {
            roles.apply(event.record)
        }
    }

    /// The customer's name by account id, through `account.get` (nil when
    /// it cannot be read: the account module is absent or the account gone).
    static func customerName(_ store: Store) -> (Int64) -> String? {
        var names: [Int64: String?] = [:]
        return { id in
            if let known = names[id] { return known }
            var name: String?
            if store.hasCommand("account.get"), let record = try? store.invoke("account.get", .object([("id", .integer(id))])),
               case .string(let text)? = record["name"] {
                name = text
            }
            names[id] = name
            return name
        }
    }
}

/// Which role of the ledger mapping each account code played, from the
/// mapping in force and every `ledger.configured` event: a code no mapping
/// named is a product's own revenue account.
struct AccountRoles {
    enum Role: String {
        case receivable, revenue, taxPayable = "tax_payable", bank, customerCredit = "customer_credit"
    }

    var roles: [String: Role] = [:]

    /// The mapping's defaults, should no document module be there to ask.
    static let defaults: AccountRoles = {
        var known = AccountRoles()
        for (code, role) in [("1100", Role.receivable), ("4000", .revenue), ("2200", .taxPayable), ("1000", .bank), ("2150", .customerCredit)] {
            known.roles[code] = role
        }
        return known
    }()

    /// The defaults, every `ledger.configured` event still in the outbox
    /// and the mapping in force (a scan of the outbox: only where no
    /// journal state stands in for it).
    static func current(_ store: Store) throws -> AccountRoles {
        var known = defaults
        var mappings: [JSONValue] = try store.connection.rows(
            "SELECT record_json FROM crm_events WHERE type = ? ORDER BY seq", [.text("ledger.configured")]
        ) { row in (try? JSONParser.parse(Array(row.text(0).utf8), what: "ledger.configured")) ?? .null }
        if store.hasCommand("ledger.mapping") { mappings.append(try store.invoke("ledger.mapping", .object([]))) }
        for mapping in mappings { known.apply(mapping) }
        return known
    }

    /// Takes the codes a mapping names for each role.
    mutating func apply(_ mapping: JSONValue) {
        for role in [Role.revenue, .taxPayable, .bank, .customerCredit, .receivable] {
            if case .string(let code)? = mapping[role.rawValue] { roles[code] = role }
        }
    }

    func role(_ code: String) -> Role { roles[code] ?? .revenue }
}
