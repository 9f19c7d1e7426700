import CRMStore

/// An offer to a customer: priced lines, valid until a date, that the
/// customer accepts or declines. A sent quote is frozen; changing it makes
/// a new revision (`quote.revise`) and the old one is kept, superseded.
public struct Quote: Sendable {
    /// Where a quote stands. Draft is editable; sent waits for the
    /// customer; the others are final.
    public enum Status: String, Sendable, CaseIterable {
        case draft, sent, accepted, declined, expired, superseded
    }

    public var id: Int64 = 0
    /// "Q-000123" for revision 1, "Q-000123-2" for revision 2, and so on.
    public var number = ""
    /// The number of revision 1, which every revision shares.
    public var baseNumber = ""
    public var revision: Int64 = 1
    /// The quote this revision replaced.
    public var revisionOf: Int64?
    public var accountID: Int64 = 0
    public var contactID: Int64?
    public var opportunityID: Int64?
    public var status = Status.draft
    public var currency = CurrencyCode.zar
    public var issuedOn: CalendarDate?
    public var validUntil: CalendarDate?
    public var subtotalMinor: Int64 = 0
    public var taxMinor: Int64 = 0
    public var totalMinor: Int64 = 0
    public var lines: [DocumentLine] = []
    public var notes: String?
    public var declineReason: String?
    public var sentAt: Timestamp?
    public var acceptedOn: CalendarDate?
    public var acceptedAt: Timestamp?
    public var declinedAt: Timestamp?
    public var expiredAt: Timestamp?
    public var supersededAt: Timestamp?
    public var externalRefs: [ExternalReference] = []
    public var version: Int64 = 1
    public var createdAt = Timestamp.epoch
    public var updatedAt = Timestamp.epoch

    public init() {}

    var label: String { "quote \(id) (\(number))" }

    /// Whether the quote counts as expired on `asOf`: marked so, or sent and
    /// valid until a day before it.
    public func isExpired(asOf: CalendarDate) -> Bool {
        if status == .expired { return true }
        guard status == .sent, let validUntil else { return false }
        return validUntil < asOf
    }

    /// The status as of a day: `expired` for a sent quote past its date.
    public func effectiveStatus(asOf: CalendarDate) -> Status {
        isExpired(asOf: asOf) ? .expired : status
    }

    /// Sets the totals from the lines by the rounding rule.
    mutating func total(context: String) throws {
        let totals = try LineAmounts.totals(lines.map { ($0.netMinor, $0.taxMinor) }, context: context)
        subtotalMinor = totals.subtotalMinor
        taxMinor = totals.taxMinor
        totalMinor = totals.totalMinor
    }

    /// The quote as its documented JSON record (without the derived fields).
    public var json: JSONValue {
        .object(fields)
    }

    /// The quote as of a day: its record with `expired` and `effective_status`.
    public func json(asOf: CalendarDate) -> JSONValue {
        .object(fields + [
            ("expired", .bool(isExpired(asOf: asOf))),
            ("effective_status", .string(effectiveStatus(asOf: asOf).rawValue)),
        ])
    }

    private var fields: [(String, JSONValue)] {
        [
            ("id", .integer(id)),
            ("number", .string(number)),
            ("revision", .integer(revision)),
            ("revision_of", .integer(revisionOf)),
            ("account_id", .integer(accountID)),
            ("contact_id", .integer(contactID)),
            ("opportunity_id", .integer(opportunityID)),
            ("status", .string(status.rawValue)),
            ("currency", .string(currency.code)),
            ("issued_on", .string(issuedOn?.description)),
            ("valid_until", .string(validUntil?.description)),
            ("subtotal_minor", .integer(subtotalMinor)),
            ("tax_minor", .integer(taxMinor)),
            ("total_minor", .integer(totalMinor)),
            ("lines", .array(lines.map(\.json))),
            ("notes", .string(notes)),
            ("decline_reason", .string(declineReason)),
            ("sent_at", .string(sentAt?.description)),
            ("accepted_on", .string(acceptedOn?.description)),
            ("accepted_at", .string(acceptedAt?.description)),
            ("declined_at", .string(declinedAt?.description)),
            ("expired_at", .string(expiredAt?.description)),
            ("superseded_at", .string(supersededAt?.description)),
            ("external_refs", .array(externalRefs.map(\.json))),
            ("version", .integer(version)),
            ("created_at", .string(createdAt.description)),
            ("updated_at", .string(updatedAt.description)),
        ]
    }
}

/// The editable fields of a draft quote as a create or update sent them.
struct QuoteChanges {
    var contactID: Presence<Int64> = .absent
    var opportunityID: Presence<Int64> = .absent
    var issuedOn: Presence<CalendarDate> = .absent
    var validUntil: Presence<CalendarDate> = .absent
    var notes: Presence<String> = .absent
    var lines: Presence<[DocumentLine.Input]> = .absent

    static func read(_ arguments: inout Arguments) throws -> QuoteChanges {
        var changes = QuoteChanges()
        changes.contactID = try arguments.id("contact_id")
        changes.opportunityID = try arguments.id("opportunity_id")
        changes.issuedOn = try arguments.date("issued_on")
        changes.validUntil = try arguments.date("valid_until")
        changes.notes = try arguments.string("notes", length: 1...4000)
        changes.lines = try DocumentLine.read(&arguments)
        return changes
    }

    /// Applies the changes (the lines priced from the catalogue); returns
    /// the names of the fields that changed.
    /// - Throws: `.invalid` naming the field; what `DocumentLine.resolve` throws.
    func apply(to quote: inout Quote, store: Store, context: String) throws -> [String] {
        var changed: [String] = []
        contactID.apply(to: &quote.contactID, field: "contact_id", changed: &changed)
        opportunityID.apply(to: &quote.opportunityID, field: "opportunity_id", changed: &changed)
        issuedOn.apply(to: &quote.issuedOn, field: "issued_on", changed: &changed)
        validUntil.apply(to: &quote.validUntil, field: "valid_until", changed: &changed)
        if let notes = notes.value, notes.trimmingWhitespace().isEmpty {
            throw CRMError.invalid("\(context): notes must not be blank")
        }
        notes.apply(to: &quote.notes, field: "notes", changed: &changed)
        switch lines {
        case .absent: break
        case .null: throw CRMError.invalid("\(context): lines cannot be null (send [] for none)")
        case .value(let inputs):
            let resolved = try DocumentLine.resolve(store, inputs, currency: quote.currency, context: context)
            if resolved != quote.lines {
                quote.lines = resolved
                changed.append("lines")
            }
        }
        try quote.total(context: context)
        if let issuedOn = quote.issuedOn, let validUntil = quote.validUntil, validUntil < issuedOn {
            throw CRMError.invalid("\(context): valid_until \(validUntil) is before issued_on \(issuedOn)")
        }
        return changed
    }
}
