import CRMStore

/// `report.cycle {from, to, as_of?}`: how long opportunities take, from
/// creation to won or lost (those closed from `from` to `to`), and how long
/// they spend in each open stage (the stage visits that began from `from`
/// to `to`; a visit still going lasts until `as_of`).
enum CycleReport {
    static func run(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let range = try ReportArguments.dateRange(&arguments)
        let asOf = try arguments.instant("as_of", dateMeans: .end) ?? store.clock.now()
        try arguments.finish()

        // Creation to close, in seconds, per outcome.
        var durations: [String: [Int64]] = ["won": [], "lost": []]
        _ = try store.connection.rows(
            """
            SELECT status, created_at, closed_at FROM opportunities
            WHERE (status = 'won' OR status = 'lost') AND closed_at >= ? AND closed_at <= ?
            """,
            [.text(range.startTimestamp), .text(range.endTimestamp)]
        ) { row in
            guard let created = Timestamp(rfc3339: row.text(1)), let closed = Timestamp(rfc3339: row.text(2)) else { return }
            durations[row.text(0), default: []].append(closed.secondsSinceEpoch - created.secondsSinceEpoch)
        }
        let won = durations["won"] ?? [], lost = durations["lost"] ?? []

        // Stage visits: each change enters a stage; the next change of the
        // same opportunity (or as_of) ends the visit.
        let stages = try ReportStage.all(store)
        var visits: [String: (count: Int64, seconds: Int64)] = [:]
        var previous: (opportunity: Int64, stage: String, start: Timestamp)?
        let first = Timestamp(startOf: range.from), last = Timestamp(endOf: range.to)
        func close(at end: Timestamp) {
            guard let visit = previous else { return }
            previous = nil
            guard visit.start >= first, visit.start <= last, visit.start <= asOf else { return }
            let seconds = min(end, asOf).secondsSinceEpoch - visit.start.secondsSinceEpoch
            let sofar = visits[visit.stage] ?? (0, 0)
            visits[visit.stage] = (sofar.count + 1, sofar.seconds + seconds)
        }
        _ = try store.connection.rows(
            """
            SELECT c.opportunity_id, c.to_stage, c.occurred_at FROM opportunity_stage_changes c
            WHERE c.opportunity_id IN (SELECT opportunity_id FROM opportunity_stage_changes WHERE occurred_at >= ? AND occurred_at <= ?)
            ORDER BY c.opportunity_id, c.id
            """,
            [.text(range.startTimestamp), .text(range.endTimestamp)]
        ) { row in
            let opportunity = row.integer(0)
            guard let at = Timestamp(rfc3339: row.text(2)) else { return }
            if let visit = previous {
                close(at: visit.opportunity == opportunity ? at : asOf)
            }
            previous = (opportunity, row.text(1), at)
        }
        close(at: asOf)

        return .object(range.json + [
            ("as_of", .string(asOf.description)),
            ("closed", .object([
                ("won", figures(won)),
                ("lost", figures(lost)),
                ("all", figures(won + lost)),
            ])),
            ("stages", .array(stages.filter(\.isOpen).map { stage in
                let visit = visits[stage.code] ?? (0, 0)
                return .object([
                    ("stage", .string(stage.code)),
                    ("visits", .integer(visit.count)),
                    ("average_days", ReportFigures.days(seconds: visit.seconds, count: visit.count)),
                ])
            })),
        ])
    }

    /// Count, average and median days of some durations in seconds.
    static func figures(_ seconds: [Int64]) -> JSONValue {
        let sorted = seconds.sorted()
        let count = Int64(sorted.count)
        let total = sorted.reduce(Int64(0), { $0 &+ $1 })
        let median: JSONValue
        if sorted.isEmpty {
            median = ReportFigures.days(seconds: 0, count: 0)
        } else if sorted.count % 2 == 1 {
            median = ReportFigures.days(seconds: sorted[sorted.count / 2], count: 1)
        } else {
            median = ReportFigures.days(seconds: sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2], count: 2)
        }
        return .object([
            ("opportunities", .integer(count)),
            ("average_days", ReportFigures.days(seconds: total, count: count)),
            ("median_days", median),
        ])
    }
}
