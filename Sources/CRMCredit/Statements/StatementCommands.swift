import CRMStore

/// `account.statement`: an account's statement for a period, in one
/// currency: the balance brought forward, every invoice, credit note,
/// payment, refund and payment reversal dated in the period with the running
/// balance, the closing balance and the ageing at the period's end.
/// `document.render` renders it (type "statement") through its templates.
public enum StatementCommands {
    public static let all: [Command] = [
        Command("account.statement", .read, statement),
    ]

    /// `account.statement {account_id, from, to, currency?}`.
    static func statement(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let accountSent = try arguments.id("account_id").value
        let from = try arguments.requiredDate("from")
        let to = try arguments.requiredDate("to")
        let currencySent = try arguments.string("currency", length: 3...3).value
        try arguments.finish()
        guard let accountID = accountSent else { throw CRMError.invalid("\(context): account_id is required") }
        guard from <= to else { throw CRMError.invalid("\(context): from \(from) is after to \(to)") }
        guard let account = try StatementQueries.account(store, id: accountID) else {
            throw CRMError.notFound("\(context): account_id \(accountID) is not an account")
        }
        let currency = try ReceivableQueries.currency(store, sent: currencySent, accountID: accountID, asOf: to, context: context)

        func minor(_ amount: Int128, _ field: String) throws -> JSONValue {
            guard let value = Int64(exactly: amount) else {
                throw CRMError.range("\(context): \(field) does not fit in a 64-bit integer")
            }
            return .integer(value)
        }
        let opening = try StatementQueries.balance(store, accountID: accountID, currency: currency, before: from)
        var balance = opening, debits: Int128 = 0, credits: Int128 = 0
        var lines: [JSONValue] = []
        for entry in try StatementQueries.entries(store, accountID: accountID, currency: currency, from: from, to: to) {
            let amount = Int128(entry.amountMinor)
            if entry.kind.isDebit { debits += amount; balance += amount } else { credits += amount; balance -= amount }
            lines.append(.object([
                ("date", .string(entry.date.description)),
                ("type", .string(entry.kind.name)),
                ("id", .integer(entry.recordID)),
                ("number", entry.number.map { .string($0) } ?? .null),
                ("reference", entry.reference.map { .string($0) } ?? .null),
                ("description", .string(entry.description)),
                ("debit_minor", .integer(entry.kind.isDebit ? entry.amountMinor : 0)),
                ("credit_minor", .integer(entry.kind.isDebit ? 0 : entry.amountMinor)),
                ("balance_minor", try minor(balance, "balance_minor")),
            ]))
        }
        return .object([
            ("account_id", .integer(accountID)),
            ("name", .string(account.name)),
            ("address", account.address),
            ("currency", .string(currency)),
            ("from", .string(from.description)),
            ("to", .string(to.description)),
            ("opening_balance_minor", try minor(opening, "opening_balance_minor")),
            ("lines", .array(lines)),
            ("total_debits_minor", try minor(debits, "total_debits_minor")),
            ("total_credits_minor", try minor(credits, "total_credits_minor")),
            ("closing_balance_minor", try minor(balance, "closing_balance_minor")),
            ("ageing", try ageing(store, accountID: accountID, currency: currency, asOf: to)),
        ])
    }

    /// The account's ageing on `asOf` by the default bands, as `ar.ageing`
    /// reckons it, each band with a `label` ("Current", "1-30", ..., "Over 120").
    static func ageing(_ store: Store, accountID: Int64, currency: String, asOf: CalendarDate) throws -> JSONValue {
        let bounds = AgeingCommands.defaultBounds
        let bands = AgeingCommands.bands(bounds)
        let figures = try AgeingCommands.figures(store, asOf: asOf, accountID: accountID, currency: currency, bounds: bounds)
        let totals = figures.accounts.first { $0.id == accountID }?.totals ?? AgeingCommands.Totals(bandCount: bands.count)
        let buckets = JSONValue.array(zip(bands, totals.buckets).map { band, amount in
            let label: String
            switch (band.from, band.to) {
            case (nil, _): label = "Current"
            case (let from?, nil): label = "Over \(from - 1)"
            case (let from?, let to?): label = "\(from)-\(to)"
            }
            return .object([("from_days", band.from.map { .integer($0) } ?? .null), ("to_days", band.to.map { .integer($0) } ?? .null),
                            ("label", .string(label)), ("amount_minor", .integer(Int64(clamping: amount)))])
        })
        let fields = totals.json(bands).map { $0.0 == "buckets" ? ("buckets", buckets) : $0 }
        return .object([("as_of", .string(asOf.description)), ("bucket_bounds", .array(bounds.map { .integer($0) }))] + fields)
    }
}
