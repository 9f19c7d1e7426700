import CRMStore

/// The SQL of quotes, in the subset both engines share. Their lines are in
/// `document_lines` under the document type "quote".
enum QuoteQueries {
    static let columns = """
        id, number, base_number, revision, revision_of, account_id, contact_id, opportunity_id, status, currency,
        issued_on, valid_until, subtotal_minor, tax_minor, total_minor, notes, decline_reason, sent_at, accepted_on,
        accepted_at, declined_at, expired_at, superseded_at, version, created_at, updated_at
        """

    static func quote(_ row: Row) -> Quote {
        var quote = Quote()
        quote.id = row.integer(0)
        quote.number = row.text(1)
        quote.baseNumber = row.text(2)
        quote.revision = row.integer(3)
        quote.revisionOf = row.optionalInteger(4)
        quote.accountID = row.integer(5)
        quote.contactID = row.optionalInteger(6)
        quote.opportunityID = row.optionalInteger(7)
        quote.status = Quote.Status(rawValue: row.text(8)) ?? .draft
        quote.currency = Currency(code: row.text(9))?.currencyCode ?? .zar
        quote.issuedOn = row.optionalText(10).flatMap { CalendarDate($0) }
        quote.validUntil = row.optionalText(11).flatMap { CalendarDate($0) }
        quote.subtotalMinor = row.integer(12)
        quote.taxMinor = row.integer(13)
        quote.totalMinor = row.integer(14)
        quote.notes = row.optionalText(15)
        quote.declineReason = row.optionalText(16)
        quote.sentAt = row.optionalText(17).flatMap { Timestamp(rfc3339: $0) }
        quote.acceptedOn = row.optionalText(18).flatMap { CalendarDate($0) }
        quote.acceptedAt = row.optionalText(19).flatMap { Timestamp(rfc3339: $0) }
        quote.declinedAt = row.optionalText(20).flatMap { Timestamp(rfc3339: $0) }
        quote.expiredAt = row.optionalText(21).flatMap { Timestamp(rfc3339: $0) }
        quote.supersededAt = row.optionalText(22).flatMap { Timestamp(rfc3339: $0) }
        quote.version = row.integer(23)
        quote.createdAt = Timestamp(rfc3339: row.text(24)) ?? .epoch
        quote.updatedAt = Timestamp(rfc3339: row.text(25)) ?? .epoch
        return quote
    }

    static func load(_ store: Store, id: Int64) throws -> Quote? {
        guard var quote = try store.connection.row("SELECT \(columns) FROM quotes WHERE id = ?", [.integer(id)], quote) else {
            return nil
        }
        quote.lines = try LineQueries.load(store, documentType: "quote", documentID: id)
        quote.externalRefs = try ExternalReferences.references(store, recordType: "quote", recordID: id)
        return quote
    }

    static func require(_ store: Store, id: Int64, context: String) throws -> Quote {
        guard let quote = try load(store, id: id) else { throw CRMError.notFound("\(context): quote \(id) not found") }
        return quote
    }

    private static func values(_ quote: Quote) -> [SQLValue] {
        [
            .integer(quote.contactID), .integer(quote.opportunityID), .text(quote.status.rawValue),
            .text(quote.issuedOn?.description), .text(quote.validUntil?.description), .integer(quote.subtotalMinor),
            .integer(quote.taxMinor), .integer(quote.totalMinor), .text(quote.notes), .text(quote.declineReason),
            .text(quote.sentAt?.description), .text(quote.acceptedOn?.description), .text(quote.acceptedAt?.description),
            .text(quote.declinedAt?.description), .text(quote.expiredAt?.description), .text(quote.supersededAt?.description),
            .integer(quote.version), .text(quote.updatedAt.description),
        ]
    }

    /// Writes a new quote and its lines.
    static func insert(_ store: Store, _ quote: Quote) throws {
        try store.connection.run(
            """
            INSERT INTO quotes (contact_id, opportunity_id, status, issued_on, valid_until, subtotal_minor, tax_minor,
                total_minor, notes, decline_reason, sent_at, accepted_on, accepted_at, declined_at, expired_at, superseded_at,
                version, updated_at, id, number, base_number, revision, revision_of, account_id, currency, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            values(quote) + [.integer(quote.id), .text(quote.number), .text(quote.baseNumber), .integer(quote.revision),
                             .integer(quote.revisionOf), .integer(quote.accountID), .text(quote.currency.code),
                             .text(quote.createdAt.description)])
        try LineQueries.replace(store, documentType: "quote", documentID: quote.id, quote.lines)
    }

    /// Writes a quote's changed fields; its lines too when `lines` is true.
    static func update(_ store: Store, _ quote: Quote, lines: Bool = false) throws {
        try store.connection.run(
            """
            UPDATE quotes SET contact_id = ?, opportunity_id = ?, status = ?, issued_on = ?, valid_until = ?,
                subtotal_minor = ?, tax_minor = ?, total_minor = ?, notes = ?, decline_reason = ?, sent_at = ?,
                accepted_on = ?, accepted_at = ?, declined_at = ?, expired_at = ?, superseded_at = ?, version = ?, updated_at = ?
            WHERE id = ?
            """, values(quote) + [.integer(quote.id)])
        if lines { try LineQueries.replace(store, documentType: "quote", documentID: quote.id, quote.lines) }
    }

    /// What `quote.list` filters on; nil matches all.
    struct ListFilter {
        var accountID: Int64?
        var opportunityID: Int64?
        /// The effective status as of `asOf`.
        var status: Quote.Status?
        var asOf = CalendarDate(daysSinceEpoch: 0)!
    }

    /// Up to `limit` quotes with an id above `afterID`, oldest first. The
    /// status filter is the effective one: a sent quote past its
    /// valid_until (before `asOf`) is expired, not sent.
    static func list(_ store: Store, _ filter: ListFilter, afterID: Int64, limit: Int64) throws -> [Quote] {
        let status = filter.status?.rawValue
        // The stored status, except for sent and expired, where the date decides.
        let plain: String? = filter.status == .sent || filter.status == .expired ? nil : status
        let wantSent: Int64? = filter.status == .sent ? 1 : nil
        let wantExpired: Int64? = filter.status == .expired ? 1 : nil
        let asOf = filter.asOf.description
        var conditions = ListConditions()
        conditions.equal("account_id", filter.accountID)
        conditions.equal("opportunity_id", filter.opportunityID)
        conditions.equal("status", plain)
        conditions.add("status = ? AND (valid_until IS NULL OR valid_until >= ?)", [.text("sent"), .text(asOf)], when: wantSent != nil)
        conditions.add("(status = ? OR (status = ? AND valid_until < ?))", [.text("expired"), .text("sent"), .text(asOf)],
                       when: wantExpired != nil)
        var quotes = try store.connection.rows(
            "SELECT \(columns) FROM quotes WHERE id > ?\(conditions.sql) ORDER BY id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit)], quote)
        let references = try ExternalReferences.references(store, recordType: "quote", recordIDs: quotes.map(\.id))
        for index in quotes.indices {
            quotes[index].externalRefs = references[quotes[index].id] ?? []
            quotes[index].lines = try LineQueries.load(store, documentType: "quote", documentID: quotes[index].id)
        }
        return quotes
    }
}
