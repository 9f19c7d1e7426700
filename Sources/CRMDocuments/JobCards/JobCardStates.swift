import CRMStore

/// The states of a job card and the moves between them:
///
///     open -> scheduled -> in_progress <-> on_hold -> ... in_progress -> completed -> invoiced
///     open, scheduled, in_progress, on_hold -> cancelled
///     invoiced -> completed, by no command: when a credit note frees what its invoices took
///
/// Any other move is `CRM_CONSTRAINT` naming both states.
public enum JobCardStates {
    /// The states each state may move to.
    static let moves: [JobCard.Status: [JobCard.Status]] = [
        .open: [.scheduled, .cancelled],
        .scheduled: [.inProgress, .cancelled],
        .inProgress: [.onHold, .completed, .cancelled],
        .onHold: [.inProgress, .cancelled],
        .completed: [.invoiced],
        .invoiced: [],
        .cancelled: [],
    ]

    /// Whether a card may move from one state to the other.
    public static func allows(from: JobCard.Status, to: JobCard.Status) -> Bool {
        moves[from]?.contains(to) ?? false
    }

    /// - Throws: `.constraint` naming both states when the move is not allowed.
    static func check(_ card: JobCard, to: JobCard.Status, context: String) throws {
        guard allows(from: card.status, to: to) else {
            throw CRMError.constraint("\(context): \(card.label) cannot go from \(card.status.rawValue) to \(to.rawValue)")
        }
    }

    /// - Throws: `.constraint` naming the state when the card no longer changes.
    static func checkEditable(_ card: JobCard, context: String) throws {
        guard card.status.isEditable else {
            throw CRMError.constraint(
                "\(context): \(card.label) is \(card.status.rawValue); only an open, scheduled, in_progress or on_hold job card changes")
        }
    }

    /// Moves a card to `to` after `change` has set what the move sets, in one
    /// new version, and records `event` (the card with `"transition": {"from", "to"}`).
    static func move(_ store: Store, id: Int64, expectedVersion: Int64?, to: JobCard.Status, event: String, context: String,
                     rewriting parts: JobCardQueries.Parts = [], checkingMove: Bool = true, extra: [(String, JSONValue)] = [],
                     _ change: (inout JobCard, Timestamp) throws -> Void = { _, _ in }) throws -> JobCard {
        var card = try JobCardQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: card.version, record: card.label)
        if checkingMove { try check(card, to: to, context: context) }
        let from = card.status
        let now = store.clock.now()
        try change(&card, now)
        card.status = to
        card.version = try VersionCheck.next(card.version, record: card.label)
        card.updatedAt = now
        try JobCardQueries.update(store, card, rewriting: parts)
        var record = card.json.adding("transition", .object([
            ("from", .string(from.rawValue)), ("to", .string(to.rawValue)),
        ]))
        for (key, value) in extra { record = record.adding(key, value) }
        try store.record(event: event, record)
        return card
    }

    /// Marks a completed job card invoiced: for the invoicing code of this
    /// module, which calls it in the write that makes the invoice (there is
    /// no command). Event `jobcard.invoiced`.
    /// - Throws: `.notFound`; `.constraint` naming both states unless the card is completed.
    @discardableResult
    public static func markInvoiced(_ store: Store, id: Int64, invoiceID: Int64?, context: String) throws -> JSONValue {
        try move(store, id: id, expectedVersion: nil, to: .invoiced, event: "jobcard.invoiced", context: context) { card, now in
            card.invoiceID = invoiceID
            card.invoicedAt = now
        }.json
    }

    /// Takes an invoiced job card back to completed, to be invoiced again,
    /// when a credit note freed part of what its invoices took: for the
    /// credit note code of this module, in the write that issues or records
    /// the note (there is no command). Event `jobcard.reopened` (the card
    /// with its `transition` and the `credit_note_id`).
    @discardableResult
    static func reopenForInvoicing(_ store: Store, id: Int64, creditNoteID: Int64, context: String) throws -> JobCard {
        try move(store, id: id, expectedVersion: nil, to: .completed, event: "jobcard.reopened", context: context,
                 checkingMove: false, extra: [("credit_note_id", .integer(creditNoteID))]) { card, _ in
            card.invoiceID = nil
            card.invoicedAt = nil
        }
    }
}
