import CRMStore

/// A customer: a business, a consumer, a dealer or a distributor, with its
/// commercial terms (currency, payment terms, credit limit) and standing.
public struct Account: Sendable {
    /// What sort of customer the account is.
    public enum Kind: String, Sendable, CaseIterable {
        case business, consumer, dealer, distributor
    }

    /// Where the account stands in its life with the business.
    public enum Status: String, Sendable, CaseIterable {
        case prospect, active, dormant, lost
    }

    /// How large the customer is.
    public enum SizeBand: String, Sendable, CaseIterable {
        case micro, small, medium, large, enterprise
    }

    public var id: Int64 = 0
    public var name = ""
    public var kind = Kind.business
    /// A strategic (key) account.
    public var strategic = false
    /// A national account (served across regions).
    public var national = false
    public var sizeBand: SizeBand?
    public var segment: String?
    /// Sorted, unique.
    public var tags: [String] {
        get { storedTags.items { if case .string(let tag) = $0 { tag } else { nil } } }
        set { storedTags = StoredList(newValue.map { .string($0) }) }
    }
    /// The tags as stored: items or their JSON text.
    var storedTags = StoredList()
    public var region: String?
    public var currency = CurrencyCode.zar
    public var paymentTermsDays: Int64 = 30
    /// Minor units of `currency`; nil when no limit is set.
    public var creditLimitMinor: Int64?
    /// The responsible sales rep.
    public var owner: String?
    public var status = Status.prospect
    public var parentAccountID: Int64?
    public var taxNumber: String?
    public var email: String?
    public var phone: String?
    public var website: String?
    public var notes: String?
    public var addresses: [Address] {
        get { storedAddresses.items { Address(stored: $0) } }
        set { storedAddresses = StoredList(newValue.map(\.json)) }
    }
    /// The addresses as stored: items or their JSON text.
    var storedAddresses = StoredList()
    public var archivedAt: Timestamp?
    /// Set on an account merged into another.
    public var mergedIntoID: Int64?
    public var externalRefs: [ExternalReference] = []
    public var version: Int64 = 1
    public var createdAt = Timestamp.epoch
    public var updatedAt = Timestamp.epoch

    public init() {}

    /// "account 42", how errors name the record.
    var label: String { "account \(id)" }

    /// The account as its documented JSON record (written straight to text).
    public var json: JSONValue {
        var writer = JSONObjectWriter()
        writer.field("id", id)
        writer.field("name", name)
        writer.field("kind", kind.rawValue)
        writer.field("strategic", strategic)
        writer.field("national", national)
        writer.field("size_band", sizeBand?.rawValue)
        writer.field("segment", segment)
        writer.field("tags", storedTags.json)
        writer.field("region", region)
        writer.field("currency", currency.code)
        writer.field("payment_terms_days", paymentTermsDays)
        writer.field("credit_limit_minor", creditLimitMinor)
        writer.field("owner", owner)
        writer.field("status", status.rawValue)
        writer.field("parent_account_id", parentAccountID)
        writer.field("tax_number", taxNumber)
        writer.field("email", email)
        writer.field("phone", phone)
        writer.field("website", website)
        writer.field("notes", notes)
        writer.field("addresses", storedAddresses.json)
        writer.field("archived", archivedAt != nil)
        writer.field("archived_at", archivedAt)
        writer.field("merged_into_id", mergedIntoID)
        writer.field("external_refs", .array(externalRefs.map(\.json)))
        writer.field("version", version)
        writer.field("created_at", createdAt)
        writer.field("updated_at", updatedAt)
        return writer.finish()
    }
}

/// A list of records kept in one column as a JSON array (an account's tags
/// and addresses): the text read from the file is returned as it is, and
/// parsed only when someone reads the items.
struct StoredList: Sendable {
    private var text: String?
    private var values: [JSONValue]?

    /// An empty list.
    init() { values = [] }

    /// A list of items (as their JSON values).
    init(_ values: [JSONValue]) { self.values = values }

    /// A list as the JSON text stored for it.
    init(storedText: String) { text = storedText }

    /// The list as JSON, written once and kept.
    var json: JSONValue {
        if let text { return .encoded(text) }
        return .array(values ?? [])
    }

    /// The JSON text to store.
    var storedText: String { text ?? JSONWriter.string(.array(values ?? [])) }

    /// The items, decoded with `decode` (text that does not parse reads as no items).
    func items<T>(_ decode: (JSONValue) -> T?) -> [T] {
        if let values { return values.compactMap(decode) }
        guard let text, case .array(let parsed)? = try? JSONParser.parse(Array(text.utf8), what: "stored list") else { return [] }
        return parsed.compactMap(decode)
    }
}

/// The editable fields of an account as a create or update sent them:
/// absent fields stay as they are, `null` clears an optional field.
struct AccountChanges {
    var name: Presence<String> = .absent
    var kind: Presence<Account.Kind> = .absent
    var strategic: Presence<Bool> = .absent
    var national: Presence<Bool> = .absent
    var sizeBand: Presence<Account.SizeBand> = .absent
    var segment: Presence<String> = .absent
    var tags: Presence<[String]> = .absent
    var region: Presence<String> = .absent
    var currency: Presence<String> = .absent
    var paymentTermsDays: Presence<Int64> = .absent
    var creditLimitMinor: Presence<Int64> = .absent
    var owner: Presence<String> = .absent
    var status: Presence<Account.Status> = .absent
    var parentAccountID: Presence<Int64> = .absent
    var taxNumber: Presence<String> = .absent
    var email: Presence<String> = .absent
    var phone: Presence<String> = .absent
    var website: Presence<String> = .absent
    var notes: Presence<String> = .absent
    var addresses: Presence<[Address]> = .absent

    /// Reads every editable field that was sent.
    static func read(_ arguments: inout Arguments) throws -> AccountChanges {
        let context = arguments.context
        var changes = AccountChanges()
        changes.name = try arguments.string("name", length: 1...200)
        changes.kind = try arguments.choice("kind", Account.Kind.self)
        changes.strategic = try arguments.bool("strategic")
        changes.national = try arguments.bool("national")
        changes.sizeBand = try arguments.choice("size_band", Account.SizeBand.self)
        changes.segment = try arguments.string("segment", length: 1...100)
        changes.tags = try arguments.array("tags", maximumCount: 50) { value, field in
            try Arguments.text(value, field: field(), context: context, length: 1...50)
        }
        changes.region = try arguments.string("region", length: 1...100)
        changes.currency = try arguments.string("currency", length: 1...20)
        changes.paymentTermsDays = try arguments.integer("payment_terms_days", range: 0...365)
        changes.creditLimitMinor = try arguments.integer("credit_limit_minor", range: 0...Int64.max)
        changes.owner = try arguments.string("owner", length: 1...100)
        changes.status = try arguments.choice("status", Account.Status.self)
        changes.parentAccountID = try arguments.id("parent_account_id")
        changes.taxNumber = try arguments.string("tax_number", length: 1...50)
        changes.email = try arguments.string("email", length: 3...254)
        changes.phone = try arguments.string("phone", length: 1...50)
        changes.website = try arguments.string("website", length: 1...200)
        changes.notes = try arguments.string("notes", length: 0...10_000)
        changes.addresses = try arguments.array("addresses", maximumCount: 10) { value, field in
            try Address.read(value, context: "\(context): \(field())")
        }
        return changes
    }

    /// Applies the changes to `account`, checking each value.
    /// - Returns: the names of the fields whose value changed.
    /// - Throws: `.invalid` naming the field, e.g. for clearing a required one.
    func apply(to account: inout Account, context: String) throws -> [String] {
        var changed: [String] = []
        func set<T: Equatable>(_ field: String, _ current: inout T, _ value: T?) {
            if let value, current != value {
                current = value
                changed.append(field)
            }
        }
        if let name = name.value, name.trimmingWhitespace().isEmpty {
            throw CRMError.invalid("\(context): name must not be blank")
        }
        set("name", &account.name, try name.nonNull("name", context: context))
        set("kind", &account.kind, try kind.nonNull("kind", context: context))
        set("strategic", &account.strategic, try strategic.nonNull("strategic", context: context))
        set("national", &account.national, try national.nonNull("national", context: context))
        sizeBand.apply(to: &account.sizeBand, field: "size_band", changed: &changed)
        segment.apply(to: &account.segment, field: "segment", changed: &changed)
        // Tags and addresses are read back from their stored text only when
        // sent: going through `set` would parse and rewrite them every time.
        if let tags = try tags.nonNull("tags", context: context).map({ Array(Set($0)).sorted() }), tags != account.tags {
            account.tags = tags
            changed.append("tags")
        }
        region.apply(to: &account.region, field: "region", changed: &changed)
        if let currency = try currency.nonNull("currency", context: context) {
            guard CurrencyCode(currency) != nil else {
                throw CRMError.invalid("\(context): currency must be a three-letter ISO 4217 code such as ZAR; got '\(currency)'")
            }
            guard let known = Currency(code: currency) else {
                throw CRMError.invalid("\(context): currency '\(currency)' is not an active ISO 4217 currency code")
            }
            set("currency", &account.currency, known.currencyCode)
        }
        set("payment_terms_days", &account.paymentTermsDays, try paymentTermsDays.nonNull("payment_terms_days", context: context))
        creditLimitMinor.apply(to: &account.creditLimitMinor, field: "credit_limit_minor", changed: &changed)
        owner.apply(to: &account.owner, field: "owner", changed: &changed)
        set("status", &account.status, try status.nonNull("status", context: context))
        parentAccountID.apply(to: &account.parentAccountID, field: "parent_account_id", changed: &changed)
        taxNumber.apply(to: &account.taxNumber, field: "tax_number", changed: &changed)
        if let email = email.value, !EmailAddress.looksValid(email) {
            throw CRMError.invalid("\(context): email must look like name@domain")
        }
        email.apply(to: &account.email, field: "email", changed: &changed)
        phone.apply(to: &account.phone, field: "phone", changed: &changed)
        website.apply(to: &account.website, field: "website", changed: &changed)
        notes.apply(to: &account.notes, field: "notes", changed: &changed)
        if let addresses = try addresses.nonNull("addresses", context: context), addresses != account.addresses {
            account.addresses = addresses
            changed.append("addresses")
        }
        return changed
    }
}
