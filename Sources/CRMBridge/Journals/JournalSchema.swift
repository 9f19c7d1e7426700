import CRMStore

/// What each consumer's journal stands on, per (consumer, format), so an
/// export reads only the events after the consumer's position (migrations
/// 0520-0529): where it stands and whether its balances are known, the
/// accounts and commodities it has declared, the account roles it used,
/// and the running balance of each customer's receivable per commodity.
enum JournalSchema {
    static let migrations: [Migration] = [
        Migration("0520-bridge-journal-state", [
            """
            CREATE TABLE bridge_journal_states (
                consumer TEXT NOT NULL,
                format TEXT NOT NULL,
                last_seq BIGINT NOT NULL,
                balances_known BIGINT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (consumer, format)
            )
            """,
            """
            CREATE TABLE bridge_journal_declarations (
                consumer TEXT NOT NULL,
                format TEXT NOT NULL,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                PRIMARY KEY (consumer, format, kind, name)
            )
            """,
            """
            CREATE TABLE bridge_journal_roles (
                consumer TEXT NOT NULL,
                format TEXT NOT NULL,
                code TEXT NOT NULL,
                role TEXT NOT NULL,
                PRIMARY KEY (consumer, format, code)
            )
            """,
            """
            CREATE TABLE bridge_journal_balances (
                consumer TEXT NOT NULL,
                format TEXT NOT NULL,
                account TEXT NOT NULL,
                commodity TEXT NOT NULL,
                balance_minor BIGINT NOT NULL,
                last_date TEXT NOT NULL,
                asserted_through TEXT,
                PRIMARY KEY (consumer, format, account, commodity)
            )
            """,
        ]),
    ]

    /// The bridge's tables kept per consumer, in the order they are dropped.
    static let perConsumerTables = ["bridge_journal_balances", "bridge_journal_roles", "bridge_journal_declarations", "bridge_journal_states"]

    /// Drops every format's journal state of a consumer (`events.retire`); answers how many states went.
    static func drop(_ store: Store, consumer: String) throws -> Int {
        var states = 0
        for table in perConsumerTables {
            let deleted = try store.connection.run("DELETE FROM \(table) WHERE consumer = ?", [.text(consumer)])
            if table == "bridge_journal_states" { states = deleted }
        }
        return states
    }
}
