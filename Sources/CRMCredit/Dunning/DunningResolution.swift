import CRMStore

/// Resolves an invoice's open dunning letters when it becomes fully
/// settled: a `ChangeObserver` on the document chain's `invoice.paid` and
/// `invoice.credited`, in the transaction of the payment or credit note.
///
/// The letters turn "resolved" with the day (the allocation's date, else
/// the clock's day) and what settled it: `credit_note` for `invoice.credited`
/// and for a credit note applied to it, `payment` otherwise. One
/// `dunning.resolved` event per invoice. A reopened invoice (a payment
/// reversed) keeps its letters resolved and is never sent a level again
/// that it was sent before; a higher level may follow.
public enum DunningResolution {
    public static let observer = ChangeObserver(["invoice.paid", "invoice.credited"]) { store, type, record in
        try resolve(store, type: type, record: record)
    }

    static func resolve(_ store: Store, type: String, record sent: JSONValue) throws {
        // Most payments leave an invoice partly paid: a written record that
        // names neither settled status is passed over without a parse.
        if case .encoded(let text) = sent, !text.contains(#""status":"paid""#), !text.contains(#""status":"credited""#) { return }
        let record = sent.decoded
        let status = record["status"]?.textValue
        guard status == "paid" || status == "credited", case .integer(let invoiceID)? = record["id"] else { return }
        let ids = try DunningQueries.openLetters(store, invoiceID: invoiceID)
        guard !ids.isEmpty else { return }
        let viaNote = type == "invoice.credited" || record["credit_note_id"].map { $0 != .null } == true
        let resolvedBy: DunningLetter.Resolution = viaNote ? .creditNote : .payment
        let now = store.clock.now()
        let resolvedOn = record["allocation"]?["allocated_on"]?.textValue ?? now.date.description
        try store.connection.run(
            """
            UPDATE dunning_letters SET status = ?, resolved_on = ?, resolved_by = ?, version = version + 1, updated_at = ?
            WHERE invoice_id = ? AND status = ?
            """,
            [.text(DunningLetter.Status.resolved.rawValue), .text(resolvedOn), .text(resolvedBy.rawValue), .text(now.description),
             .integer(invoiceID), .text(DunningLetter.Status.sent.rawValue)])
        try store.record(event: "dunning.resolved", .object([
            ("invoice_id", .integer(invoiceID)), ("invoice_number", record["number"] ?? .null),
            ("account_id", record["account_id"] ?? .null), ("status", .string(status)),
            ("resolved_on", .string(resolvedOn)), ("resolved_by", .string(resolvedBy.rawValue)),
            ("letter_ids", .array(ids.map { .integer($0) })),
        ]))
    }

    /// The letters that name a contact: exported with `contact.export`; the
    /// table keeps no personal field (only the contact's id), the
    /// `dunning.letter` events' name, e-mail, phone and address are blanked
    /// by `contact.erase`.
    public static let personalData = PersonalData(
        "dunning_letters",
        events: [PersonalEvents(types: ["dunning.letter"], contactField: "contact_id",
                                fields: ["contact_name", "email", "phone", "address"])],
        export: { store, id in .array(try DunningQueries.ofContact(store, contactID: id).map(\.json)) },
        erase: { _, _ in })
}
