import CRMStore

/// A correction of an issued (or recorded) invoice: some or all of its
/// lines credited back, numbered in its own gapless series once issued.
public struct CreditNote: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case draft, issued
    }

    /// The invoice line a credit note line credits, and how much of it.
    public struct Source: Sendable, Equatable {
        public var invoicePosition: Int64
        public var quantityMilli: Int64
    }

    public var id: Int64 = 0
    public var number: String?
    public var status = Status.draft
    public var invoiceID: Int64 = 0
    public var invoiceNumber: String?
    public var accountID: Int64 = 0
    public var currency = CurrencyCode.zar
    public var issuedOn: CalendarDate?
    public var subtotalMinor: Int64 = 0
    public var taxMinor: Int64 = 0
    public var totalMinor: Int64 = 0
    public var recorded = false
    public var reason: String?
    public var issuedAt: Timestamp?
    public var lines: [DocumentLine] = []
    public var sources: [Source] = []
    public var externalRefs: [ExternalReference] = []
    public var version: Int64 = 1
    public var createdAt = Timestamp.epoch
    public var updatedAt = Timestamp.epoch

    public init() {}

    var label: String { number.map { "credit note \(id) (\($0))" } ?? "credit note \(id)" }

    mutating func total(context: String) throws {
        let totals = try LineAmounts.totals(lines.map { ($0.netMinor, $0.taxMinor) }, context: context)
        subtotalMinor = totals.subtotalMinor
        taxMinor = totals.taxMinor
        totalMinor = totals.totalMinor
    }

    public var json: JSONValue {
        .object([
            ("id", .integer(id)),
            ("number", .string(number)),
            ("status", .string(status.rawValue)),
            ("invoice_id", .integer(invoiceID)),
            ("invoice_number", .string(invoiceNumber)),
            ("account_id", .integer(accountID)),
            ("currency", .string(currency.code)),
            ("issued_on", .string(issuedOn?.description)),
            ("subtotal_minor", .integer(subtotalMinor)),
            ("tax_minor", .integer(taxMinor)),
            ("total_minor", .integer(totalMinor)),
            ("recorded", .bool(recorded)),
            ("reason", .string(reason)),
            ("lines", .array(zip(lines, sources).map { line, source in
                line.json.adding("invoice_position", .integer(source.invoicePosition))
            })),
            ("issued_at", .string(issuedAt?.description)),
            ("external_refs", .array(externalRefs.map(\.json))),
            ("version", .integer(version)),
            ("created_at", .string(createdAt.description)),
            ("updated_at", .string(updatedAt.description)),
        ])
    }
}
