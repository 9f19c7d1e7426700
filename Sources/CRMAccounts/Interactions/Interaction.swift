import CRMStore

/// One contact with the customer: a call, an e-mail, a meeting, a visit, a
/// complaint... Interactions are history: logged once, never edited.
public struct Interaction: Sendable {
    /// What sort of contact it was.
    public enum Kind: String, Sendable, CaseIterable {
        case call, email, meeting, sms, letter, visit, complaint, note
    }

    /// Who reached out: the customer (inbound), the business (outbound), or nobody (an internal note).
    public enum Direction: String, Sendable, CaseIterable {
        case inbound, outbound, `internal`
    }

    /// A record elsewhere the interaction is about: `{"record_type": "invoice", "record_id": "INV-1042"}`.
    public struct Link: Sendable, Equatable {
        public var recordType: String
        public var recordID: String
    }

    public var id: Int64 = 0
    public var accountID: Int64 = 0
    public var contactID: Int64?
    public var kind = Kind.note
    public var direction = Direction.internal
    public var subject: String?
    public var body: String?
    /// Who on the host's side (a user, a rep).
    public var performedBy: String?
    public var occurredAt = Timestamp.epoch
    public var links: [Link] = []
    public var externalRefs: [ExternalReference] = []
    public var createdAt = Timestamp.epoch

    public init() {}

    /// The interaction as its documented JSON record.
    public var json: JSONValue {
        .object([
            ("id", .integer(id)),
            ("account_id", .integer(accountID)),
            ("contact_id", .integer(contactID)),
            ("kind", .string(kind.rawValue)),
            ("direction", .string(direction.rawValue)),
            ("subject", .string(subject)),
            ("body", .string(body)),
            ("performed_by", .string(performedBy)),
            ("occurred_at", .string(occurredAt.description)),
            ("links", .array(links.map { .object([("record_type", .string($0.recordType)), ("record_id", .string($0.recordID))]) })),
            ("external_refs", .array(externalRefs.map(\.json))),
            ("created_at", .string(createdAt.description)),
        ])
    }
}
