/// One operation reachable through `crm_exec` as `entity.verb`.
///
/// A feature module lists its commands; the C layer gathers every module's
/// list into one `CommandTable`. The body reads its `Arguments` (the
/// dispatcher rejects any field it did not read) and returns the result
/// record as JSON.
public struct Command: Sendable {
    /// Whether the command writes (runs in a write transaction) or only reads.
    public enum Access: Sendable {
        case read
        case write
    }

    /// "account.create".
    public let name: String
    /// Read or write.
    public let access: Access
    /// The operation itself.
    public let run: @Sendable (Store, inout Arguments) throws -> JSONValue

    public init(_ name: String, _ access: Access, _ run: @escaping @Sendable (Store, inout Arguments) throws -> JSONValue) {
        self.name = name
        self.access = access
        self.run = run
    }
}

/// Every command of the library by name.
public struct CommandTable: Sendable {
    private let commands: [String: Command]

    /// Builds the table. A name listed twice keeps the first; `Modules.problems`
    /// reports it, and the library's tests fail on it.
    public init(_ lists: [[Command]]) {
        var commands: [String: Command] = [:]
        for command in lists.joined() where commands[command.name] == nil {
            commands[command.name] = command
        }
        self.commands = commands
    }

    /// The command of that name.
    public func command(named name: String) -> Command? { commands[name] }

    /// Every command name, sorted.
    public var names: [String] { commands.keys.sorted() }

    /// Runs a command against `store` with `arguments` (a JSON object).
    /// - Parameter beforeCommit: runs with the result inside the call's
    ///   transaction, before it commits (the C layer copies the result out
    ///   there, so a failed copy leaves the file as it was).
    /// - Returns: the result and the events committed by the call.
    /// - Throws: `CRMError`; nothing the call wrote survives a throw.
    public func run(_ name: String, arguments: JSONValue, store: Store,
                    beforeCommit: (JSONValue) throws -> Void = { _ in }) throws -> (JSONValue, [Event]) {
        guard let command = commands[name] else {
            throw CRMError.invalid("unknown command '\(name.prefix(100))'")
        }
        var reader = try Arguments(arguments, context: name)
        switch command.access {
        case .read:
            let result = try store.read(name) {
                let result = try command.run(store, &reader)
                try reader.finish()
                try beforeCommit(result)
                return result
            }
            return (result, [])
        case .write:
            return try store.write(name) {
                let result = try command.run(store, &reader)
                try reader.finish()
                try beforeCommit(result)
                return result
            }
        }
    }
}

extension Store {
    /// Runs another module's command inside the command that is running now
    /// (same transaction, same outbox), as `crm_exec` would run it: its
    /// arguments are read and checked the same way and its events recorded.
    /// This is how one module uses another without importing it: `lead.convert`
    /// makes the account, the contact and the opportunity with their own
    /// commands.
    ///
    /// Call it only from inside a command's body (a write command for a
    /// write). A failure throws; the outer call then writes nothing.
    /// - Throws: `.invalid` for an unknown command, and whatever it throws.
    public func invoke(_ name: String, _ arguments: JSONValue) throws -> JSONValue {
        guard let command = modules.commands.command(named: name) else {
            throw CRMError.invalid("unknown command '\(name.prefix(100))'")
        }
        var reader = try Arguments(arguments, context: name)
        let result = try command.run(self, &reader)
        try reader.finish()
        return result
    }

    /// Whether a command of that name is registered (a module that uses
    /// another one's command only when it is there asks first).
    public func hasCommand(_ name: String) -> Bool {
        modules.commands.command(named: name) != nil
    }
}
