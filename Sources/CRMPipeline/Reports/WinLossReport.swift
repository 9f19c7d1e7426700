import CRMStore

/// `report.win_loss {from, to, currency, group_by?}`: the opportunities in
/// one currency won or lost from `from` to `to`, counted and summed by
/// close reason, competitor or owner, with the win rate of each group.
enum WinLossReport {
    static let dimensions = ["close_reason", "competitor", "owner"]

    static func run(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let range = try ReportArguments.dateRange(&arguments)
        let currency = try ReportArguments.currency(&arguments)
        let groupBy = try ReportArguments.groupBy(&arguments, allowed: dimensions, fallback: ["close_reason"])
        try arguments.finish()
        let keyColumns = groupBy.map { "\($0), " }.joined()
        let sql = """
            SELECT \(keyColumns)status, count(*), sum(amount_minor) FROM opportunities
            WHERE (status = 'won' OR status = 'lost') AND currency = ? AND closed_at >= ? AND closed_at <= ?
            GROUP BY \(keyColumns)status
            """
        let width = Int32(groupBy.count)
        var groups: [GroupKey: Group] = [:]
        var total = Group()
        _ = try store.connection.rows(sql, [.text(currency.code), .text(range.startTimestamp), .text(range.endTimestamp)]) { row in
            let key = GroupKey(values: (0..<width).map { row.optionalText($0) })
            let won = row.text(width) == "won"
            let count = row.integer(width + 1)
            let amount = try ReportFigures.sum(row, width + 2, context: context)
            try groups[key, default: Group()].add(won: won, count: count, amountMinor: amount, context: context)
            try total.add(won: won, count: count, amountMinor: amount, context: context)
        }
        let rows = GroupKey.sorted(Array(groups.keys), order: groupBy.map { _ in GroupKey.textOrder }).map { key in
            JSONValue.object(key.fields(groupBy) + (groups[key] ?? Group()).json)
        }
        return .object(range.json + [
            ("currency", .string(currency.code)),
            ("group_by", .array(groupBy.map(JSONValue.string))),
            ("rows", .array(rows)),
            ("total", .object(total.json)),
        ])
    }

    /// Won and lost counts and amounts of one group.
    struct Group {
        var won: Int64 = 0
        var wonAmountMinor: Int64 = 0
        var lost: Int64 = 0
        var lostAmountMinor: Int64 = 0

        mutating func add(won isWon: Bool, count: Int64, amountMinor: Int64, context: String) throws {
            let (sum, overflow) = (isWon ? wonAmountMinor : lostAmountMinor).addingReportingOverflow(amountMinor)
            if overflow { throw CRMError.range("\(context): a total does not fit in a 64-bit integer") }
            if isWon { won += count; wonAmountMinor = sum } else { lost += count; lostAmountMinor = sum }
        }

        var json: [(String, JSONValue)] {
            [
                ("won", .object([("opportunities", .integer(won)), ("amount_minor", .integer(wonAmountMinor))])),
                ("lost", .object([("opportunities", .integer(lost)), ("amount_minor", .integer(lostAmountMinor))])),
                ("win_rate", ReportFigures.rate(won, won + lost)),
                ("value_win_rate", ReportFigures.rate(wonAmountMinor, wonAmountMinor &+ lostAmountMinor)),
            ]
        }
    }
}
