import CRMStore

/// The `invoice.*` commands: drafts (standalone, from a completed job card or
/// an accepted quote, whole or in part), issuing with a gapless number,
/// recording the host's own invoices.
public enum InvoiceCommands {
    public static let all: [Command] = [
        Command("invoice.create", .write, create),
        Command("invoice.get", .read, get),
        Command("invoice.update", .write, update),
        Command("invoice.list", .read, list),
        Command("invoice.delete", .write, delete),
        Command("invoice.issue", .write, issue),
        Command("invoice.record", .write, record),
    ]

    /// The content of a create for replay: the record without what is derived from the day asked about.
    static func content(_ invoice: Invoice) -> JSONValue {
        invoice.json(asOf: Timestamp.epoch.date).removingFields(JSONFieldNames(["overdue", "as_of"]))
    }

    // MARK: Create

    /// `invoice.create`: a draft, standalone (`account_id`, `lines`), from a
    /// completed job card (`jobcard_id`: its billable lines) or from an
    /// accepted quote (`quote_id`: its lines). From a card or quote,
    /// `line_positions` chooses lines, `quantities_milli` (one per chosen
    /// line) or `percent_bp` (progress billing) how much of each; without
    /// them all that remains uninvoiced. No line is ever invoiced beyond what
    /// was done or quoted: drafts count, and the check runs in the write.
    static func create(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        let accountID = try arguments.id("account_id").value
        let contactID = try arguments.id("contact_id").value
        let jobcardID = try arguments.id("jobcard_id").value
        let quoteID = try arguments.id("quote_id").value
        let positions = try arguments.array("line_positions", maximumCount: DocumentLine.maximumCount) { value, name in
            try Arguments.integer(value, field: name(), context: context, range: 0...Int64(DocumentLine.maximumCount - 1))
        }.value
        let quantities = try arguments.array("quantities_milli", maximumCount: DocumentLine.maximumCount) { value, name in
            try Arguments.integer(value, field: name(), context: context, range: 1...1_000_000_000_000)
        }.value
        let percent = try arguments.integer("percent_bp", range: 1...10_000).value
        let currencyCode = try arguments.string("currency", length: 3...3).value
        let notes = try arguments.string("notes", length: 1...4000).value
        let lineInputs = try DocumentLine.read(&arguments)
        try arguments.finish()

        if let notes, notes.trimmingWhitespace().isEmpty { throw CRMError.invalid("\(context): notes must not be blank") }
        if jobcardID != nil, quoteID != nil { throw CRMError.invalid("\(context): send jobcard_id or quote_id, not both") }
        if quantities != nil, percent != nil { throw CRMError.invalid("\(context): send quantities_milli or percent_bp, not both") }
        // The replay of a create compares what was asked, not what the
        // source gives now: a job card invoiced since, a quote whose lines
        // are all taken, an archived product still replay.
        let request = arguments.json.removingFields(JSONFieldNames(["source", "external_ref"]))
        var invoice = Invoice()
        invoice.notes = notes
        /// Works out the invoice from its source or its lines; checked in the write.
        func build() throws {
            if let sourceID = jobcardID ?? quoteID {
                let field = jobcardID != nil ? "jobcard_id" : "quote_id"
                if lineInputs.isPresent { throw CRMError.invalid("\(context): lines come from the \(field) (choose them with line_positions)") }
                if currencyCode != nil { throw CRMError.invalid("\(context): currency comes from the \(field); do not send it") }
                let source = try Source.load(store, type: jobcardID != nil ? "jobcard" : "quote", id: sourceID, context: context)
                if let accountID, accountID != source.accountID {
                    throw CRMError.invalid("\(context): account_id \(accountID) is not the account of \(source.label) (\(source.accountID))")
                }
                invoice.accountID = source.accountID
                invoice.contactID = contactID ?? source.contactID
                invoice.currency = source.currency
                if jobcardID != nil { invoice.jobcardID = sourceID } else { invoice.quoteID = sourceID }
                let chosen = try source.choose(store, positions: positions, quantities: quantities, percentBP: percent, context: context)
                invoice.lines = chosen.map(\.line)
                invoice.sources = chosen.map(\.source)
            } else {
                if positions != nil || quantities != nil || percent != nil {
                    throw CRMError.invalid("\(context): line_positions, quantities_milli and percent_bp need a jobcard_id or quote_id")
                }
                guard let accountID else { throw CRMError.invalid("\(context): account_id is required (or a jobcard_id or quote_id)") }
                invoice.accountID = accountID
                invoice.contactID = contactID
                invoice.currency = try currency(store, code: currencyCode, accountID: accountID, context: context)
                invoice.lines = try DocumentLine.resolve(store, lineInputs.value ?? [], currency: invoice.currency, context: context)
                invoice.sources = invoice.lines.map { _ in nil }
            }
            try invoice.total(context: context)
        }
        return try store.create("invoice", event: "invoice.created", reference: reference, content: request,
                                context: context, update: "invoice.update", load: {
            try InvoiceQueries.require(store, id: $0, context: context).json(asOf: store.clock.now().date)
        }) {
            try build()
            try checkLinks(store, accountID: invoice.accountID, contactID: invoice.contactID, context: context)
            invoice.id = try store.nextID("invoices")
            invoice.createdAt = store.clock.now()
            invoice.updatedAt = invoice.createdAt
            try InvoiceQueries.insert(store, invoice)
            return invoice.id
        } record: { references in
            invoice.externalRefs = references
            return invoice.json(asOf: store.clock.now().date)
        }
    }

    /// A job card or quote an invoice takes lines from.
    struct Source {
        var type: String
        var id: Int64
        var label: String
        var accountID: Int64
        var contactID: Int64?
        var currency: CurrencyCode
        /// The lines it bills: a card's billable lines, a quote's lines.
        var lines: [DocumentLine]

        /// - Throws: `.notFound`; `.constraint` unless the card is completed or the quote accepted.
        static func load(_ store: Store, type: String, id: Int64, context: String) throws -> Source {
            if type == "jobcard" {
                guard let card = try JobCardQueries.load(store, id: id) else {
                    throw CRMError.notFound("\(context): jobcard_id \(id) is not a job card")
                }
                guard card.status == .completed else {
                    throw CRMError.constraint("\(context): \(card.label) is \(card.status.rawValue); only a completed job card is invoiced")
                }
                return Source(type: type, id: id, label: card.label, accountID: card.accountID, contactID: card.contactID,
                              currency: card.currency, lines: card.billableLines)
            }
            guard let quote = try QuoteQueries.load(store, id: id) else {
                throw CRMError.notFound("\(context): quote_id \(id) is not a quote")
            }
            guard quote.status == .accepted else {
                throw CRMError.constraint("\(context): \(quote.label) is \(quote.status.rawValue); only an accepted quote is invoiced")
            }
            // A quote is billed either directly or through its job cards, never both.
            if let card = try store.connection.row(
                "SELECT number FROM jobcards WHERE quote_id = ? AND status <> 'cancelled' ORDER BY id LIMIT 1", [.integer(id)],
                { $0.text(0) }) {
                throw CRMError.constraint("\(context): \(quote.label) has job card \(card); invoice the work from the job card (jobcard_id), not the quote")
            }
            return Source(type: type, id: id, label: quote.label, accountID: quote.accountID, contactID: quote.contactID,
                          currency: quote.currency, lines: quote.lines)
        }

        /// The invoice lines for the chosen lines and quantities, none beyond
        /// what remains uninvoiced (drafts included).
        /// - Throws: `.invalid`/`.notFound` naming the field, `.constraint` for more than remains.
        func choose(_ store: Store, positions: [Int64]?, quantities: [Int64]?, percentBP: Int64?,
                    context: String) throws -> [(line: DocumentLine, source: Invoice.Source)] {
            let invoiced = try InvoiceQueries.invoiced(store, sourceType: type, sourceID: id)
            let chosen = positions ?? lines.indices.map { Int64($0) }
            if let positions {
                if positions.isEmpty { throw CRMError.invalid("\(context): line_positions must not be empty") }
                if Set(positions).count != positions.count { throw CRMError.invalid("\(context): line_positions names a line twice") }
            }
            if let quantities, quantities.count != chosen.count {
                throw CRMError.invalid("\(context): quantities_milli has \(quantities.count) items, one per chosen line (\(chosen.count)) is needed")
            }
            var result: [(line: DocumentLine, source: Invoice.Source)] = []
            for (index, position) in chosen.enumerated() {
                guard position < Int64(lines.count) else {
                    throw CRMError.invalid("\(context): line_positions[\(index)] is \(position); \(label) has \(lines.count) lines")
                }
                let line = lines[Int(position)]
                let remaining = line.quantityMilli - min(line.quantityMilli, invoiced[position] ?? 0)
                let name = positions == nil ? "line \(position) of \(label)" : "line_positions[\(index)] (line \(position) of \(label))"
                if remaining == 0 {
                    if positions == nil { continue }
                    throw CRMError.constraint("\(context): \(name) is invoiced in full already")
                }
                var quantity = remaining
                if let quantities {
                    quantity = quantities[index]
                    guard quantity <= remaining else {
                        throw CRMError.constraint("\(context): quantities_milli[\(index)] is \(quantity); \(name) has only \(remaining) of \(line.quantityMilli) left to invoice")
                    }
                } else if let percentBP {
                    let exact = Int128(line.quantityMilli) * Int128(percentBP)
                    let floor = exact / 10_000
                    guard floor <= Int128(remaining) else {
                        throw CRMError.constraint("\(context): percent_bp \(percentBP) of \(name) is more than the \(remaining) of \(line.quantityMilli) left to invoice")
                    }
                    // Rounding never takes more than remains.
                    quantity = Int64(min(LineAmounts.roundedQuotient(exact, 10_000), Int128(remaining)))
                    if quantity == 0 { continue }
                }
                var billed = line
                billed.quantityMilli = quantity
                if quantity != line.quantityMilli {
                    (billed.netMinor, billed.taxMinor) = try LineAmounts.amounts(
                        quantityMilli: quantity, unitPriceMinor: line.unitPriceMinor, discountBP: line.discountBP,
                        taxRateBP: line.taxRateBP, field: "\(context): \(name)")
                }
                result.append((billed, Invoice.Source(type: type, id: id, position: position, quantityMilli: quantity)))
            }
            if result.isEmpty { throw CRMError.constraint("\(context): \(label) has nothing left to invoice") }
            return result
        }
    }

    // MARK: Read

    /// `invoice.get {id | source+external_ref, as_of?}`: `overdue` as of `as_of` (default today).
    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "invoice", store: store)
        let asOf = try arguments.date("as_of").value ?? store.clock.now().date
        try arguments.finish()
        return try InvoiceQueries.require(store, id: id, context: arguments.context).json(asOf: asOf)
    }

    /// `invoice.list {limit?, cursor?, account_id?, status?, jobcard_id?, quote_id?, recorded?, overdue?, as_of?}`.
    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (limit, afterID) = try Page.read(&arguments)
        var filter = InvoiceQueries.ListFilter()
        filter.accountID = try arguments.id("account_id").value
        filter.status = try arguments.choice("status", Invoice.Status.self).value
        filter.jobcardID = try arguments.id("jobcard_id").value
        filter.quoteID = try arguments.id("quote_id").value
        filter.recorded = try arguments.bool("recorded").value
        filter.overdue = try arguments.bool("overdue").value
        filter.asOf = try arguments.date("as_of").value ?? store.clock.now().date
        try arguments.finish()
        let invoices = try InvoiceQueries.list(store, filter, afterID: afterID, limit: limit + 1)
        let asOf = filter.asOf
        return Page.json(invoices, limit: limit, record: { $0.json(asOf: asOf) }, cursor: { String($0.id) })
    }

    // MARK: Drafts

    /// - Throws: `.constraint` naming the status unless the invoice is a draft.
    static func checkDraft(_ invoice: Invoice, action: String, context: String) throws {
        guard invoice.status == .draft, !invoice.recorded else {
            let kind = invoice.recorded ? "recorded" : invoice.status.rawValue
            throw CRMError.constraint("\(context): \(invoice.label) is \(kind); only a draft can be \(action) (corrections are credit notes)")
        }
    }

    /// `invoice.update {id, expected_version?, contact_id?, notes?, lines?}`:
    /// a draft's contact and notes; the lines of a standalone draft (a draft
    /// from a job card or quote is deleted and made again).
    static func update(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "invoice", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        let contactID = try arguments.id("contact_id")
        let notes = try arguments.string("notes", length: 1...4000)
        let lineInputs = try DocumentLine.read(&arguments)
        try arguments.finish()
        var invoice = try InvoiceQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: invoice.version, record: invoice.label)
        try checkDraft(invoice, action: "edited", context: context)
        var changed: [String] = []
        contactID.apply(to: &invoice.contactID, field: "contact_id", changed: &changed)
        if let text = notes.value, text.trimmingWhitespace().isEmpty { throw CRMError.invalid("\(context): notes must not be blank") }
        notes.apply(to: &invoice.notes, field: "notes", changed: &changed)
        switch lineInputs {
        case .absent: break
        case .null: throw CRMError.invalid("\(context): lines cannot be null (send [] for none)")
        case .value(let inputs):
            if invoice.jobcardID != nil || invoice.quoteID != nil {
                throw CRMError.constraint("\(context): \(invoice.label) takes its lines from a job card or quote; delete it and create it again to change them")
            }
            let resolved = try DocumentLine.resolve(store, inputs, currency: invoice.currency, context: context)
            if resolved != invoice.lines {
                invoice.lines = resolved
                invoice.sources = resolved.map { _ in nil }
                changed.append("lines")
            }
        }
        try invoice.total(context: context)
        let now = store.clock.now()
        guard !changed.isEmpty else { return invoice.json(asOf: now.date) }
        if changed.contains("contact_id") {
            try checkLinks(store, accountID: invoice.accountID, contactID: invoice.contactID, context: context)
        }
        invoice.version = try VersionCheck.next(invoice.version, record: invoice.label)
        invoice.updatedAt = now
        try InvoiceQueries.update(store, invoice, lines: changed.contains("lines"))
        let made = invoice.json(asOf: now.date)
        try store.record(event: "invoice.updated", made.adding("changed", .array(changed.map { .string($0) })))
        return made
    }

    /// `invoice.delete {id, expected_version?}`: a draft goes, and what it
    /// took of a job card or quote is free to invoice again. Event `invoice.deleted`.
    static func delete(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "invoice", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        let invoice = try InvoiceQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: invoice.version, record: invoice.label)
        try checkDraft(invoice, action: "deleted", context: context)
        try InvoiceQueries.delete(store, id: id)
        let made = invoice.json(asOf: store.clock.now().date).adding("deleted", .bool(true))
        try store.record(event: "invoice.deleted", made)
        return made
    }

    // MARK: Issue

    /// `invoice.issue {id, issued_on?, expected_version?}`: a draft with lines
    /// takes the next number of the invoice series, `issued_on` (default
    /// today) and `due_on` = issued_on + the account's payment terms, and is
    /// frozen. A job card all of whose billable lines issued invoices now
    /// cover is marked invoiced. Event `invoice.issued` with `posting`.
    static func issue(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "invoice", store: store)
        let issuedOn = try arguments.date("issued_on").value
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        var invoice = try InvoiceQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: invoice.version, record: invoice.label)
        guard invoice.status == .draft, !invoice.recorded else {
            throw CRMError.constraint("\(context): \(invoice.label) cannot go from \(invoice.recorded ? "recorded" : invoice.status.rawValue) to issued")
        }
        if invoice.lines.isEmpty { throw CRMError.constraint("\(context): \(invoice.label) has no lines to issue") }
        let now = store.clock.now()
        let issued = issuedOn ?? now.date
        invoice.issuedOn = issued
        invoice.dueOn = try dueDate(store, accountID: invoice.accountID, issuedOn: issued, context: context)
        let revenue = try revenueAccounts(store, invoice.lines)
        let mapping = try LedgerMapping.current(store)
        // Credit control (when the library has it) answers before the first write.
        let credit = try CreditAuthorization.ask(store, stage: "invoice_issue", accountID: invoice.accountID, amountMinor: invoice.totalMinor,
                                                 currency: invoice.currency, documentType: "invoice", documentID: invoice.id, asOf: issued)
        return try store.savepoint {
            let number = try NumberSeries.take(store, "invoice")
            invoice.number = number
            invoice.status = .issued
            invoice.issuedAt = now
            invoice.version = try VersionCheck.next(invoice.version, record: invoice.label)
            invoice.updatedAt = now
            try InvoiceQueries.update(store, invoice)
            let posting = try Postings.invoice(invoice.lines, revenueAccounts: revenue, mapping: mapping, date: issued,
                                               memo: "Invoice \(number)", currency: invoice.currency)
            var made = invoice.json(asOf: now.date).adding("posting", posting.json)
            if let credit { made = made.adding("credit", credit) }
            try store.record(event: "invoice.issued", made)
            if let cardID = invoice.jobcardID, try fullyInvoiced(store, cardID: cardID) {
                try JobCardStates.markInvoiced(store, id: cardID, invoiceID: invoice.id, context: context)
            }
            return made
        }
    }

    /// Whether issued invoices (less what issued credit notes gave back)
    /// cover every billable line of a card that is `status`.
    static func fullyInvoiced(_ store: Store, cardID: Int64, status: JobCard.Status = .completed) throws -> Bool {
        guard let card = try JobCardQueries.load(store, id: cardID), card.status == status else { return false }
        let invoiced = try InvoiceQueries.invoiced(store, sourceType: "jobcard", sourceID: cardID, issuedOnly: true)
        for (position, line) in card.billableLines.enumerated() where (invoiced[Int64(position)] ?? 0) < line.quantityMilli {
            return false
        }
        return true
    }

    // MARK: Record

    /// `invoice.record {source, external_ref, account_id, contact_id?, number,
    /// issued_on, due_on?, currency?, lines | total_minor + tax_minor?, notes?, posting?}`:
    /// an invoice the host's own ledger issued, so that its payments and
    /// credit notes work here. Immutable like an issued one; it takes no
    /// number from libcrm's series. Event `invoice.recorded`, with `posting`
    /// only when `posting` is true.
    static func record(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        let accountID = try arguments.id("account_id").value
        let contactID = try arguments.id("contact_id").value
        let number = try arguments.string("number", length: 1...60).value
        let issuedOn = try arguments.date("issued_on").value
        let dueOn = try arguments.date("due_on").value
        let currencyCode = try arguments.string("currency", length: 3...3).value
        let lineInputs = try DocumentLine.read(&arguments)
        let totalMinor = try arguments.integer("total_minor", range: 0...Int64.max).value
        let taxMinor = try arguments.integer("tax_minor", range: 0...Int64.max).value
        let notes = try arguments.string("notes", length: 1...4000).value
        let wantsPosting = try arguments.bool("posting").value ?? false
        try arguments.finish()
        guard let reference else { throw CRMError.invalid("\(context): source and external_ref are required (the host's own invoice)") }
        guard let accountID else { throw CRMError.invalid("\(context): account_id is required") }
        guard let number, !number.trimmingWhitespace().isEmpty else { throw CRMError.invalid("\(context): number is required") }
        guard let issuedOn else { throw CRMError.invalid("\(context): issued_on is required") }
        if let notes, notes.trimmingWhitespace().isEmpty { throw CRMError.invalid("\(context): notes must not be blank") }
        var invoice = Invoice()
        invoice.recorded = true
        invoice.status = .issued
        invoice.number = number.trimmingWhitespace()
        invoice.accountID = accountID
        invoice.contactID = contactID
        invoice.notes = notes
        invoice.issuedOn = issuedOn
        invoice.currency = try currency(store, code: currencyCode, accountID: accountID, context: context)
        switch (lineInputs.value, totalMinor) {
        case (let inputs?, nil):
            if taxMinor != nil { throw CRMError.invalid("\(context): tax_minor goes with total_minor, not with lines") }
            if inputs.isEmpty { throw CRMError.invalid("\(context): lines must not be empty") }
            invoice.lines = try DocumentLine.resolve(store, inputs, currency: invoice.currency, context: context)
        case (nil, let total?):
            let tax = taxMinor ?? 0
            guard tax <= total else { throw CRMError.invalid("\(context): tax_minor \(tax) is more than total_minor \(total)") }
            let subtotal = total - tax
            let rate = subtotal == 0 ? 0 : Int64(min(10_000, LineAmounts.roundedQuotient(Int128(tax) * 10_000, Int128(subtotal))))
            invoice.lines = [DocumentLine(productID: nil, description: "Invoice \(invoice.number ?? "")", quantityMilli: 1000,
                                          unitPriceMinor: subtotal, discountBP: 0, taxRateBP: rate, netMinor: subtotal, taxMinor: tax)]
        case (_?, _?): throw CRMError.invalid("\(context): send lines or total_minor, not both")
        case (nil, nil): throw CRMError.invalid("\(context): lines or total_minor is required")
        }
        invoice.sources = invoice.lines.map { _ in nil }
        try invoice.total(context: context)
        if let dueOn {
            if dueOn < issuedOn { throw CRMError.invalid("\(context): due_on \(dueOn) is before issued_on \(issuedOn)") }
            invoice.dueOn = dueOn
        } else {
            invoice.dueOn = try dueDate(store, accountID: accountID, issuedOn: issuedOn, context: context)
        }
        let posting: Posting? = wantsPosting
            ? try Postings.invoice(invoice.lines, revenueAccounts: try revenueAccounts(store, invoice.lines),
                                   mapping: try LedgerMapping.current(store), date: issuedOn,
                                   memo: "Invoice \(invoice.number ?? "")", currency: invoice.currency)
            : nil
        return try store.create("invoice", event: "invoice.recorded", reference: reference, content: content(invoice),
                                context: context, update: nil, load: {
            try InvoiceQueries.require(store, id: $0, context: context).json(asOf: store.clock.now().date)
        }) {
            try checkLinks(store, accountID: invoice.accountID, contactID: invoice.contactID, context: context)
            if let other = try store.connection.integer("SELECT id FROM invoices WHERE recorded = ? AND number = ?",
                                                        [.integer(1), .text(invoice.number)]) {
                throw CRMError.constraint("\(context): number \(invoice.number ?? "") is recorded already (invoice \(other))")
            }
            invoice.id = try store.nextID("invoices")
            invoice.createdAt = store.clock.now()
            invoice.updatedAt = invoice.createdAt
            invoice.issuedAt = invoice.createdAt
            try InvoiceQueries.insert(store, invoice)
            return invoice.id
        } record: { references in
            invoice.externalRefs = references
            let made = invoice.json(asOf: store.clock.now().date)
            return posting.map { made.adding("posting", $0.json) } ?? made
        }
    }

    // MARK: Helpers

    /// `issuedOn` + the account's payment terms.
    static func dueDate(_ store: Store, accountID: Int64, issuedOn: CalendarDate, context: String) throws -> CalendarDate {
        let terms = try store.connection.integer("SELECT payment_terms_days FROM accounts WHERE id = ?", [.integer(accountID)]) ?? 0
        guard let due = issuedOn.adding(days: terms) else {
            throw CRMError.range("\(context): issued_on \(issuedOn) plus \(terms) days of payment terms is past the last date")
        }
        return due
    }

    /// The revenue account of each line: its product's, nil for the mapping's.
    static func revenueAccounts(_ store: Store, _ lines: [DocumentLine]) throws -> [String?] {
        var cache: [Int64: String?] = [:]
        return try lines.map { line in
            guard let productID = line.productID else { return nil }
            if let known = cache[productID] { return known }
            let account = try ProductQueries.load(store, id: productID)?.revenueAccount
            cache[productID] = account
            return account
        }
    }

    /// The currency sent (an active ISO code), else the account's, else ZAR.
    static func currency(_ store: Store, code: String?, accountID: Int64, context: String) throws -> CurrencyCode {
        if let code {
            guard let known = Currency(code: code) else {
                throw CRMError.invalid("\(context): currency '\(code)' is not an active ISO 4217 currency code such as ZAR")
            }
            return known.currencyCode
        }
        let stored = try store.connection.row("SELECT currency FROM accounts WHERE id = ?", [.integer(accountID)]) {
            Currency(code: $0.text(0))?.currencyCode
        }
        return (stored ?? nil) ?? .zar
    }

    /// The account is open; the contact (if any) is one of its contacts and not erased.
    static func checkLinks(_ store: Store, accountID: Int64, contactID: Int64?, context: String) throws {
        guard let open = try store.connection.row(
            "SELECT archived_at IS NULL AND merged_into_id IS NULL FROM accounts WHERE id = ?",
            [.integer(accountID)], { $0.bool(0) }) else {
            throw CRMError.notFound("\(context): account_id \(accountID) is not an account")
        }
        if !open { throw CRMError.constraint("\(context): account \(accountID) is archived or merged") }
        if let contactID {
            guard let (owner, erased) = try store.connection.row(
                "SELECT account_id, erased_at IS NOT NULL FROM contacts WHERE id = ?", [.integer(contactID)],
                { ($0.integer(0), $0.bool(1)) }) else {
                throw CRMError.notFound("\(context): contact_id \(contactID) is not a contact")
            }
            if owner != accountID {
                throw CRMError.invalid("\(context): contact_id \(contactID) belongs to account \(owner), not \(accountID)")
            }
            if erased { throw CRMError.constraint("\(context): contact_id \(contactID) was erased") }
        }
    }
}
