import CRMStore

/// The `payment.*` commands and `credit_note.apply`: payments received,
/// allocated to invoices explicitly or oldest-first, the rest kept as
/// unallocated credit on the account (allocated later or refunded), reversed
/// when they bounce; credit notes offset against other open invoices.
public enum PaymentCommands {
    public static let all: [Command] = [
        Command("payment.record", .write, record),
        Command("payment.get", .read, get),
        Command("payment.list", .read, list),
        Command("payment.allocate", .write, allocate),
        Command("payment.refund", .write, refund),
        Command("payment.reverse", .write, reverse),
        Command("credit_note.apply", .write, apply),
    ]

    /// The most allocations one call takes.
    static let maximumAllocations = 500

    /// `allocations: [{"invoice_id", "amount_minor"}]` as sent.
    struct Requested {
        var invoiceID: Int64
        var amountMinor: Int64
    }

    /// How a payment is to be allocated: the invoices sent, oldest-first, or not at all.
    enum Mode {
        case explicit([Requested])
        case oldestFirst
        case none

        var json: JSONValue {
            switch self {
            case .explicit(let items):
                return .array(items.map { .object([("invoice_id", .integer($0.invoiceID)), ("amount_minor", .integer($0.amountMinor))]) })
            case .oldestFirst: return .string("oldest_first")
            case .none: return .string("none")
            }
        }

        /// `allocations` or `allocate` ("oldest_first" | "none"); neither: oldest-first.
        static func read(_ arguments: inout Arguments) throws -> Mode {
            let context = arguments.context
            let items = try arguments.array("allocations", maximumCount: maximumAllocations) { value, name -> Requested in
                guard case .object = value else { throw CRMError.invalid("\(context): \(name()) must be an object") }
                var fields = try Arguments(value, context: "\(context): \(name())")
                guard let invoiceID = try fields.id("invoice_id").value else {
                    throw CRMError.invalid("\(context): \(name()).invoice_id is required")
                }
                guard let amount = try fields.integer("amount_minor", range: 1...Int64.max).value else {
                    throw CRMError.invalid("\(context): \(name()).amount_minor is required")
                }
                try fields.finish()
                return Requested(invoiceID: invoiceID, amountMinor: amount)
            }.value
            let choice = try arguments.choice("allocate", ["oldest_first", "none"]).value
            if let items {
                if choice != nil { throw CRMError.invalid("\(context): send allocations or allocate, not both") }
                if items.isEmpty { throw CRMError.invalid("\(context): allocations must not be empty") }
                var seen = Set<Int64>()
                for (index, item) in items.enumerated() where !seen.insert(item.invoiceID).inserted {
                    throw CRMError.invalid("\(context): allocations[\(index)].invoice_id names invoice \(item.invoiceID) twice")
                }
                return .explicit(items)
            }
            return choice == "none" ? .none : .oldestFirst
        }
    }

    /// The allocations (invoice, amount) of `available` for an account's
    /// invoices in a currency, checked against what is stored; nothing written.
    /// - Throws: `.notFound` / `.constraint` naming `allocations[i]`.
    static func plan(_ store: Store, _ mode: Mode, accountID: Int64, currency: CurrencyCode, available: Int64,
                     context: String) throws -> [(invoice: Invoice, amount: Int64)] {
        switch mode {
        case .none:
            return []
        case .oldestFirst:
            // Page by page, oldest due first, until the payment is used up:
            // the cost follows the invoices it pays, not those the account has.
            var left = available
            var planned: [(Invoice, Int64)] = []
            // Most payments settle one to a few invoices: the first page is
            // small and each next one twice as large.
            var after: (dueKey: String, id: Int64)?
            var pageSize: Int64 = 4
            while left > 0 {
                let page = try PaymentQueries.openInvoices(store, accountID: accountID, currency: currency, after: after, limit: pageSize)
                for invoice in page where left > 0 {
                    let amount = min(left, invoice.balanceDueMinor)
                    planned.append((invoice, amount))
                    left -= amount
                }
                guard Int64(page.count) == pageSize, let last = page.last else { break }
                after = (last.dueOn?.description ?? PaymentQueries.noDueDate, last.id)
                pageSize = min(pageSize * 2, 256)
            }
            return planned
        case .explicit(let items):
            var total: Int128 = 0
            var planned: [(Invoice, Int64)] = []
            for (index, item) in items.enumerated() {
                let name = "allocations[\(index)]"
                guard let invoice = try store.connection.row("SELECT \(InvoiceQueries.columns) FROM invoices WHERE id = ?",
                                                             [.integer(item.invoiceID)], InvoiceQueries.invoice) else {
                    throw CRMError.notFound("\(context): \(name).invoice_id \(item.invoiceID) is not an invoice")
                }
                if invoice.accountID != accountID {
                    throw CRMError.constraint("\(context): \(name).invoice_id: \(invoice.label) belongs to account \(invoice.accountID), not \(accountID)")
                }
                if invoice.currency != currency {
                    throw CRMError.constraint("\(context): \(name).invoice_id: \(invoice.label) is in \(invoice.currency.code), not \(currency.code)")
                }
                guard invoice.status == .issued || invoice.status == .partiallyPaid, invoice.balanceDueMinor > 0 else {
                    throw CRMError.constraint("\(context): \(name).invoice_id: \(invoice.label) is \(invoice.status.rawValue) with nothing owed; only an open invoice takes a payment")
                }
                if item.amountMinor > invoice.balanceDueMinor {
                    throw CRMError.constraint("\(context): \(name).amount_minor is \(item.amountMinor); \(invoice.label) has only \(invoice.balanceDueMinor) due")
                }
                total += Int128(item.amountMinor)
                if total > Int128(available) {
                    throw CRMError.constraint("\(context): allocations add up to \(total) by \(name); only \(available) is there to allocate")
                }
                planned.append((invoice, item.amountMinor))
            }
            return planned
        }
    }

    /// Writes planned allocations of a payment and settles each invoice (event
    /// `invoice.paid` per invoice, recorded after the payment's own event by
    /// the caller through the returned closure). Returns the allocations made.
    static func writeAllocations(_ store: Store, paymentID: Int64, _ planned: [(invoice: Invoice, amount: Int64)], on date: CalendarDate,
                                 at now: Timestamp) throws -> [Payment.Allocation] {
        var made: [Payment.Allocation] = []
        for (invoice, amount) in planned {
            var allocation = Payment.Allocation()
            allocation.id = try store.nextID("payment_allocations")
            allocation.paymentID = paymentID
            allocation.invoiceID = invoice.id
            allocation.invoiceNumber = invoice.number
            allocation.invoiceDueOn = invoice.dueOn
            allocation.amountMinor = amount
            allocation.allocatedOn = date
            try PaymentQueries.insertAllocation(store, allocation, at: now)
            made.append(allocation)
        }
        return made
    }

    /// Settles the invoices of these allocations by `sign` × each amount (event per invoice).
    static func settleInvoices(_ store: Store, _ allocations: [Payment.Allocation], reversing: Bool, at now: Timestamp,
                               context: String) throws {
        for allocation in allocations {
            let change = reversing ? -allocation.amountMinor : allocation.amountMinor
            var extra: [(String, JSONValue)] = [("allocation", allocation.json)]
            if let paymentID = allocation.paymentID { extra.append(("payment_id", .integer(paymentID))) }
            if let noteID = allocation.creditNoteID { extra.append(("credit_note_id", .integer(noteID))) }
            try InvoiceCommands.settle(store, invoiceID: allocation.invoiceID, paidChange: change,
                                       event: reversing ? "invoice.reopened" : "invoice.paid", extra: extra, at: now, context: context)
        }
    }

    static func sum(_ amounts: [Int64], _ what: String, context: String) throws -> Int64 {
        let total = amounts.reduce(Int128(0)) { $0 + Int128($1) }
        guard let fits = Int64(exactly: total) else { throw CRMError.range("\(context): \(what) does not fit in 64 bits") }
        return fits
    }

    // MARK: payment.record

    /// `payment.record {account_id, amount_minor, currency?, received_on?, method,
    /// reference?, allocations? | allocate?, posting?, source?, external_ref?}`. Events
    /// `payment.recorded` (with `posting` unless `posting` is false: history
    /// the host's ledger holds already), then `invoice.paid` per invoice.
    static func record(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        let accountID = try arguments.id("account_id").value
        let amount = try arguments.integer("amount_minor", range: 1...Int64.max).value
        let currencyCode = try arguments.string("currency", length: 3...3).value
        let receivedOn = try arguments.date("received_on").value
        let method = try arguments.choice("method", Payment.Method.self).value
        let paymentReference = try arguments.string("reference", length: 1...200).value
        let mode = try Mode.read(&arguments)
        let posted = try arguments.bool("posting").value ?? true
        try arguments.finish()
        guard let accountID else { throw CRMError.invalid("\(context): account_id is required") }
        guard let amount else { throw CRMError.invalid("\(context): amount_minor is required") }
        guard let method else { throw CRMError.invalid("\(context): method is required (eft, cash, card, cheque, debit_order, other)") }
        if let paymentReference, paymentReference.trimmingWhitespace().isEmpty {
            throw CRMError.invalid("\(context): reference must not be blank")
        }
        let now = store.clock.now()
        let received = receivedOn ?? now.date
        // The currency sent or the account's: the same content either way.
        let currency = try InvoiceCommands.currency(store, code: currencyCode, accountID: accountID, context: context)
        // What was asked is the content a replay compares.
        // `posted` joins the content only when false, so a payment recorded
        // before it existed replays as it did.
        let request = JSONValue.object([
            ("account_id", .integer(accountID)), ("amount_minor", .integer(amount)), ("currency", .string(currency.code)),
            ("received_on", .string(received.description)), ("method", .string(method.rawValue)),
            ("reference", .string(paymentReference?.trimmingWhitespace())), ("allocations", mode.json),
        ] + (posted ? [] : [("posted", .bool(false))]))
        var payment = Payment()
        var made: [Payment.Allocation] = []
        var posting: Posting?
        let result = try store.create("payment", event: "payment.recorded", reference: reference, content: request, context: context,
                                      update: nil, load: { try PaymentQueries.require(store, id: $0, context: context).json }) {
            try InvoiceCommands.checkLinks(store, accountID: accountID, contactID: nil, context: context)
            let planned = try plan(store, mode, accountID: accountID, currency: currency, available: amount, context: context)
            payment.id = try store.nextID("payments")
            payment.accountID = accountID
            payment.amountMinor = amount
            payment.currency = currency
            payment.receivedOn = received
            payment.method = method
            payment.reference = paymentReference?.trimmingWhitespace()
            payment.allocatedMinor = try sum(planned.map(\.amount), "the allocations", context: context)
            payment.posted = posted
            payment.createdAt = now
            payment.updatedAt = now
            posting = !posted ? nil : try Postings.payment(amountMinor: amount, allocatedMinor: payment.allocatedMinor,
                                           mapping: LedgerMapping.current(store), date: received,
                                           memo: "Payment \(payment.id)\(payment.reference.map { " (\($0))" } ?? "")",
                                           currency: currency)
            try PaymentQueries.insert(store, payment)
            made = try writeAllocations(store, paymentID: payment.id, planned, on: received, at: now)
            payment.allocations = made
            return payment.id
        } record: { references in
            payment.externalRefs = references
            return posting.map { payment.json.adding("posting", $0.json) } ?? payment.json
        }
        if case .bool(true)? = result["replayed"] { return result }
        try settleInvoices(store, made, reversing: false, at: now, context: context)
        return result
    }

    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "payment", store: store)
        try arguments.finish()
        return try PaymentQueries.require(store, id: id, context: arguments.context).json
    }

    /// `payment.list {limit?, cursor?, account_id?, status?}`.
    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (limit, afterID) = try Page.read(&arguments)
        var filter = PaymentQueries.ListFilter()
        filter.accountID = try arguments.id("account_id").value
        filter.status = try arguments.choice("status", Payment.Status.self).value
        try arguments.finish()
        let payments = try PaymentQueries.list(store, filter, afterID: afterID, limit: limit + 1)
        return Page.json(payments, limit: limit, record: { $0.json }, cursor: { String($0.id) })
    }

    /// The payment `payment_id` names.
    private static func recorded(_ store: Store, _ arguments: inout Arguments) throws -> Payment {
        let context = arguments.context
        guard let id = try arguments.id("payment_id").value else { throw CRMError.invalid("\(context): payment_id is required") }
        guard let payment = try PaymentQueries.load(store, id: id) else {
            throw CRMError.notFound("\(context): payment_id \(id) is not a payment")
        }
        return payment
    }

    private static func checkRecorded(_ payment: Payment, action: String, context: String) throws {
        guard payment.status == .recorded else {
            throw CRMError.constraint("\(context): \(payment.label) is reversed; it cannot be \(action)")
        }
    }

    // MARK: payment.allocate

    /// `payment.allocate {payment_id, allocations? | allocate?, allocated_on?, expected_version?}`:
    /// unallocated credit to invoices. Events `payment.allocated` (with
    /// `allocations` made now and the `posting`), then `invoice.paid` per invoice.
    static func allocate(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        var payment = try recorded(store, &arguments)
        let allocatedOn = try arguments.date("allocated_on").value
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        let mode = try Mode.read(&arguments)
        try arguments.finish()
        if case .none = mode { throw CRMError.invalid("\(context): allocate must be oldest_first here (or send allocations)") }
        try VersionCheck.check(expectedVersion, actual: payment.version, record: payment.label)
        try checkRecorded(payment, action: "allocated", context: context)
        let now = store.clock.now()
        let date = allocatedOn ?? now.date
        if date < payment.receivedOn {
            throw CRMError.invalid("\(context): allocated_on \(date) is before \(payment.label) was received (\(payment.receivedOn))")
        }
        let available = payment.unallocatedMinor
        guard available > 0 else { throw CRMError.constraint("\(context): \(payment.label) has no unallocated credit left") }
        let planned = try plan(store, mode, accountID: payment.accountID, currency: payment.currency, available: available, context: context)
        guard !planned.isEmpty else {
            throw CRMError.constraint("\(context): account \(payment.accountID) has no open invoice in \(payment.currency.code) to allocate to")
        }
        let amount = try sum(planned.map(\.amount), "the allocations", context: context)
        let posting = !payment.posted ? nil : try Postings.allocation(amountMinor: amount, mapping: LedgerMapping.current(store), date: date,
                                                                      memo: "Payment \(payment.id) allocated", currency: payment.currency)
        return try store.savepoint {
            let made = try writeAllocations(store, paymentID: payment.id, planned, on: date, at: now)
            payment.allocatedMinor = try sum([payment.allocatedMinor, amount], "allocated_minor", context: context)
            payment.allocations += made
            payment.version = try VersionCheck.next(payment.version, record: payment.label)
            payment.updatedAt = now
            try PaymentQueries.update(store, payment)
            let allocated = payment.json.adding("allocated", .array(made.map(\.json)))
            let result = posting.map { allocated.adding("posting", $0.json) } ?? allocated
            try store.record(event: "payment.allocated", result)
            try settleInvoices(store, made, reversing: false, at: now, context: context)
            return result
        }
    }

    // MARK: payment.refund

    /// `payment.refund {payment_id, amount_minor, refunded_on?, reason?, expected_version?}`:
    /// unallocated credit paid back. Event `payment.refunded` with `refund` and `posting`.
    static func refund(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        var payment = try recorded(store, &arguments)
        let amount = try arguments.integer("amount_minor", range: 1...Int64.max).value
        let refundedOn = try arguments.date("refunded_on").value
        let reason = try arguments.string("reason", length: 1...1000).value
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        guard let amount else { throw CRMError.invalid("\(context): amount_minor is required") }
        if let reason, reason.trimmingWhitespace().isEmpty { throw CRMError.invalid("\(context): reason must not be blank") }
        try VersionCheck.check(expectedVersion, actual: payment.version, record: payment.label)
        try checkRecorded(payment, action: "refunded", context: context)
        let now = store.clock.now()
        let date = refundedOn ?? now.date
        if date < payment.receivedOn {
            throw CRMError.invalid("\(context): refunded_on \(date) is before \(payment.label) was received (\(payment.receivedOn))")
        }
        guard amount <= payment.unallocatedMinor else {
            throw CRMError.constraint("\(context): amount_minor is \(amount); \(payment.label) has only \(payment.unallocatedMinor) unallocated to refund")
        }
        let posting = !payment.posted ? nil : try Postings.refund(amountMinor: amount, mapping: LedgerMapping.current(store), date: date,
                                                                  memo: "Refund of payment \(payment.id)", currency: payment.currency)
        var made = Payment.Refund(amountMinor: amount, refundedOn: date, reason: reason?.trimmingWhitespace())
        made.id = try store.nextID("payment_refunds")
        try PaymentQueries.insertRefund(store, paymentID: payment.id, made, at: now)
        payment.refundedMinor = try sum([payment.refundedMinor, amount], "refunded_minor", context: context)
        payment.refunds.append(made)
        payment.version = try VersionCheck.next(payment.version, record: payment.label)
        payment.updatedAt = now
        try PaymentQueries.update(store, payment)
        let refunded = payment.json.adding("refund", made.json)
        let result = posting.map { refunded.adding("posting", $0.json) } ?? refunded
        try store.record(event: "payment.refunded", result)
        return result
    }

    // MARK: payment.reverse

    /// `payment.reverse {payment_id, reason, reversed_on?, expected_version?}`: a
    /// bounced payment; its allocations are reversed and the invoices they paid
    /// reopen. A payment with a refund cannot be reversed (`CRM_CONSTRAINT`).
    /// Events `payment.reversed` (with the `posting` of what it still holds,
    /// reversed), then `invoice.reopened` per invoice.
    static func reverse(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        var payment = try recorded(store, &arguments)
        let reason = try arguments.string("reason", length: 1...1000).value
        let reversedOn = try arguments.date("reversed_on").value
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        guard let reason, !reason.trimmingWhitespace().isEmpty else { throw CRMError.invalid("\(context): reason is required") }
        try VersionCheck.check(expectedVersion, actual: payment.version, record: payment.label)
        guard payment.status == .recorded else { throw CRMError.constraint("\(context): \(payment.label) is reversed already") }
        guard payment.refundedMinor == 0 else {
            throw CRMError.constraint("\(context): \(payment.label) has refunded_minor \(payment.refundedMinor); a payment partly refunded cannot be reversed")
        }
        let now = store.clock.now()
        let date = reversedOn ?? now.date
        if date < payment.receivedOn {
            throw CRMError.invalid("\(context): reversed_on \(date) is before \(payment.label) was received (\(payment.receivedOn))")
        }
        let memo = "Payment \(payment.id) reversed"
        let posting = !payment.posted ? nil : try Postings.payment(amountMinor: payment.amountMinor, allocatedMinor: payment.allocatedMinor,
                                                                   mapping: LedgerMapping.current(store), date: date, memo: memo,
                                                                   currency: payment.currency)
            .reversed(memo: memo, date: date)
        let active = payment.allocations.filter { !$0.reversed }
        return try store.savepoint {
            try PaymentQueries.markReversed(store, paymentID: payment.id)
            payment.status = .reversed
            payment.reversedOn = date
            payment.reversalReason = reason.trimmingWhitespace()
            payment.allocatedMinor = 0
            for index in payment.allocations.indices { payment.allocations[index].reversed = true }
            payment.version = try VersionCheck.next(payment.version, record: payment.label)
            payment.updatedAt = now
            try PaymentQueries.update(store, payment)
            let result = posting.map { payment.json.adding("posting", $0.json) } ?? payment.json
            try store.record(event: "payment.reversed", result)
            try settleInvoices(store, active, reversing: true, at: now, context: context)
            return result
        }
    }

    // MARK: credit_note.apply

    /// `credit_note.apply {credit_note_id, invoice_id, amount_minor?, applied_on?}`:
    /// an issued credit note's open amount (what its own invoice does not
    /// need) offset against another open invoice of the account. Events
    /// `credit_note.applied`, `invoice.credited` (its own invoice, credited
    /// less), `invoice.paid` (the other). No posting: both sides are the
    /// customer's receivable.
    static func apply(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let noteID = try arguments.id("credit_note_id").value
        let invoiceID = try arguments.id("invoice_id").value
        let amountSent = try arguments.integer("amount_minor", range: 1...Int64.max).value
        let appliedOn = try arguments.date("applied_on").value
        try arguments.finish()
        guard let noteID else { throw CRMError.invalid("\(context): credit_note_id is required") }
        guard let invoiceID else { throw CRMError.invalid("\(context): invoice_id is required") }
        guard let note = try CreditNoteQueries.load(store, id: noteID) else {
            throw CRMError.notFound("\(context): credit_note_id \(noteID) is not a credit note")
        }
        guard note.status == .issued else { throw CRMError.constraint("\(context): \(note.label) is a draft; issue it first") }
        guard let target = try InvoiceQueries.load(store, id: invoiceID) else {
            throw CRMError.notFound("\(context): invoice_id \(invoiceID) is not an invoice")
        }
        if target.id == note.invoiceID {
            throw CRMError.constraint("\(context): invoice_id: \(note.label) credits \(target.label) already")
        }
        if target.accountID != note.accountID {
            throw CRMError.constraint("\(context): invoice_id: \(target.label) belongs to account \(target.accountID), not \(note.accountID)")
        }
        if target.currency != note.currency {
            throw CRMError.constraint("\(context): invoice_id: \(target.label) is in \(target.currency.code), not \(note.currency.code)")
        }
        guard target.status == .issued || target.status == .partiallyPaid, target.balanceDueMinor > 0 else {
            throw CRMError.constraint("\(context): invoice_id: \(target.label) is \(target.status.rawValue) with nothing owed")
        }
        let own = try InvoiceQueries.require(store, id: note.invoiceID, context: context)
        let applied = try PaymentQueries.appliedFromCreditNote(store, creditNoteID: note.id)
        let excess = max(0, Int128(own.creditedMinor) + Int128(own.paidMinor) - Int128(own.totalMinor))
        let open = Int64(clamping: max(0, min(Int128(note.totalMinor) - applied, excess)))
        guard open > 0 else {
            throw CRMError.constraint("\(context): \(note.label) has no open amount (\(own.label) takes all of it)")
        }
        let amount = amountSent ?? min(open, target.balanceDueMinor)
        if amount > open {
            throw CRMError.constraint("\(context): amount_minor is \(amount); \(note.label) has only \(open) open")
        }
        if amount > target.balanceDueMinor {
            throw CRMError.constraint("\(context): amount_minor is \(amount); \(target.label) has only \(target.balanceDueMinor) due")
        }
        let now = store.clock.now()
        let date = appliedOn ?? now.date
        return try store.savepoint {
            var allocation = Payment.Allocation()
            allocation.id = try store.nextID("payment_allocations")
            allocation.creditNoteID = note.id
            allocation.invoiceID = target.id
            allocation.invoiceNumber = target.number
            allocation.invoiceDueOn = target.dueOn
            allocation.amountMinor = amount
            allocation.allocatedOn = date
            try PaymentQueries.insertAllocation(store, allocation, at: now)
            let result = note.json.adding("allocation", allocation.json).adding("open_minor", .integer(open - amount))
            try store.record(event: "credit_note.applied", result)
            try InvoiceCommands.settle(store, invoiceID: own.id, creditedChange: -amount, event: "invoice.credited",
                                       extra: [("credit_note_id", .integer(note.id)), ("applied_to_invoice_id", .integer(target.id))],
                                       at: now, context: context)
            try settleInvoices(store, [allocation], reversing: false, at: now, context: context)
            return result
        }
    }
}
