/// One committed change, as the outbox keeps it and hooks and consumers
/// receive it.
public struct Event: Sendable {
    /// Position in the outbox, growing by one per event in commit order.
    public let seq: Int64
    /// "account.created", "consent.changed", ...
    public let type: String
    /// When the change was made, by the library's clock.
    public let occurredAt: Timestamp
    /// Unique across every libcrm file: "<file id>:<seq>".
    public let idempotencyKey: String
    /// The record the change produced.
    public let record: JSONValue

    public init(seq: Int64, type: String, occurredAt: Timestamp, idempotencyKey: String, record: JSONValue) {
        self.seq = seq
        self.type = type
        self.occurredAt = occurredAt
        self.idempotencyKey = idempotencyKey
        self.record = record
    }

    /// `{"seq","type","occurred_at","idempotency_key","record"}`.
    public var json: JSONValue {
        .object([
            ("seq", .integer(seq)),
            ("type", .string(type)),
            ("occurred_at", .string(occurredAt.description)),
            ("idempotency_key", .string(idempotencyKey)),
            ("record", record),
        ])
    }
}
