import CRMStore
import CRMTestSupport
import Foundation
import Testing

/// events.prune: what every known consumer acknowledged and the retention
/// period allows goes, nothing a consumer still lacks, seq never goes back.
@Suite struct RetentionTests {
    static let day: Int64 = 86_400

    @Test func pruneKeepsWhatTheSlowestConsumerLacksAndWhatIsYoung() throws {
        let f = try OutboxFixture()
        try f.record(6)
        try f.ack("ledger", 6)
        try f.ack("late", 2)
        f.clock.advance(seconds: 89 * Self.day)
        let young = try f.run("events.prune")
        #expect(young["pruned"]?.int == 0)
        #expect(young["kept"]?.int == 6)
        #expect(young["up_to_seq"]?.int == 2)
        #expect(young["held_back_by"]?.text == "late")
        #expect(young["older_than"]?.text == "2026-11-30T09:00:00Z")  // 89 - 90 days: one day before the events

        f.clock.advance(seconds: 2 * Self.day)
        let old = try f.run("events.prune")
        #expect(old["pruned"]?.int == 2)
        #expect(old["kept"]?.int == 4)
        #expect(old["last_seq"]?.int == 6)
        #expect(try f.fetchAll("late") == [3, 4, 5, 6])
        #expect(try f.run("events.consumers")["oldest_seq"]?.int == 3)

        // A retention period of 30 days on events 91 days old: the same bound.
        #expect(try f.run("events.prune", #"{"older_than_days": 30}"#)["pruned"]?.int == 0)
    }

    @Test func aLimitPrunesTheOldestFirstInShortTransactions() throws {
        let f = try OutboxFixture()
        try f.record(7)
        for _ in 0..<3 { _ = try f.fail("ledger", 2) }
        try f.ack("ledger", 6)
        f.clock.advance(seconds: 100 * Self.day)
        let first = try f.run("events.prune", #"{"limit": 3}"#)
        #expect(first["pruned"]?.int == 3)  // 1, 3, 4: seq 2 is a dead letter's
        #expect(first["more"]?.flag == true)
        #expect(try f.fetchAll("probe") == [2, 5, 6, 7])
        let second = try f.run("events.prune", #"{"limit": 3}"#)
        #expect(second["pruned"]?.int == 2)  // 5, 6: 7 is not acknowledged
        #expect(second["more"]?.flag == false)
        #expect(try f.run("events.prune")["more"]?.flag == false)
        expectCRMError(.range, "events.prune", "limit") { try f.run("events.prune", #"{"limit": 0}"#) }
    }

    @Test func nothingIsPrunedWithoutAKnownConsumer() throws {
        let f = try OutboxFixture()
        try f.record(3)
        f.clock.advance(seconds: 100 * Self.day)
        let answer = try f.run("events.prune")
        #expect(answer["pruned"]?.int == 0)
        #expect(answer["kept"]?.int == 3)
        #expect(answer["held_back_by"]?.isNull == true)
    }

    @Test func aParkedEventIsKeptAndARetiredConsumerHoldsNothingBack() throws {
        let f = try OutboxFixture()
        try f.record(4)
        for _ in 0..<3 { _ = try f.fail("ledger", 2) }
        try f.ack("ledger", 4)
        try f.ack("old-sync", 1)
        f.clock.advance(seconds: 100 * Self.day)
        #expect(try f.run("events.prune")["pruned"]?.int == 1)  // seq 1: old-sync has only that
        _ = try f.run("events.retire", #"{"consumer": "old-sync"}"#)
        let answer = try f.run("events.prune")
        #expect(answer["pruned"]?.int == 2)  // 3 and 4; 2 is ledger's dead letter
        #expect(answer["kept"]?.int == 1)
        #expect(answer["held_back_by"]?.text == "ledger")
        let letters = try f.run("events.dead_letters", #"{"consumer": "ledger"}"#)["dead_letters"]?.array ?? []
        #expect(letters.first?["event"]?["seq"]?.int == 2)
        // Once settled, its event goes at the next prune.
        _ = try f.run("events.settle", #"{"consumer": "ledger", "seq": 2}"#)
        #expect(try f.run("events.prune")["pruned"]?.int == 1)
        #expect(try f.rows("crm_events") == 0)
    }

    @Test func seqKeepsGrowingAfterTheNewestEventsArePruned() throws {
        let f = try OutboxFixture()
        try f.record(3)
        try f.ack("ledger", 3)
        f.clock.advance(seconds: 1)
        #expect(try f.run("events.prune", #"{"older_than_days": 0}"#)["pruned"]?.int == 3)
        #expect(try f.rows("crm_events") == 0)
        // The last committed event is still 3: an ack of 3 is fine, of 4 is not yet.
        try f.ack("ledger", 3)
        expectCRMError(.range, "crm_events_ack", "seq 4", "last committed event is 3") { try f.ack("ledger", 4) }
        #expect(try f.record(2) == [4, 5])
        #expect(try f.fetch("ledger") == [4, 5])
        // In a host transaction, fetch still stops at the last event committed before it.
        try f.store.beginTransaction()
        try f.record(1)
        #expect(try f.fetch("ledger") == [4, 5])
        _ = try f.store.commitTransaction()
        #expect(try f.fetch("ledger") == [4, 5, 6])
    }

    /// The issue's retention test: a million events (20,000 on PostgreSQL,
    /// or CRM_PRUNE_EVENTS), one consumer has acknowledged them all, a late
    /// one half; prune frees half the file's pages, the late consumer still
    /// gets every event it lacks, and seq goes on above the old maximum.
    /// The events are written by raw SQL (a test-only shortcut); the pruning
    /// goes through events.prune.
    @Test func aMillionEventsPrunedWhileALateConsumerKeepsWhatItLacks() throws {
        let sqlite = TestEngine.kind == .sqlite
        let count = ProcessInfo.processInfo.environment["CRM_PRUNE_EVENTS"].flatMap { Int64($0) } ?? (sqlite ? 1_000_000 : 20_000)
        let half = count / 2
        try withTemporaryDirectory { directory in
            let path = sqlite ? directory.appendingPathComponent("retention.sqlite").path : nil
            let f = try OutboxFixture(path: path)
            if sqlite { #expect(try f.store.connection.integer("PRAGMA auto_vacuum") == 2) }
            // About 200 bytes of record each.
            let pad = String(repeating: "x", count: 180)
            let at = OutboxFixture.start.description
            try f.store.connection.begin(immediate: true)
            if sqlite {
                try f.store.connection.run(
                    """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                    INSERT INTO crm_events (seq, type, occurred_at, record_json)
                    SELECT i, 'test.bulk', ?, '{"n":' || i || ',"pad":"' || ? || '"}' FROM n
                    """, [.integer(count), .text(at), .text(pad)])
            } else {
                try f.store.connection.run(
                    """
                    INSERT INTO crm_events (seq, type, occurred_at, record_json)
                    SELECT i, 'test.bulk', ?, '{"n":' || i || ',"pad":"' || ? || '"}' FROM generate_series(1, ?) AS g(i)
                    """, [.text(at), .text(pad), .integer(count)])
            }
            try f.store.connection.run("INSERT INTO crm_sequences (name, last_value) VALUES ('events', ?)", [.integer(count)])
            try f.store.connection.commit()

            try f.ack("ledger", count)
            try f.ack("late", half)
            f.clock.advance(seconds: 91 * Self.day)
            let answer = try f.run("events.prune")
            #expect(answer["pruned"]?.int == half)
            #expect(answer["kept"]?.int == count - half)
            #expect(answer["held_back_by"]?.text == "late")
            if sqlite {
                #expect(answer["auto_vacuum"]?.text == "incremental")
                let freed = answer["pages_freed"]?.int ?? 0
                let pages = answer["page_count"]?.int ?? 0
                // Half the events went: about a third or more of the pages come back.
                #expect(freed * 3 > pages, "freed \(freed) of \(freed + pages) pages")
            }
            let late = try f.fetchAll("late")
            #expect(late.count == Int(count - half))
            #expect(late.first == half + 1)
            #expect(late.last == count)
            #expect(try f.fetch("ledger").isEmpty)
            #expect(try f.record(1) == [count + 1])
            #expect(try f.fetch("ledger") == [count + 1])
            if let path {
                f.store.close()
                let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
                let pageSize: Int64 = 4096
                // The closed file holds only the kept half (and indexes): well under the whole.
                #expect(size < (answer["page_count"]?.int ?? 0) * pageSize + 64 * pageSize)
                #expect(size < count * 200)
            }
        }
    }
}
