import CRMStore

/// A dunning letter: one level sent for one invoice on one day, with the
/// amounts it asks for. Fee and interest are recorded here only; nothing is
/// posted to the books.
public struct DunningLetter: Sendable {
    /// Whether the invoice is still owed ("sent") or was settled ("resolved").
    public enum Status: String, Sendable, CaseIterable {
        case sent, resolved
    }

    /// What settled the invoice.
    public enum Resolution: String, Sendable, CaseIterable {
        case payment
        case creditNote = "credit_note"
    }

    public var id: Int64 = 0
    public var invoiceID: Int64 = 0
    public var invoiceNumber: String?
    public var accountID: Int64 = 0
    /// The contact written to; nil when the account has no active contact.
    public var contactID: Int64?
    public var level: Int64 = 0
    public var template = ""
    /// The channel the host sends it by; nil when no channel is allowed.
    public var channel: DunningLevel.Channel?
    public var daysOverdue: Int64 = 0
    /// What the invoice owed on the day the letter was made.
    public var outstandingMinor: Int64 = 0
    public var feeMinor: Int64 = 0
    public var interestMinor: Int64 = 0
    public var currency = ""
    public var dueOn = ""
    public var sentOn = ""
    public var status = Status.sent
    public var resolvedOn: String?
    public var resolvedBy: Resolution?
    public var version: Int64 = 1
    public var createdAt = ""
    public var updatedAt = ""

    public init() {}

    /// Outstanding + fee + interest; nil only past 64 bits (`dunning.run`
    /// refuses such a letter, so never for a stored one).
    public var totalDueMinor: Int64? {
        Int64(exactly: Int128(outstandingMinor) + Int128(feeMinor) + Int128(interestMinor))
    }

    /// The letter as its documented JSON record.
    public var json: JSONValue {
        .object([
            ("id", .integer(id)), ("invoice_id", .integer(invoiceID)), ("invoice_number", .string(invoiceNumber)),
            ("account_id", .integer(accountID)), ("contact_id", .integer(contactID)), ("level", .integer(level)),
            ("template", .string(template)), ("channel", .string(channel?.rawValue)), ("days_overdue", .integer(daysOverdue)),
            ("outstanding_minor", .integer(outstandingMinor)), ("fee_minor", .integer(feeMinor)),
            ("interest_minor", .integer(interestMinor)), ("total_due_minor", .integer(totalDueMinor)),
            ("currency", .string(currency)), ("due_on", .string(dueOn)),
            ("sent_on", .string(sentOn)), ("status", .string(status.rawValue)), ("resolved_on", .string(resolvedOn)),
            ("resolved_by", .string(resolvedBy?.rawValue)), ("version", .integer(version)),
            ("created_at", .string(createdAt)), ("updated_at", .string(updatedAt)),
        ])
    }
}
