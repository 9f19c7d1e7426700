/// The outbox's own commands, reachable through `crm_exec` like every
/// module's: the known consumers, failed deliveries and dead letters, and
/// retention (pruning acknowledged events).
///
/// A consumer becomes known to the file at its first `crm_events_ack` (an
/// ack of 0 registers it) or `events.fail`. Delivery state lives beside its
/// position in `crm_consumers` and `crm_dead_letters`:
///
/// - failing: an event whose delivery failed fewer than `max_attempts`
///   times; acknowledging it (or beyond) says a retry delivered it and
///   removes the record;
/// - parked: a dead letter; the consumer's position may move past it, and
///   pruning keeps its event;
/// - replay: a dead letter taken out of the parking by `events.replay`, to
///   be delivered again (`events.dead_letters {state: "replay"}`) and then
///   settled (`events.settle`), or failed again until it is parked again.
///
/// The bookkeeping writes no outbox events: an event about a delivery
/// would itself need delivering.
public enum OutboxCommands {
    /// Every command of the outbox, for `Module.store`.
    public static let all: [Command] = [
        Command("events.consumers", .read, consumers),
        Command("events.fail", .write, fail),
        Command("events.dead_letters", .read, deadLetters),
        Command("events.replay", .write, replay),
        Command("events.settle", .write, settle),
        Command("events.retire", .write, retire),
        Command("events.prune", .write, prune),
    ]

    /// How many failed attempts park an event when `max_attempts` is not sent.
    public static let defaultMaxAttempts: Int64 = 5
    /// The retention period when `older_than_days` is not sent.
    public static let defaultRetentionDays: Int64 = 90

    // MARK: Consumers

    private static let consumerColumns = """
        SELECT c.name, c.acked_seq, c.updated_at, c.retired_at,
               (SELECT COUNT(*) FROM crm_dead_letters d WHERE d.consumer = c.name AND d.parked_at IS NULL AND d.replay_at IS NULL),
               (SELECT COUNT(*) FROM crm_dead_letters d WHERE d.consumer = c.name AND d.parked_at IS NOT NULL),
               (SELECT COUNT(*) FROM crm_dead_letters d WHERE d.consumer = c.name AND d.replay_at IS NOT NULL)
        FROM crm_consumers c
        """

    private static func consumerJSON(_ row: Row, lastSeq: Int64) -> JSONValue {
        let acked = row.integer(1)
        return .object([
            ("name", .string(row.text(0))),
            ("acked_seq", .integer(acked)),
            ("lag", .integer(max(0, lastSeq - acked))),
            ("last_acked_at", .string(row.text(2))),
            ("retired_at", row.optionalText(3).map(JSONValue.string) ?? .null),
            ("failing", .integer(row.integer(4))),
            ("dead_letters", .integer(row.integer(5))),
            ("replay", .integer(row.integer(6))),
        ])
    }

    /// `events.consumers {}`: every known consumer with its position, lag,
    /// last acknowledgement, retirement and dead-letter counts.
    static func consumers(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let connection = store.connection
        let lastSeq = try Outbox.lastCommittedSeq(connection)
        let list = try connection.rows(consumerColumns + " ORDER BY c.name") { consumerJSON($0, lastSeq: lastSeq) }
        let oldest = try connection.integer("SELECT MIN(seq) FROM crm_events")
        return .object([
            ("last_seq", .integer(lastSeq)),
            ("oldest_seq", oldest.map(JSONValue.integer) ?? .null),
            ("consumers", .array(list)),
        ])
    }

    private static func consumerName(_ arguments: inout Arguments) throws -> String {
        try arguments.requiredString("consumer", length: 1...100)
    }

    /// The consumer's record, or `.notFound` naming it.
    private static func knownConsumer(_ connection: Connection, _ name: String, context: String) throws -> JSONValue {
        let lastSeq = try Outbox.lastCommittedSeq(connection)
        guard let record = try connection.row(consumerColumns + " WHERE c.name = ?", [.text(name)], { consumerJSON($0, lastSeq: lastSeq) }) else {
            throw CRMError.notFound("\(context): no consumer '\(name)' (a consumer becomes known at its first crm_events_ack or events.fail)")
        }
        return record
    }

    // MARK: Dead letters

    private struct Letter {
        let attempts: Int64
        let parkedAt: String?
        let replayAt: String?
        var state: String { replayAt != nil ? "replay" : parkedAt != nil ? "parked" : "failing" }
    }

    private static func letter(_ connection: Connection, _ consumer: String, _ seq: Int64) throws -> Letter? {
        try connection.row("SELECT attempts, parked_at, replay_at FROM crm_dead_letters WHERE consumer = ? AND seq = ?",
                           [.text(consumer), .integer(seq)]) { Letter(attempts: $0.integer(0), parkedAt: $0.optionalText(1), replayAt: $0.optionalText(2)) }
    }

    private static let letterColumns = """
        SELECT d.consumer, d.seq, d.attempts, d.last_error, d.failed_at, d.parked_at, d.replay_at,
               e.type, e.occurred_at, e.record_json
        FROM crm_dead_letters d LEFT JOIN crm_events e ON e.seq = d.seq
        """

    private static func letterJSON(_ row: Row, fileID: String) -> JSONValue {
        let seq = row.integer(1)
        let parkedAt = row.optionalText(5)
        let replayAt = row.optionalText(6)
        var event = JSONValue.null
        if let type = row.optionalText(7) {
            event = Event(seq: seq, type: type, occurredAt: Timestamp(rfc3339: row.text(8)) ?? .epoch,
                          idempotencyKey: "\(fileID):\(seq)", record: .encoded(row.text(9))).json
        }
        return .object([
            ("consumer", .string(row.text(0))),
            ("seq", .integer(seq)),
            ("state", .string(replayAt != nil ? "replay" : parkedAt != nil ? "parked" : "failing")),
            ("attempts", .integer(row.integer(2))),
            ("last_error", .string(row.text(3))),
            ("failed_at", .string(row.text(4))),
            ("parked_at", parkedAt.map(JSONValue.string) ?? .null),
            ("replay_requested_at", replayAt.map(JSONValue.string) ?? .null),
            ("event", event),
        ])
    }

    private static func letterRecord(_ store: Store, _ consumer: String, _ seq: Int64) throws -> JSONValue {
        try store.connection.row(letterColumns + " WHERE d.consumer = ? AND d.seq = ?", [.text(consumer), .integer(seq)]) {
            letterJSON($0, fileID: store.fileID)
        } ?? .null
    }

    /// `events.fail {consumer, seq, error, max_attempts?}`: records one failed
    /// delivery attempt; at `max_attempts` the event is parked as a dead letter.
    static func fail(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = "events.fail"
        let consumer = try consumerName(&arguments)
        let seq = try arguments.requiredInteger("seq", range: 1...Int64.max)
        let error = try arguments.requiredString("error", length: 1...2000)
        let maxAttempts = try arguments.integer("max_attempts", range: 1...100).nonNull("max_attempts", context: context) ?? defaultMaxAttempts
        try arguments.finish()
        let connection = store.connection
        try Outbox.refuseRetired(connection, consumer: consumer, context: context)
        guard try connection.integer("SELECT seq FROM crm_events WHERE seq = ?", [.integer(seq)]) != nil else {
            throw CRMError.notFound("\(context): seq \(seq): no such event (never committed, or pruned)")
        }
        let existing = try letter(connection, consumer, seq)
        if let existing, existing.state == "parked" {
            throw CRMError.constraint("\(context): seq \(seq) is already parked as a dead letter of consumer '\(consumer)'; events.replay it to deliver it again")
        }
        if existing?.state != "replay" {
            let position = try Outbox.position(connection, consumer: consumer, context: context)
            guard seq > position else {
                throw CRMError.conflict("\(context): seq \(seq) is at or below consumer '\(consumer)''s acknowledged position \(position): it was delivered")
            }
        }
        let attempts = (existing?.attempts ?? 0) + 1
        let now = store.clock.now().description
        let parked = attempts >= maxAttempts
        try connection.run(
            """
            INSERT INTO crm_consumers (name, acked_seq, updated_at) VALUES (?, 0, ?)
            ON CONFLICT (name) DO NOTHING
            """, [.text(consumer), .text(now)])
        try connection.run(
            """
            INSERT INTO crm_dead_letters (consumer, seq, attempts, last_error, failed_at, parked_at, replay_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (consumer, seq) DO UPDATE SET attempts = excluded.attempts, last_error = excluded.last_error,
                failed_at = excluded.failed_at, parked_at = excluded.parked_at, replay_at = excluded.replay_at
            """,
            [.text(consumer), .integer(seq), .integer(attempts), .text(error), .text(now),
             .text(parked ? now : nil), .text(parked ? nil : existing?.replayAt)])
        return try letterRecord(store, consumer, seq).merging([("max_attempts", .integer(maxAttempts)), ("parked", .bool(parked))])
    }

    /// `events.dead_letters {consumer, state?, after_seq?, limit?}`: the
    /// consumer's parked and replay-marked dead letters, each with its event.
    static func deadLetters(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = "events.dead_letters"
        let consumer = try consumerName(&arguments)
        let state = try arguments.choice("state", ["parked", "replay"]).nonNull("state", context: context)
        let afterSeq = try arguments.integer("after_seq", range: 0...Int64.max).nonNull("after_seq", context: context) ?? 0
        let limit = try arguments.integer("limit", range: 1...1000).nonNull("limit", context: context) ?? 100
        let connection = store.connection
        _ = try knownConsumer(connection, consumer, context: context)
        let condition: String
        switch state {
        case "parked": condition = "d.parked_at IS NOT NULL"
        case "replay": condition = "d.replay_at IS NOT NULL"
        default: condition = "(d.parked_at IS NOT NULL OR d.replay_at IS NOT NULL)"
        }
        let letters = try connection.rows(letterColumns + " WHERE d.consumer = ? AND d.seq > ? AND \(condition) ORDER BY d.seq LIMIT ?",
                                          [.text(consumer), .integer(afterSeq), .integer(limit)]) { letterJSON($0, fileID: store.fileID) }
        return .object([("consumer", .string(consumer)), ("dead_letters", .array(letters))])
    }

    private static func existingLetter(_ connection: Connection, _ consumer: String, _ seq: Int64, context: String) throws -> Letter {
        try Outbox.refuseRetired(connection, consumer: consumer, context: context)
        guard let found = try letter(connection, consumer, seq) else {
            throw CRMError.notFound("\(context): consumer '\(consumer)' has no dead letter at seq \(seq)")
        }
        return found
    }

    /// `events.replay {consumer, seq}`: takes a parked dead letter out of the
    /// parking, attempts back to 0, so it is delivered again.
    static func replay(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = "events.replay"
        let consumer = try consumerName(&arguments)
        let seq = try arguments.requiredInteger("seq", range: 1...Int64.max)
        try arguments.finish()
        let found = try existingLetter(store.connection, consumer, seq, context: context)
        switch found.state {
        case "failing":
            throw CRMError.constraint("\(context): seq \(seq) of consumer '\(consumer)' is failing but not parked; it is still being delivered")
        case "parked":
            try store.connection.run("UPDATE crm_dead_letters SET parked_at = NULL, replay_at = ?, attempts = 0 WHERE consumer = ? AND seq = ?",
                                     [.text(store.clock.now().description), .text(consumer), .integer(seq)])
        default:
            break  // already marked for replay: nothing changes
        }
        return try letterRecord(store, consumer, seq)
    }

    /// `events.settle {consumer, seq}`: removes a dead letter that was
    /// delivered on replay, or dealt with by hand while parked.
    static func settle(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = "events.settle"
        let consumer = try consumerName(&arguments)
        let seq = try arguments.requiredInteger("seq", range: 1...Int64.max)
        try arguments.finish()
        let found = try existingLetter(store.connection, consumer, seq, context: context)
        guard found.state != "failing" else {
            throw CRMError.constraint("\(context): seq \(seq) of consumer '\(consumer)' is failing but not parked; acknowledge it once delivered (crm_events_ack)")
        }
        try store.connection.run("DELETE FROM crm_dead_letters WHERE consumer = ? AND seq = ?", [.text(consumer), .integer(seq)])
        return .object([("consumer", .string(consumer)), ("seq", .integer(seq)), ("settled", .bool(true)), ("state", .string(found.state))])
    }

    /// `events.retire {consumer}`: the consumer no longer holds back pruning;
    /// its dead letters and what modules keep for it (`ConsumerState`, e.g.
    /// `journal_states_dropped`) are dropped; it can no longer fetch or acknowledge.
    static func retire(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = "events.retire"
        let consumer = try consumerName(&arguments)
        try arguments.finish()
        let connection = store.connection
        let before = try knownConsumer(connection, consumer, context: context)
        var dropped = 0
        var statesDropped: [(String, JSONValue)] = []
        if before["retired_at"] == .null {
            dropped = try connection.run("DELETE FROM crm_dead_letters WHERE consumer = ?", [.text(consumer)])
            try connection.run("UPDATE crm_consumers SET retired_at = ? WHERE name = ?", [.text(store.clock.now().description), .text(consumer)])
            // What modules keep per consumer goes with it (ConsumerState).
            for state in store.modules.consumerStates {
                statesDropped.append(("\(state.name)_dropped", .integer(Int64(try state.drop(store, consumer)))))
            }
        }
        return try knownConsumer(connection, consumer, context: context)
            .merging([("dead_letters_dropped", .integer(Int64(dropped)))] + statesDropped)
    }

    // MARK: Retention

    /// `events.prune {older_than_days?, limit?}`: deletes the events every known,
    /// not-retired consumer has acknowledged that are older than the
    /// retention period, except those of dead letters; on an SQLite file in
    /// incremental auto-vacuum mode, gives the freed pages back.
    static func prune(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = "events.prune"
        let days = try arguments.integer("older_than_days", range: 0...36_500).nonNull("older_than_days", context: context) ?? defaultRetentionDays
        let limit = try arguments.integer("limit", range: 1...100_000_000).nonNull("limit", context: context)
        try arguments.finish()
        let connection = store.connection
        let now = store.clock.now()
        let cutoff = Timestamp(clamping: now.secondsSinceEpoch - days * 86_400)
        let lastSeq = try Outbox.lastCommittedSeq(connection)
        let holder = try connection.row(
            "SELECT name, acked_seq FROM crm_consumers WHERE retired_at IS NULL ORDER BY acked_seq, name LIMIT 1", []) { ($0.text(0), $0.integer(1)) }
        var fields: [(String, JSONValue)] = []
        var pruned = 0
        let isSQLite = connection.kind == .sqlite
        let pagesBefore = isSQLite ? try connection.integer("PRAGMA page_count") ?? 0 : 0
        if let (_, position) = holder {
            var upTo = position
            if let limit {
                // The seq of the limit-th oldest event that may go: a call deletes no more.
                if let last = try connection.integer(
                    """
                    SELECT seq FROM crm_events WHERE seq <= ? AND occurred_at < ?
                    AND NOT EXISTS (SELECT 1 FROM crm_dead_letters d WHERE d.seq = crm_events.seq)
                    ORDER BY seq LIMIT 1 OFFSET ?
                    """, [.integer(upTo), .text(cutoff.description), .integer(limit - 1)]) {
                    upTo = last
                }
            }
            pruned = try connection.run(
                """
                DELETE FROM crm_events WHERE seq <= ? AND occurred_at < ?
                AND NOT EXISTS (SELECT 1 FROM crm_dead_letters d WHERE d.seq = crm_events.seq)
                """, [.integer(upTo), .text(cutoff.description)])
        }
        let kept = try connection.integer("SELECT COUNT(*) FROM crm_events") ?? 0
        fields.append(("pruned", .integer(Int64(pruned))))
        fields.append(("more", .bool(limit.map { Int64(pruned) >= $0 } ?? false)))
        fields.append(("kept", .integer(kept)))
        fields.append(("up_to_seq", .integer(holder?.1 ?? 0)))
        fields.append(("held_back_by", holder.map { .string($0.0) } ?? .null))
        fields.append(("older_than", .string(cutoff.description)))
        fields.append(("last_seq", .integer(lastSeq)))
        if isSQLite {
            let mode = try connection.integer("PRAGMA auto_vacuum") ?? 0
            fields.append(("auto_vacuum", .string(mode == 2 ? "incremental" : mode == 1 ? "full" : "none")))
            if mode == 2 && pruned > 0 { try connection.execute("PRAGMA incremental_vacuum") }
            let pagesAfter = try connection.integer("PRAGMA page_count") ?? 0
            fields.append(("page_count", .integer(pagesAfter)))
            fields.append(("pages_freed", .integer(max(0, pagesBefore - pagesAfter))))
        }
        return .object(fields)
    }
}

extension JSONValue {
    /// The object with `extra` fields appended (a non-object is returned as is).
    func merging(_ extra: [(String, JSONValue)]) -> JSONValue {
        guard case .object(let fields) = decoded else { return self }
        return .object(fields + extra)
    }
}
