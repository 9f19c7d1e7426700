/// The event outbox and its consumers' positions, kept in the file.
///
/// Every change appends its event in the same transaction as the change;
/// consumers fetch events after their acknowledged position (at-least-once).
public enum Outbox {
    /// The store's own tables: file identity, id sequences, outbox, consumers, external references.
    public static let migrations: [Migration] = [
        Migration("0001-store-outbox", [
            "CREATE TABLE crm_meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)",
            "CREATE TABLE crm_sequences (name TEXT NOT NULL PRIMARY KEY, last_value BIGINT NOT NULL)",
            """
            CREATE TABLE crm_events (
                seq INTEGER PRIMARY KEY NOT NULL,
                type TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                record_json TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE crm_consumers (
                name TEXT NOT NULL PRIMARY KEY,
                acked_seq BIGINT NOT NULL,
                updated_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE crm_external_refs (
                record_type TEXT NOT NULL,
                source TEXT NOT NULL,
                external_ref TEXT NOT NULL,
                record_id BIGINT NOT NULL,
                request_json TEXT NOT NULL,
                created_at TEXT NOT NULL,
                PRIMARY KEY (record_type, source, external_ref)
            )
            """,
            "CREATE INDEX crm_external_refs_record ON crm_external_refs (record_type, record_id, source, external_ref)",
            "CREATE INDEX crm_external_refs_ref ON crm_external_refs (external_ref)",
        ]),
    ]

    /// Appends an event with its seq (from the store's "events" sequence).
    static func append(_ connection: Connection, seq: Int64, type: String, record: JSONValue, at time: Timestamp, fileID: String) throws -> Event {
        try connection.run("INSERT INTO crm_events (seq, type, occurred_at, record_json) VALUES (?, ?, ?, ?)",
                           [.integer(seq), .text(type), .text(time.description), .text(JSONWriter.string(record))])
        return Event(seq: seq, type: type, occurredAt: time, idempotencyKey: "\(fileID):\(seq)", record: record)
    }

    /// The consumer's acknowledged position (0 for a new consumer).
    static func position(_ connection: Connection, consumer: String) throws -> Int64 {
        try connection.integer("SELECT acked_seq FROM crm_consumers WHERE name = ?", [.text(consumer)]) ?? 0
    }

    /// Events with seq above both `afterSeq` and the consumer's position, and at most `upTo`.
    static func fetch(_ connection: Connection, consumer: String, afterSeq: Int64, upTo: Int64 = Int64.max,
                      limit: Int, fileID: String) throws -> (events: [Event], from: Int64) {
        let from = max(afterSeq, try position(connection, consumer: consumer))
        let events = try connection.rows(
            "SELECT seq, type, occurred_at, record_json FROM crm_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
            [.integer(from), .integer(upTo), .integer(Int64(limit))]
        ) { row -> Event in
            let seq = row.integer(0)
            let record = (try? JSONParser.parse(Array(row.text(3).utf8), what: "event \(seq)")) ?? .null
            return Event(seq: seq, type: row.text(1), occurredAt: Timestamp(rfc3339: row.text(2)) ?? .epoch,
                         idempotencyKey: "\(fileID):\(seq)", record: record)
        }
        return (events, from)
    }

    /// Moves the consumer's position up to `seq` (never down).
    /// - Parameter upTo: inside a host transaction, the last event committed before it.
    static func acknowledge(_ connection: Connection, consumer: String, seq: Int64, upTo: Int64? = nil, at time: Timestamp) throws {
        let last = try upTo ?? (connection.integer("SELECT COALESCE(MAX(seq), 0) FROM crm_events") ?? 0)
        guard seq <= last else {
            throw CRMError.range("crm_events_ack: seq \(seq) has not been committed (the last committed event is \(last))")
        }
        try connection.run(
            """
            INSERT INTO crm_consumers (name, acked_seq, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET acked_seq = excluded.acked_seq, updated_at = excluded.updated_at
            WHERE excluded.acked_seq > crm_consumers.acked_seq
            """,
            [.text(consumer), .integer(seq), .text(time.description)])
    }
}
