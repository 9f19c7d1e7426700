import CRMStore

/// `account.rank`: the accounts in order of one measure, worst (or biggest)
/// first: the overdue amount, DSO, billing, or the payment-speed score
/// (`credit.score`, run through the store for each account), filtered by
/// segment, kind and region, a page at a time.
public enum RankingCommands {
    public static let all: [Command] = [
        Command("account.rank", .read, rank),
    ]

    /// What the accounts are ranked by.
    enum Measure: String, CaseIterable {
        /// The payment-speed score on `as_of`, lowest first, unrated last.
        case score
        /// The amount past due on `as_of`, biggest first.
        case overdue
        /// Simple DSO over `from`...`to`, highest first, none last.
        case dso
        /// The invoiced total over `from`...`to`, biggest first.
        case billing
    }

    /// The account kinds `kind` takes (the accounts table's `kind`).
    static let kinds = ["business", "consumer", "dealer", "distributor"]

    /// One ranked account: its id and name, what it is ordered by, and the
    /// fields of its row beside `rank`, `account_id` and `name`.
    struct Ranked {
        var accountID: Int64
        var name: String
        var fields: [(String, JSONValue)]
    }

    /// `account.rank {by, as_of?, from?, to?, currency?, segment?, kind?,
    /// region?, limit?, cursor?}` -> `{"by", ..., "items", "next_cursor"}`.
    static func rank(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let measure = try arguments.choice("by", Measure.self).value else {
            throw CRMError.invalid("\(context): by is required (one of \(Measure.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let asOfSent = try arguments.date("as_of").value
        let fromSent = try arguments.date("from").value
        let toSent = try arguments.date("to").value
        let currencySent = try arguments.string("currency", length: 3...3).value
        let segment = try arguments.string("segment", length: 1...100).value
        let kind = try arguments.choice("kind", kinds).value
        let region = try arguments.string("region", length: 1...100).value
        let (limit, cursor) = try Page.readCursor(&arguments)
        try arguments.finish()
        var after: Int64 = 0
        if let cursor {
            guard let position = Int64(cursor), position >= 0 else { throw Page.badCursor(cursor, context: context) }
            after = position
        }

        let windowed = measure == .dso || measure == .billing
        if windowed {
            if asOfSent != nil { throw CRMError.invalid("\(context): as_of is for by score or overdue; by \(measure.rawValue) takes from and to") }
            guard fromSent != nil else { throw CRMError.invalid("\(context): from is required by \(measure.rawValue) (a date, YYYY-MM-DD)") }
            guard toSent != nil else { throw CRMError.invalid("\(context): to is required by \(measure.rawValue) (a date, YYYY-MM-DD)") }
        } else {
            if fromSent != nil { throw CRMError.invalid("\(context): from is for by dso or billing; by \(measure.rawValue) takes as_of") }
            if toSent != nil { throw CRMError.invalid("\(context): to is for by dso or billing; by \(measure.rawValue) takes as_of") }
        }
        if measure == .score, currencySent != nil {
            throw CRMError.invalid("\(context): currency is not for by score (the score is the same in every currency)")
        }
        if let from = fromSent, let to = toSent, from > to {
            throw CRMError.invalid("\(context): from \(from) is after to \(to)")
        }
        if measure == .score, !store.hasCommand("credit.score") {
            throw CRMError.invalid("\(context): credit.score is not available, so accounts cannot be ranked by score")
        }

        let candidates = try store.connection.rows(
            """
            SELECT id, name FROM accounts
            WHERE merged_into_id IS NULL AND (? IS NULL OR segment = ?) AND (? IS NULL OR kind = ?) AND (? IS NULL OR region = ?)
            ORDER BY id
            """, [.text(segment), .text(segment), .text(kind), .text(kind), .text(region), .text(region)]) {
            ($0.integer(0), $0.text(1))
        }
        let names = Dictionary(candidates, uniquingKeysWith: { first, _ in first })

        var header: [(String, JSONValue)] = [("by", .string(measure.rawValue))]
        let ranked: [Ranked]
        switch measure {
        case .score:
            let asOf = asOfSent ?? store.clock.now().date
            header.append(("as_of", .string(asOf.description)))
            ranked = try byScore(store, candidates: candidates, asOf: asOf)
        case .overdue:
            let asOf = asOfSent ?? store.clock.now().date
            let currency = try ReceivableQueries.currency(store, sent: currencySent, accountID: nil, asOf: asOf, context: context)
            header += [("as_of", .string(asOf.description)), ("currency", .string(currency))]
            ranked = try byOverdue(store, names: names, currency: currency, asOf: asOf)
        case .dso, .billing:
            guard let from = fromSent, let to = toSent else {
                throw CRMError.invalid("\(context): from and to are required by \(measure.rawValue)")
            }
            let currency = try ReceivableQueries.currency(store, sent: currencySent, accountID: nil, asOf: to, context: context)
            header += [("from", .string(from.description)), ("to", .string(to.description)), ("currency", .string(currency))]
            ranked = measure == .dso
                ? try byDSO(store, names: names, currency: currency, from: from, to: to, context: context)
                : try byBilling(store, names: names, currency: currency, from: from, to: to)
        }

        let start = Int(clamping: after)
        let rows = start < ranked.count ? Array(ranked.enumerated().dropFirst(start).prefix(Int(limit) + 1)) : []
        let page = Page.json(rows, limit: limit, record: { position, item in
            .object([("rank", .integer(Int64(position + 1))), ("account_id", .integer(item.accountID)),
                     ("name", .string(item.name))] + item.fields)
        }, cursor: { position, _ in String(position + 1) })
        guard case .object(let fields) = page else { return page }
        return .object(header + fields)
    }

    /// Lowest score first, ties by id; unrated accounts last, by id.
    static func byScore(_ store: Store, candidates: [(Int64, String)], asOf: CalendarDate) throws -> [Ranked] {
        var rated: [(score: Int64, item: Ranked)] = [], unrated: [Ranked] = []
        for (id, name) in candidates {
            let answer = try store.invoke("credit.score", .object([("account_id", .integer(id)), ("as_of", .string(asOf.description))]))
            var score: Int64?
            if case .integer(let value)? = answer["score"]?.decoded { score = value }
            var isUnrated = score == nil
            if case .bool(true)? = answer["unrated"]?.decoded { isUnrated = true }
            var fields: [(String, JSONValue)] = [("score", score.map { .integer($0) } ?? .null), ("unrated", .bool(isUnrated))]
            if case .string(let band)? = answer["band"]?.decoded { fields.append(("band", .string(band))) }
            let item = Ranked(accountID: id, name: name, fields: fields)
            if let score, !isUnrated { rated.append((score, item)) } else { unrated.append(item) }
        }
        rated.sort { ($0.score, $0.item.accountID) < ($1.score, $1.item.accountID) }
        return rated.map(\.item) + unrated
    }

    /// Biggest amount past due on `asOf` first (ties by id); accounts with
    /// nothing past due are left out.
    static func byOverdue(_ store: Store, names: [Int64: String], currency: String, asOf: CalendarDate) throws -> [Ranked] {
        let open = try ReceivableQueries.openTotals(store, accountID: nil, currency: currency, asOf: asOf)
        let rows = open.filter { names[$0.key] != nil && $0.value.pastDueMinor > 0 }
            .sorted { ($1.value.pastDueMinor, $0.key) < ($0.value.pastDueMinor, $1.key) }
        return rows.map { id, totals in
            Ranked(accountID: id, name: names[id] ?? "", fields: [
                ("overdue_minor", .integer(Int64(clamping: totals.pastDueMinor))),
                ("receivables_minor", .integer(Int64(clamping: totals.totalMinor))),
            ])
        }
    }

    /// Credit sales in the window by account: the total and the number of invoices.
    static func salesByAccount(_ store: Store, currency: String, from: CalendarDate, to: CalendarDate) throws -> [Int64: (total: Int128, count: Int64)] {
        var result: [Int64: (total: Int128, count: Int64)] = [:]
        for sale in try MetricsQueries.sales(store, accountID: nil, currency: currency, from: from, to: to) {
            let current = result[sale.accountID] ?? (0, 0)
            result[sale.accountID] = (current.total + Int128(sale.totalMinor), current.count + 1)
        }
        return result
    }

    /// Biggest invoiced total in the window first (ties by id); accounts
    /// that invoiced nothing are left out.
    static func byBilling(_ store: Store, names: [Int64: String], currency: String, from: CalendarDate, to: CalendarDate) throws -> [Ranked] {
        let sales = try salesByAccount(store, currency: currency, from: from, to: to)
        let rows = sales.filter { names[$0.key] != nil && $0.value.total > 0 }
            .sorted { ($1.value.total, $0.key) < ($0.value.total, $1.key) }
        return rows.map { id, sold in
            Ranked(accountID: id, name: names[id] ?? "", fields: [
                ("billed_minor", .integer(Int64(clamping: sold.total))), ("invoices", .integer(sold.count)),
            ])
        }
    }

    /// Highest simple DSO over the window first (ties by id), then the
    /// accounts that owe on `to` but sold nothing in the window (DSO null),
    /// by id; accounts that neither owe nor sold are left out.
    static func byDSO(_ store: Store, names: [Int64: String], currency: String, from: CalendarDate, to: CalendarDate,
                      context: String) throws -> [Ranked] {
        let days = to.daysSinceEpoch - from.daysSinceEpoch + 1
        let sales = try salesByAccount(store, currency: currency, from: from, to: to)
        let open = try ReceivableQueries.openTotals(store, accountID: nil, currency: currency, asOf: to)
        var measured: [(dso: DayFraction, item: Ranked)] = [], unmeasured: [Ranked] = []
        for id in Set(sales.keys).union(open.keys).sorted() {
            guard let name = names[id] else { continue }
            let receivables = open[id]?.totalMinor ?? 0, sold = sales[id]?.total ?? 0
            if receivables == 0 && sold == 0 { continue }
            let dso = try MetricsCommands.simpleDSO(receivables: receivables, sales: sold, days: days, context: context)
            let item = Ranked(accountID: id, name: name, fields: [
                ("dso", try dso?.json(field: "dso", context: context) ?? .null),
                ("receivables_minor", .integer(Int64(clamping: receivables))),
                ("credit_sales_minor", .integer(Int64(clamping: sold))),
            ])
            if let dso { measured.append((dso, item)) } else { unmeasured.append(item) }
        }
        measured.sort { left, right in
            let order = left.dso.compare(right.dso)
            return order != 0 ? order > 0 : left.item.accountID < right.item.accountID
        }
        return measured.map(\.item) + unmeasured
    }
}
