/// The modules a store is opened with, the store's own first, and what they
/// declare, gathered: the whole library's migrations, commands, record
/// types, account links and personal data.
public struct Modules: Sendable {
    /// Every module, the store's own first.
    public let all: [Module]
    /// Every command of every module.
    public let commands: CommandTable

    /// Gathers the modules; `Module.store` is put first when not listed.
    public init(_ modules: [Module]) {
        all = modules.contains(where: { $0.name == Module.store.name }) ? modules : [Module.store] + modules
        commands = CommandTable(all.map(\.commands))
    }

    /// Every schema step, module by module, in the order they apply.
    public var migrations: [Migration] { all.flatMap(\.migrations) }
    /// Every record type any module makes, sorted.
    public var recordTypes: [String] { all.flatMap(\.recordTypes).sorted() }
    /// What every module keeps per account.
    public var accountLinks: [AccountLink] { all.flatMap(\.accountLinks) }
    /// What every module keeps about a person.
    public var personalData: [PersonalData] { all.flatMap(\.personalData) }
    /// What every module keeps current from others' changes.
    public var observers: [ChangeObserver] { all.flatMap(\.observers) }
    /// What every module keeps per outbox consumer.
    public var consumerStates: [ConsumerState] { all.flatMap(\.consumerStates) }

    /// What is wrong with the list, one sentence each; empty when nothing:
    /// a migration id without a number, outside its module's range or used
    /// twice, overlapping ranges, a command, record type or module name
    /// declared twice. The library's tests hold `Library.modules` to none.
    public var problems: [String] {
        var problems: [String] = []
        var moduleNames = Set<String>()
        var migrationOwners: [String: String] = [:]
        var commandOwners: [String: String] = [:]
        var typeOwners: [String: String] = [:]
        for (index, module) in all.enumerated() {
            if !moduleNames.insert(module.name).inserted { problems.append("module '\(module.name)' is listed twice") }
            for other in all[..<index] where other.migrationIDs.overlaps(module.migrationIDs) {
                problems.append("module '\(module.name)' migration ids \(module.migrationIDs) overlap those of '\(other.name)' (\(other.migrationIDs))")
            }
            for migration in module.migrations {
                if let owner = migrationOwners[migration.id] {
                    problems.append("migration '\(migration.id)' of '\(module.name)' is also in '\(owner)'")
                }
                migrationOwners[migration.id] = module.name
                guard let number = migration.number else {
                    problems.append("migration '\(migration.id)' of '\(module.name)' does not start with its number")
                    continue
                }
                if !module.migrationIDs.contains(number) {
                    problems.append("migration '\(migration.id)' is outside the range of '\(module.name)' (\(module.migrationIDs))")
                }
            }
            for command in module.commands {
                if let owner = commandOwners[command.name] {
                    problems.append("command '\(command.name)' of '\(module.name)' is also in '\(owner)'")
                }
                commandOwners[command.name] = module.name
            }
            for type in module.recordTypes {
                if let owner = typeOwners[type] {
                    problems.append("record type '\(type)' of '\(module.name)' is also in '\(owner)'")
                }
                typeOwners[type] = module.name
            }
        }
        return problems
    }
}

extension Migration {
    /// The number an id starts with ("0101-accounts" -> 101), or nil.
    public var number: Int? {
        let digits = id.prefix(while: { $0 >= "0" && $0 <= "9" })
        guard !digits.isEmpty, digits.count <= 6, id.dropFirst(digits.count).first == "-" else { return nil }
        return Int(digits)
    }
}

// MARK: Record types and references

extension Store {
    /// The id of the record of `recordType` that the host knows by `reference`.
    /// - Throws: `.invalid` for a record type no registered module makes
    ///   (the message lists those that exist), `.notFound` for an unknown reference.
    public func recordID(_ recordType: String, reference: ExternalReference, context: String) throws -> Int64 {
        let types = modules.recordTypes
        guard types.contains(recordType) else {
            throw CRMError.invalid("\(context): record_type '\(recordType.prefix(50))' is not a record type; the types are \(types.joined(separator: ", "))")
        }
        guard let id = try ExternalReferences.recordID(self, recordType: recordType, reference) else {
            throw CRMError.notFound("\(context): no \(recordType) has source '\(reference.source.prefix(100))' and external_ref '\(reference.externalRef.prefix(200))'")
        }
        return id
    }
}

// MARK: Merging accounts

extension Store {
    /// Re-points every module's rows of account `from` at account `to`, in
    /// the order the modules are listed.
    /// - Returns: how many rows moved, by link name, in that order.
    public func moveAccountData(from: Int64, to: Int64) throws -> [(name: String, moved: Int)] {
        guard from != to else { return [] }
        return try modules.accountLinks.map { link in (link.name, try link.move(self, from, to)) }
    }
}

// MARK: A person's data

extension Store {
    /// Every module's records about the contact, by part name, and every
    /// outbox event that carries the contact's data, oldest first.
    public func exportPersonalData(ofContact contactID: Int64) throws -> (parts: [(name: String, records: JSONValue)], events: [JSONValue]) {
        try exportPersonalData(of: .contact, id: contactID)
    }

    /// Every module's records about the subject (a contact, or a lead), by
    /// part name, and every outbox event that carries its data, oldest first.
    public func exportPersonalData(of subject: PersonalSubject, id contactID: Int64) throws
        -> (parts: [(name: String, records: JSONValue)], events: [JSONValue]) {
        let declared = modules.personalData.filter { $0.subject == subject }
        let parts = try declared.map { part in (part.name, try part.export(self, contactID)) }
        var events: [(seq: Int64, json: JSONValue)] = []
        var seen = Set<Int64>()
        for declaration in declared.flatMap(\.events) {
            for (condition, values) in try eventsOfContact(declaration, contactID: contactID) {
            let rows = try connection.rows(
                "SELECT seq, type, occurred_at, record_json FROM crm_events WHERE \(condition) ORDER BY seq", values
            ) { row -> (Int64, JSONValue) in
                (row.integer(0), .object([
                    ("seq", .integer(row.integer(0))), ("type", .string(row.text(1))), ("occurred_at", .string(row.text(2))),
                    ("record", .encoded(row.text(3))),
                ]))
            }
            for (seq, json) in rows where seen.insert(seq).inserted { events.append((seq, json)) }
            }
        }
        return (parts, events.sorted { $0.seq < $1.seq }.map(\.json))
    }

    /// Erases the contact's data from every module: the replay copies of
    /// its records' creates, the outbox events that carry it (only the
    /// personal fields are blanked), then the modules' own tables.
    ///
    /// The copies are rewritten here, not with an engine's JSON functions,
    /// so both engines keep the same text; erasure is rare, and only the
    /// events a declaration names are read.
    public func erasePersonalData(ofContact contactID: Int64) throws {
        try erasePersonalData(of: .contact, id: contactID)
    }

    /// Erases the subject's (a contact's, or a lead's) data from every
    /// module, as `erasePersonalData(ofContact:)` does for a contact.
    public func erasePersonalData(of subject: PersonalSubject, id contactID: Int64) throws {
        let parts = modules.personalData.filter { $0.subject == subject }
        for declaration in parts.flatMap(\.references) {
            let records = "record_type = ? AND record_id IN (\(declaration.recordsOfContact))"
            if declaration.fields.isEmpty {
                try connection.run("DELETE FROM crm_external_refs WHERE \(records)",
                                   [.text(declaration.recordType), .integer(contactID)])
                continue
            }
            let copies = try connection.rows(
                "SELECT source, external_ref, request_json FROM crm_external_refs WHERE \(records)",
                [.text(declaration.recordType), .integer(contactID)]) { ($0.text(0), $0.text(1), $0.text(2)) }
            for (source, reference, request) in copies {
                try connection.run(
                    "UPDATE crm_external_refs SET request_json = ? WHERE record_type = ? AND source = ? AND external_ref = ?",
                    [.text(Self.blanked(request, declaration.fields)), .text(declaration.recordType), .text(source), .text(reference)])
            }
        }
        for declaration in parts.flatMap(\.events) where !declaration.fields.isEmpty {
            for (condition, values) in try eventsOfContact(declaration, contactID: contactID) {
                let events = try connection.rows("SELECT seq, record_json FROM crm_events WHERE \(condition)", values) {
                    ($0.integer(0), $0.text(1))
                }
                for (seq, record) in events {
                    try connection.run("UPDATE crm_events SET record_json = ? WHERE seq = ?",
                                       [.text(Self.blanked(record, declaration.fields)), .integer(seq)])
                }
            }
        }
        for part in parts { try part.erase(self, contactID) }
    }

    /// The JSON text with each personal field (a dotted path) that it has
    /// set to its erased value; absent fields stay absent. Modules use it
    /// for JSON they keep in their own tables.
    public static func blanked(_ text: String, _ fields: [PersonalField]) -> String {
        guard var value = try? JSONParser.parse(Array(text.utf8), what: "stored record") else { return text }
        for field in fields {
            let path = field.name.split(separator: ".").map(String.init)
            value = setting(value, path[...], to: field.erasedText.map { .string($0) } ?? .null)
        }
        return JSONWriter.string(value)
    }

    private static func setting(_ value: JSONValue, _ path: ArraySlice<String>, to new: JSONValue) -> JSONValue {
        guard let key = path.first, case .object(var fields) = value.decoded,
              let index = fields.firstIndex(where: { $0.0 == key }) else { return value }
        fields[index].1 = path.count == 1 ? new : setting(fields[index].1, path.dropFirst(), to: new)
        return .object(fields)
    }

    /// The conditions for the outbox events a declaration names for a
    /// contact: one, or one per record of the module's that concerns the
    /// contact (none when it has none).
    private func eventsOfContact(_ declaration: PersonalEvents, contactID: Int64) throws -> [(String, [SQLValue])] {
        let dialect = connection.dialect
        let types = Array(repeating: "type = ?", count: max(declaration.types.count, 1)).joined(separator: " OR ")
        let typeValues: [SQLValue] = declaration.types.isEmpty ? [.typedNull(.text)] : declaration.types.map { .text($0) }
        let condition = "(\(types)) AND \(dialect.jsonIntegerFieldEquals("record_json"))"
        guard let recordsOfContact = declaration.recordsOfContact else {
            return [(condition, typeValues + dialect.jsonIntegerFieldEqualsValues(field: declaration.contactField, value: contactID))]
        }
        let ids = try connection.rows("\(recordsOfContact)", [.integer(contactID)]) { $0.integer(0) }
        return ids.map { (condition, typeValues + dialect.jsonIntegerFieldEqualsValues(field: declaration.contactField, value: $0)) }
    }
}
