import CRMStore

/// Which account of the host's chart each role of a posting goes to:
/// `ledger.mapping` reads it, `ledger.configure` changes it.
public struct LedgerMapping: Sendable, Equatable {
    /// Accounts receivable: what customers owe.
    public var receivable = "1100"
    /// Sales, for lines whose product names no revenue account of its own.
    public var revenue = "4000"
    /// Output tax (VAT) owed to the tax authority.
    public var taxPayable = "2200"
    /// Where payments arrive.
    public var bank = "1000"
    /// Money customers paid that no invoice took yet (a liability).
    public var customerCredit = "2150"

    public init() {}

    /// The roles in order with their JSON names.
    static var roles: [(name: String, path: WritableKeyPath<LedgerMapping, String>)] {
        [("receivable", \.receivable), ("revenue", \.revenue), ("tax_payable", \.taxPayable), ("bank", \.bank),
         ("customer_credit", \.customerCredit)]
    }

    public var json: JSONValue { .object(LedgerMapping.roles.map { ($0.name, .string(self[keyPath: $0.path])) }) }

    /// The mapping in force: the defaults where none was configured.
    public static func current(_ store: Store) throws -> LedgerMapping {
        var mapping = LedgerMapping()
        let stored = try store.connection.rows("SELECT role, account FROM ledger_mapping", []) { ($0.text(0), $0.text(1)) }
        for (role, account) in stored {
            if let path = roles.first(where: { $0.name == role })?.path { mapping[keyPath: path] = account }
        }
        return mapping
    }

    public static let commands: [Command] = [
        Command("ledger.mapping", .read, read),
        Command("ledger.configure", .write, configure),
    ]

    static func read(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        try arguments.finish()
        return try current(store).json
    }

    /// `ledger.configure {receivable?, revenue?, tax_payable?, bank?, customer_credit?}`:
    /// the account codes (1..40 characters, not blank) of the roles sent.
    static func configure(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        var mapping = try current(store)
        var changed: [String] = []
        for role in roles {
            guard let account = try arguments.string(role.name, length: 1...40).value else { continue }
            let trimmed = account.trimmingWhitespace()
            guard !trimmed.isEmpty else { throw CRMError.invalid("\(context): \(role.name) must not be blank") }
            if mapping[keyPath: role.path] != trimmed {
                mapping[keyPath: role.path] = trimmed
                changed.append(role.name)
            }
        }
        try arguments.finish()
        guard !changed.isEmpty else { return mapping.json }
        for role in roles where changed.contains(role.name) {
            try store.connection.run(
                "INSERT INTO ledger_mapping (role, account) VALUES (?, ?) ON CONFLICT (role) DO UPDATE SET account = excluded.account",
                [.text(role.name), .text(mapping[keyPath: role.path])])
        }
        try store.record(event: "ledger.configured", mapping.json.adding("changed", .array(changed.map { .string($0) })))
        return mapping.json
    }
}
