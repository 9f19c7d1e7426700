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
    /// `{format, text, from_seq, to_seq, transactions, consumer}`: the
    /// postings of the events after `after_seq` (or after the consumer's
    /// acknowledged position), at most `limit` events (default 10,000). With
    /// `consumer` the consumer's position moves up to `to_seq` in the same
    /// transaction.
    static func export(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let format = try arguments.choice("format", JournalFormat.self).value else {
            throw CRMError.invalid("\(context): format is required (ledger, hledger or beancount)")
        }
        let afterSeq = try arguments.integer("after_seq", range: 0...Int64.max).value ?? 0
        let consumer = try arguments.string("consumer", length: 1...100).value
        if let consumer, consumer.trimmingWhitespace().isEmpty {
            throw CRMError.invalid("\(context): consumer must not be blank")
        }
        let limit = Int(try arguments.integer("limit", range: 1...1_000_000).value ?? 10_000)
        try arguments.finish()

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

        // What came before the range: accounts and commodities already
        // declared, receivable balances the assertions build on.
        var earlier: [Event] = []
        cursor = 0
        while cursor < from {
            let (events, _) = try store.fetchEvents(consumer: nobody, afterSeq: cursor, limit: page)
            earlier += events.filter { $0.seq <= from && $0.record["posting"] != nil }
            guard let last = events.last else { break }
            cursor = last.seq
        }

        var book = JournalBook(format: format, roles: try AccountRoles.current(store), customerName: customerName(store))
        let before = try earlier.compactMap { try book.transaction($0) }
        let written = try exported.compactMap { try book.transaction($0) }
        let text = book.text(before: before, written: written, fromSeq: from, toSeq: toSeq)

        if let consumer, toSeq > from {
            try store.acknowledgeEvents(consumer: consumer, seq: toSeq)
        }
        return .object([
            ("format", .string(format.rawValue)),
            ("text", .string(text)),
            ("from_seq", .integer(from)),
            ("to_seq", .integer(toSeq)),
            ("transactions", .integer(Int64(written.count))),
            ("consumer", .string(consumer)),
        ])
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

    static func current(_ store: Store) throws -> AccountRoles {
        var known = AccountRoles()
        // The mapping's defaults, should no document module be there to ask.
        for (code, role) in [("1100", Role.receivable), ("4000", .revenue), ("2200", .taxPayable), ("1000", .bank), ("2150", .customerCredit)] {
            known.roles[code] = role
        }
        var mappings: [JSONValue] = try store.connection.rows(
            "SELECT record_json FROM crm_events WHERE type = ? ORDER BY seq", [.text("ledger.configured")]
        ) { row in (try? JSONParser.parse(Array(row.text(0).utf8), what: "ledger.configured")) ?? .null }
        if store.hasCommand("ledger.mapping") { mappings.append(try store.invoke("ledger.mapping", .object([]))) }
        for mapping in mappings {
            for role in [Role.revenue, .taxPayable, .bank, .customerCredit, .receivable] {
                if case .string(let code)? = mapping[role.rawValue] { known.roles[code] = role }
            }
        }
        return known
    }

    func role(_ code: String) -> Role { roles[code] ?? .revenue }
}
