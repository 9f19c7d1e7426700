import CRMStore

/// Territories: the sales reps who work a region's leads, in turn (round
/// robin). A lead captured without an owner goes to the next rep of its
/// region's territory; `lead.assign` does the same for a lead already held,
/// or gives it to a named rep.
public enum Territories {
    public static let commands: [Command] = [
        Command("territory.set", .write, set),
        Command("territory.list", .read, list),
        Command("lead.assign", .write, assign),
    ]

    /// A region's reps in their order, and whose turn is next.
    struct Territory {
        var region: String
        var reps: [String]
        var nextPosition: Int64
        var version: Int64
        var updatedAt: Timestamp

        var json: JSONValue {
            .object([
                ("region", .string(region)), ("reps", .array(reps.map { .string($0) })),
                ("next_rep", reps.isEmpty ? .null : .string(reps[Int(nextPosition % Int64(reps.count))])),
                ("version", .integer(version)), ("updated_at", .string(updatedAt.description)),
            ])
        }
    }

    static func load(_ store: Store, region: String) throws -> Territory? {
        guard let (next, version, updated) = try store.connection.row(
            "SELECT next_position, version, updated_at FROM lead_territories WHERE region = ?", [.text(region)],
            { ($0.integer(0), $0.integer(1), Timestamp(rfc3339: $0.text(2)) ?? .epoch) }) else { return nil }
        let reps = try store.connection.rows(
            "SELECT rep FROM lead_territory_reps WHERE region = ? ORDER BY position", [.text(region)]) { $0.text(0) }
        return Territory(region: region, reps: reps, nextPosition: next, version: version, updatedAt: updated)
    }

    /// `territory.set {region, reps: [names]}`: the reps of a region, in
    /// the order they take turns; an empty list ends the territory's
    /// automatic assignment. The turn starts again with the first rep.
    static func set(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let region = try arguments.requiredString("region", length: 1...100)
        guard let reps = try arguments.array("reps", maximumCount: 100, { value, field in
            try Arguments.text(value, field: field(), context: context, length: 1...100)
        }).value else { throw CRMError.invalid("\(context): reps is required (an array of sales reps' names)") }
        try arguments.finish()
        guard Set(reps).count == reps.count else { throw CRMError.invalid("\(context): reps names a rep twice") }
        let now = store.clock.now()
        var territory = try load(store, region: region)
        if let current = territory, current.reps == reps { return current.json }
        if territory == nil {
            territory = Territory(region: region, reps: reps, nextPosition: 0, version: 1, updatedAt: now)
            try store.connection.run("INSERT INTO lead_territories (region, next_position, version, updated_at) VALUES (?, 0, 1, ?)",
                                     [.text(region), .text(now.description)])
        } else if var current = territory {
            current.version = try VersionCheck.next(current.version, record: "territory \(region)")
            current.reps = reps
            current.nextPosition = 0
            current.updatedAt = now
            territory = current
            try store.connection.run("UPDATE lead_territories SET next_position = 0, version = ?, updated_at = ? WHERE region = ?",
                                     [.integer(current.version), .text(now.description), .text(region)])
            try store.connection.run("DELETE FROM lead_territory_reps WHERE region = ?", [.text(region)])
        }
        for (position, rep) in reps.enumerated() {
            try store.connection.run("INSERT INTO lead_territory_reps (region, position, rep) VALUES (?, ?, ?)",
                                     [.text(region), .integer(Int64(position)), .text(rep)])
        }
        let json = territory?.json ?? .null
        try store.record(event: "territory.changed", json)
        return json
    }

    /// `territory.list {}`: every territory, by region.
    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        try arguments.finish()
        let regions = try store.connection.rows("SELECT region FROM lead_territories ORDER BY region", []) { $0.text(0) }
        return .object([("items", .array(try regions.compactMap { try load(store, region: $0)?.json }))])
    }

    /// The rep whose turn it is in the lead's region, taking the turn
    /// (a write), or nil when the region has no territory or no reps.
    static func takeTurn(_ store: Store, region: String?) throws -> String? {
        guard let region, let territory = try load(store, region: region), !territory.reps.isEmpty else { return nil }
        let rep = territory.reps[Int(territory.nextPosition % Int64(territory.reps.count))]
        try store.connection.run("UPDATE lead_territories SET next_position = ? WHERE region = ?",
                                 [.integer((territory.nextPosition + 1) % Int64(territory.reps.count)), .text(region)])
        return rep
    }

    /// `lead.assign {id, owner?}`: gives the lead to `owner`, or to the next
    /// rep of its region's territory. Event `lead.assigned`.
    static func assign(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "lead", store: store)
        let named = try arguments.string("owner", length: 1...100).value
        try arguments.finish()
        var lead = try LeadQueries.require(store, id: id, context: context)
        guard lead.status.isOpen else { throw CRMError.constraint("\(context): \(lead.label) is \(lead.status.rawValue); only open leads are assigned") }
        if let named, named == lead.owner { return lead.json }
        let version = try VersionCheck.next(lead.version, record: lead.label)
        // The last check; taking a turn is the first write.
        guard let owner = try named ?? takeTurn(store, region: lead.region) else {
            throw CRMError.constraint("\(context): \(lead.label) has no owner given and its region \(lead.region.map { "'\($0)'" } ?? "(none)") has no territory with reps")
        }
        let previous = lead.owner
        lead.owner = owner
        lead.version = version
        lead.updatedAt = store.clock.now()
        try LeadQueries.update(store, lead, context: context)
        try store.record(event: "lead.assigned", lead.json.adding("previous_owner", .string(previous)))
        return lead.json
    }
}
