import CRMStore

extension InvoiceCommands {
    /// The one place an issued invoice's settled amounts change: credit notes
    /// (credited_minor), payments and credit-note offsets (paid_minor). Adds
    /// the changes (checked), sets the status the amounts give, bumps the
    /// version, writes, and records `event` with the invoice and `extra`.
    /// - Throws: `.range` when an amount does not fit, `.internal` when one
    ///   would fall below zero (a caller's bug).
    @discardableResult
    static func settle(_ store: Store, invoiceID: Int64, paidChange: Int64 = 0, creditedChange: Int64 = 0, event: String,
                       extra: [(String, JSONValue)], at now: Timestamp, context: String) throws -> Invoice {
        var invoice = try InvoiceQueries.require(store, id: invoiceID, context: context)
        let paid = Int128(invoice.paidMinor) + Int128(paidChange)
        let credited = Int128(invoice.creditedMinor) + Int128(creditedChange)
        guard paid >= 0, credited >= 0 else {
            throw CRMError(.internal, "internal: \(invoice.label) would have paid \(paid), credited \(credited)")
        }
        guard let paidMinor = Int64(exactly: paid) else {
            throw CRMError.range("\(context): \(invoice.label)'s paid amount does not fit in 64 bits")
        }
        guard let creditedMinor = Int64(exactly: credited) else {
            throw CRMError.range("\(context): \(invoice.label)'s credited amount does not fit in 64 bits")
        }
        invoice.paidMinor = paidMinor
        invoice.creditedMinor = creditedMinor
        invoice.settleStatus()
        invoice.version = try VersionCheck.next(invoice.version, record: invoice.label)
        invoice.updatedAt = now
        try InvoiceQueries.update(store, invoice)
        var json = invoice.json(asOf: now.date)
        for (key, value) in extra { json = json.adding(key, value) }
        try store.record(event: event, json)
        return invoice
    }
}
