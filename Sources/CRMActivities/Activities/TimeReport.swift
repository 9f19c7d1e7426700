import CRMStore

/// `report.time {from, to, by}`: the time the sales reps spent, per rep or
/// per customer: the completed activities in the period, their minutes and
/// the average minutes per activity, all whole numbers.
enum TimeReport {
    /// What the report groups by.
    enum Grouping: String, CaseIterable {
        case owner, account
    }

    /// One line of the report.
    struct Line {
        var key: Int64?
        var name: String?
        var completed: Int64 = 0
        var minutes: Int64 = 0

        /// Average minutes per completed activity, rounded down; 0 when none.
        var average: Int64 { completed == 0 ? 0 : minutes / completed }

        func json(_ grouping: Grouping) -> JSONValue {
            var fields: [(String, JSONValue)]
            switch grouping {
            case .owner: fields = [("owner", .string(name))]
            case .account: fields = [("account_id", .integer(key)), ("account_name", .string(name))]
            }
            fields += [("completed", .integer(completed)), ("minutes_spent", .integer(minutes)), ("average_minutes", .integer(average))]
            return .object(fields)
        }
    }

    static func run(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let from = try arguments.instant("from", dateMeans: .start) else {
            throw CRMError.invalid("\(context): from is required (a date or timestamp)")
        }
        guard let to = try arguments.instant("to", dateMeans: .end) else {
            throw CRMError.invalid("\(context): to is required (a date or timestamp)")
        }
        guard let grouping = try arguments.choice("by", Grouping.self).value else {
            throw CRMError.invalid("\(context): by is required (owner or account)")
        }
        try arguments.finish()
        if to < from { throw CRMError.invalid("\(context): to \(to) is before from \(from)") }
        let range: [SQLValue] = [.text(from.description), .text(to.description)]
        var lines: [Line]
        switch grouping {
        case .owner:
            lines = try store.connection.rows(
                """
                SELECT owner, COUNT(*), SUM(COALESCE(minutes_spent, 0)) FROM activities
                WHERE status = 'done' AND completed_at >= ? AND completed_at <= ?
                GROUP BY owner
                """, range
            ) { Line(key: nil, name: $0.optionalText(0), completed: $0.integer(1), minutes: $0.integer(2)) }
            lines.sort { ($0.name == nil ? 1 : 0, $0.name ?? "") < ($1.name == nil ? 1 : 0, $1.name ?? "") }
        case .account:
            lines = try store.connection.rows(
                """
                SELECT a.account_id, MAX(c.name), COUNT(*), SUM(COALESCE(a.minutes_spent, 0)) FROM activities a
                LEFT JOIN accounts c ON c.id = a.account_id
                WHERE a.status = 'done' AND a.completed_at >= ? AND a.completed_at <= ?
                GROUP BY a.account_id
                """, range
            ) { Line(key: $0.optionalInteger(0), name: $0.optionalText(1), completed: $0.integer(2), minutes: $0.integer(3)) }
            lines.sort { ($0.key ?? Int64.max) < ($1.key ?? Int64.max) }
        }
        var total = Line()
        for line in lines {
            total.completed += line.completed
            total.minutes += line.minutes
        }
        return .object([
            ("from", .string(from.description)),
            ("to", .string(to.description)),
            ("by", .string(grouping.rawValue)),
            ("items", .array(lines.map { $0.json(grouping) })),
            ("total", .object([("completed", .integer(total.completed)), ("minutes_spent", .integer(total.minutes)),
                               ("average_minutes", .integer(total.average))])),
        ])
    }
}
