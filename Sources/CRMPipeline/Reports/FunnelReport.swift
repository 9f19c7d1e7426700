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
        let byCode = Dictionary(stages.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })

        // One row per group and kind of path: how far along the open stages
        // the history went, whether it entered a won stage, the current
        // stage and status. Few rows; the reaching is counted here.
        let keyColumns = groupBy.map { "p.\($0), " }.joined()
        let sql = """
            SELECT \(keyColumns)p.furthest, p.won, p.stage, p.status, count(*), sum(p.amount_minor)
            FROM (SELECT o.id, o.source_channel, o.owner, o.stage, o.status, o.amount_minor,
                         max(CASE WHEN s.outcome = 'open' THEN s.position ELSE 0 END) AS furthest,
                         max(CASE WHEN s.outcome = 'won' THEN 1 ELSE 0 END) AS won
                  FROM opportunities o
                  LEFT JOIN opportunity_stage_changes c ON c.opportunity_id = o.id
                  LEFT JOIN pipeline_stages s ON s.code = c.to_stage
                  WHERE o.currency = ? AND o.created_at >= ? AND o.created_at <= ?
                  GROUP BY o.id, o.source_channel, o.owner, o.stage, o.status, o.amount_minor) p
            GROUP BY \(keyColumns)p.furthest, p.won, p.stage, p.status
            """
        let width = Int32(groupBy.count)
        var groups: [GroupKey: Group] = [:]
        var total = Group(steps: steps.count)
        _ = try store.connection.rows(sql, [.text(currency.code), .text(range.startTimestamp), .text(range.endTimestamp)]) { row in
            let key = GroupKey(values: (0..<width).map { row.optionalText($0) })
            // The current stage counts as entered too.
            let current = byCode[row.text(width + 2)]
            var furthest = row.integer(width)
            var won = row.integer(width + 1) != 0
            if let current, current.isOpen { furthest = max(furthest, current.position) }
            if current?.outcome == "won" { won = true }
            let path = Path(furthest: furthest, won: won, status: row.text(width + 3),
                            opportunities: row.integer(width + 4),
                            amountMinor: try ReportFigures.sum(row, width + 5, context: context))
            try groups[key, default: Group(steps: steps.count)].add(path, steps: steps, context: context)
            try total.add(path, steps: steps, context: context)
        }
        let rows = GroupKey.sorted(Array(groups.keys), order: groupBy.map { _ in GroupKey.textOrder }).map { key in
            JSONValue.object(key.fields(groupBy) + (groups[key] ?? Group(steps: steps.count)).json(steps))
        }
        var answer: [(String, JSONValue)] = range.json + [
            ("currency", .string(currency.code)),
            ("group_by", .array(groupBy.map(JSONValue.string))),
            ("stages", .array(steps.map { .string($0.code) })),
        ]
        if !groupBy.isEmpty { answer.append(("groups", .array(rows))) }
        answer.append(("total", .object(total.json(steps))))
        return .object(answer)
    }

    /// Opportunities that went the same way.
    struct Path {
        let furthest: Int64
        let won: Bool
        let status: String
        let opportunities: Int64
        let amountMinor: Int64

        /// Whether these opportunities reached `stage`: entered it or a
        /// later open stage, or won.
        func reached(_ stage: ReportStage) -> Bool {
            stage.isOpen ? won || furthest >= stage.position : won
        }
    }

    /// The figures of one group.
    struct Group {
        var created: Int64 = 0
        var createdAmountMinor: Int64 = 0
        var reached: [Int64]
        var reachedAmountMinor: [Int64]
        var open: Int64 = 0
        var won: Int64 = 0
        var lost: Int64 = 0

        init(steps: Int) {
            reached = Array(repeating: 0, count: steps)
            reachedAmountMinor = Array(repeating: 0, count: steps)
        }

        mutating func add(_ path: Path, steps: [ReportStage], context: String) throws {
            func plus(_ a: Int64, _ b: Int64) throws -> Int64 {
                let (sum, overflow) = a.addingReportingOverflow(b)
                if overflow { throw CRMError.range("\(context): a total does not fit in a 64-bit integer") }
                return sum
            }
            created += path.opportunities
            createdAmountMinor = try plus(createdAmountMinor, path.amountMinor)
            for (index, stage) in steps.enumerated() where path.reached(stage) {
                reached[index] += path.opportunities
                reachedAmountMinor[index] = try plus(reachedAmountMinor[index], path.amountMinor)
            }
            switch path.status {
            case "won": won += path.opportunities
            case "lost": lost += path.opportunities
            default: open += path.opportunities
            }
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
                ("open", .integer(open)),
                ("won", .integer(won)),
                ("lost", .integer(lost)),
                ("win_rate", ReportFigures.rate(wonReached, created)),
            ]
        }
    }
}
