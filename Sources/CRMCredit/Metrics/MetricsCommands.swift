import CRMStore

/// `ar.metrics`: how fast the book, or one account, turns its receivables
/// into cash over a window (docs/COMMANDS.md, "Receivables metrics"): DSO by
/// the simple or the count-back method, best possible DSO, average days
/// delinquent, average days to pay, the collection effectiveness index and
/// ADBT. Every figure is exact: days as fractions in lowest terms, the CEI
/// as a rate; a figure whose denominator is 0 is null.
public enum MetricsCommands {
    public static let all: [Command] = [
        Command("ar.metrics", .read, metrics),
    ]

    /// How DSO is computed.
    enum DSOMethod: String, CaseIterable {
        /// Receivables at `to` / credit sales in the window × days in the window.
        case simple
        /// Back from `to` a calendar month at a time, each month's sales
        /// taken off the receivables until they are used up.
        case countback
    }

    /// The figures of one window, with what they are worked from.
    struct Figures {
        var days: Int64
        var creditSalesMinor: Int128 = 0
        var beginning = ReceivableQueries.OpenTotals()
        var ending = ReceivableQueries.OpenTotals()
        var dso: DayFraction?
        var bestPossibleDSO: DayFraction?
        var averageDaysDelinquent: DayFraction?
        var allocatedMinor: Int128 = 0
        var averageDaysToPay: DayFraction?
        var settledInvoices: Int64 = 0
        var settledMinor: Int128 = 0
        var adbt: DayFraction?
    }

    /// `ar.metrics {account_id?, currency?, from, to, dso_method?}`.
    static func metrics(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let accountID = try arguments.id("account_id").value
        let currencySent = try arguments.string("currency", length: 3...3).value
        let from = try arguments.requiredDate("from")
        let to = try arguments.requiredDate("to")
        let method = try arguments.choice("dso_method", DSOMethod.self).value ?? .simple
        try arguments.finish()
        guard from <= to else { throw CRMError.invalid("\(context): from \(from) is after to \(to)") }
        if let accountID {
            guard try store.connection.row("SELECT id FROM accounts WHERE id = ?", [.integer(accountID)], { $0.integer(0) }) != nil else {
                throw CRMError.notFound("\(context): account_id \(accountID) is not an account")
            }
        }
        let currency = try ReceivableQueries.currency(store, sent: currencySent, accountID: accountID, asOf: to, context: context)
        let figures = try compute(store, accountID: accountID, currency: currency, from: from, to: to, method: method, context: context)

        func minor(_ amount: Int128, _ field: String) throws -> (String, JSONValue) {
            guard let value = Int64(exactly: amount) else {
                throw CRMError.range("\(context): \(field) does not fit in a 64-bit integer")
            }
            return (field, .integer(value))
        }
        func days(_ fraction: DayFraction?, _ field: String) throws -> (String, JSONValue) {
            (field, try fraction?.json(field: field, context: context) ?? .null)
        }
        let beginning = figures.beginning, ending = figures.ending, sales = figures.creditSalesMinor
        return .object([
            ("account_id", accountID.map { .integer($0) } ?? .null),
            ("currency", .string(currency)),
            ("from", .string(from.description)), ("to", .string(to.description)),
            ("days", .integer(figures.days)),
            ("dso_method", .string(method.rawValue)),
            try minor(sales, "credit_sales_minor"),
            try minor(beginning.totalMinor, "beginning_receivables_minor"),
            try minor(ending.totalMinor, "ending_receivables_minor"),
            try minor(ending.currentMinor, "ending_current_receivables_minor"),
            try days(figures.dso, "dso"),
            try days(figures.bestPossibleDSO, "best_possible_dso"),
            try days(figures.averageDaysDelinquent, "average_days_delinquent"),
            try minor(figures.allocatedMinor, "allocated_minor"),
            try days(figures.averageDaysToPay, "average_days_to_pay"),
            ("cei", try DayFraction.rate(beginning.totalMinor + sales - ending.totalMinor,
                                         beginning.totalMinor + sales - ending.currentMinor, field: "cei", context: context)),
            ("settled_invoices", .integer(figures.settledInvoices)),
            try minor(figures.settledMinor, "settled_minor"),
            try days(figures.adbt, "adbt"),
        ])
    }

    /// Every figure of the window `from`...`to` for one account or the book.
    static func compute(_ store: Store, accountID: Int64?, currency: String, from: CalendarDate, to: CalendarDate,
                        method: DSOMethod, context: String) throws -> Figures {
        let windowDays = to.daysSinceEpoch - from.daysSinceEpoch + 1
        var figures = Figures(days: windowDays)
        let sales = try MetricsQueries.sales(store, accountID: accountID, currency: currency, from: from, to: to)
        figures.creditSalesMinor = sales.reduce(0) { $0 + Int128($1.totalMinor) }
        figures.ending = try ReceivableQueries.openTotal(store, accountID: accountID, currency: currency, asOf: to)
        if let dayBefore = from.adding(days: -1) {
            figures.beginning = try ReceivableQueries.openTotal(store, accountID: accountID, currency: currency, asOf: dayBefore)
        }

        let salesTotal = figures.creditSalesMinor
        figures.bestPossibleDSO = try DayFraction.make(
            DayFraction.product(figures.ending.currentMinor, Int128(windowDays), field: "best_possible_dso", context: context),
            over: salesTotal, field: "best_possible_dso", context: context)
        switch method {
        case .simple:
            figures.dso = try simpleDSO(receivables: figures.ending.totalMinor, sales: salesTotal, days: windowDays, context: context)
        case .countback:
            figures.dso = try countbackDSO(receivables: figures.ending.totalMinor, sales: sales, from: from, to: to, context: context)
        }
        if let dso = figures.dso, let best = figures.bestPossibleDSO {
            figures.averageDaysDelinquent = try dso.subtracting(best, field: "average_days_delinquent", context: context)
        }

        var weightedDays: Int128 = 0
        for allocation in try MetricsQueries.allocations(store, accountID: accountID, currency: currency, from: from, to: to) {
            let days = allocation.allocatedOn.daysSinceEpoch - allocation.issuedOn.daysSinceEpoch
            weightedDays += Int128(allocation.amountMinor) * Int128(days)
            figures.allocatedMinor += Int128(allocation.amountMinor)
        }
        figures.averageDaysToPay = try DayFraction.make(weightedDays, over: figures.allocatedMinor,
                                                        field: "average_days_to_pay", context: context)

        var weightedBeyond: Int128 = 0
        for invoice in try MetricsQueries.settled(store, accountID: accountID, currency: currency, from: from, to: to) {
            let days = invoice.settledOn.daysSinceEpoch - invoice.dueOn.daysSinceEpoch
            weightedBeyond += Int128(invoice.totalMinor) * Int128(days)
            figures.settledMinor += Int128(invoice.totalMinor)
            figures.settledInvoices += 1
        }
        figures.adbt = try DayFraction.make(weightedBeyond, over: figures.settledMinor, field: "adbt", context: context)
        return figures
    }

    /// Simple DSO: receivables / credit sales × days; nil without sales.
    static func simpleDSO(receivables: Int128, sales: Int128, days: Int64, context: String) throws -> DayFraction? {
        try DayFraction.make(DayFraction.product(receivables, Int128(days), field: "dso", context: context),
                             over: sales, field: "dso", context: context)
    }

    /// Count-back DSO: from `to` back a calendar month at a time (the first
    /// period is the 1st of `to`'s month to `to`, the last starts at `from`),
    /// each period's credit sales are taken off the receivables at `to`;
    /// every period they use up counts its days, and the period where they
    /// run out counts the fraction left / that period's sales of its days.
    /// Receivables that outlast the window's sales count the rest at the
    /// window's average daily sales (rest × window days / window sales).
    /// 0 when nothing is owed; nil when the window has no sales.
    static func countbackDSO(receivables: Int128, sales: [MetricsQueries.Sale], from: CalendarDate, to: CalendarDate,
                             context: String) throws -> DayFraction? {
        let field = "dso"
        let total = sales.reduce(Int128(0)) { $0 + Int128($1.totalMinor) }
        guard total > 0 else { return nil }
        let newestFirst = sales.sorted { $0.issuedOn > $1.issuedOn }
        var next = 0
        var remaining = receivables
        var counted: Int128 = 0
        var end = to
        while end >= from {
            if remaining <= 0 { return .whole(counted) }
            let (year, month, _) = end.components
            let start = max(CalendarDate(year: year, month: month, day: 1) ?? end, from)
            var periodSales: Int128 = 0
            while next < newestFirst.count, newestFirst[next].issuedOn >= start {
                periodSales += Int128(newestFirst[next].totalMinor)
                next += 1
            }
            let periodDays = Int128(end.daysSinceEpoch - start.daysSinceEpoch + 1)
            if periodSales > 0, remaining <= periodSales {
                let whole = try DayFraction.product(counted, periodSales, field: field, context: context)
                let part = try DayFraction.product(remaining, periodDays, field: field, context: context)
                return try DayFraction.make(DayFraction.sum(whole, part, field: field, context: context), over: periodSales, field: field, context: context)
            }
            remaining -= periodSales
            counted += periodDays
            guard let previous = start.adding(days: -1) else { break }
            end = previous
        }
        if remaining <= 0 { return .whole(counted) }
        let windowDays = Int128(to.daysSinceEpoch - from.daysSinceEpoch + 1)
        let whole = try DayFraction.product(counted, total, field: field, context: context)
        let part = try DayFraction.product(remaining, windowDays, field: field, context: context)
        return try DayFraction.make(DayFraction.sum(whole, part, field: field, context: context), over: total, field: field, context: context)
    }
}
