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

        let dialect = store.connection.dialect
        let first = Timestamp(startOf: range.from).secondsSinceEpoch, last = Timestamp(endOf: range.to).secondsSinceEpoch
        let until = asOf.secondsSinceEpoch

        // Creation to close, in seconds, per outcome: SQL turns the two
        // timestamps into seconds, Swift keeps the n integers for the median.
        var won: [Int64] = [], lost: [Int64] = []
        _ = try store.connection.rows(
            """
            SELECT status, \(dialect.epochSeconds("closed_at")) - \(dialect.epochSeconds("created_at")) FROM opportunities
            WHERE (status = 'won' OR status = 'lost') AND closed_at >= ? AND closed_at <= ?
            """,
            [.text(range.startTimestamp), .text(range.endTimestamp)]
        ) { row in
            guard let seconds = row.optionalInteger(1) else { return }
            if row.text(0) == "won" { won.append(seconds) } else { lost.append(seconds) }
        }

        // Stage visits: each change enters a stage; the next change of the
        // same opportunity (or as_of) ends the visit. SQL hands over each
        // change as three integers in (opportunity, id) order, straight
        // from the index: the opportunity, the open stage's position in
        // `open` (-1 for won and lost) and the seconds since the epoch.
        // (A LEAD window pairing them in SQL costs twice as much on SQLite.)
        // Only opportunities between the lowest and highest with a change
        // in the range can have a visit in it.
        let stages = try ReportStage.all(store)
        let open = stages.filter(\.isOpen)
        var visits = Array(repeating: 0 as Int64, count: open.count), seconds = visits
        var overflow = false
        if let (lowest, highest) = try store.connection.row(
            "SELECT min(opportunity_id), max(opportunity_id) FROM opportunity_stage_changes WHERE occurred_at >= ? AND occurred_at <= ?",
            [.text(range.startTimestamp), .text(range.endTimestamp)], { ($0.optionalInteger(0), $0.optionalInteger(1)) }),
           let lowest, let highest {
            let position = open.isEmpty ? "-1" : "CASE c.to_stage " + open.indices.map { "WHEN ? THEN \($0) " }.joined() + "ELSE -1 END"
            var previous: (opportunity: Int64, stage: Int64, start: Int64)?
            /// Ends the visit `previous` at `end` (no later than as_of).
            func close(at end: Int64) {
                guard let visit = previous else { return }
                previous = nil
                guard visit.stage >= 0, visit.stage < Int64(open.count),
                      visit.start >= first, visit.start <= last, visit.start <= until else { return }
                let index = Int(visit.stage)
                let (total, overflowed) = seconds[index].addingReportingOverflow(min(end, until) &- visit.start)
                seconds[index] = total
                visits[index] += 1
                overflow = overflow || overflowed
            }
            _ = try store.connection.rows(
                """
                SELECT c.opportunity_id, \(position), \(dialect.epochSeconds("c.occurred_at")) FROM opportunity_stage_changes c
                WHERE c.opportunity_id >= ? AND c.opportunity_id <= ?
                ORDER BY c.opportunity_id, c.id
                """,
                open.map { .text($0.code) } + [.integer(lowest), .integer(highest)]
            ) { row in
                guard let at = row.optionalInteger(2) else { return }
                let opportunity = row.integer(0)
                if let visit = previous {
                    close(at: visit.opportunity == opportunity ? at : until)
                }
                previous = (opportunity, row.integer(1), at)
            }
            close(at: until)
        }
        if overflow {
            throw CRMError.range("\(arguments.context): a total does not fit in a 64-bit integer")
        }

        return .object(range.json + [
            ("as_of", .string(asOf.description)),
            ("closed", .object([
                ("won", figures(won)),
                ("lost", figures(lost)),
                ("all", figures(won + lost)),
            ])),
            ("stages", .array(open.indices.map { index in
                .object([
                    ("stage", .string(open[index].code)),
                    ("visits", .integer(visits[index])),
                    ("average_days", ReportFigures.days(seconds: seconds[index], count: visits[index])),
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
