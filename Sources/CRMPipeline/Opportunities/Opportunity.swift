import CRMStore

/// A deal being worked with an account: what might be sold, for how much,
/// when it should close and where in the pipeline it stands.
public struct Opportunity: Sendable {
    /// Open while it moves through the open stages; won or lost once closed.
    public enum Status: String, Sendable, CaseIterable {
        case open, won, lost
    }

    public var id: Int64 = 0
    public var accountID: Int64 = 0
    public var contactID: Int64?
    /// The lead it was converted from.
    public var leadID: Int64?
    public var title = ""
    /// What the deal is worth, in minor units of `currency`.
    public var amountMinor: Int64 = 0
    public var currency = CurrencyCode.zar
    public var expectedCloseOn: CalendarDate?
    /// The sales rep who works it.
    public var owner: String?
    /// What is being sold, one entry per product or service ("20 x IBR sheet 0.5 mm").
    public var products: [String] = []
    public var description: String?
    /// Who else the customer is talking to.
    public var competitor: String?
    public var nextStep: String?
    /// Where the business came from (a lead's `source_channel`), for the funnel.
    public var sourceChannel: String?
    public var campaign: String?
    public var stage = ""
    /// The chance of winning it, 0-100: the stage's unless set by hand.
    public var probability: Int64 = 0
    public var status = Status.open
    /// Why it was won or lost.
    public var closeReason: String?
    public var closedAt: Timestamp?
    public var stageChangedAt = Timestamp.epoch
    public var externalRefs: [ExternalReference] = []
    public var version: Int64 = 1
    public var createdAt = Timestamp.epoch
    public var updatedAt = Timestamp.epoch

    public init() {}

    var label: String { "opportunity \(id)" }

    /// The opportunity as its documented JSON record.
    public var json: JSONValue {
        .object([
            ("id", .integer(id)),
            ("account_id", .integer(accountID)),
            ("contact_id", contactID.map { .integer($0) } ?? .null),
            ("lead_id", leadID.map { .integer($0) } ?? .null),
            ("title", .string(title)),
            ("amount_minor", .integer(amountMinor)),
            ("currency", .string(currency.code)),
            ("expected_close_on", expectedCloseOn.map { .string($0.description) } ?? .null),
            ("owner", .string(owner)),
            ("products", .array(products.map { .string($0) })),
            ("description", .string(description)),
            ("competitor", .string(competitor)),
            ("next_step", .string(nextStep)),
            ("source_channel", .string(sourceChannel)),
            ("campaign", .string(campaign)),
            ("stage", .string(stage)),
            ("probability", .integer(probability)),
            ("status", .string(status.rawValue)),
            ("close_reason", .string(closeReason)),
            ("closed_at", closedAt.map { .string($0.description) } ?? .null),
            ("stage_changed_at", .string(stageChangedAt.description)),
            ("external_refs", .array(externalRefs.map(\.json))),
            ("version", .integer(version)),
            ("created_at", .string(createdAt.description)),
            ("updated_at", .string(updatedAt.description)),
        ])
    }
}

/// The editable fields of an opportunity as a create or update sent them.
/// The stage is not among them: `opportunity.move` changes it.
struct OpportunityChanges {
    var contactID: Presence<Int64> = .absent
    var title: Presence<String> = .absent
    var amountMinor: Presence<Int64> = .absent
    var currency: Presence<String> = .absent
    var expectedCloseOn: Presence<CalendarDate> = .absent
    var owner: Presence<String> = .absent
    var products: Presence<[String]> = .absent
    var description: Presence<String> = .absent
    var competitor: Presence<String> = .absent
    var nextStep: Presence<String> = .absent
    var sourceChannel: Presence<String> = .absent
    var campaign: Presence<String> = .absent
    var probability: Presence<Int64> = .absent

    static func read(_ arguments: inout Arguments) throws -> OpportunityChanges {
        var changes = OpportunityChanges()
        let context = arguments.context
        changes.contactID = try arguments.id("contact_id")
        changes.title = try arguments.string("title", length: 1...200)
        changes.amountMinor = try arguments.integer("amount_minor", range: 0...Int64.max)
        changes.currency = try arguments.string("currency", length: 3...3)
        changes.expectedCloseOn = try arguments.date("expected_close_on")
        changes.owner = try arguments.string("owner", length: 1...100)
        changes.products = try arguments.array("products", maximumCount: 100) { value, name in
            try Arguments.text(value, field: name(), context: context, length: 1...500)
        }
        changes.description = try arguments.string("description", length: 1...4000)
        changes.competitor = try arguments.string("competitor", length: 1...200)
        changes.nextStep = try arguments.string("next_step", length: 1...500)
        changes.sourceChannel = try arguments.string("source_channel", length: 1...50)
        changes.campaign = try arguments.string("campaign", length: 1...200)
        changes.probability = try arguments.integer("probability", range: 0...100)
        return changes
    }

    /// Applies the changes; returns the names of the fields that changed.
    /// - Throws: `.invalid` naming the field.
    func apply(to opportunity: inout Opportunity, context: String) throws -> [String] {
        var changed: [String] = []
        if let title = try title.nonNull("title", context: context) {
            let trimmed = title.trimmingWhitespace()
            if trimmed.isEmpty { throw CRMError.invalid("\(context): title must not be blank") }
            if opportunity.title != trimmed { opportunity.title = trimmed; changed.append("title") }
        }
        if let amount = try amountMinor.nonNull("amount_minor", context: context), amount != opportunity.amountMinor {
            opportunity.amountMinor = amount
            changed.append("amount_minor")
        }
        if let code = try currency.nonNull("currency", context: context) {
            guard let known = Currency(code: code) else {
                throw CRMError.invalid("\(context): currency '\(code)' is not an active ISO 4217 currency code such as ZAR")
            }
            if opportunity.currency != known.currencyCode { opportunity.currency = known.currencyCode; changed.append("currency") }
        }
        expectedCloseOn.apply(to: &opportunity.expectedCloseOn, field: "expected_close_on", changed: &changed)
        contactID.apply(to: &opportunity.contactID, field: "contact_id", changed: &changed)
        owner.apply(to: &opportunity.owner, field: "owner", changed: &changed)
        if let products = try products.nonNull("products", context: context), products != opportunity.products {
            opportunity.products = products
            changed.append("products")
        }
        description.apply(to: &opportunity.description, field: "description", changed: &changed)
        competitor.apply(to: &opportunity.competitor, field: "competitor", changed: &changed)
        nextStep.apply(to: &opportunity.nextStep, field: "next_step", changed: &changed)
        sourceChannel.apply(to: &opportunity.sourceChannel, field: "source_channel", changed: &changed)
        campaign.apply(to: &opportunity.campaign, field: "campaign", changed: &changed)
        if let probability = try probability.nonNull("probability", context: context), probability != opportunity.probability {
            opportunity.probability = probability
            changed.append("probability")
        }
        return changed
    }
}
