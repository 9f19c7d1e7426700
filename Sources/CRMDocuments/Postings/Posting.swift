import CRMStore

/// A balanced journal entry for the host's ledger, carried by every event
/// that moves money: `{"date", "memo", "lines": [{"account", "debit_minor" |
/// "credit_minor", "currency"}]}`. Debits equal credits, always: the
/// builders make them so, and `init` refuses anything else.
public struct Posting: Sendable, Equatable {
    /// One side of one account.
    public struct Line: Sendable, Equatable {
        public enum Side: Sendable, Equatable {
            case debit, credit
        }

        public var account: String
        public var side: Side
        /// Positive minor units.
        public var amountMinor: Int64

        public var json: JSONValue {
            .object([
                ("account", .string(account)),
                (side == .debit ? "debit_minor" : "credit_minor", .integer(amountMinor)),
            ])
        }
    }

    public let date: CalendarDate
    public let memo: String
    public let currency: CurrencyCode
    public let lines: [Line]

    /// A posting of these lines; lines of zero are left out.
    /// - Throws: `.internal` when debits and credits differ (a bug, never input),
    ///   `.range` when a side's sum does not fit.
    public init(date: CalendarDate, memo: String, currency: CurrencyCode, lines: [Line]) throws {
        let kept = lines.filter { $0.amountMinor != 0 }
        var debits: Int128 = 0, credits: Int128 = 0
        for line in kept {
            guard line.amountMinor > 0 else { throw CRMError(.internal, "internal: posting '\(memo)' has a negative line on \(line.account)") }
            if line.side == .debit { debits += Int128(line.amountMinor) } else { credits += Int128(line.amountMinor) }
        }
        guard debits == credits else {
            throw CRMError(.internal, "internal: posting '\(memo)' does not balance (debits \(debits), credits \(credits))")
        }
        guard Int64(exactly: debits) != nil else { throw CRMError.range("posting '\(memo)': its total does not fit in 64 bits") }
        self.date = date
        self.memo = memo
        self.currency = currency
        self.lines = kept
    }

    /// The posting as its documented JSON object (each line names the currency).
    public var json: JSONValue {
        .object([
            ("date", .string(date.description)),
            ("memo", .string(memo)),
            ("lines", .array(lines.map { $0.json.adding("currency", .string(currency.code)) })),
        ])
    }

    /// The same posting with every debit and credit swapped: what undoes it.
    public func reversed(memo: String, date: CalendarDate) throws -> Posting {
        try Posting(date: date, memo: memo, currency: currency, lines: lines.map {
            Line(account: $0.account, side: $0.side == .debit ? .credit : .debit, amountMinor: $0.amountMinor)
        })
    }
}

/// The postings of the document chain, built from the ledger mapping.
public enum Postings {
    /// An issued invoice: receivable debited with the total; each revenue
    /// account credited with its lines' net (a line's product's
    /// `revenue_account`, else the mapping's `revenue`); tax payable credited
    /// with the tax.
    /// - Parameter revenueAccounts: the revenue account of each line, nil for the mapping's.
    public static func invoice(_ lines: [DocumentLine], revenueAccounts: [String?], mapping: LedgerMapping, date: CalendarDate,
                               memo: String, currency: CurrencyCode) throws -> Posting {
        let totals = try LineAmounts.totals(lines.map { ($0.netMinor, $0.taxMinor) }, context: memo)
        var revenue: [(account: String, amount: Int128)] = []
        for (line, account) in zip(lines, revenueAccounts + Array(repeating: nil, count: max(0, lines.count - revenueAccounts.count))) {
            let name = account ?? mapping.revenue
            if let index = revenue.firstIndex(where: { $0.account == name }) {
                revenue[index].amount += Int128(line.netMinor)
            } else {
                revenue.append((name, Int128(line.netMinor)))
            }
        }
        var postingLines = [Posting.Line(account: mapping.receivable, side: .debit, amountMinor: totals.totalMinor)]
        for entry in revenue {
            // Each revenue sum is at most the subtotal, which fits.
            postingLines.append(Posting.Line(account: entry.account, side: .credit, amountMinor: Int64(entry.amount)))
        }
        postingLines.append(Posting.Line(account: mapping.taxPayable, side: .credit, amountMinor: totals.taxMinor))
        return try Posting(date: date, memo: memo, currency: currency, lines: postingLines)
    }

    /// A payment received: the bank debited with the amount; receivable
    /// credited with what it pays of invoices, customer credit with the rest.
    public static func payment(amountMinor: Int64, allocatedMinor: Int64, mapping: LedgerMapping, date: CalendarDate,
                               memo: String, currency: CurrencyCode) throws -> Posting {
        guard allocatedMinor >= 0, allocatedMinor <= amountMinor else {
            throw CRMError(.internal, "internal: payment '\(memo)' allocates \(allocatedMinor) of \(amountMinor)")
        }
        return try Posting(date: date, memo: memo, currency: currency, lines: [
            Posting.Line(account: mapping.bank, side: .debit, amountMinor: amountMinor),
            Posting.Line(account: mapping.receivable, side: .credit, amountMinor: allocatedMinor),
            Posting.Line(account: mapping.customerCredit, side: .credit, amountMinor: amountMinor - allocatedMinor),
        ])
    }

    /// Customer credit (an earlier overpayment) applied to invoices.
    public static func allocation(amountMinor: Int64, mapping: LedgerMapping, date: CalendarDate, memo: String,
                                  currency: CurrencyCode) throws -> Posting {
        try Posting(date: date, memo: memo, currency: currency, lines: [
            Posting.Line(account: mapping.customerCredit, side: .debit, amountMinor: amountMinor),
            Posting.Line(account: mapping.receivable, side: .credit, amountMinor: amountMinor),
        ])
    }

    /// Customer credit paid back out of the bank.
    public static func refund(amountMinor: Int64, mapping: LedgerMapping, date: CalendarDate, memo: String,
                              currency: CurrencyCode) throws -> Posting {
        try Posting(date: date, memo: memo, currency: currency, lines: [
            Posting.Line(account: mapping.customerCredit, side: .debit, amountMinor: amountMinor),
            Posting.Line(account: mapping.bank, side: .credit, amountMinor: amountMinor),
        ])
    }
}
