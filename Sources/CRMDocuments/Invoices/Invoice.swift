import CRMStore

/// A bill to a customer: priced lines, a number from the gapless series once
/// issued, a due date from the account's payment terms. A draft is editable;
/// an issued (or recorded) invoice is frozen, and corrected by credit notes.
public struct Invoice: Sendable {
    /// draft -> issued -> partially_paid -> paid; credited once credit notes
    /// cover it all. Overdue is derived (`isOverdue(asOf:)`).
    public enum Status: String, Sendable, CaseIterable {
        case draft, issued
        case partiallyPaid = "partially_paid"
        case paid, credited
    }

    /// Where an invoice line came from: a job card's billable line or a quote's line.
    public struct Source: Sendable, Equatable {
        public var type: String
        public var id: Int64
        public var position: Int64
        public var quantityMilli: Int64
    }

    public var id: Int64 = 0
    /// Nil while a draft.
    public var number: String?
    public var status = Status.draft
    public var accountID: Int64 = 0
    public var contactID: Int64?
    public var jobcardID: Int64?
    public var quoteID: Int64?
    public var currency = CurrencyCode.zar
    public var issuedOn: CalendarDate?
    public var dueOn: CalendarDate?
    public var subtotalMinor: Int64 = 0
    public var taxMinor: Int64 = 0
    public var totalMinor: Int64 = 0
    public var creditedMinor: Int64 = 0
    public var paidMinor: Int64 = 0
    /// Issued by the host's own ledger (`invoice.record`), not by libcrm.
    public var recorded = false
    public var notes: String?
    public var issuedAt: Timestamp?
    public var lines: [DocumentLine] = []
    /// The source of each line (same index), nil for a line of its own.
    public var sources: [Source?] = []
    public var externalRefs: [ExternalReference] = []
    public var version: Int64 = 1
    public var createdAt = Timestamp.epoch
    public var updatedAt = Timestamp.epoch

    public init() {}

    var label: String { number.map { "invoice \(id) (\($0))" } ?? "invoice \(id)" }

    /// What the customer still owes: total less credited and paid (never below zero).
    public var balanceDueMinor: Int64 {
        let balance = Int128(totalMinor) - Int128(creditedMinor) - Int128(paidMinor)
        return Int64(clamping: max(0, balance))
    }

    /// Issued (or recorded), not settled, and due before `asOf`.
    public func isOverdue(asOf: CalendarDate) -> Bool {
        guard status == .issued || status == .partiallyPaid, let dueOn else { return false }
        return dueOn < asOf && balanceDueMinor > 0
    }

    /// Sets the totals from the lines by the rounding rule.
    mutating func total(context: String) throws {
        let totals = try LineAmounts.totals(lines.map { ($0.netMinor, $0.taxMinor) }, context: context)
        subtotalMinor = totals.subtotalMinor
        taxMinor = totals.taxMinor
        totalMinor = totals.totalMinor
    }

    /// The status the amounts give an issued invoice.
    mutating func settleStatus() {
        guard status != .draft else { return }
        if totalMinor > 0, creditedMinor >= totalMinor {
            status = .credited
        } else if balanceDueMinor == 0, paidMinor > 0 {
            status = .paid
        } else if paidMinor > 0 {
            status = .partiallyPaid
        } else {
            status = .issued
        }
    }

    public func json(asOf: CalendarDate) -> JSONValue {
        .object([
            ("id", .integer(id)),
            ("number", .string(number)),
            ("status", .string(status.rawValue)),
            ("account_id", .integer(accountID)),
            ("contact_id", .integer(contactID)),
            ("jobcard_id", .integer(jobcardID)),
            ("quote_id", .integer(quoteID)),
            ("currency", .string(currency.code)),
            ("issued_on", .string(issuedOn?.description)),
            ("due_on", .string(dueOn?.description)),
            ("subtotal_minor", .integer(subtotalMinor)),
            ("tax_minor", .integer(taxMinor)),
            ("total_minor", .integer(totalMinor)),
            ("credited_minor", .integer(creditedMinor)),
            ("paid_minor", .integer(paidMinor)),
            ("balance_due_minor", .integer(balanceDueMinor)),
            ("overdue", .bool(isOverdue(asOf: asOf))),
            ("as_of", .string(asOf.description)),
            ("recorded", .bool(recorded)),
            ("lines", .array(zip(lines, sources + Array(repeating: nil, count: max(0, lines.count - sources.count))).map { line, source in
                var json = line.json
                if let source {
                    json = json.adding("source", .object([("type", .string(source.type)), ("id", .integer(source.id)),
                                                          ("position", .integer(source.position))]))
                }
                return json
            })),
            ("notes", .string(notes)),
            ("issued_at", .string(issuedAt?.description)),
            ("external_refs", .array(externalRefs.map(\.json))),
            ("version", .integer(version)),
            ("created_at", .string(createdAt.description)),
            ("updated_at", .string(updatedAt.description)),
        ])
    }
}
