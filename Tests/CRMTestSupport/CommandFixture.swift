import CRMStore

// What every module's command suite needs: a store opened with the modules
// under test on the engine the suites run on, commands run as crm_exec runs
// them, arguments written as JSON text, and answers read back.

/// Parses JSON arguments as a host would send them.
public func args(_ text: String) throws -> JSONValue {
    try JSONParser.parse(Array(text.utf8), what: "args")
}

/// One open store with some modules and a fixed clock; closed with the fixture.
open class CommandFixture {
    public let clock: FixedClock
    public let store: Store

    /// - Parameter path: a file, or nil for a fresh database of the engine
    ///   the suites run on (`TestEngine`: in-memory SQLite by default).
    public init(path: String? = nil, clock: FixedClock, modules: Modules) throws {
        self.clock = clock
        store = try Store(path: try path ?? TestEngine.freshTarget(), readOnly: false, clock: clock, modules: modules, libraryVersion: "test")
    }

    deinit { store.close() }

    /// Runs a command with JSON text arguments; returns its result.
    @discardableResult
    public func run(_ command: String, _ text: String = "{}") throws -> JSONValue {
        try store.modules.commands.run(command, arguments: args(text), store: store).0
    }

    /// Runs a command; returns its result and the events it committed.
    public func runWithEvents(_ command: String, _ text: String = "{}") throws -> (JSONValue, [Event]) {
        try store.modules.commands.run(command, arguments: args(text), store: store)
    }

    /// Rows in a table.
    public func rows(_ table: String) throws -> Int64 {
        try store.connection.integer("SELECT count(*) FROM \(table)") ?? -1
    }
}

extension JSONValue {
    public var int: Int64? { if case .integer(let value) = self { return value } else { return nil } }
    public var text: String? { if case .string(let value) = self { return value } else { return nil } }
    public var flag: Bool? { if case .bool(let value) = self { return value } else { return nil } }
    public var number: Double? { if case .double(let value) = self { return value } else { return nil } }
    public var array: [JSONValue]? { if case .array(let value) = self { return value } else { return nil } }
    public var isNull: Bool { self == .null }
    /// The `items` of a page (empty when there are none).
    public var items: [JSONValue] { self["items"]?.array ?? [] }
    /// The strings of an array value.
    public var strings: [String] { array?.compactMap(\.text) ?? [] }
    /// The field names of an object, in order.
    public var keys: [String] { if case .object(let fields) = decoded { return fields.map(\.0) } else { return [] } }

    /// The object without one field.
    public func removing(_ key: String) -> JSONValue {
        guard case .object(let fields) = decoded else { return self }
        return .object(fields.filter { $0.0 != key })
    }
}
