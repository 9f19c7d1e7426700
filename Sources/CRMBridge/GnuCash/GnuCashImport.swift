import CRMStore

/// `bridge.import_gnucash {path, as_of?, dry_run?, source?}`: a GnuCash
/// SQLite book's customers, posted invoices and credit notes, payments and
/// offsets brought in through the commands that make them (`account.create`,
/// `invoice.record`, `credit_note.record`, `payment.record`,
/// `payment.allocate`, `credit_note.apply`), all history the host's ledger
/// holds already (`posting: false`). Every record carries `source` +
/// `external_ref`, so a second import replays and one after the book changed
/// brings only what is new. One call, one transaction; each record in its own
/// savepoint, so a refused record is reported and the rest land.
enum GnuCashImport {
    /// What one kind of record did.
    struct Counts {
        var created = 0
        var replayed = 0
        var updated = 0
        var skipped = 0
        var errors = 0

        var json: JSONValue {
            .object([("created", .integer(Int64(created))), ("replayed", .integer(Int64(replayed))),
                     ("updated", .integer(Int64(updated))), ("skipped", .integer(Int64(skipped))),
                     ("errors", .integer(Int64(errors)))])
        }
    }

    enum Kind: String, CaseIterable {
        case customers, invoices, creditNotes = "credit_notes", payments, offsets
    }

    /// Thrown at the end of a dry run to undo everything it did.
    struct DryRunUndo: Error {}

    /// Thrown when a call has written its `limit`: the batch ends there.
    struct BatchFull: Error {}

    /// A record the import cannot bring in as it stands (reported, not thrown out of the call).
    struct Refusal: Error {
        var code: ResultCode
        var message: String
    }

    static let shownItems = 200

    /// The run's tallies and reports.
    struct Report {
        var counts: [Kind: Counts] = Dictionary(uniqueKeysWithValues: Kind.allCases.map { ($0, Counts()) })
        var skipped: [JSONValue] = []
        var warnings: [JSONValue] = []
        var errors: [JSONValue] = []

        mutating func skip(_ kind: Kind, _ ref: String, _ reason: String) {
            counts[kind, default: Counts()].skipped += 1
            if skipped.count < shownItems {
                skipped.append(.object([("kind", .string(kind.rawValue)), ("gnucash", .string(ref)), ("reason", .string(reason))]))
            }
        }

        mutating func warn(_ kind: Kind, _ ref: String, _ message: String) {
            if warnings.count < shownItems {
                warnings.append(.object([("kind", .string(kind.rawValue)), ("gnucash", .string(ref)), ("message", .string(message))]))
            }
        }

        mutating func fail(_ kind: Kind, _ ref: String, code: ResultCode, _ message: String) {
            counts[kind, default: Counts()].errors += 1
            if errors.count < shownItems {
                errors.append(.object([("kind", .string(kind.rawValue)), ("gnucash", .string(ref)),
                                       ("code", .string(code.headerName)), ("message", .string(message))]))
            }
        }

        /// Records made or brought up to date so far.
        var writes: Int { counts.values.reduce(0) { $0 + $1.created + $1.updated } }

        mutating func count(_ kind: Kind, _ result: JSONValue) {
            if case .bool(true)? = result["replayed"] {
                counts[kind, default: Counts()].replayed += 1
            } else {
                counts[kind, default: Counts()].created += 1
            }
        }
    }

    static func run(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let path = try arguments.requiredString("path", length: 1...4096)
        let asOf = try arguments.date("as_of").value
        let dryRun = try arguments.bool("dry_run").value ?? false
        let source = try arguments.string("source", length: 1...100).value ?? "gnucash"
        let limit = try arguments.integer("limit", range: 1...1_000_000).value
        try arguments.finish()
        if source.trimmingWhitespace().isEmpty { throw CRMError.invalid("\(context): source must not be blank") }
        if dryRun && limit != nil {
            throw CRMError.invalid("\(context): limit is for a real import in batches; a dry run reads the whole book")
        }
        let book = try GnuCashBook(path: path, context: context)
        var run = GnuCashRun(store: store, book: book, source: source, asOf: asOf, context: context)
        run.limit = limit.map { Int($0) }
        var done = true
        if dryRun {
            do {
                try store.savepoint {
                    try run.importBook()
                    throw DryRunUndo()
                }
            } catch is DryRunUndo {}
        } else {
            do {
                try run.importBook()
            } catch is BatchFull {
                done = false
            }
        }
        let report = run.report
        return .object([
            ("path", .string(path)),
            ("source", .string(source)),
            ("as_of", .string(asOf?.description)),
            ("dry_run", .bool(dryRun)),
            ("limit", limit.map { .integer($0) } ?? .null),
            ("done", .bool(done)),
            ("counts", .object(Kind.allCases.map { ($0.rawValue, report.counts[$0, default: Counts()].json) })),
            ("skipped", .array(report.skipped)),
            ("warnings", .array(report.warnings)),
            ("error_count", .integer(Int64(Kind.allCases.reduce(0) { $0 + report.counts[$1, default: Counts()].errors }))),
            ("errors", .array(report.errors)),
        ])
    }
}

/// One import of one book: what it has made so far (GnuCash guid -> libcrm id).
struct GnuCashRun {
    typealias Kind = GnuCashImport.Kind
    typealias Refusal = GnuCashImport.Refusal

    let store: Store
    let book: GnuCashBook
    let source: String
    let asOf: CalendarDate?
    let context: String
    var report = GnuCashImport.Report()
    /// The most records this call may make or update (nil: no limit).
    var limit: Int?
    /// customer guid -> account id.
    var accounts: [String: Int64] = [:]
    /// invoice lot guid -> (libcrm invoice id, GnuCash document).
    var invoiceLots: [String: (id: Int64, invoice: GnuCashBook.Invoice)] = [:]
    /// credit note lot guid -> (libcrm credit note id or nil when not recorded, GnuCash document).
    var creditNoteLots: [String: (id: Int64?, note: GnuCashBook.Invoice)] = [:]
    /// Lots of documents left out on purpose (as_of, unposted): their settlements are left out too.
    var leftOutLots: Set<String> = []
    /// payment lot guid -> the payment transaction guid that opened it.
    var paymentLots: [String: String] = [:]
    /// Every posted document's lot -> its name ("invoice 000012"), imported or not.
    var documentLots: [String: String] = [:]

    init(store: Store, book: GnuCashBook, source: String, asOf: CalendarDate?, context: String) {
        self.store = store
        self.book = book
        self.source = source
        self.asOf = asOf
        self.context = context
    }

    func reference(_ externalRef: String) -> [(String, JSONValue)] {
        [("source", .string(source)), ("external_ref", .string(externalRef))]
    }

    func after(_ date: CalendarDate?) -> Bool {
        guard let asOf, let date else { return false }
        return date > asOf
    }

    /// Runs `body` in a savepoint; a failure is reported against the record and undone.
    /// With a `limit`, a call that has written it ends its batch here, before the record.
    mutating func attempt(_ kind: Kind, _ ref: String, _ body: (inout GnuCashRun) throws -> Void) throws {
        if let limit, report.writes >= limit { throw GnuCashImport.BatchFull() }
        do {
            var copy = self
            try store.savepoint { try body(&copy) }
            self = copy
        } catch let refusal as Refusal {
            report.fail(kind, ref, code: refusal.code, refusal.message)
        } catch let error as CRMError {
            if error.code == .busy || error.code == .io || error.code == .corrupt || error.code == .internal { throw error }
            report.fail(kind, ref, code: error.code, error.message)
        }
    }

    mutating func importBook() throws {
        try importCustomers()
        let documents = try book.invoices()
        for document in documents {
            if let lot = document.postLot { documentLots[lot] = "\(document.isCreditNote ? "credit note" : "invoice") \(document.id)" }
        }
        for invoice in documents where !invoice.isCreditNote { try importInvoice(invoice) }
        let settlements = try book.settlements()
        for note in documents where note.isCreditNote { try importCreditNote(note, settlements: settlements) }
        for transaction in settlements {
            if transaction.kind == "P" { try importPayment(transaction) } else { try importLink(transaction) }
        }
    }

    // MARK: Customers

    mutating func importCustomers() throws {
        for customer in try book.customers() {
            let ref = "customer \(customer.id)"
            try attempt(.customers, ref) { run in
                var fields: [(String, JSONValue)] = [
                    ("name", .string(String(customer.name.prefix(200)))),
                    ("status", .string(customer.active ? "active" : "dormant")),
                ]
                if let currency = customer.currency { fields.append(("currency", .string(currency))) }
                if let days = customer.termsDays {
                    guard (0...365).contains(days) else {
                        throw Refusal(code: .range, message: "\(run.context): \(ref): terms of \(days) days are outside 0..365")
                    }
                    fields.append(("payment_terms_days", .integer(days)))
                }
                if let note = customer.termsNote {
                    run.report.warn(.customers, ref, "bill terms of type \(note): their due days are taken as payment_terms_days")
                }
                let fraction = customer.currency.flatMap { code in run.book.commodities.values.first { $0.code == code }?.fraction } ?? 100
                if customer.creditLimit.num > 0 {
                    guard let limit = GnuCashBook.minorUnits(num: customer.creditLimit.num, denom: customer.creditLimit.denom, fraction: fraction) else {
                        throw Refusal(code: .invalid, message: "\(run.context): \(ref): credit limit \(customer.creditLimit.num)/\(customer.creditLimit.denom) is not whole in minor units")
                    }
                    fields.append(("credit_limit_minor", .integer(limit)))
                }
                if let first = customer.address.first {
                    var address: [(String, JSONValue)] = [("line1", .string(String(first.prefix(200))))]
                    if customer.address.count > 1 {
                        address.append(("line2", .string(String(customer.address.dropFirst().joined(separator: ", ").prefix(200)))))
                    }
                    fields.append(("addresses", .array([.object(address)])))
                }
                if let phone = customer.phone, !phone.isEmpty { fields.append(("phone", .string(String(phone.prefix(50))))) }
                if let email = customer.email, !email.isEmpty { fields.append(("email", .string(email))) }
                if let notes = customer.notes, !notes.isEmpty { fields.append(("notes", .string(String(notes.prefix(10_000))))) }
                let result: JSONValue
                do {
                    result = try run.store.invoke("account.create", .object(run.reference(customer.id) + fields))
                    run.report.count(.customers, result)
                } catch let error as CRMError where error.code == .conflict {
                    // Changed in GnuCash since the last import: brought up to date.
                    result = try run.store.invoke("account.update", .object(run.reference(customer.id) + fields))
                    run.report.counts[.customers, default: .init()].updated += 1
                }
                guard case .integer(let id)? = result["id"] else {
                    throw Refusal(code: .internal, message: "\(run.context): \(ref): account.create returned no id")
                }
                run.accounts[customer.guid] = id
            }
        }
    }

    // MARK: Invoices

    /// Lines from GnuCash's entries, or nil when one cannot be said exactly
    /// in libcrm's line fields (then the book's totals are recorded).
    func lines(_ invoice: GnuCashBook.Invoice) throws -> [JSONValue]? {
        var lines: [JSONValue] = []
        var rates: [String: Int64?] = [:]
        // A credit note's quantities are stored negated.
        let sign: Int64 = invoice.isCreditNote ? -1 : 1
        for entry in try book.entries(invoiceGUID: invoice.guid) {
            guard entry.quantity.num != Int64.min,
                  let quantity = GnuCashBook.scaled(num: sign * entry.quantity.num, denom: entry.quantity.denom, by: 1000), quantity > 0,
                  let price = GnuCashBook.minorUnits(num: entry.price.num, denom: entry.price.denom, fraction: invoice.fraction), price >= 0,
                  !entry.taxIncluded
            else { return nil }
            var discount: Int64 = 0
            if entry.discount.num != 0 {
                guard entry.discountType == "PERCENT",
                      let bp = GnuCashBook.scaled(num: entry.discount.num, denom: entry.discount.denom, by: 100), (0...10_000).contains(bp)
                else { return nil }
                discount = bp
            }
            var rate: Int64 = 0
            if entry.taxable, let table = entry.taxTable, !table.isEmpty {
                if rates[table] == nil { rates[table] = try book.taxRateBP(table: table) }
                guard let found = rates[table] ?? nil, (0...10_000).contains(found) else { return nil }
                rate = found
            }
            let description = entry.description.trimmingWhitespace()
            lines.append(.object([
                ("description", .string(description.isEmpty ? "Item" : String(description.prefix(1000)))),
                ("quantity_milli", .integer(quantity)), ("unit_price_minor", .integer(price)),
                ("discount_bp", .integer(discount)), ("tax_rate_bp", .integer(rate)),
            ]))
        }
        return lines.isEmpty ? nil : lines
    }

    /// Whether a posted document is brought in; nil with the reason to skip it.
    mutating func customerAccount(_ invoice: GnuCashBook.Invoice, kind: Kind, ref: String) -> Int64?? {
        guard case .customer(let customer) = invoice.owner else {
            if case .other(let what) = invoice.owner { report.skip(kind, ref, what) }
            return .some(nil)
        }
        guard invoice.postTxn != nil, invoice.postedOn != nil else {
            report.skip(kind, ref, "not posted")
            return .some(nil)
        }
        if after(invoice.postedOn) {
            report.skip(kind, ref, "posted after as_of")
            return .some(nil)
        }
        guard let account = accounts[customer] else {
            report.fail(kind, ref, code: .notFound, "\(context): \(ref): its customer was not imported")
            return .some(nil)
        }
        return .some(account)
    }

    mutating func importInvoice(_ invoice: GnuCashBook.Invoice) throws {
        let ref = "invoice \(invoice.id)"
        guard let found = customerAccount(invoice, kind: .invoices, ref: ref) else { return }
        guard let accountID = found else {
            if let lot = invoice.postLot { leftOutLots.insert(lot) }
            return
        }
        try attempt(.invoices, ref) { run in
            let posted = try run.book.postedAmounts(invoice)
            guard let total = posted.total, let tax = posted.tax else {
                throw Refusal(code: .invalid, message: "\(run.context): \(ref): its posted amount is not whole in minor units of \(invoice.currency ?? "its currency")")
            }
            guard total >= 0, tax >= 0, tax <= total else {
                throw Refusal(code: .invalid, message: "\(run.context): \(ref): posted total \(total) with tax \(tax) is not an invoice's")
            }
            var fields = run.reference(invoice.guid) + [
                ("account_id", .integer(accountID)), ("number", .string(invoice.id)),
                ("issued_on", .string(invoice.postedOn?.description)), ("posting", .bool(false)),
            ]
            if let currency = invoice.currency { fields.append(("currency", .string(currency))) }
            if let due = posted.due, let issued = invoice.postedOn, due >= issued { fields.append(("due_on", .string(due.description))) }
            if let notes = invoice.notes, !notes.isEmpty { fields.append(("notes", .string(String(notes.prefix(4000))))) }
            // The book's money wins: the lines when libcrm's arithmetic gives
            // GnuCash's posted total to the cent, else the book's totals.
            var result: JSONValue?
            if let lines = try run.lines(invoice) {
                struct Mismatch: Error {}
                do {
                    result = try run.store.savepoint {
                        let made = try run.store.invoke("invoice.record", .object(fields + [("lines", .array(lines))]))
                        guard case .integer(total)? = made["total_minor"], case .integer(tax)? = made["tax_minor"] else { throw Mismatch() }
                        return made
                    }
                } catch is Mismatch {
                    result = nil
                } catch let error as CRMError where error.code == .conflict {
                    // Recorded before by totals: replayed below the same way.
                    result = nil
                }
            }
            if result == nil {
                result = try run.store.invoke("invoice.record", .object(fields + [("total_minor", .integer(total)), ("tax_minor", .integer(tax))]))
            }
            guard let result, case .integer(let id)? = result["id"] else {
                throw Refusal(code: .internal, message: "\(run.context): \(ref): invoice.record returned no id")
            }
            run.report.count(.invoices, result)
            if let lot = invoice.postLot { run.invoiceLots[lot] = (id, invoice) }
        }
    }

    // MARK: Credit notes

    /// The lots a link transaction moves value between: (credit side lot,
    /// amount) pairs for positive splits and (debit side lot, amount) for
    /// negative ones, in minor units.
    func linkSides(_ transaction: GnuCashBook.Transaction, ref: String) throws -> (credits: [(lot: String, amount: Int64)], debits: [(lot: String, amount: Int64)]) {
        var credits: [(String, Int64)] = []
        var debits: [(String, Int64)] = []
        for split in transaction.receivableSplits {
            guard let minor = GnuCashBook.minorUnits(num: split.value.num, denom: split.value.denom, fraction: transaction.fraction) else {
                throw Refusal(code: .invalid, message: "\(context): \(ref): split \(split.guid) value \(split.value.num)/\(split.value.denom) is not whole in minor units")
            }
            guard let lot = split.lot, minor != 0 else { continue }
            if minor > 0 { credits.append((lot, minor)) } else { debits.append((lot, -minor)) }
        }
        return (credits, debits)
    }

    mutating func importCreditNote(_ note: GnuCashBook.Invoice, settlements: [GnuCashBook.Transaction]) throws {
        let ref = "credit note \(note.id)"
        guard let found = customerAccount(note, kind: .creditNotes, ref: ref) else { return }
        guard found != nil, let lot = note.postLot else {
            if let lot = note.postLot { leftOutLots.insert(lot) }
            return
        }
        creditNoteLots[lot] = (nil, note)
        // The invoice it credits: the first invoice GnuCash offset it against.
        var target: (invoiceID: Int64, invoice: GnuCashBook.Invoice, date: CalendarDate?)?
        for transaction in settlements where transaction.kind == "L" && transaction.receivableSplits.contains(where: { $0.lot == lot }) {
            guard let sides = try? linkSides(transaction, ref: ref) else { continue }
            if sides.credits.contains(where: { $0.lot == lot }), let debit = sides.debits.first(where: { invoiceLots[$0.lot] != nil }) {
                let invoice = invoiceLots[debit.lot]!
                target = (invoice.id, invoice.invoice, transaction.postedOn)
                break
            }
        }
        guard let target else {
            report.skip(.creditNotes, ref, "not offset against an imported invoice")
            report.warn(.creditNotes, ref, "a libcrm credit note credits an invoice; GnuCash has this one offset against none (or one not imported)")
            leftOutLots.insert(lot)
            return
        }
        if after(target.date) {
            report.skip(.creditNotes, ref, "offset after as_of")
            leftOutLots.insert(lot)
            return
        }
        try attempt(.creditNotes, ref) { run in
            let posted = try run.book.postedAmounts(note)
            guard let signed = posted.total else {
                throw Refusal(code: .invalid, message: "\(run.context): \(ref): its posted amount is not whole in minor units")
            }
            let total = -signed
            let invoice = try run.store.invoke("invoice.get", .object([("id", .integer(target.invoiceID))]))
            var fields = run.reference(note.guid) + [
                ("invoice_id", .integer(target.invoiceID)), ("number", .string(note.id)),
                ("issued_on", .string(note.postedOn?.description)), ("posting", .bool(false)),
            ]
            if let notes = note.notes, !notes.isEmpty { fields.append(("reason", .string(String(notes.prefix(1000))))) }
            if invoice["total_minor"] != .integer(total) {
                guard let selection = try run.selection(note, invoice: invoice) else {
                    throw Refusal(code: .constraint, message: "\(run.context): \(ref): its entries are not lines of invoice \(target.invoice.id), which libcrm needs to credit them")
                }
                fields += selection
            }
            let result = try run.store.invoke("credit_note.record", .object(fields))
            guard case .integer(let id)? = result["id"] else {
                throw Refusal(code: .internal, message: "\(run.context): \(ref): credit_note.record returned no id")
            }
            guard result["total_minor"] == .integer(total) else {
                throw Refusal(code: .constraint, message: "\(run.context): \(ref): crediting invoice \(target.invoice.id)'s lines gives \(result["total_minor"].map { "\($0)" } ?? "?"), GnuCash posted \(total)")
            }
            run.report.count(.creditNotes, result)
            run.creditNoteLots[lot] = (id, note)
        }
    }

    /// `line_positions` and `quantities_milli` naming the invoice lines a
    /// GnuCash credit note's entries return (same price, discount and tax;
    /// description preferred), or nil.
    func selection(_ note: GnuCashBook.Invoice, invoice: JSONValue) throws -> [(String, JSONValue)]? {
        guard let noteLines = try lines(note), case .array(let invoiceLines)? = invoice["lines"] else { return nil }
        var positions: [JSONValue] = []
        var quantities: [JSONValue] = []
        var used = Set<Int>()
        for line in noteLines {
            func matches(_ candidate: JSONValue, byDescription: Bool) -> Bool {
                candidate["unit_price_minor"] == line["unit_price_minor"] && candidate["discount_bp"] == line["discount_bp"]
                    && candidate["tax_rate_bp"] == line["tax_rate_bp"]
                    && (!byDescription || candidate["description"] == line["description"])
            }
            guard let index = invoiceLines.indices.first(where: { !used.contains($0) && matches(invoiceLines[$0], byDescription: true) })
                    ?? invoiceLines.indices.first(where: { !used.contains($0) && matches(invoiceLines[$0], byDescription: false) }) else {
                return nil
            }
            used.insert(index)
            positions.append(.integer(Int64(index)))
            quantities.append(line["quantity_milli"] ?? .null)
        }
        return [("line_positions", .array(positions)), ("quantities_milli", .array(quantities))]
    }

    // MARK: Payments

    mutating func importPayment(_ transaction: GnuCashBook.Transaction) throws {
        let ref = "payment \(transaction.guid)"
        guard !transaction.receivableSplits.isEmpty else { return }  // a vendor's or another ledger's payment
        if after(transaction.postedOn) {
            report.skip(.payments, ref, "received after as_of")
            return
        }
        try attempt(.payments, ref) { run in
            var allocations: [JSONValue] = []
            var amount: Int128 = 0
            var customer: String?
            var ownLot: String?
            for split in transaction.receivableSplits {
                guard let minor = GnuCashBook.minorUnits(num: split.value.num, denom: split.value.denom, fraction: transaction.fraction) else {
                    throw Refusal(code: .invalid, message: "\(run.context): \(ref): split \(split.guid) value \(split.value.num)/\(split.value.denom) is not whole in minor units")
                }
                let paid = -minor
                amount += Int128(paid)
                guard let lot = split.lot else { continue }
                if let invoice = run.invoiceLots[lot] {
                    guard paid > 0 else {
                        throw Refusal(code: .constraint, message: "\(run.context): \(ref): it adds to invoice \(invoice.invoice.id) instead of paying it (a refund); not imported")
                    }
                    if case .customer(let owner) = invoice.invoice.owner { customer = customer ?? owner }
                    allocations.append(.object([("invoice_id", .integer(invoice.id)), ("amount_minor", .integer(paid))]))
                } else if run.leftOutLots.contains(lot) {
                    throw Refusal(code: .constraint, message: "\(run.context): \(ref): it settles a document left out of this import")
                } else if run.creditNoteLots[lot] != nil {
                    throw Refusal(code: .constraint, message: "\(run.context): \(ref): it pays out a credit note, which libcrm records as a refund; not imported")
                } else if let document = run.documentLots[lot] {
                    throw Refusal(code: .constraint, message: "\(run.context): \(ref): it settles \(document), which is not imported")
                } else if let owner = try run.book.lotOwner(lot) {
                    customer = customer ?? owner
                    ownLot = lot
                } else {
                    throw Refusal(code: .invalid, message: "\(run.context): \(ref): split \(split.guid) is in lot \(lot), which is neither a document's nor a customer's payment lot")
                }
            }
            guard let customer else {
                run.report.skip(.payments, ref, "no customer (not in an invoice or payment lot)")
                return
            }
            guard let accountID = run.accounts[customer] else {
                run.report.skip(.payments, ref, "its customer is not imported")
                return
            }
            guard amount > 0, let total = Int64(exactly: amount) else {
                run.report.skip(.payments, ref, amount == 0 ? "moves nothing" : "pays money out (a refund)")
                return
            }
            var fields = run.reference(transaction.guid) + [
                ("account_id", .integer(accountID)), ("amount_minor", .integer(total)),
                ("received_on", .string(transaction.postedOn?.description)), ("method", .string("other")),
                ("posting", .bool(false)),
            ]
            if let currency = transaction.currency { fields.append(("currency", .string(currency))) }
            let reference = [transaction.number, transaction.description].compactMap { $0 }.first { !$0.isEmpty }
            if let reference { fields.append(("reference", .string(String(reference.prefix(200))))) }
            fields.append(allocations.isEmpty ? ("allocate", .string("none")) : ("allocations", .array(allocations)))
            let result = try run.store.invoke("payment.record", .object(fields))
            run.report.count(.payments, result)
            if let ownLot { run.paymentLots[ownLot] = transaction.guid }
        }
    }

    // MARK: Offsets (lot links)

    mutating func importLink(_ transaction: GnuCashBook.Transaction) throws {
        let ref = "offset \(transaction.guid)"
        guard !transaction.receivableSplits.isEmpty else { return }
        if after(transaction.postedOn) {
            report.skip(.offsets, ref, "dated after as_of")
            return
        }
        let sides: (credits: [(lot: String, amount: Int64)], debits: [(lot: String, amount: Int64)])
        do {
            sides = try linkSides(transaction, ref: ref)
        } catch let refusal as Refusal {
            report.fail(.offsets, ref, code: refusal.code, refusal.message)
            return
        }
        guard sides.credits.count == 1, let credit = sides.credits.first else {
            report.skip(.offsets, ref, "links \(sides.credits.count) credit lots; one is supported")
            return
        }
        for debit in sides.debits {
            let linkRef = "\(transaction.guid):\(debit.lot)"
            guard let invoice = invoiceLots[debit.lot] else {
                report.skip(.offsets, linkRef, leftOutLots.contains(debit.lot) ? "the invoice is left out" : "not an imported invoice's lot")
                continue
            }
            try attempt(.offsets, linkRef) { run in
                if try run.store.connection.integer(
                    "SELECT COUNT(*) FROM bridge_gnucash_offsets WHERE source = ? AND external_ref = ?",
                    [.text(run.source), .text(linkRef)]) ?? 0 > 0 {
                    run.report.counts[.offsets, default: .init()].replayed += 1
                    return
                }
                let date = transaction.postedOn?.description
                if let note = run.creditNoteLots[credit.lot] {
                    guard let noteID = note.id else {
                        run.report.skip(.offsets, linkRef, "its credit note is not imported")
                        return
                    }
                    let own = try run.store.invoke("credit_note.get", .object([("id", .integer(noteID))]))
                    if own["invoice_id"] == .integer(invoice.id) {
                        // The offset credit_note.record made: the note credits this invoice.
                        try run.remember(linkRef, kind: "credit_note", recordID: noteID)
                        run.report.counts[.offsets, default: .init()].created += 1
                        return
                    }
                    _ = try run.store.invoke("credit_note.apply", .object([
                        ("credit_note_id", .integer(noteID)), ("invoice_id", .integer(invoice.id)),
                        ("amount_minor", .integer(debit.amount)), ("applied_on", .string(date)),
                    ]))
                    try run.remember(linkRef, kind: "credit_note", recordID: noteID)
                } else if let payment = run.paymentLots[credit.lot] {
                    let made = try run.store.invoke("payment.get", .object(run.reference(payment)))
                    guard case .integer(let paymentID)? = made["id"] else { return }
                    _ = try run.store.invoke("payment.allocate", .object([
                        ("payment_id", .integer(paymentID)),
                        ("allocations", .array([.object([("invoice_id", .integer(invoice.id)), ("amount_minor", .integer(debit.amount))])])),
                        ("allocated_on", .string(date)),
                    ]))
                    try run.remember(linkRef, kind: "payment", recordID: paymentID)
                } else {
                    run.report.skip(.offsets, linkRef, "the credit side is neither an imported credit note nor a payment")
                    return
                }
                run.report.counts[.offsets, default: .init()].created += 1
            }
        }
    }

    /// Notes an offset as brought in, so the next import replays it.
    func remember(_ linkRef: String, kind: String, recordID: Int64) throws {
        try store.connection.run(
            "INSERT INTO bridge_gnucash_offsets (source, external_ref, record_type, record_id, created_at) VALUES (?, ?, ?, ?, ?)",
            [.text(source), .text(linkRef), .text(kind), .integer(recordID), .text(store.clock.now().description)])
    }
}
