import CRMStore

/// What the document chain keeps about a person: the quotes, job cards and
/// invoices that name a contact as the customer's person for them.
/// `contact.export` hands them over as `"documents"` (`{"quotes",
/// "jobcards", "invoices"}`, each oldest first). `contact.erase` leaves them
/// as they are: they are the business's accounting and work records, which
/// it must keep (they hold the contact's id, not the person's name, and the
/// erased contact is nameless). A job card's `signed_by` is the name the
/// customer's signatory gave at sign-off, kept as the proof of acceptance.
enum DocumentsPersonalData {
    static let documents = PersonalData(
        "documents",
        export: { store, contactID in
            let context = "contact.export"
            func ids(_ sql: StaticString) throws -> [Int64] {
                try store.connection.rows("\(sql)", [.integer(contactID)]) { $0.integer(0) }
            }
            let quotes = try ids("SELECT id FROM quotes WHERE contact_id = ? ORDER BY id")
                .map { try QuoteQueries.require(store, id: $0, context: context).json }
            let jobCards = try ids("SELECT id FROM jobcards WHERE contact_id = ? ORDER BY id")
                .map { try JobCardQueries.require(store, id: $0, context: context).json }
            let invoices = try ids("SELECT id FROM invoices WHERE contact_id = ? ORDER BY id")
                .map { try InvoiceQueries.require(store, id: $0, context: context).json(asOf: store.clock.now().date) }
            return .object([("quotes", .array(quotes)), ("jobcards", .array(jobCards)), ("invoices", .array(invoices))])
        },
        erase: { _, _ in })
}
