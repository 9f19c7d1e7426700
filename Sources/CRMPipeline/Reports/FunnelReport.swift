import CRMStore

/// `report.funnel {from, to, currency, group_by?}`: the opportunities in
/// one currency created from `from` to `to`, how many reached each open
/// stage and won, and the conversion between consecutive stages, in total
/// and by source channel or owner.
enum FunnelReport {
    static let dimensions = ["source_channel", "owner"]

    static func run(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let range = try ReportArguments.dateRange(&arguments)
        let currency = try ReportArguments.currency(&arguments)
        let groupBy = try ReportArguments.groupBy(&arguments, allowed: dimensions, fallback: [])
        try arguments.finish()
        let stages = try ReportStage.all(store)
        // The steps of the funnel: the open stages in order, then won.
        let steps = stages.filter(\.isOpen) + stages.filter { $0.outcome == "won" }
        let empty = Group(steps: steps.count)
        var answer: [(String, JSONValue)] = range.json + [
            ("currency", .string(currency.code)),
            ("group_by", .array(groupBy.map(JSONValue.string))),
            ("stages", .array(steps.map { .string($0.code) })),
        ]

        // The ids of the opportunities created in the range bound the stage
        // changes read (an index range instead of the whole history).
        guard let (firstID, lastID) = try store.connection.row(
            "SELECT min(id), max(id) FROM opportunities WHERE created_at >= ? AND created_at <= ?",
            [.text(range.startTimestamp), .text(range.endTimestamp)], { ($0.optionalInteger(0), $0.optionalInteger(1)) }),
              let firstID, let lastID else {
            if !groupBy.isEmpty { answer.append(("groups", .array([]))) }
            answer.append(("total", .object(empty.json(steps))))
            return .object(answer)
        }

        // Each opportunity's furthest step in its stage history (1 for the
        // first open stage ... steps.count for won; 0 for none, e.g. lost
        // at once), then per group one pass summing who reached each step.
        let rank = "CASE c.to_stage " + steps.indices.map { "WHEN ? THEN \($0 + 1) " }.joined() + "ELSE 0 END"
        var columns = ["count(*)", "sum(o.amount_minor)"]
        for index in steps.indices {
            columns.append("sum(CASE WHEN r.furthest >= \(index + 1) THEN 1 ELSE 0 END)")
            columns.append("sum(CASE WHEN r.furthest >= \(index + 1) THEN o.amount_minor ELSE 0 END)")
        }
        columns.append("sum(CASE WHEN o.status = 'won' THEN 1 ELSE 0 END)")
        columns.append("sum(CASE WHEN o.status = 'lost' THEN 1 ELSE 0 END)")
        let keyColumns = groupBy.map { "o.\($0)" }
        let sql = "SELECT " + (keyColumns + columns).joined(separator: ", ")
            + " FROM (SELECT c.opportunity_id AS id, max(\(rank)) AS furthest FROM opportunity_stage_changes c"
            + " WHERE c.opportunity_id >= ? AND c.opportunity_id <= ? GROUP BY c.opportunity_id) r"
            + " CROSS JOIN opportunities o"
            + " WHERE o.id = r.id AND o.currency = ? AND o.created_at >= ? AND o.created_at <= ?"
            + (keyColumns.isEmpty ? "" : " GROUP BY " + keyColumns.joined(separator: ", "))
        let values: [SQLValue] = steps.map { .text($0.code) }
            + [.integer(firstID), .integer(lastID), .text(currency.code), .text(range.startTimestamp), .text(range.endTimestamp)]
        let width = Int32(groupBy.count)
        var groups: [GroupKey: Group] = [:]
        var total = empty
        _ = try store.connection.rows(sql, values) { row in
            let key = GroupKey(values: (0..<width).map { row.optionalText($0) })
            var group = empty
            group.created = row.integer(width)
            group.createdAmountMinor = try ReportFigures.sum(row, width + 1, context: context)
            for index in steps.indices {
                group.reached[index] = try ReportFigures.sum(row, width + 2 + Int32(2 * index), context: context)
                group.reachedAmountMinor[index] = try ReportFigures.sum(row, width + 3 + Int32(2 * index), context: context)
            }
            let after = width + 2 + Int32(2 * steps.count)
            group.won = try ReportFigures.sum(row, after, context: context)
            group.lost = try ReportFigures.sum(row, after + 1, context: context)
            if group.created == 0 { return }  // no group row without opportunities (an aggregate without GROUP BY)
            groups[key] = group
            total = try total.adding(group, context: context)
        }
        let rows = GroupKey.sorted(Array(groups.keys), order: groupBy.map { _ in GroupKey.textOrder }).map { key in
            JSONValue.object(key.fields(groupBy) + (groups[key] ?? empty).json(steps))
        }
        if !groupBy.isEmpty { answer.append(("groups", .array(rows))) }
        answer.append(("total", .object(total.json(steps))))
        return .object(answer)
    }

    /// The figures of one group.
    struct Group {
        var created: Int64 = 0
        var createdAmountMinor: Int64 = 0
        var reached: [Int64]
        var reachedAmountMinor: [Int64]
        var won: Int64 = 0
        var lost: Int64 = 0

        init(steps: Int) {
            reached = Array(repeating: 0, count: steps)
            reachedAmountMinor = Array(repeating: 0, count: steps)
        }

        /// This group and `other` together.
        func adding(_ other: Group, context: String) throws -> Group {
            func plus(_ a: Int64, _ b: Int64) throws -> Int64 {
                let (sum, overflow) = a.addingReportingOverflow(b)
                if overflow { throw CRMError.range("\(context): a total does not fit in a 64-bit integer") }
                return sum
            }
            var sum = self
            sum.created = try plus(created, other.created)
            sum.createdAmountMinor = try plus(createdAmountMinor, other.createdAmountMinor)
            for index in reached.indices {
                sum.reached[index] = try plus(reached[index], other.reached[index])
                sum.reachedAmountMinor[index] = try plus(reachedAmountMinor[index], other.reachedAmountMinor[index])
            }
            sum.won = try plus(won, other.won)
            sum.lost = try plus(lost, other.lost)
            return sum
        }

        func json(_ steps: [ReportStage]) -> [(String, JSONValue)] {
            let stages: [JSONValue] = steps.enumerated().map { index, stage in
                .object([
                    ("stage", .string(stage.code)),
                    ("reached", .integer(reached[index])),
                    ("amount_minor", .integer(reachedAmountMinor[index])),
                    ("conversion_to_next", index + 1 < steps.count ? ReportFigures.rate(reached[index + 1], reached[index]) : .null),
                ])
            }
            let wonReached = reached.last ?? 0
            return [
                ("created", .integer(created)),
                ("amount_minor", .integer(createdAmountMinor)),
                ("stages", .array(stages)),
                ("open", .integer(created - won - lost)),
                ("won", .integer(won)),
                ("lost", .integer(lost)),
                ("win_rate", ReportFigures.rate(wonReached, created)),
            ]
        }
    }
}
