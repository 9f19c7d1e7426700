import CRMStore

/// A work order for the workshop or field service: what is to be done for
/// whom, where and when, by which technicians, on what asset, and what was
/// done (tasks, labour, parts), up to the customer's sign-off and the invoice.
public struct JobCard: Sendable {
    /// open -> scheduled -> in_progress <-> on_hold -> completed -> invoiced;
    /// open, scheduled, in_progress, on_hold -> cancelled (`JobCardStates`).
    public enum Status: String, Sendable, CaseIterable {
        case open, scheduled
        case inProgress = "in_progress"
        case onHold = "on_hold"
        case completed, invoiced, cancelled

        /// The states in which the card's fields, tasks, labour and parts may change.
        public var isEditable: Bool { self == .open || self == .scheduled || self == .inProgress || self == .onHold }
    }

    /// One task of the job and how it stands.
    public struct Task: Sendable, Equatable {
        public enum Status: String, Sendable, CaseIterable {
            case open, done, skipped
        }

        public var description: String
        public var status: Status

        func json(position: Int) -> JSONValue {
            .object([("position", .integer(Int64(position))), ("description", .string(description)),
                      ("status", .string(status.rawValue))])
        }
    }

    /// Time one technician worked on the job, priced per hour.
    public struct Labour: Sendable, Equatable {
        public var technician: String
        /// 1..1440.
        public var minutes: Int64
        public var workedOn: CalendarDate
        /// The labour product that gave the rate, or nil for a rate sent as such.
        public var productID: Int64?
        public var description: String
        /// The hourly rate.
        public var unitPriceMinor: Int64
        public var taxRateBP: Int64
        /// minutes × 1000 / 60, rounded half away from zero: hours in thousandths.
        public var quantityMilli: Int64
        public var netMinor: Int64
        public var taxMinor: Int64

        /// The entry as the document line an invoice takes.
        public var line: DocumentLine {
            DocumentLine(productID: productID, description: description, quantityMilli: quantityMilli,
                         unitPriceMinor: unitPriceMinor, discountBP: 0, taxRateBP: taxRateBP, netMinor: netMinor, taxMinor: taxMinor)
        }

        func json(position: Int) -> JSONValue {
            .object([
                ("position", .integer(Int64(position))),
                ("technician", .string(technician)),
                ("minutes", .integer(minutes)),
                ("worked_on", .string(workedOn.description)),
                ("product_id", .integer(productID)),
                ("description", .string(description)),
                ("unit_price_minor", .integer(unitPriceMinor)),
                ("tax_rate_bp", .integer(taxRateBP)),
                ("quantity_milli", .integer(quantityMilli)),
                ("net_minor", .integer(netMinor)),
                ("tax_minor", .integer(taxMinor)),
            ])
        }

        /// Hours in thousandths for `minutes`: × 1000 / 60, rounded half away from zero.
        public static func quantityMilli(minutes: Int64) -> Int64 {
            Int64(LineAmounts.roundedQuotient(Int128(minutes) * 1000, 60))
        }
    }

    public var id: Int64 = 0
    /// "J-000123".
    public var number = ""
    public var accountID: Int64 = 0
    public var contactID: Int64?
    public var quoteID: Int64?
    public var opportunityID: Int64?
    public var status = Status.open
    public var currency = CurrencyCode.zar
    public var technicians: [String] = []
    public var scheduledOn: CalendarDate?
    public var scheduledAt: Timestamp?
    public var site: String?
    public var assetDescription: String?
    public var serialNumber: String?
    /// A warranty repair.
    public var warranty = false
    /// The job or the fault reported.
    public var description: String?
    public var tasks: [Task] = []
    public var labour: [Labour] = []
    /// The parts used and anything else done, as document lines.
    public var lines: [DocumentLine] = []
    public var holdReason: String?
    public var signedBy: String?
    public var signedAt: Timestamp?
    public var completedAt: Timestamp?
    public var cancelReason: String?
    public var cancelledAt: Timestamp?
    public var invoiceID: Int64?
    public var invoicedAt: Timestamp?
    public var subtotalMinor: Int64 = 0
    public var taxMinor: Int64 = 0
    public var totalMinor: Int64 = 0
    public var externalRefs: [ExternalReference] = []
    public var version: Int64 = 1
    public var createdAt = Timestamp.epoch
    public var updatedAt = Timestamp.epoch

    public init() {}

    var label: String { number.isEmpty ? "job card \(id)" : "job card \(id) (\(number))" }

    /// What the card would invoice: its lines (parts), then one line per labour entry.
    public var billableLines: [DocumentLine] { lines + labour.map(\.line) }

    /// Sets the totals from the billable lines.
    /// - Throws: `.range` naming `context` when a sum does not fit.
    mutating func computeTotals(context: String) throws {
        let totals = try LineAmounts.totals(billableLines.map { (netMinor: $0.netMinor, taxMinor: $0.taxMinor) }, context: context)
        subtotalMinor = totals.subtotalMinor
        taxMinor = totals.taxMinor
        totalMinor = totals.totalMinor
    }

    /// The number of the n-th job card.
    static func number(_ sequence: Int64) -> String {
        let digits = String(sequence)
        return "J-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The job card as its documented JSON record.
    public var json: JSONValue {
        let signOff: JSONValue = signedBy.map {
            .object([("name", .string($0)), ("signed_at", .string(signedAt?.description))])
        } ?? .null
        return .object([
            ("id", .integer(id)),
            ("number", .string(number)),
            ("account_id", .integer(accountID)),
            ("contact_id", .integer(contactID)),
            ("quote_id", .integer(quoteID)),
            ("opportunity_id", .integer(opportunityID)),
            ("status", .string(status.rawValue)),
            ("currency", .string(currency.code)),
            ("technicians", .array(technicians.map { .string($0) })),
            ("scheduled_on", .string(scheduledOn?.description)),
            ("scheduled_at", .string(scheduledAt?.description)),
            ("site", .string(site)),
            ("asset_description", .string(assetDescription)),
            ("serial_number", .string(serialNumber)),
            ("warranty", .bool(warranty)),
            ("description", .string(description)),
            ("tasks", .array(tasks.enumerated().map { $0.element.json(position: $0.offset) })),
            ("labour", .array(labour.enumerated().map { $0.element.json(position: $0.offset) })),
            ("lines", .array(lines.map(\.json))),
            ("subtotal_minor", .integer(subtotalMinor)),
            ("tax_minor", .integer(taxMinor)),
            ("total_minor", .integer(totalMinor)),
            ("hold_reason", .string(holdReason)),
            ("sign_off", signOff),
            ("completed_at", .string(completedAt?.description)),
            ("cancel_reason", .string(cancelReason)),
            ("cancelled_at", .string(cancelledAt?.description)),
            ("invoice_id", .integer(invoiceID)),
            ("invoiced_at", .string(invoicedAt?.description)),
            ("external_refs", .array(externalRefs.map(\.json))),
            ("version", .integer(version)),
            ("created_at", .string(createdAt.description)),
            ("updated_at", .string(updatedAt.description)),
        ])
    }
}

/// The editable fields of a job card as a create or update sent them.
struct JobCardChanges {
    var contactID: Presence<Int64> = .absent
    var technicians: Presence<[String]> = .absent
    var scheduledOn: Presence<CalendarDate> = .absent
    var scheduledAt: Presence<Timestamp> = .absent
    var site: Presence<String> = .absent
    var assetDescription: Presence<String> = .absent
    var serialNumber: Presence<String> = .absent
    var warranty: Presence<Bool> = .absent
    var description: Presence<String> = .absent
    var tasks: Presence<[JobCard.Task]> = .absent
    var lines: Presence<[DocumentLine.Input]> = .absent

    static let maximumTechnicians = 20
    static let maximumTasks = 200

    static func read(_ arguments: inout Arguments) throws -> JobCardChanges {
        var changes = JobCardChanges()
        let context = arguments.context
        changes.contactID = try arguments.id("contact_id")
        changes.technicians = try readTechnicians(&arguments)
        changes.scheduledOn = try arguments.date("scheduled_on")
        changes.scheduledAt = try arguments.timestamp("scheduled_at")
        changes.site = try arguments.string("site", length: 1...1000)
        changes.assetDescription = try arguments.string("asset_description", length: 1...500)
        changes.serialNumber = try arguments.string("serial_number", length: 1...100)
        changes.warranty = try arguments.bool("warranty")
        changes.description = try arguments.string("description", length: 1...4000)
        changes.tasks = try arguments.array("tasks", maximumCount: maximumTasks) { value, name -> JobCard.Task in
            guard case .object = value else { throw CRMError.invalid("\(context): \(name()) must be an object") }
            var fields = try Arguments(value, context: "\(context): \(name())")
            let description = try fields.requiredString("description", length: 1...500).trimmingWhitespace()
            if description.isEmpty { throw CRMError.invalid("\(context): \(name()).description must not be blank") }
            let status = try fields.choice("status", JobCard.Task.Status.self).value ?? .open
            try fields.finish()
            return JobCard.Task(description: description, status: status)
        }
        changes.lines = try DocumentLine.read(&arguments)
        return changes
    }

    /// `technicians`: names, 1..100 characters, not blank, none twice (in any case).
    static func readTechnicians(_ arguments: inout Arguments) throws -> Presence<[String]> {
        let context = arguments.context
        let names = try arguments.array("technicians", maximumCount: maximumTechnicians) { value, name -> String in
            let text = try Arguments.text(value, field: name(), context: context, length: 1...100).trimmingWhitespace()
            if text.isEmpty { throw CRMError.invalid("\(context): \(name()) must not be blank") }
            return text
        }
        if let names = names.value {
            var seen: Set<String> = []
            for (index, name) in names.enumerated() where !seen.insert(name.lowercased()).inserted {
                throw CRMError.invalid("\(context): technicians[\(index)] '\(name)' is listed twice")
            }
        }
        return names
    }

    /// Applies the changes; returns the names of the fields that changed.
    /// Lines are priced from the catalogue here (`DocumentLine.resolve`).
    /// - Throws: `.invalid` naming the field, what `resolve` throws.
    func apply(to card: inout JobCard, store: Store, context: String) throws -> [String] {
        var changed: [String] = []
        contactID.apply(to: &card.contactID, field: "contact_id", changed: &changed)
        switch technicians {
        case .absent: break
        case .null: if !card.technicians.isEmpty { card.technicians = []; changed.append("technicians") }
        case .value(let names): if names != card.technicians { card.technicians = names; changed.append("technicians") }
        }
        scheduledOn.apply(to: &card.scheduledOn, field: "scheduled_on", changed: &changed)
        scheduledAt.apply(to: &card.scheduledAt, field: "scheduled_at", changed: &changed)
        site.apply(to: &card.site, field: "site", changed: &changed)
        assetDescription.apply(to: &card.assetDescription, field: "asset_description", changed: &changed)
        serialNumber.apply(to: &card.serialNumber, field: "serial_number", changed: &changed)
        switch warranty {
        case .absent: break
        case .null: throw CRMError.invalid("\(context): warranty cannot be null")
        case .value(let flag): if flag != card.warranty { card.warranty = flag; changed.append("warranty") }
        }
        description.apply(to: &card.description, field: "description", changed: &changed)
        switch tasks {
        case .absent: break
        case .null: if !card.tasks.isEmpty { card.tasks = []; changed.append("tasks") }
        case .value(let tasks): if tasks != card.tasks { card.tasks = tasks; changed.append("tasks") }
        }
        switch lines {
        case .absent: break
        case .null: if !card.lines.isEmpty { card.lines = []; changed.append("lines") }
        case .value(let inputs):
            let resolved = try DocumentLine.resolve(store, inputs, currency: card.currency, context: context)
            if resolved != card.lines { card.lines = resolved; changed.append("lines") }
        }
        return changed
    }
}
