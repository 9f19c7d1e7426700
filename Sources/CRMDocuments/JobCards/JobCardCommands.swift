import CRMStore

/// The `jobcard.*` commands (docs/COMMANDS.md, "Job cards").
public enum JobCardCommands {
    public static let all: [Command] = [
        Command("jobcard.create", .write, create),
        Command("jobcard.get", .read, get),
        Command("jobcard.update", .write, update),
        Command("jobcard.list", .read, list),
        Command("jobcard.schedule", .write, schedule),
        Command("jobcard.start", .write, start),
        Command("jobcard.hold", .write, hold),
        Command("jobcard.resume", .write, resume),
        Command("jobcard.complete", .write, complete),
        Command("jobcard.cancel", .write, cancel),
        Command("jobcard.log_labour", .write, logLabour),
        Command("jobcard.use_part", .write, usePart),
        Command("jobcard.task", .write, task),
        Command("jobcard.billable", .read, billable),
    ]

    /// The most labour entries one card may have.
    static let maximumLabour = 500

    // MARK: Create

    /// `jobcard.create`: standalone for an open account, or from an accepted
    /// quote (all its lines, or those `line_positions` chooses).
    static func create(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        let accountID = try arguments.id("account_id").value
        let quoteID = try arguments.id("quote_id").value
        let positions = try arguments.array("line_positions", maximumCount: DocumentLine.maximumCount) { value, name in
            try Arguments.integer(value, field: name(), context: context, range: 0...Int64(DocumentLine.maximumCount - 1))
        }
        let opportunityID = try arguments.id("opportunity_id").value
        let currencyCode = try arguments.string("currency", length: 3...3).value
        let changes = try JobCardChanges.read(&arguments)
        try arguments.finish()

        var card = JobCard()
        var quote: QuoteSummary?
        if let quoteID {
            if currencyCode != nil { throw CRMError.invalid("\(context): currency comes from the quote; do not send it with quote_id") }
            if changes.lines.isPresent {
                throw CRMError.invalid("\(context): lines come from the quote (choose them with line_positions); add parts with jobcard.use_part")
            }
            guard let found = try QuoteQueries.load(store, id: quoteID) else {
                throw CRMError.notFound("\(context): quote_id \(quoteID) is not a quote")
            }
            let summary = QuoteSummary(found)
            if let accountID, accountID != summary.accountID {
                throw CRMError.invalid("\(context): account_id \(accountID) is not the account of quote \(summary.label) (\(summary.accountID))")
            }
            if let opportunityID, opportunityID != summary.opportunityID {
                throw CRMError.invalid("\(context): opportunity_id \(opportunityID) is not the opportunity of quote \(summary.label)")
            }
            card.quoteID = quoteID
            card.accountID = summary.accountID
            card.contactID = summary.contactID
            card.opportunityID = summary.opportunityID
            card.currency = summary.currency
            card.lines = try summary.chosenLines(positions, context: context)
            quote = summary
        } else {
            guard let accountID else { throw CRMError.invalid("\(context): account_id is required (or quote_id)") }
            if positions.isPresent { throw CRMError.invalid("\(context): line_positions chooses lines of a quote; send quote_id") }
            card.accountID = accountID
            card.opportunityID = opportunityID
            if let currencyCode {
                guard let known = Currency(code: currencyCode) else {
                    throw CRMError.invalid("\(context): currency '\(currencyCode)' is not an active ISO 4217 currency code such as ZAR")
                }
                card.currency = known.currencyCode
            } else if let currency = try accountCurrency(store, accountID) {
                card.currency = currency
            }
        }
        _ = try changes.apply(to: &card, store: store, context: context)
        try card.computeTotals(context: context)
        var credit: JSONValue?
        return try store.create("jobcard", event: "jobcard.created", reference: reference, content: card.json, context: context,
                                update: "jobcard.update", load: {
            try JobCardQueries.require(store, id: $0, context: context).json
        }) {
            if let quote, quote.status != "accepted" {
                throw CRMError.constraint(
                    "\(context): quote \(quote.label) is \(quote.status); a job card is made from an accepted quote only")
            }
            // A quote is billed either directly or through its job cards, never both.
            if let quote, let invoice = try store.connection.row(
                "SELECT number, id FROM invoices WHERE quote_id = ? ORDER BY id LIMIT 1", [.integer(quote.id)],
                { ($0.optionalText(0), $0.integer(1)) }) {
                throw CRMError.constraint("\(context): quote \(quote.label) is invoiced directly (invoice \(invoice.0 ?? "draft \(invoice.1)")); "
                    + "its work is billed from the quote, not from a job card")
            }
            try checkLinks(store, card, checkOpportunity: quote == nil, context: context)
            // Credit control (when the library has it) answers before the first write; a card
            // made from a quote names the quote (the card has no id yet).
            credit = try CreditAuthorization.ask(store, stage: "jobcard_creation", accountID: card.accountID, amountMinor: card.totalMinor,
                                                 currency: card.currency, documentType: quote == nil ? "jobcard" : "quote",
                                                 documentID: quote?.id, asOf: store.clock.now().date)
            card.id = try store.nextID("jobcards")
            card.number = JobCard.number(try store.nextID("jobcard_numbers"))
            card.createdAt = store.clock.now()
            card.updatedAt = card.createdAt
            try JobCardQueries.insert(store, card)
            return card.id
        } record: { references in
            card.externalRefs = references
            return credit.map { card.json.adding("credit", $0) } ?? card.json
        }
    }

    /// What a job card takes from its quote.
    struct QuoteSummary {
        var id: Int64
        var number: String?
        var status: String
        var accountID: Int64
        var contactID: Int64?
        var opportunityID: Int64?
        var currency: CurrencyCode
        var lines: [DocumentLine]

        var label: String { number.map { "\(id) (\($0))" } ?? "\(id)" }

        init(_ quote: Quote) {
            id = quote.id
            number = quote.number
            status = quote.status.rawValue
            accountID = quote.accountID
            contactID = quote.contactID
            opportunityID = quote.opportunityID
            currency = quote.currency
            lines = quote.lines
        }

        /// The lines `positions` chooses (all when absent), in the order chosen.
        func chosenLines(_ positions: Presence<[Int64]>, context: String) throws -> [DocumentLine] {
            switch positions {
            case .absent, .null: return lines
            case .value(let positions):
                if positions.isEmpty { throw CRMError.invalid("\(context): line_positions must choose at least one line") }
                var seen: Set<Int64> = []
                var chosen: [DocumentLine] = []
                for (index, position) in positions.enumerated() {
                    guard position < Int64(lines.count) else {
                        throw CRMError.invalid(
                            "\(context): line_positions[\(index)] \(position) is not a line of quote \(label), which has \(lines.count) lines (0 first)")
                    }
                    guard seen.insert(position).inserted else {
                        throw CRMError.invalid("\(context): line_positions[\(index)] \(position) is chosen twice")
                    }
                    chosen.append(lines[Int(position)])
                }
                return chosen
            }
        }
    }

    // MARK: Read

    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "jobcard", store: store)
        try arguments.finish()
        return try JobCardQueries.require(store, id: id, context: arguments.context).json
    }

    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (limit, afterID) = try Page.read(&arguments)
        var filter = JobCardQueries.ListFilter()
        filter.accountID = try arguments.id("account_id").value
        filter.status = try arguments.choice("status", JobCard.Status.self).value?.rawValue
        filter.technician = try arguments.string("technician", length: 1...100).value?.trimmingWhitespace()
        filter.quoteID = try arguments.id("quote_id").value
        filter.scheduledFrom = try arguments.date("scheduled_from").value
        filter.scheduledTo = try arguments.date("scheduled_to").value
        try arguments.finish()
        let cards = try JobCardQueries.list(store, filter, afterID: afterID, limit: limit + 1)
        return Page.json(cards, limit: limit, record: \.json, cursor: { String($0.id) })
    }

    /// `jobcard.billable {id}`: what the card would invoice: its lines, then
    /// one line per labour entry, with the totals by the rule.
    static func billable(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "jobcard", store: store)
        try arguments.finish()
        let card = try JobCardQueries.require(store, id: id, context: context)
        let lines = card.billableLines
        let totals = try LineAmounts.totals(lines.map { (netMinor: $0.netMinor, taxMinor: $0.taxMinor) }, context: context)
        return .object([
            ("jobcard_id", .integer(card.id)),
            ("number", .string(card.number)),
            ("status", .string(card.status.rawValue)),
            ("account_id", .integer(card.accountID)),
            ("contact_id", .integer(card.contactID)),
            ("quote_id", .integer(card.quoteID)),
            ("currency", .string(card.currency.code)),
            ("warranty", .bool(card.warranty)),
            ("lines", .array(lines.map(\.json))),
            ("subtotal_minor", .integer(totals.subtotalMinor)),
            ("tax_minor", .integer(totals.taxMinor)),
            ("total_minor", .integer(totals.totalMinor)),
        ])
    }

    // MARK: Update

    /// Reads `id | source+external_ref` and `expected_version`.
    private static func target(_ store: Store, _ arguments: inout Arguments) throws -> (id: Int64, expectedVersion: Int64?) {
        let id = try RecordLocator.id(&arguments, recordType: "jobcard", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        return (id, expectedVersion)
    }

    /// `jobcard.update`: the fields, tasks and lines (parts) of a card that is
    /// open, scheduled, in progress or on hold.
    static func update(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let (id, expectedVersion) = try target(store, &arguments)
        let changes = try JobCardChanges.read(&arguments)
        try arguments.finish()
        var card = try JobCardQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: card.version, record: card.label)
        try JobCardStates.checkEditable(card, context: context)
        let changed = try changes.apply(to: &card, store: store, context: context)
        guard !changed.isEmpty else { return card.json }
        if changed.contains("contact_id") { try checkLinks(store, card, checkOpportunity: false, context: context) }
        try card.computeTotals(context: context)
        card.version = try VersionCheck.next(card.version, record: card.label)
        card.updatedAt = store.clock.now()
        var parts: JobCardQueries.Parts = []
        if changed.contains("technicians") { parts.insert(.technicians) }
        if changed.contains("lines") { parts.insert(.lines) }
        try JobCardQueries.update(store, card, rewriting: parts)
        try store.record(event: "jobcard.updated", card.json.adding("changed", .array(changed.map { .string($0) })))
        return card.json
    }

    /// `jobcard.task {id, position, status}`: one task done, skipped or open again.
    static func task(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let (id, expectedVersion) = try target(store, &arguments)
        let position = try arguments.requiredInteger("position", range: 0...Int64(JobCardChanges.maximumTasks - 1))
        guard let status = try arguments.choice("status", JobCard.Task.Status.self).value else {
            throw CRMError.invalid("\(context): status is required (open, done or skipped)")
        }
        try arguments.finish()
        var card = try JobCardQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: card.version, record: card.label)
        try JobCardStates.checkEditable(card, context: context)
        guard position < Int64(card.tasks.count) else {
            throw CRMError.notFound("\(context): position \(position) is not a task of \(card.label), which has \(card.tasks.count) tasks (0 first)")
        }
        guard card.tasks[Int(position)].status != status else { return card.json }
        card.tasks[Int(position)].status = status
        card.version = try VersionCheck.next(card.version, record: card.label)
        card.updatedAt = store.clock.now()
        try JobCardQueries.update(store, card)
        try store.record(event: "jobcard.updated", card.json.adding("changed", .array([.string("tasks")])))
        return card.json
    }

    /// `jobcard.log_labour`: minutes one technician worked, priced per hour by
    /// a labour (or service) product or the rate sent.
    static func logLabour(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let (id, expectedVersion) = try target(store, &arguments)
        let technician = try arguments.requiredString("technician", length: 1...100).trimmingWhitespace()
        if technician.isEmpty { throw CRMError.invalid("\(context): technician must not be blank") }
        let minutes = try arguments.requiredInteger("minutes", range: 1...1440)
        let productID = try arguments.id("product_id").value
        let rate = try arguments.integer("unit_price_minor", range: 0...Int64.max).value
        let taxRate = try arguments.integer("tax_rate_bp", range: 0...10_000).value
        let description = try arguments.string("description", length: 1...1000).value
        let workedOn = try arguments.date("worked_on").value
        try arguments.finish()
        if productID == nil && rate == nil {
            throw CRMError.invalid("\(context): product_id (a labour product) or unit_price_minor (the hourly rate) is required")
        }
        var card = try JobCardQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: card.version, record: card.label)
        try JobCardStates.checkEditable(card, context: context)
        if card.labour.count >= maximumLabour {
            throw CRMError.range("\(context): \(card.label) has \(card.labour.count) labour entries, at most \(maximumLabour) allowed")
        }
        let quantity = JobCard.Labour.quantityMilli(minutes: minutes)
        let line = try price(store, productID: productID, description: description, quantityMilli: quantity, unitPriceMinor: rate,
                             discountBP: 0, taxRateBP: taxRate, currency: card.currency, kinds: [.labour, .service],
                             defaultDescription: { "\($0 ?? "Labour"): \(technician)" }, context: context)
        let now = store.clock.now()
        let entry = JobCard.Labour(technician: technician, minutes: minutes, workedOn: workedOn ?? now.date, productID: productID,
                                   description: line.description, unitPriceMinor: line.unitPriceMinor, taxRateBP: line.taxRateBP,
                                   quantityMilli: quantity, netMinor: line.netMinor, taxMinor: line.taxMinor)
        card.labour.append(entry)
        try card.computeTotals(context: context)
        card.version = try VersionCheck.next(card.version, record: card.label)
        card.updatedAt = now
        try JobCardQueries.update(store, card, rewriting: .labour)
        try store.record(event: "jobcard.labour_logged", card.json.adding("entry", entry.json(position: card.labour.count - 1)))
        return card.json
    }

    /// `jobcard.use_part`: a part (or anything else) used, added as a line.
    static func usePart(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let (id, expectedVersion) = try target(store, &arguments)
        let productID = try arguments.id("product_id").value
        let description = try arguments.string("description", length: 1...1000).value
        let quantity = try arguments.requiredInteger("quantity_milli", range: 1...1_000_000_000_000)
        let unitPrice = try arguments.integer("unit_price_minor", range: 0...Int64.max).value
        let discount = try arguments.integer("discount_bp", range: 0...10_000).value ?? 0
        let taxRate = try arguments.integer("tax_rate_bp", range: 0...10_000).value
        try arguments.finish()
        if productID == nil {
            if description?.trimmingWhitespace().isEmpty ?? true {
                throw CRMError.invalid("\(context): product_id or description is required")
            }
            if unitPrice == nil { throw CRMError.invalid("\(context): unit_price_minor is required for a part without product_id") }
        }
        var card = try JobCardQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: card.version, record: card.label)
        try JobCardStates.checkEditable(card, context: context)
        if card.lines.count >= DocumentLine.maximumCount {
            throw CRMError.range("\(context): \(card.label) has \(card.lines.count) lines, at most \(DocumentLine.maximumCount) allowed")
        }
        let line = try price(store, productID: productID, description: description, quantityMilli: quantity, unitPriceMinor: unitPrice,
                             discountBP: discount, taxRateBP: taxRate, currency: card.currency, kinds: Product.Kind.allCases,
                             defaultDescription: { $0 ?? "" }, context: context)
        card.lines.append(line)
        try card.computeTotals(context: context)
        card.version = try VersionCheck.next(card.version, record: card.label)
        card.updatedAt = store.clock.now()
        try JobCardQueries.update(store, card, rewriting: .lines)
        try store.record(event: "jobcard.part_used", card.json.adding("line", line.json))
        return card.json
    }

    /// One line priced by the rule, from a product (its name, price and tax
    /// rate the defaults) or the figures sent; errors name the plain fields.
    private static func price(_ store: Store, productID: Int64?, description: String?, quantityMilli: Int64, unitPriceMinor: Int64?,
                              discountBP: Int64, taxRateBP: Int64?, currency: CurrencyCode, kinds: [Product.Kind],
                              defaultDescription: (String?) -> String, context: String) throws -> DocumentLine {
        var price = unitPriceMinor
        var taxRate = taxRateBP
        var productName: String?
        if let productID {
            guard let product = try ProductQueries.load(store, id: productID) else {
                throw CRMError.notFound("\(context): product_id \(productID) is not a product")
            }
            if product.archivedAt != nil { throw CRMError.constraint("\(context): product_id \(productID) (\(product.code)) is archived") }
            guard kinds.contains(product.kind) else {
                throw CRMError.invalid("\(context): product_id \(productID) (\(product.code)) is \(product.kind.rawValue); labour is priced by a labour or service product")
            }
            if price == nil, product.currency != currency {
                throw CRMError.invalid("\(context): product_id \(productID) (\(product.code)) is priced in \(product.currency), the job card is in \(currency); send unit_price_minor")
            }
            price = price ?? product.unitPriceMinor
            taxRate = taxRate ?? product.taxRateBP
            productName = product.name
        }
        let text = description?.trimmingWhitespace().isEmpty == false ? description! : defaultDescription(productName)
        guard let price else { throw CRMError.invalid("\(context): unit_price_minor is required without product_id") }
        let rate = taxRate ?? 0
        let (net, tax) = try LineAmounts.amounts(quantityMilli: quantityMilli, unitPriceMinor: price, discountBP: discountBP,
                                                 taxRateBP: rate, field: context)
        return DocumentLine(productID: productID, description: text, quantityMilli: quantityMilli, unitPriceMinor: price,
                            discountBP: discountBP, taxRateBP: rate, netMinor: net, taxMinor: tax)
    }

    // MARK: Moves

    /// `jobcard.schedule {id, scheduled_on, scheduled_at?, technicians?}`: open -> scheduled.
    static func schedule(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let (id, expectedVersion) = try target(store, &arguments)
        let scheduledOn = try arguments.requiredDate("scheduled_on")
        let scheduledAt = try arguments.timestamp("scheduled_at")
        let technicians = try JobCardChanges.readTechnicians(&arguments)
        try arguments.finish()
        return try JobCardStates.move(store, id: id, expectedVersion: expectedVersion, to: .scheduled, event: "jobcard.scheduled",
                                      context: context, rewriting: technicians.isPresent ? .technicians : []) { card, _ in
            card.scheduledOn = scheduledOn
            if scheduledAt.isPresent { card.scheduledAt = scheduledAt.value }
            if technicians.isPresent { card.technicians = technicians.value ?? [] }
        }.json
    }

    /// `jobcard.start`: scheduled -> in_progress.
    static func start(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let (id, expectedVersion) = try target(store, &arguments)
        try arguments.finish()
        return try JobCardStates.move(store, id: id, expectedVersion: expectedVersion, to: .inProgress, event: "jobcard.started",
                                      context: context) { card, _ in
            if card.status != .scheduled {
                throw CRMError.constraint("\(context): \(card.label) cannot go from \(card.status.rawValue) to in_progress; jobcard.resume continues one on hold")
            }
        }.json
    }

    /// `jobcard.hold {id, reason}`: in_progress -> on_hold.
    static func hold(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let (id, expectedVersion) = try target(store, &arguments)
        let reason = try requiredReason(&arguments)
        try arguments.finish()
        return try JobCardStates.move(store, id: id, expectedVersion: expectedVersion, to: .onHold, event: "jobcard.held",
                                      context: context) { card, _ in
            card.holdReason = reason
        }.json
    }

    /// `jobcard.resume`: on_hold -> in_progress.
    static func resume(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let (id, expectedVersion) = try target(store, &arguments)
        try arguments.finish()
        return try JobCardStates.move(store, id: id, expectedVersion: expectedVersion, to: .inProgress, event: "jobcard.resumed",
                                      context: context) { card, _ in
            if card.status != .onHold {
                throw CRMError.constraint("\(context): \(card.label) cannot go from \(card.status.rawValue) to in_progress by resuming; it is not on hold")
            }
            card.holdReason = nil
        }.json
    }

    /// `jobcard.complete {id, signed_by, signed_at?}`: in_progress -> completed
    /// with the customer's sign-off; no task may still be open.
    static func complete(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let (id, expectedVersion) = try target(store, &arguments)
        guard let signedBy = try arguments.string("signed_by", length: 1...200).value?.trimmingWhitespace(), !signedBy.isEmpty else {
            throw CRMError.invalid("\(context): signed_by is required: the name of who signed the job off for the customer")
        }
        let signedAt = try arguments.timestamp("signed_at").value
        try arguments.finish()
        return try JobCardStates.move(store, id: id, expectedVersion: expectedVersion, to: .completed, event: "jobcard.completed",
                                      context: context) { card, now in
            let open = card.tasks.indices.filter { card.tasks[$0].status == .open }
            if !open.isEmpty {
                throw CRMError.constraint(
                    "\(context): \(card.label) has open tasks at positions \(open.map(String.init).joined(separator: ", ")); mark them done or skipped first")
            }
            card.signedBy = signedBy
            card.signedAt = signedAt ?? now
            card.completedAt = now
        }.json
    }

    /// `jobcard.cancel {id, reason}`: open, scheduled, in_progress or on_hold -> cancelled.
    static func cancel(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let (id, expectedVersion) = try target(store, &arguments)
        let reason = try requiredReason(&arguments)
        try arguments.finish()
        return try JobCardStates.move(store, id: id, expectedVersion: expectedVersion, to: .cancelled, event: "jobcard.cancelled",
                                      context: context) { card, now in
            card.cancelReason = reason
            card.cancelledAt = now
        }.json
    }

    private static func requiredReason(_ arguments: inout Arguments) throws -> String {
        guard let reason = try arguments.string("reason", length: 1...500).value?.trimmingWhitespace(), !reason.isEmpty else {
            throw CRMError.invalid("\(arguments.context): reason is required")
        }
        return reason
    }

    // MARK: Links

    /// The account is open, the contact (if any) is one of its contacts and
    /// not erased; a standalone card's opportunity (if any) is the account's.
    static func checkLinks(_ store: Store, _ card: JobCard, checkOpportunity: Bool, context: String) throws {
        guard let open = try store.connection.row(
            "SELECT archived_at IS NULL AND merged_into_id IS NULL FROM accounts WHERE id = ?",
            [.integer(card.accountID)], { $0.bool(0) }) else {
            throw CRMError.notFound("\(context): account_id \(card.accountID) is not an account")
        }
        if !open { throw CRMError.constraint("\(context): account \(card.accountID) is archived or merged") }
        if let contactID = card.contactID {
            guard let (accountID, erased) = try store.connection.row(
                "SELECT account_id, erased_at IS NOT NULL FROM contacts WHERE id = ?", [.integer(contactID)],
                { ($0.integer(0), $0.bool(1)) }) else {
                throw CRMError.notFound("\(context): contact_id \(contactID) is not a contact")
            }
            if accountID != card.accountID {
                throw CRMError.invalid("\(context): contact_id \(contactID) belongs to account \(accountID), not \(card.accountID)")
            }
            if erased { throw CRMError.constraint("\(context): contact_id \(contactID) was erased") }
        }
        if checkOpportunity, let opportunityID = card.opportunityID {
            guard store.hasCommand("opportunity.get") else {
                throw CRMError.invalid("\(context): opportunity_id: opportunities are not available in this library")
            }
            let opportunity: JSONValue
            do {
                opportunity = try store.invoke("opportunity.get", .object([("id", .integer(opportunityID))]))
            } catch let error as CRMError where error.code == .notFound {
                throw CRMError.notFound("\(context): opportunity_id \(opportunityID) is not an opportunity")
            }
            if case .integer(let accountID)? = opportunity["account_id"], accountID != card.accountID {
                throw CRMError.invalid("\(context): opportunity_id \(opportunityID) belongs to account \(accountID), not \(card.accountID)")
            }
        }
    }

    private static func accountCurrency(_ store: Store, _ accountID: Int64) throws -> CurrencyCode? {
        try store.connection.row("SELECT currency FROM accounts WHERE id = ?", [.integer(accountID)]) {
            Currency(code: $0.text(0))?.currencyCode
        } ?? nil
    }
}
