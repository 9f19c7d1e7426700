import CRMStore

/// Money a customer paid: allocated to invoices (at once or later), the rest
/// kept as unallocated credit on the account until allocated or refunded;
/// reversed when it bounces.
public struct Payment: Sendable {
    public enum Method: String, Sendable, CaseIterable {
        case eft, cash, card, cheque
        case debitOrder = "debit_order"
        case other
    }

    public enum Status: String, Sendable, CaseIterable {
        case recorded, reversed
    }

    /// What one payment or credit note settled of one invoice.
    public struct Allocation: Sendable, Equatable {
        public var id: Int64 = 0
        public var paymentID: Int64?
        public var creditNoteID: Int64?
        public var invoiceID: Int64 = 0
        public var invoiceNumber: String?
        public var invoiceDueOn: CalendarDate?
        public var amountMinor: Int64 = 0
        public var allocatedOn = Timestamp.epoch.date
        public var reversed = false

        public var json: JSONValue {
            var fields: [(String, JSONValue)] = [("id", .integer(id))]
            if let paymentID { fields.append(("payment_id", .integer(paymentID))) }
            if let creditNoteID { fields.append(("credit_note_id", .integer(creditNoteID))) }
            fields += [
                ("invoice_id", .integer(invoiceID)),
                ("invoice_number", .string(invoiceNumber)),
                ("invoice_due_on", .string(invoiceDueOn?.description)),
                ("amount_minor", .integer(amountMinor)),
                ("allocated_on", .string(allocatedOn.description)),
                ("reversed", .bool(reversed)),
            ]
            return .object(fields)
        }
    }

    public struct Refund: Sendable, Equatable {
        public var id: Int64 = 0
        public var amountMinor: Int64 = 0
        public var refundedOn = Timestamp.epoch.date
        public var reason: String?

        public var json: JSONValue {
            .object([("id", .integer(id)), ("amount_minor", .integer(amountMinor)),
                     ("refunded_on", .string(refundedOn.description)), ("reason", .string(reason))])
        }
    }

    public var id: Int64 = 0
    public var accountID: Int64 = 0
    public var amountMinor: Int64 = 0
    public var currency = CurrencyCode.zar
    public var receivedOn = Timestamp.epoch.date
    public var method = Method.other
    public var reference: String?
    /// What its allocations not reversed settle.
    public var allocatedMinor: Int64 = 0
    public var refundedMinor: Int64 = 0
    public var status = Status.recorded
    public var reversedOn: CalendarDate?
    public var reversalReason: String?
    /// Whether its money moves write postings (false: recorded as history
    /// the host's ledger holds already).
    public var posted = true
    public var allocations: [Allocation] = []
    public var refunds: [Refund] = []
    public var externalRefs: [ExternalReference] = []
    public var version: Int64 = 1
    public var createdAt = Timestamp.epoch
    public var updatedAt = Timestamp.epoch

    public init() {}

    var label: String { "payment \(id)" }

    /// Credit left on the account: amount − allocated − refunded (0 once reversed).
    public var unallocatedMinor: Int64 {
        guard status == .recorded else { return 0 }
        return Int64(clamping: max(0, Int128(amountMinor) - Int128(allocatedMinor) - Int128(refundedMinor)))
    }

    public var json: JSONValue {
        .object([
            ("id", .integer(id)),
            ("account_id", .integer(accountID)),
            ("amount_minor", .integer(amountMinor)),
            ("currency", .string(currency.code)),
            ("received_on", .string(receivedOn.description)),
            ("method", .string(method.rawValue)),
            ("reference", .string(reference)),
            ("allocated_minor", .integer(allocatedMinor)),
            ("refunded_minor", .integer(refundedMinor)),
            ("unallocated_minor", .integer(unallocatedMinor)),
            ("status", .string(status.rawValue)),
            ("reversed_on", .string(reversedOn?.description)),
            ("reversal_reason", .string(reversalReason)),
            ("posted", .bool(posted)),
            ("allocations", .array(allocations.map(\.json))),
            ("refunds", .array(refunds.map(\.json))),
            ("external_refs", .array(externalRefs.map(\.json))),
            ("version", .integer(version)),
            ("created_at", .string(createdAt.description)),
            ("updated_at", .string(updatedAt.description)),
        ])
    }
}
