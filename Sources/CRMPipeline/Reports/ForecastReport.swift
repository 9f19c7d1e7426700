import CRMStore

/// `report.forecast {from, to, currency, group_by?}`: the open
/// opportunities in one currency expected to close from `from` to `to`,
/// their amount and weighted amount, by expected-close month, owner or
/// stage (or a combination).
enum ForecastReport {
    static let dimensions = ["month", "owner", "stage"]
    /// The longest range whose months are all listed: ten years.
    static let maximumMonths = 120

    static func run(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let range = try ReportArguments.dateRange(&arguments)
        let currency = try ReportArguments.currency(&arguments)
        let groupBy = try ReportArguments.groupBy(&arguments, allowed: dimensions, fallback: ["month"])
        try arguments.finish()
        let months = monthsBetween(range.from, range.to)
        if groupBy.contains("month"), months.count > maximumMonths {
            throw CRMError.range("\(context): to is \(months.count) months after from; a forecast by month covers at most \(maximumMonths) months")
        }
        let stages = try ReportStage.all(store)
        let columns = groupBy.map { dimension -> String in
            switch dimension {
            case "month": return "substr(expected_close_on, 1, 7)"
            case "owner": return "owner"
            default: return "stage"
            }
        }
        let keyList = columns.isEmpty ? "" : columns.joined(separator: ", ") + ", "
        let groupClause = columns.isEmpty ? "" : " GROUP BY " + columns.joined(separator: ", ")
        let sql = "SELECT \(keyList)count(*), sum(amount_minor), sum("
            + ReportFigures.weightedSQL(amount: "amount_minor", probability: "probability")
            + ") FROM opportunities WHERE status = 'open' AND currency = ? AND expected_close_on >= ? AND expected_close_on <= ?"
            + groupClause
        let width = Int32(groupBy.count)
        var totals: [GroupKey: Figures] = [:]
        _ = try store.connection.rows(sql, [.text(currency.code), .text(range.from.description), .text(range.to.description)]) { row in
            let key = GroupKey(values: (0..<width).map { row.optionalText($0) })
            totals[key] = Figures(opportunities: row.integer(width),
                                  amountMinor: try ReportFigures.sum(row, width + 1, context: context),
                                  weightedMinor: try ReportFigures.sum(row, width + 2, context: context))
        }
        // Every month of the range and every open stage has a row, even an
        // empty one, when the grouping is by month and stage only.
        var keys = Array(totals.keys)
        if !groupBy.contains("owner") {
            var all: [GroupKey] = [GroupKey(values: [])]
            for dimension in groupBy {
                let values = dimension == "month" ? months : stages.filter(\.isOpen).map(\.code)
                all = all.flatMap { key in values.map { GroupKey(values: key.values + [$0]) } }
            }
            for key in all where totals[key] == nil { keys.append(key) }
        }
        let positions = Dictionary(stages.map { ($0.code, $0.position) }, uniquingKeysWith: { first, _ in first })
        let order: [(String?, String?) -> Bool] = groupBy.map { dimension in
            guard dimension == "stage" else { return GroupKey.textOrder }
            return { a, b in (a.flatMap { positions[$0] } ?? Int64.max, a ?? "") < (b.flatMap { positions[$0] } ?? Int64.max, b ?? "") }
        }
        var total = Figures()
        var rows: [JSONValue] = []
        for key in GroupKey.sorted(keys, order: order) {
            let figures = totals[key] ?? Figures()
            total = try total.adding(figures, context: context)
            rows.append(.object(key.fields(groupBy) + figures.json))
        }
        return .object(range.json + [
            ("currency", .string(currency.code)),
            ("group_by", .array(groupBy.map(JSONValue.string))),
            ("rows", .array(rows)),
            ("total", .object(total.json)),
        ])
    }

    /// The figures of one group.
    struct Figures {
        var opportunities: Int64 = 0
        var amountMinor: Int64 = 0
        var weightedMinor: Int64 = 0

        func adding(_ other: Figures, context: String) throws -> Figures {
            let (amount, o1) = amountMinor.addingReportingOverflow(other.amountMinor)
            let (weighted, o2) = weightedMinor.addingReportingOverflow(other.weightedMinor)
            if o1 || o2 { throw CRMError.range("\(context): the total does not fit in a 64-bit integer") }
            return Figures(opportunities: opportunities + other.opportunities, amountMinor: amount, weightedMinor: weighted)
        }

        var json: [(String, JSONValue)] {
            [("opportunities", .integer(opportunities)), ("amount_minor", .integer(amountMinor)),
             ("weighted_minor", .integer(weightedMinor))]
        }
    }

    /// "YYYY-MM" of every month from `from`'s to `to`'s.
    static func monthsBetween(_ from: CalendarDate, _ to: CalendarDate) -> [String] {
        var (year, month, _) = from.components
        let (lastYear, lastMonth, _) = to.components
        var months: [String] = []
        while (year, month) <= (lastYear, lastMonth) {
            months.append(String(CalendarDate(year: year, month: month, day: 1)?.description.prefix(7) ?? ""))
            if months.count > maximumMonths { break }
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return months
    }
}
