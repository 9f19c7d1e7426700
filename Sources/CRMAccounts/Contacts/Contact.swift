import CRMStore

/// A person at a customer: name, role, how to reach them, which channels
/// they consent to and what they prefer.
public struct Contact: Sendable {
    /// A way to reach a contact, for preference and consent.
    public enum Channel: String, Sendable, CaseIterable {
        case email, sms, phone, post
    }

    public var id: Int64 = 0
    public var accountID: Int64 = 0
    public var firstName: String?
    public var lastName = ""
    /// "buyer", "accounts payable".
    public var role: String?
    public var email: String?
    public var phone: String?
    public var mobile: String?
    public var preferredChannel: Channel?
    public var address: Address?
    public var archivedAt: Timestamp?
    /// When the contact's personal data was erased (`contact.erase`); an
    /// erased contact is archived, nameless and takes no more changes.
    public var erasedAt: Timestamp?
    /// The latest consent per channel.
    public var consent: [Channel: Consent] = [:]
    /// Free key/values: brands, colours, sizes.
    public var preferences: [(key: String, value: String)] = []
    public var externalRefs: [ExternalReference] = []
    public var version: Int64 = 1
    public var createdAt = Timestamp.epoch
    public var updatedAt = Timestamp.epoch

    public init() {}

    var label: String { "contact \(id)" }

    /// The contact as its documented JSON record.
    public var json: JSONValue {
        .object([
            ("id", .integer(id)),
            ("account_id", .integer(accountID)),
            ("first_name", .string(firstName)),
            ("last_name", .string(lastName)),
            ("role", .string(role)),
            ("email", .string(email)),
            ("phone", .string(phone)),
            ("mobile", .string(mobile)),
            ("preferred_channel", .string(preferredChannel?.rawValue)),
            ("address", address?.json ?? .null),
            ("archived", .bool(archivedAt != nil)),
            ("archived_at", .string(archivedAt?.description)),
            ("erased", .bool(erasedAt != nil)),
            ("erased_at", .string(erasedAt?.description)),
            ("consent", .object(Channel.allCases.map { ($0.rawValue, consent[$0]?.json ?? .null) })),
            ("preferences", .object(preferences.map { ($0.key, .string($0.value)) })),
            ("external_refs", .array(externalRefs.map(\.json))),
            ("version", .integer(version)),
            ("created_at", .string(createdAt.description)),
            ("updated_at", .string(updatedAt.description)),
        ])
    }
}

/// A contact's answer for one channel: opted in or out, when, and where
/// the answer was given. Every answer is kept; the latest one counts.
public struct Consent: Sendable, Equatable {
    /// The contact's answer.
    public enum Status: String, Sendable, CaseIterable {
        case optedIn = "opted_in"
        case optedOut = "opted_out"
    }

    public var channel: Contact.Channel
    public var status: Status
    public var recordedAt: Timestamp
    /// "web form", "signed credit application".
    public var source: String

    var json: JSONValue {
        .object([("status", .string(status.rawValue)), ("recorded_at", .string(recordedAt.description)), ("source", .string(source))])
    }
}

/// The editable fields of a contact as a create or update sent them.
struct ContactChanges {
    var accountID: Presence<Int64> = .absent
    var firstName: Presence<String> = .absent
    var lastName: Presence<String> = .absent
    var role: Presence<String> = .absent
    var email: Presence<String> = .absent
    var phone: Presence<String> = .absent
    var mobile: Presence<String> = .absent
    var preferredChannel: Presence<Contact.Channel> = .absent
    var address: Presence<Address> = .absent

    static func read(_ arguments: inout Arguments) throws -> ContactChanges {
        var changes = ContactChanges()
        changes.accountID = try arguments.id("account_id")
        changes.firstName = try arguments.string("first_name", length: 1...100)
        changes.lastName = try arguments.string("last_name", length: 1...100)
        changes.role = try arguments.string("role", length: 1...100)
        changes.email = try arguments.string("email", length: 3...254)
        changes.phone = try arguments.string("phone", length: 1...50)
        changes.mobile = try arguments.string("mobile", length: 1...50)
        changes.preferredChannel = try arguments.choice("preferred_channel", Contact.Channel.self)
        let context = arguments.context
        switch arguments.raw("address") {
        case nil: changes.address = .absent
        case .null?: changes.address = .null
        case let value?: changes.address = .value(try Address.read(value, context: "\(context): address"))
        }
        return changes
    }

    /// Applies the changes; returns the names of the fields that changed.
    func apply(to contact: inout Contact, context: String) throws -> [String] {
        var changed: [String] = []
        func set<T: Equatable>(_ field: String, _ keyPath: WritableKeyPath<Contact, T>, _ value: T) {
            if contact[keyPath: keyPath] != value {
                contact[keyPath: keyPath] = value
                changed.append(field)
            }
        }
        func setOptional<T: Equatable>(_ field: String, _ keyPath: WritableKeyPath<Contact, T?>, _ presence: Presence<T>) {
            switch presence {
            case .absent: return
            case .null: set(field, keyPath, nil)
            case .value(let value): set(field, keyPath, value)
            }
        }
        if case .null = accountID { throw CRMError.invalid("\(context): account_id cannot be null") }
        if case .null = lastName { throw CRMError.invalid("\(context): last_name cannot be null") }
        if let accountID = accountID.value { set("account_id", \.accountID, accountID) }
        setOptional("first_name", \.firstName, firstName)
        if let lastName = lastName.value {
            guard !lastName.trimmingWhitespace().isEmpty else { throw CRMError.invalid("\(context): last_name must not be blank") }
            set("last_name", \.lastName, lastName)
        }
        setOptional("role", \.role, role)
        if let email = email.value, !EmailAddress.looksValid(email) {
            throw CRMError.invalid("\(context): email must look like name@domain")
        }
        setOptional("email", \.email, email)
        setOptional("phone", \.phone, phone)
        setOptional("mobile", \.mobile, mobile)
        setOptional("preferred_channel", \.preferredChannel, preferredChannel)
        setOptional("address", \.address, address)
        return changed
    }
}
