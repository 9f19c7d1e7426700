import CRMStore

/// A first contact that may become a customer: the person, their company,
/// how to reach them, what they are after and where they came from.
public struct Lead: Sendable {
    public var id: Int64 = 0
    public var firstName: String?
    public var lastName: String?
    public var company: String?
    public var email: String?
    public var phone: String?
    public var region: String?
    /// What sort of customer the lead would be (the kinds accounts have).
    public var kind: LeadKind?
    /// How many people the lead's business employs, in bands.
    public var sizeBand: LeadSizeBand?
    /// What they asked about: "roof sheeting for a warehouse".
    public var interest: String?
    /// What the business might sell them, in minor units of `currency`.
    public var estimatedValueMinor: Int64?
    public var currency = CurrencyCode.zar
    /// The sales rep who works the lead.
    public var owner: String?
    public var sourceChannel = LeadSourceChannel.other
    public var campaign: String?
    /// For a referral: the customer, or the person at a customer, who referred them.
    public var referredByAccountID: Int64?
    public var referredByContactID: Int64?
    public var status = LeadStatus.new
    /// Why it was disqualified (or the last transition's reason).
    public var statusReason: String?
    public var statusChangedAt = Timestamp.epoch
    /// What a converted lead became: `{account_id, contact_id, opportunity_id,
    /// account_created, converted_at}`, or null.
    public var conversion = JSONValue.null
    public var externalRefs: [ExternalReference] = []
    /// When `lead.erase` (or `contact.erase` of the contact it became)
    /// removed the person's data; an erased lead takes no more changes.
    public var erasedAt: Timestamp?
    public var version: Int64 = 1
    public var createdAt = Timestamp.epoch
    public var updatedAt = Timestamp.epoch

    public init() {}

    var label: String { "lead \(id)" }

    /// The lead as its documented JSON record.
    public var json: JSONValue {
        .object([
            ("id", .integer(id)),
            ("first_name", .string(firstName)),
            ("last_name", .string(lastName)),
            ("company", .string(company)),
            ("email", .string(email)),
            ("phone", .string(phone)),
            ("region", .string(region)),
            ("kind", .string(kind?.rawValue)),
            ("size_band", .string(sizeBand?.rawValue)),
            ("interest", .string(interest)),
            ("estimated_value_minor", estimatedValueMinor.map { .integer($0) } ?? .null),
            ("currency", .string(currency.code)),
            ("owner", .string(owner)),
            ("source_channel", .string(sourceChannel.rawValue)),
            ("campaign", .string(campaign)),
            ("referred_by_account_id", referredByAccountID.map { .integer($0) } ?? .null),
            ("referred_by_contact_id", referredByContactID.map { .integer($0) } ?? .null),
            ("status", .string(status.rawValue)),
            ("status_reason", .string(statusReason)),
            ("status_changed_at", .string(statusChangedAt.description)),
            ("conversion", conversion),
            ("external_refs", .array(externalRefs.map(\.json))),
            ("erased_at", .string(erasedAt?.description)),
            ("version", .integer(version)),
            ("created_at", .string(createdAt.description)),
            ("updated_at", .string(updatedAt.description)),
        ])
    }
}

/// What sort of customer a lead would be: the kinds accounts have
/// (`Account.Kind` in the accounts module), so a converted lead keeps it.
public enum LeadKind: String, Sendable, CaseIterable {
    case business, consumer, dealer, distributor
}

/// How many people a lead's business employs. The bands are the usual
/// micro, small, medium and large enterprise bands and above, the same
/// words the accounts use, so a converted lead's band becomes its account's.
public enum LeadSizeBand: String, Sendable, CaseIterable {
    /// 1 to 9 employees.
    case micro
    /// 10 to 49 employees.
    case small
    /// 50 to 249 employees.
    case medium
    /// 250 to 999 employees.
    case large
    /// 1 000 employees or more.
    case enterprise
}

/// The editable fields of a lead as a create or update sent them.
struct LeadChanges {
    var firstName: Presence<String> = .absent
    var lastName: Presence<String> = .absent
    var company: Presence<String> = .absent
    var email: Presence<String> = .absent
    var phone: Presence<String> = .absent
    var region: Presence<String> = .absent
    var kind: Presence<LeadKind> = .absent
    var sizeBand: Presence<LeadSizeBand> = .absent
    var interest: Presence<String> = .absent
    var estimatedValueMinor: Presence<Int64> = .absent
    var currency: Presence<String> = .absent
    var owner: Presence<String> = .absent
    var sourceChannel: Presence<LeadSourceChannel> = .absent
    var campaign: Presence<String> = .absent
    var referredByAccountID: Presence<Int64> = .absent
    var referredByContactID: Presence<Int64> = .absent

    static func read(_ arguments: inout Arguments) throws -> LeadChanges {
        var changes = LeadChanges()
        changes.firstName = try arguments.string("first_name", length: 1...100)
        changes.lastName = try arguments.string("last_name", length: 1...100)
        changes.company = try arguments.string("company", length: 1...200)
        changes.email = try arguments.string("email", length: 3...254)
        changes.phone = try arguments.string("phone", length: 1...50)
        changes.region = try arguments.string("region", length: 1...100)
        changes.kind = try arguments.choice("kind", LeadKind.self)
        changes.sizeBand = try arguments.choice("size_band", LeadSizeBand.self)
        changes.interest = try arguments.string("interest", length: 1...2000)
        changes.estimatedValueMinor = try arguments.integer("estimated_value_minor", range: 0...Int64.max)
        changes.currency = try arguments.string("currency", length: 3...3)
        changes.owner = try arguments.string("owner", length: 1...100)
        changes.sourceChannel = try arguments.choice("source_channel", LeadSourceChannel.self)
        changes.campaign = try arguments.string("campaign", length: 1...200)
        changes.referredByAccountID = try arguments.id("referred_by_account_id")
        changes.referredByContactID = try arguments.id("referred_by_contact_id")
        return changes
    }

    /// Applies the changes; returns the names of the fields that changed.
    /// - Throws: `.invalid` naming the field.
    func apply(to lead: inout Lead, context: String) throws -> [String] {
        var changed: [String] = []
        for (field, presence) in [("first_name", firstName), ("last_name", lastName), ("company", company)] {
            if let text = presence.value, text.trimmingWhitespace().isEmpty {
                throw CRMError.invalid("\(context): \(field) must not be blank")
            }
        }
        if let email = email.value, !EmailAddress.looksValid(email) {
            throw CRMError.invalid("\(context): email must look like name@domain")
        }
        firstName.apply(to: &lead.firstName, field: "first_name", changed: &changed)
        lastName.apply(to: &lead.lastName, field: "last_name", changed: &changed)
        company.apply(to: &lead.company, field: "company", changed: &changed)
        email.apply(to: &lead.email, field: "email", changed: &changed)
        phone.apply(to: &lead.phone, field: "phone", changed: &changed)
        region.apply(to: &lead.region, field: "region", changed: &changed)
        kind.apply(to: &lead.kind, field: "kind", changed: &changed)
        sizeBand.apply(to: &lead.sizeBand, field: "size_band", changed: &changed)
        interest.apply(to: &lead.interest, field: "interest", changed: &changed)
        estimatedValueMinor.apply(to: &lead.estimatedValueMinor, field: "estimated_value_minor", changed: &changed)
        switch currency {
        case .absent: break
        case .null: throw CRMError.invalid("\(context): currency cannot be null")
        case .value(let code):
            guard let known = Currency(code: code) else {
                throw CRMError.invalid("\(context): currency '\(code)' is not an active ISO 4217 currency code such as ZAR")
            }
            if lead.currency != known.currencyCode { lead.currency = known.currencyCode; changed.append("currency") }
        }
        owner.apply(to: &lead.owner, field: "owner", changed: &changed)
        switch sourceChannel {
        case .absent: break
        case .null: throw CRMError.invalid("\(context): source_channel cannot be null")
        case .value(let channel):
            if lead.sourceChannel != channel { lead.sourceChannel = channel; changed.append("source_channel") }
        }
        campaign.apply(to: &lead.campaign, field: "campaign", changed: &changed)
        referredByAccountID.apply(to: &lead.referredByAccountID, field: "referred_by_account_id", changed: &changed)
        referredByContactID.apply(to: &lead.referredByContactID, field: "referred_by_contact_id", changed: &changed)
        guard lead.lastName != nil || lead.company != nil || lead.email != nil || lead.phone != nil else {
            throw CRMError.invalid("\(context): a lead needs at least one of last_name, company, email or phone")
        }
        return changed
    }
}
