import CRMStore

/// `ar.ageing`: the receivables of the book, or of one account, in one
/// currency, by how long they are past due on a date.
public enum AgeingCommands {
    public static let all: [Command] = [
        Command("ar.ageing", .read, ageing),
    ]

    /// The upper bounds of the past-due bands unless `buckets` is sent:
    /// 1-30, 31-60, 61-90, 91-120, then over 120 days.
    static let defaultBounds: [Int64] = [30, 60, 90, 120]
    /// The most bounds `buckets` takes.
    static let maximumBounds = 20
    /// The largest bound: 100 years.
    static let maximumDays: Int64 = 36_500

    /// One band: `from` nil is "not yet due" (0 days past due or less);
    /// `to` nil is open-ended.
    struct Band {
        var from: Int64?
        var to: Int64?
    }

    static func bands(_ bounds: [Int64]) -> [Band] {
        var result = [Band(from: nil, to: 0)]
        var from: Int64 = 1
        for bound in bounds {
            result.append(Band(from: from, to: bound))
            from = bound + 1
        }
        result.append(Band(from: from, to: nil))
        return result
    }

    /// The band of an amount `days` past due.
    static func band(daysPastDue days: Int64, bounds: [Int64]) -> Int {
        if days <= 0 { return 0 }
        for (index, bound) in bounds.enumerated() where days <= bound { return index + 1 }
        return bounds.count + 1
    }

    /// One account's figures, summed with headroom and clamped on the way out.
    struct Totals {
        var buckets: [Int128]
        var creditNotes: Int128 = 0
        var payments: Int128 = 0
        init(bandCount: Int) { buckets = Array(repeating: 0, count: bandCount) }
        var total: Int128 { buckets.reduce(0, +) }
        var isEmpty: Bool { total == 0 && creditNotes == 0 && payments == 0 }

        mutating func add(_ other: Totals) {
            for index in buckets.indices { buckets[index] += other.buckets[index] }
            creditNotes += other.creditNotes
            payments += other.payments
        }

        func json(_ bands: [Band]) -> [(String, JSONValue)] {
            let buckets = JSONValue.array(zip(bands, self.buckets).map { band, amount in
                .object([("from_days", band.from.map { .integer($0) } ?? .null), ("to_days", band.to.map { .integer($0) } ?? .null),
                         ("amount_minor", .integer(Int64(clamping: amount)))])
            })
            return [("buckets", buckets), ("total_minor", .integer(Int64(clamping: total))),
                    ("open_credit_notes_minor", .integer(Int64(clamping: creditNotes))),
                    ("unallocated_payments_minor", .integer(Int64(clamping: payments))),
                    ("net_minor", .integer(Int64(clamping: total - creditNotes - payments)))]
        }
    }

    /// `ar.ageing {as_of, account_id?, currency?, buckets?}`.
    static func ageing(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let asOfSent = try arguments.date("as_of").value
        let accountID = try arguments.id("account_id").value
        let currencySent = try arguments.string("currency", length: 3...3).value
        let maximumDays = self.maximumDays
        let boundsSent = try arguments.array("buckets", maximumCount: maximumBounds) { value, name -> Int64 in
            guard case .integer(let days) = value else {
                throw CRMError.invalid("\(context): \(name()) must be a whole number of days, got \(value.typeName)")
            }
            guard (1...maximumDays).contains(days) else {
                throw CRMError.invalid("\(context): \(name()) must be between 1 and \(maximumDays) days; got \(days)")
            }
            return days
        }.nonNull("buckets", context: context)
        try arguments.finish()
        guard let asOf = asOfSent else { throw CRMError.invalid("\(context): as_of is required") }
        let bounds = boundsSent ?? defaultBounds
        if bounds.isEmpty { throw CRMError.invalid("\(context): buckets must have at least one bound, such as [30, 60, 90, 120]") }
        for index in bounds.indices.dropFirst() where bounds[index] <= bounds[index - 1] {
            throw CRMError.invalid("\(context): buckets[\(index)] is \(bounds[index]); the bounds must ascend, above buckets[\(index - 1)] (\(bounds[index - 1]))")
        }
        if let accountID {
            guard try store.connection.row("SELECT id FROM accounts WHERE id = ?", [.integer(accountID)], { $0.integer(0) }) != nil else {
                throw CRMError.notFound("\(context): account_id \(accountID) is not an account")
            }
        }
        let currency = try ReceivableQueries.currency(store, sent: currencySent, accountID: accountID, asOf: asOf, context: context)
        let bands = bands(bounds)
        let (book, accounts) = try figures(store, asOf: asOf, accountID: accountID, currency: currency, bounds: bounds)
        var rows: [JSONValue] = []
        for (id, totals) in accounts {
            let name = try store.connection.row("SELECT name FROM accounts WHERE id = ?", [.integer(id)], { $0.text(0) })
            rows.append(.object([("account_id", .integer(id)), ("name", .string(name))] + totals.json(bands)))
        }
        return .object([("as_of", .string(asOf.description)), ("currency", .string(currency)),
                        ("account_id", accountID.map { .integer($0) } ?? .null),
                        ("bucket_bounds", .array(bounds.map { .integer($0) }))]
                       + book.json(bands) + [("accounts", .array(rows))])
    }

    /// The ageing on `asOf` in `currency`: each account with anything open,
    /// by id (only `accountID` when it is sent, with zeros when nothing is
    /// open), and the book (the sum of those accounts). `account.statement`
    /// takes its ageing at `to` from here.
    static func figures(_ store: Store, asOf: CalendarDate, accountID: Int64?, currency: String,
                        bounds: [Int64]) throws -> (book: Totals, accounts: [(id: Int64, totals: Totals)]) {
        let bandCount = bounds.count + 2
        var accounts: [Int64: Totals] = [:]
        if let accountID { accounts[accountID] = Totals(bandCount: bandCount) }
        for item in try ReceivableQueries.invoices(store, accountID: accountID, currency: currency, asOf: asOf) {
            let days = item.dueOn.map { asOf.daysSinceEpoch - $0.daysSinceEpoch } ?? 0
            var totals = accounts[item.accountID] ?? Totals(bandCount: bandCount)
            totals.buckets[band(daysPastDue: days, bounds: bounds)] += item.openMinor
            totals.creditNotes += item.openCreditMinor
            accounts[item.accountID] = totals
        }
        for (account, open) in try ReceivableQueries.unallocatedPayments(store, accountID: accountID, currency: currency, asOf: asOf) {
            accounts[account, default: Totals(bandCount: bandCount)].payments += open
        }
        var book = Totals(bandCount: bandCount)
        var rows: [(id: Int64, totals: Totals)] = []
        for id in accounts.keys.sorted() {
            guard let totals = accounts[id], !totals.isEmpty || id == accountID else { continue }
            book.add(totals)
            rows.append((id, totals))
        }
        return (book, rows)
    }
}
