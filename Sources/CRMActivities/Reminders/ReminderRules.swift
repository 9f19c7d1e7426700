import CRMStore

/// A follow-up rule: after how many quiet days a record is due for a
/// follow-up activity.
public struct ReminderRule: Sendable {
    /// The rules libcrm knows.
    public enum Name: String, Sendable, CaseIterable {
        /// A lead still `new` that nobody touched for `days` days.
        case leadUntouched = "lead_untouched"
        /// An open opportunity with no activity for `days` days.
        case opportunityIdle = "opportunity_idle"
        /// An opportunity at the proposal stage with no reply for `days` days.
        case proposalNoReply = "proposal_no_reply"
    }

    public var name: Name
    public var days: Int64
    public var enabled: Bool
    public var version: Int64
    public var updatedAt: Timestamp?

    /// `{"rule", "days", "enabled", "version", "updated_at"}`.
    public var json: JSONValue {
        .object([
            ("rule", .string(name.rawValue)),
            ("days", .integer(days)),
            ("enabled", .bool(enabled)),
            ("version", .integer(version)),
            ("updated_at", .string(updatedAt?.description)),
        ])
    }

    /// Every rule, in the order of `Name`.
    static func all(_ store: Store) throws -> [ReminderRule] {
        let rows = try store.connection.rows("SELECT rule, days, enabled, version, updated_at FROM reminder_rules", []) { row -> ReminderRule? in
            guard let name = Name(rawValue: row.text(0)) else { return nil }
            return ReminderRule(name: name, days: row.integer(1), enabled: row.bool(2), version: row.integer(3),
                                updatedAt: row.optionalText(4).flatMap(Timestamp.init(rfc3339:)))
        }.compactMap { $0 }
        return Name.allCases.compactMap { name in rows.first { $0.name == name } }
    }
}
