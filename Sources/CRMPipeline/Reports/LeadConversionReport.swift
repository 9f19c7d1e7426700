import CRMStore

/// `report.lead_conversion {from, to, group_by?}`: the leads captured from
/// `from` to `to`, how many were converted and how many became customers,
/// by source channel and campaign.
enum LeadConversionReport {
    static let dimensions = ["source_channel", "campaign"]

    static func run(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let range = try ReportArguments.dateRange(&arguments)
        let groupBy = try ReportArguments.groupBy(&arguments, allowed: dimensions, fallback: ["source_channel"])
        try arguments.finish()
        let keyColumns = groupBy.map { "l.\($0), " }.joined()
        // A lead has at most one conversion (lead_id is its key), and a
        // conversion at most one opportunity: no row is counted twice.
        let sql = """
            SELECT \(keyColumns)count(*),
                   sum(CASE WHEN l.status = 'converted' THEN 1 ELSE 0 END),
                   sum(CASE WHEN v.lead_id IS NOT NULL THEN 1 ELSE 0 END),
                   sum(CASE WHEN v.account_created = 1 THEN 1 ELSE 0 END),
                   sum(CASE WHEN o.status = 'won' THEN 1 ELSE 0 END)
            FROM leads l
            LEFT JOIN lead_conversions v ON v.lead_id = l.id
            LEFT JOIN opportunities o ON o.id = v.opportunity_id
            WHERE l.created_at >= ? AND l.created_at <= ?
            """ + (groupBy.isEmpty ? "" : " GROUP BY " + groupBy.map { "l.\($0)" }.joined(separator: ", "))
        let width = Int32(groupBy.count)
        var groups: [GroupKey: Group] = [:]
        var total = Group()
        _ = try store.connection.rows(sql, [.text(range.startTimestamp), .text(range.endTimestamp)]) { row in
            let key = GroupKey(values: (0..<width).map { row.optionalText($0) })
            let group = Group(leads: row.integer(width), converted: row.integer(width + 1), customers: row.integer(width + 2),
                              newAccounts: row.integer(width + 3), won: row.integer(width + 4))
            groups[key] = group
            total = Group(leads: total.leads + group.leads, converted: total.converted + group.converted,
                          customers: total.customers + group.customers, newAccounts: total.newAccounts + group.newAccounts,
                          won: total.won + group.won)
        }
        let rows = GroupKey.sorted(Array(groups.keys), order: groupBy.map { _ in GroupKey.textOrder }).map { key in
            JSONValue.object(key.fields(groupBy) + (groups[key] ?? Group()).json)
        }
        return .object(range.json + [
            ("group_by", .array(groupBy.map(JSONValue.string))),
            ("rows", .array(rows)),
            ("total", .object(total.json)),
        ])
    }

    /// The figures of one group of leads.
    struct Group {
        /// Leads captured in the range.
        var leads: Int64 = 0
        /// Of those, leads whose status is converted.
        var converted: Int64 = 0
        /// Leads with a conversion record: they became (or joined) a customer account.
        var customers: Int64 = 0
        /// Conversions that made a new account rather than matching one.
        var newAccounts: Int64 = 0
        /// Conversions whose opportunity is won now.
        var won: Int64 = 0

        var json: [(String, JSONValue)] {
            [
                ("leads", .integer(leads)),
                ("converted", .integer(converted)),
                ("customers", .integer(customers)),
                ("new_accounts", .integer(newAccounts)),
                ("won", .integer(won)),
                ("conversion_rate", ReportFigures.rate(converted, leads)),
                ("customer_rate", ReportFigures.rate(customers, leads)),
                ("won_rate", ReportFigures.rate(won, leads)),
            ]
        }
    }
}
