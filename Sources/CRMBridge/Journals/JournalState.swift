import CRMStore

/// What a journal stands on after the events up to `lastSeq`: the accounts
/// and commodities it declared, the account roles it used, and each
/// customer's receivable balance per commodity (for the assertions). Kept
/// per (consumer, format) in the bridge's tables; rebuilt from the outbox
/// when there is no consumer.
struct JournalState {
    /// A customer's receivable in one commodity.
    struct Key: Hashable {
        var account: String
        var commodity: String
    }

    /// The balance of a key over every movement written so far.
    struct Balance {
        /// The sum of every movement, in minor units.
        var minor: Int64
        /// The latest date of a movement: a later payment dated before it
        /// cannot be asserted in date order from the sum (hledger, beancount).
        var lastDate: CalendarDate
        /// The latest date an assertion written checks the balance at (the
        /// payment's day; beancount: the next day). A movement dated before
        /// it would upset that assertion in a date-ordered tool.
        var assertedThrough: CalendarDate?
    }

    var lastSeq: Int64 = 0
    /// Whether the balances hold every movement up to `lastSeq`; when not
    /// (the events were pruned before the state was kept), no assertion is written.
    var balancesKnown = true
    var accounts: Set<String> = []
    var commodities: Set<String> = []
    var balances: [Key: Balance] = [:]
    var roles = AccountRoles.defaults

    /// What changed since it was loaded, to write back only that.
    var newDeclarations: [(kind: String, name: String)] = []
    var changedBalances: Set<Key> = []

    /// The consumer's state for the format; nil when none is kept.
    static func load(_ store: Store, consumer: String, format: JournalFormat) throws -> JournalState? {
        let connection = store.connection
        let key: [SQLValue] = [.text(consumer), .text(format.rawValue)]
        guard let (lastSeq, known) = try connection.row(
            "SELECT last_seq, balances_known FROM bridge_journal_states WHERE consumer = ? AND format = ?", key,
            { ($0.integer(0), $0.integer(1) != 0) }) else { return nil }
        var state = JournalState()
        state.lastSeq = lastSeq
        state.balancesKnown = known
        let declarations = try connection.rows(
            "SELECT kind, name FROM bridge_journal_declarations WHERE consumer = ? AND format = ?", key) { ($0.text(0), $0.text(1)) }
        for (kind, name) in declarations {
            if kind == "commodity" { state.commodities.insert(name) } else { state.accounts.insert(name) }
        }
        let roles = try connection.rows("SELECT code, role FROM bridge_journal_roles WHERE consumer = ? AND format = ?", key) { ($0.text(0), $0.text(1)) }
        for (code, role) in roles {
            if let role = AccountRoles.Role(rawValue: role) { state.roles.roles[code] = role }
        }
        let problem = CRMError(.internal, "internal: bridge.export_journal: the journal state of consumer '\(consumer)' (\(format.rawValue)) cannot be read")
        let balances = try connection.rows(
            """
            SELECT account, commodity, balance_minor, last_date, asserted_through
            FROM bridge_journal_balances WHERE consumer = ? AND format = ?
            """, key) { row in (row.text(0), row.text(1), row.integer(2), row.text(3), row.optionalText(4)) }
        for (account, commodity, minor, lastDate, through) in balances {
            guard let lastDate = CalendarDate(lastDate) else { throw problem }
            var asserted: CalendarDate?
            if let through {
                guard let date = CalendarDate(through) else { throw problem }
                asserted = date
            }
            state.balances[Key(account: account, commodity: commodity)] = Balance(minor: minor, lastDate: lastDate, assertedThrough: asserted)
        }
        return state
    }

    /// Writes the state back: its position, what it declared since it was
    /// loaded, its roles and the balances that moved.
    func save(_ store: Store, consumer: String, format: JournalFormat) throws {
        let connection = store.connection
        let consumerValue = SQLValue.text(consumer), formatValue = SQLValue.text(format.rawValue)
        try connection.run(
            """
            INSERT INTO bridge_journal_states (consumer, format, last_seq, balances_known, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (consumer, format) DO UPDATE SET last_seq = excluded.last_seq,
                balances_known = excluded.balances_known, updated_at = excluded.updated_at
            """, [consumerValue, formatValue, .integer(lastSeq), .integer(balancesKnown ? 1 : 0), .text(store.clock.now().description)])
        for (kind, name) in newDeclarations {
            try connection.run(
                """
                INSERT INTO bridge_journal_declarations (consumer, format, kind, name) VALUES (?, ?, ?, ?)
                ON CONFLICT (consumer, format, kind, name) DO NOTHING
                """, [consumerValue, formatValue, .text(kind), .text(name)])
        }
        for (code, role) in roles.roles.sorted(by: { $0.key < $1.key }) {
            try connection.run(
                """
                INSERT INTO bridge_journal_roles (consumer, format, code, role) VALUES (?, ?, ?, ?)
                ON CONFLICT (consumer, format, code) DO UPDATE SET role = excluded.role
                """, [consumerValue, formatValue, .text(code), .text(role.rawValue)])
        }
        for key in changedBalances.sorted(by: { ($0.account, $0.commodity) < ($1.account, $1.commodity) }) {
            guard let balance = balances[key] else { continue }
            try connection.run(
                """
                INSERT INTO bridge_journal_balances (consumer, format, account, commodity, balance_minor, last_date, asserted_through)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (consumer, format, account, commodity) DO UPDATE SET balance_minor = excluded.balance_minor,
                    last_date = excluded.last_date, asserted_through = excluded.asserted_through
                """, [consumerValue, formatValue, .text(key.account), .text(key.commodity), .integer(balance.minor),
                      .text(balance.lastDate.description), balance.assertedThrough.map { .text($0.description) } ?? .null])
        }
    }

    /// Marks an account or commodity declared; true when it was not yet.
    mutating func declare(account: String) -> Bool {
        guard accounts.insert(account).inserted else { return false }
        newDeclarations.append(("account", account))
        return true
    }

    mutating func declare(commodity: String) -> Bool {
        guard commodities.insert(commodity).inserted else { return false }
        newDeclarations.append(("commodity", commodity))
        return true
    }

    /// Adds a movement to a key's balance, the sum checked.
    /// - Throws: `.range` when the balance leaves Int64 (no real receivable does).
    mutating func move(_ key: Key, by amount: Int64, on date: CalendarDate) throws {
        var balance = balances[key] ?? Balance(minor: 0, lastDate: date, assertedThrough: nil)
        guard let sum = Int64(exactly: Int128(balance.minor) + Int128(amount)) else {
            throw CRMError.range("bridge.export_journal: the balance of \(key.account) in \(key.commodity) is beyond what 64 bits hold")
        }
        balance.minor = sum
        balance.lastDate = max(balance.lastDate, date)
        balances[key] = balance
        changedBalances.insert(key)
    }

    /// Notes an assertion written for a key, checking the balance at `date`.
    mutating func asserted(_ key: Key, through date: CalendarDate) {
        guard var balance = balances[key] else { return }
        balance.assertedThrough = max(balance.assertedThrough ?? date, date)
        balances[key] = balance
        changedBalances.insert(key)
    }
}
