import CRMStore

/// The `credit_note.*` commands: corrections of issued or recorded invoices,
/// all their lines or chosen lines and quantities, never more than remains
/// uncredited; issued with a number of their own gapless series.
public enum CreditNoteCommands {
    public static let all: [Command] = [
        Command("credit_note.create", .write, create),
        Command("credit_note.get", .read, get),
        Command("credit_note.list", .read, list),
        Command("credit_note.delete", .write, delete),
        Command("credit_note.issue", .write, issue),
        Command("credit_note.record", .write, record),
    ]

    /// What create and record read alike.
    struct Selection {
        var invoiceID: Int64
        var positions: [Int64]?
        var quantities: [Int64]?
        var reason: String?

        static func read(_ arguments: inout Arguments) throws -> Selection {
            let context = arguments.context
            let invoiceID = try arguments.id("invoice_id").value
            let positions = try arguments.array("line_positions", maximumCount: DocumentLine.maximumCount) { value, name in
                try Arguments.integer(value, field: name(), context: context, range: 0...Int64(DocumentLine.maximumCount - 1))
            }.value
            let quantities = try arguments.array("quantities_milli", maximumCount: DocumentLine.maximumCount) { value, name in
                try Arguments.integer(value, field: name(), context: context, range: 1...1_000_000_000_000)
            }.value
            let reason = try arguments.string("reason", length: 1...1000).value
            guard let invoiceID else { throw CRMError.invalid("\(context): invoice_id is required") }
            if let reason, reason.trimmingWhitespace().isEmpty { throw CRMError.invalid("\(context): reason must not be blank") }
            return Selection(invoiceID: invoiceID, positions: positions, quantities: quantities, reason: reason)
        }

        /// The credit note (not yet stored) for the chosen lines of the invoice.
        /// - Throws: `.notFound`, `.invalid` naming the field, `.constraint` for a
        ///   draft or fully credited invoice or more than remains uncredited.
        func draft(_ store: Store, context: String) throws -> (CreditNote, Invoice) {
            guard let invoice = try InvoiceQueries.load(store, id: invoiceID) else {
                throw CRMError.notFound("\(context): invoice_id \(invoiceID) is not an invoice")
            }
            guard invoice.status != .draft else {
                throw CRMError.constraint("\(context): \(invoice.label) is a draft; edit or delete it instead of crediting it")
            }
            let credited = try CreditNoteQueries.credited(store, invoiceID: invoice.id)
            let chosen = positions ?? invoice.lines.indices.map { Int64($0) }
            if let positions {
                if positions.isEmpty { throw CRMError.invalid("\(context): line_positions must not be empty") }
                if Set(positions).count != positions.count { throw CRMError.invalid("\(context): line_positions names a line twice") }
            }
            if let quantities, quantities.count != chosen.count {
                throw CRMError.invalid("\(context): quantities_milli has \(quantities.count) items, one per chosen line (\(chosen.count)) is needed")
            }
            var note = CreditNote()
            note.invoiceID = invoice.id
            note.invoiceNumber = invoice.number
            note.accountID = invoice.accountID
            note.currency = invoice.currency
            note.reason = reason
            for (index, position) in chosen.enumerated() {
                guard position < Int64(invoice.lines.count) else {
                    throw CRMError.invalid("\(context): line_positions[\(index)] is \(position); \(invoice.label) has \(invoice.lines.count) lines")
                }
                let line = invoice.lines[Int(position)]
                let taken = credited[position] ?? (0, 0, 0)
                let remaining = max(0, line.quantityMilli - min(line.quantityMilli, taken.quantity))
                let name = positions == nil ? "line \(position) of \(invoice.label)" : "line_positions[\(index)] (line \(position) of \(invoice.label))"
                if remaining == 0 {
                    if positions == nil { continue }
                    throw CRMError.constraint("\(context): \(name) is credited in full already")
                }
                let quantity = quantities?[index] ?? remaining
                guard quantity <= remaining else {
                    throw CRMError.constraint("\(context): quantities_milli[\(index)] is \(quantity); \(name) has only \(remaining) of \(line.quantityMilli) left to credit")
                }
                let leftNet = max(0, line.netMinor - min(line.netMinor, taken.net))
                let leftTax = max(0, line.taxMinor - min(line.taxMinor, taken.tax))
                var creditLine = line
                creditLine.quantityMilli = quantity
                if quantity == remaining {
                    // The last of a line takes exactly what is left of its amounts.
                    creditLine.netMinor = leftNet
                    creditLine.taxMinor = leftTax
                } else {
                    let (net, tax) = try LineAmounts.amounts(quantityMilli: quantity, unitPriceMinor: line.unitPriceMinor,
                                                             discountBP: line.discountBP, taxRateBP: line.taxRateBP,
                                                             field: "\(context): \(name)")
                    creditLine.netMinor = min(net, leftNet)
                    creditLine.taxMinor = min(tax, leftTax)
                }
                note.lines.append(creditLine)
                note.sources.append(CreditNote.Source(invoicePosition: position, quantityMilli: quantity))
            }
            if note.lines.isEmpty { throw CRMError.constraint("\(context): \(invoice.label) has nothing left to credit") }
            try note.total(context: context)
            return (note, invoice)
        }
    }

    static func content(_ note: CreditNote) -> JSONValue { note.json }

    /// `credit_note.create {invoice_id, line_positions?, quantities_milli?, reason?}`:
    /// a draft crediting the chosen lines (default all) of an issued or
    /// recorded invoice, each by the quantity sent or all that remains
    /// uncredited (drafts count). Event `credit_note.created`.
    static func create(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        let selection = try Selection.read(&arguments)
        try arguments.finish()
        var (note, _) = try selection.draft(store, context: context)
        return try store.create("credit_note", event: "credit_note.created", reference: reference, content: content(note),
                                context: context, update: nil, load: {
            try CreditNoteQueries.require(store, id: $0, context: context).json
        }) {
            note.id = try store.nextID("credit_notes")
            note.createdAt = store.clock.now()
            note.updatedAt = note.createdAt
            try CreditNoteQueries.insert(store, note)
            return note.id
        } record: { references in
            note.externalRefs = references
            return note.json
        }
    }

    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "credit_note", store: store)
        try arguments.finish()
        return try CreditNoteQueries.require(store, id: id, context: arguments.context).json
    }

    /// `credit_note.list {limit?, cursor?, invoice_id?, account_id?, status?}`.
    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (limit, afterID) = try Page.read(&arguments)
        var filter = CreditNoteQueries.ListFilter()
        filter.invoiceID = try arguments.id("invoice_id").value
        filter.accountID = try arguments.id("account_id").value
        filter.status = try arguments.choice("status", CreditNote.Status.self).value
        try arguments.finish()
        let notes = try CreditNoteQueries.list(store, filter, afterID: afterID, limit: limit + 1)
        return Page.json(notes, limit: limit, record: { $0.json }, cursor: { String($0.id) })
    }

    /// `credit_note.delete {id, expected_version?}`: a draft goes, freeing what it credited.
    static func delete(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "credit_note", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        let note = try CreditNoteQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: note.version, record: note.label)
        guard note.status == .draft else {
            throw CRMError.constraint("\(context): \(note.label) is \(note.recorded ? "recorded" : note.status.rawValue); only a draft can be deleted")
        }
        try CreditNoteQueries.delete(store, id: id)
        let made = note.json.adding("deleted", .bool(true))
        try store.record(event: "credit_note.deleted", made)
        return made
    }

    /// `credit_note.issue {id, issued_on?, expected_version?}`: the next
    /// number of the credit note series; the invoice's credited_minor and
    /// balance follow (status credited when all of it is). Events
    /// `credit_note.issued` with the posting that reverses the invoice's for
    /// these lines, and `invoice.credited`.
    static func issue(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "credit_note", store: store)
        let issuedOn = try arguments.date("issued_on").value
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        var note = try CreditNoteQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: note.version, record: note.label)
        guard note.status == .draft else {
            throw CRMError.constraint("\(context): \(note.label) cannot go from \(note.recorded ? "recorded" : note.status.rawValue) to issued")
        }
        var invoice = try InvoiceQueries.require(store, id: note.invoiceID, context: context)
        let now = store.clock.now()
        let issued = issuedOn ?? now.date
        if let invoiceDate = invoice.issuedOn, issued < invoiceDate {
            throw CRMError.invalid("\(context): issued_on \(issued) is before \(invoice.label) was issued (\(invoiceDate))")
        }
        let posting = try reversal(store, note, invoice: invoice, date: issued, memo: { "Credit note \($0) for \(invoice.number ?? "")" })
        return try store.savepoint {
            let number = try NumberSeries.take(store, "credit_note")
            note.number = number
            note.status = .issued
            note.issuedOn = issued
            note.issuedAt = now
            note.version = try VersionCheck.next(note.version, record: note.label)
            note.updatedAt = now
            try CreditNoteQueries.update(store, note)
            let made = note.json.adding("posting", try posting(number).json)
            try store.record(event: "credit_note.issued", made)
            try credit(store, &invoice, by: note, at: now, context: context)
            return made
        }
    }

    /// `credit_note.record {source, external_ref, invoice_id, number, issued_on,
    /// line_positions?, quantities_milli?, reason?, posting?}`: a credit note the
    /// host's ledger issued; it takes no number of libcrm's series. Event
    /// `credit_note.recorded` (with `posting` only when asked) and `invoice.credited`.
    static func record(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        let number = try arguments.string("number", length: 1...60).value
        let issuedOn = try arguments.date("issued_on").value
        let wantsPosting = try arguments.bool("posting").value ?? false
        let selection = try Selection.read(&arguments)
        try arguments.finish()
        guard let reference else { throw CRMError.invalid("\(context): source and external_ref are required (the host's own credit note)") }
        guard let number, !number.trimmingWhitespace().isEmpty else { throw CRMError.invalid("\(context): number is required") }
        guard let issuedOn else { throw CRMError.invalid("\(context): issued_on is required") }
        // Sent again: what it credited is taken now, so the stored note answers.
        if let recordID = try ExternalReferences.recordID(store, recordType: "credit_note", reference) {
            let stored = try CreditNoteQueries.require(store, id: recordID, context: context)
            let sent: [(String, Bool)] = [("invoice_id", stored.invoiceID == selection.invoiceID),
                                          ("number", stored.number == number.trimmingWhitespace()),
                                          ("issued_on", stored.issuedOn == issuedOn)]
            if let field = sent.first(where: { !$0.1 })?.0 {
                throw CRMError.conflict(
                    "\(context): source '\(reference.source)' external_ref '\(reference.externalRef)' already made credit_note \(recordID) with a different \(field)")
            }
            return stored.json.adding("replayed", .bool(true))
        }
        var (note, invoice) = try selection.draft(store, context: context)
        note.number = number.trimmingWhitespace()
        note.status = .issued
        note.recorded = true
        note.issuedOn = issuedOn
        let posting = wantsPosting
            ? try reversal(store, note, invoice: invoice, date: issuedOn, memo: { "Credit note \($0) for \(invoice.number ?? "")" })(number)
            : nil
        return try store.create("credit_note", event: "credit_note.recorded", reference: reference, content: content(note),
                                context: context, update: nil, load: {
            try CreditNoteQueries.require(store, id: $0, context: context).json
        }) {
            if let other = try store.connection.integer("SELECT id FROM credit_notes WHERE recorded = ? AND number = ?",
                                                        [.integer(1), .text(note.number)]) {
                throw CRMError.constraint("\(context): number \(number) is recorded already (credit note \(other))")
            }
            let now = store.clock.now()
            note.id = try store.nextID("credit_notes")
            note.createdAt = now
            note.updatedAt = now
            note.issuedAt = now
            try CreditNoteQueries.insert(store, note)
            try credit(store, &invoice, by: note, at: now, context: context)
            return note.id
        } record: { references in
            note.externalRefs = references
            return posting.map { note.json.adding("posting", $0.json) } ?? note.json
        }
    }

    /// The invoice's posting for the note's lines, reversed.
    private static func reversal(_ store: Store, _ note: CreditNote, invoice: Invoice, date: CalendarDate,
                                 memo: @escaping (String) -> String) throws -> (String) throws -> Posting {
        let revenue = try InvoiceCommands.revenueAccounts(store, note.lines)
        let mapping = try LedgerMapping.current(store)
        let lines = note.lines
        let currency = note.currency
        return { number in
            try Postings.invoice(lines, revenueAccounts: revenue, mapping: mapping, date: date, memo: memo(number), currency: currency)
                .reversed(memo: memo(number), date: date)
        }
    }

    /// Adds an issued note to its invoice's credited amount. Event
    /// `invoice.credited`. The quantities it gives back may be invoiced
    /// again: an invoiced job card they come from is completed once more
    /// (event `jobcard.reopened`).
    private static func credit(_ store: Store, _ invoice: inout Invoice, by note: CreditNote, at now: Timestamp, context: String) throws {
        invoice = try InvoiceCommands.settle(store, invoiceID: invoice.id, creditedChange: note.totalMinor, event: "invoice.credited",
                                             extra: [("credit_note_id", .integer(note.id))], at: now, context: context)
        if let cardID = invoice.jobcardID, let card = try JobCardQueries.load(store, id: cardID), card.status == .invoiced,
           try !InvoiceCommands.fullyInvoiced(store, cardID: cardID, status: .invoiced) {
            try JobCardStates.reopenForInvoicing(store, id: cardID, creditNoteID: note.id, context: context)
        }
    }
}
