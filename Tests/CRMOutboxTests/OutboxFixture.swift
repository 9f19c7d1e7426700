import CRMStore
import CRMTestSupport

/// A store with only the store's own module (the outbox and its commands),
/// a fixed clock, and a way to write test events.
final class OutboxFixture: CommandFixture {
    /// 2026-12-01T09:00:00Z.
    static let start = Timestamp(secondsSinceEpoch: 1_796_115_600)!

    init(path: String? = nil) throws {
        try super.init(path: path, clock: FixedClock(OutboxFixture.start), modules: Modules([]))
    }

    /// Records `count` events of `type` in one write; returns their seqs.
    @discardableResult
    func record(_ count: Int = 1, type: String = "test.happened") throws -> [Int64] {
        let (_, events) = try store.write("test") {
            for index in 0..<count { try store.record(event: type, .object([("n", .integer(Int64(index)))])) }
        }
        return events.map(\.seq)
    }

    func ack(_ consumer: String, _ seq: Int64) throws { try store.acknowledgeEvents(consumer: consumer, seq: seq) }

    func fetch(_ consumer: String, limit: Int = 1000) throws -> [Int64] {
        try store.fetchEvents(consumer: consumer, afterSeq: 0, limit: limit).events.map(\.seq)
    }

    /// Every seq the consumer has not acknowledged, page by page.
    func fetchAll(_ consumer: String) throws -> [Int64] {
        var seqs: [Int64] = []
        var after: Int64 = 0
        while true {
            let page = try store.fetchEvents(consumer: consumer, afterSeq: after, limit: 1000).events
            guard let last = page.last else { return seqs }
            seqs += page.map(\.seq)
            after = last.seq
        }
    }

    func fail(_ consumer: String, _ seq: Int64, max: Int = 3) throws -> JSONValue {
        try run("events.fail", #"{"consumer": "\#(consumer)", "seq": \#(seq), "error": "exit 1", "max_attempts": \#(max)}"#)
    }

    func consumer(_ name: String) throws -> JSONValue? {
        try run("events.consumers")["consumers"]?.array?.first { $0["name"]?.text == name }
    }

    /// Every outbox table's rows, to show a refused write wrote nothing.
    func snapshot() throws -> [Int64] {
        [try rows("crm_events"), try rows("crm_consumers"), try rows("crm_dead_letters"),
         try store.connection.integer("SELECT COUNT(*) FROM crm_consumers WHERE retired_at IS NOT NULL") ?? -1,
         try store.connection.integer("SELECT COALESCE(SUM(attempts), 0) FROM crm_dead_letters") ?? -1]
    }
}
