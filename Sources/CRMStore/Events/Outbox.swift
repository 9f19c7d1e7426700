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
        // Known consumers can be retired; failed deliveries and dead letters
        // live in the file beside the consumers' positions.
        Migration("0002-store-dead-letters", [
            "ALTER TABLE crm_consumers ADD COLUMN retired_at TEXT",
            """
            CREATE TABLE crm_dead_letters (
                consumer TEXT NOT NULL,
                seq BIGINT NOT NULL,
                attempts INTEGER NOT NULL,
                last_error TEXT NOT NULL,
                failed_at TEXT NOT NULL,
                parked_at TEXT,
                replay_at TEXT,
                PRIMARY KEY (consumer, seq)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX crm_dead_letters_seq ON crm_dead_letters (seq)",
        ]),
    ]

    /// The seq of the last committed event (0 before the first): the
    /// "events" sequence, which pruning never lowers (MAX(seq) would fall
    /// when the newest events are pruned).
    static func lastCommittedSeq(_ connection: Connection) throws -> Int64 {
        try connection.integer("SELECT last_value FROM crm_sequences WHERE name = ?", [.text("events")]) ?? 0
    }

    /// Refuses a retired consumer: events it had not acknowledged may have been pruned.
    static func refuseRetired(_ connection: Connection, consumer: String, context: String) throws {
        if let retired = try connection.row("SELECT retired_at FROM crm_consumers WHERE name = ? AND retired_at IS NOT NULL",
                                            [.text(consumer)], { $0.text(0) }) {
            throw CRMError.constraint("\(context): consumer '\(consumer)' was retired at \(retired) (events.retire); "
                + "events it had not acknowledged may have been pruned, so it no longer fetches or acknowledges: use a new consumer name")
        }
    }

    /// Appends an event with its seq (from the store's "events" sequence).
    static func append(_ connection: Connection, seq: Int64, type: String, record: JSONValue, at time: Timestamp, fileID: String) throws -> Event {
        try connection.run("INSERT INTO crm_events (seq, type, occurred_at, record_json) VALUES (?, ?, ?, ?)",
                           [.integer(seq), .text(type), .text(time.description), .text(JSONWriter.string(record))])
        return Event(seq: seq, type: type, occurredAt: time, idempotencyKey: "\(fileID):\(seq)", record: record)
    }

    /// The consumer's acknowledged position (0 for a new consumer).
    /// - Throws: `.constraint` for a retired consumer.
    static func position(_ connection: Connection, consumer: String, context: String = "crm_events_fetch") throws -> Int64 {
        guard let (acked, retired) = try connection.row("SELECT acked_seq, retired_at FROM crm_consumers WHERE name = ?", [.text(consumer)],
                                                        { ($0.integer(0), $0.optionalText(1)) }) else { return 0 }
        if retired != nil { try refuseRetired(connection, consumer: consumer, context: context) }
        return acked
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

    /// Moves the consumer's position up to `seq` (never down). The first
    /// acknowledgement (even of 0) makes the consumer known: from then on
    /// `events.prune` keeps every event it has not acknowledged.
    ///
    /// Acknowledging an event whose delivery failed but is not parked says
    /// a retry delivered it: its failure record is removed. A parked dead
    /// letter stays parked when the position moves past it.
    /// - Parameter upTo: inside a host transaction, the last event committed before it.
    /// - Throws: `.range` beyond the last committed event, `.constraint` for a retired consumer.
    static func acknowledge(_ connection: Connection, consumer: String, seq: Int64, upTo: Int64? = nil, at time: Timestamp) throws {
        let last = try upTo ?? lastCommittedSeq(connection)
        guard seq <= last else {
            throw CRMError.range("crm_events_ack: seq \(seq) has not been committed (the last committed event is \(last))")
        }
        try refuseRetired(connection, consumer: consumer, context: "crm_events_ack")
        try connection.run(
            "DELETE FROM crm_dead_letters WHERE consumer = ? AND seq <= ? AND parked_at IS NULL AND replay_at IS NULL",
            [.text(consumer), .integer(seq)])
        try connection.run(
            """
            INSERT INTO crm_consumers (name, acked_seq, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET acked_seq = excluded.acked_seq, updated_at = excluded.updated_at
            WHERE excluded.acked_seq > crm_consumers.acked_seq
            """,
            [.text(consumer), .integer(seq), .text(time.description)])
    }
}
