import CRMStore

/// A telemarketing call list: the leads or customers' contacts a filter
/// found, one call activity per reachable phone number, and who was
/// skipped and why. Outcomes come back with `activity.complete`.
public struct CallList: Sendable {
    /// What a call list is built from.
    public enum Origin: String, Sendable, CaseIterable {
        case leads, accounts
    }

    /// Why someone is not on the list.
    public enum SkipReason: String, Sendable, CaseIterable {
        /// The contact's current phone consent is opted out.
        case optedOut = "opted_out"
        /// No phone number to call.
        case noPhone = "no_phone"
    }

    public var id: Int64 = 0
    public var name = ""
    public var origin = Origin.accounts
    /// The filter as given: `{"region", "segment", "kind", "last_contact_before"}`.
    public var filter: JSONValue = .object([])
    public var owner: String?
    public var entryCount: Int64 = 0
    public var skippedCount: Int64 = 0
    public var createdAt = Timestamp.epoch

    public init() {}

    /// The list's own fields.
    public var json: JSONValue {
        .object([
            ("id", .integer(id)),
            ("name", .string(name)),
            ("from", .string(origin.rawValue)),
            ("filter", filter),
            ("owner", .string(owner)),
            ("entry_count", .integer(entryCount)),
            ("skipped_count", .integer(skippedCount)),
            ("created_at", .string(createdAt.description)),
        ])
    }
}
