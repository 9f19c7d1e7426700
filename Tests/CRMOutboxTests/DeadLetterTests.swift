import CRMStore
import CRMTestSupport
import Testing

/// events.consumers, events.fail, events.dead_letters, events.replay,
/// events.settle and events.retire, worked by hand on a few events.
@Suite struct DeadLetterTests {
    @Test func consumersAnswerPositionLagAndLastAck() throws {
        let f = try OutboxFixture()
        try f.record(5)
        try f.ack("ledger", 3)
        try f.ack("late", 0)
        let answer = try f.run("events.consumers")
        #expect(answer["last_seq"]?.int == 5)
        #expect(answer["oldest_seq"]?.int == 1)
        #expect(answer["consumers"]?.array?.compactMap { $0["name"]?.text } == ["late", "ledger"])
        let ledger = try #require(try f.consumer("ledger"))
        #expect(ledger["acked_seq"]?.int == 3)
        #expect(ledger["lag"]?.int == 2)
        #expect(ledger["last_acked_at"]?.text == "2026-12-01T09:00:00Z")
        #expect(ledger["retired_at"]?.isNull == true)
        #expect(ledger["failing"]?.int == 0)
        #expect(ledger["dead_letters"]?.int == 0)
        #expect(ledger["replay"]?.int == 0)
        #expect(try f.consumer("late")?["lag"]?.int == 5)
    }

    @Test func anEventFailingMaxAttemptsTimesIsParkedAndThePositionMayPassIt() throws {
        let f = try OutboxFixture()
        try f.record(3)
        let first = try f.fail("ledger", 1)
        #expect(first["attempts"]?.int == 1)
        #expect(first["state"]?.text == "failing")
        #expect(first["parked"]?.flag == false)
        #expect(first["last_error"]?.text == "exit 1")
        #expect(try f.consumer("ledger")?["failing"]?.int == 1)  // events.fail made the consumer known, at 0
        #expect(try f.consumer("ledger")?["acked_seq"]?.int == 0)
        #expect(try f.fail("ledger", 1)["attempts"]?.int == 2)
        let third = try f.fail("ledger", 1)
        #expect(third["attempts"]?.int == 3)
        #expect(third["state"]?.text == "parked")
        #expect(third["parked"]?.flag == true)
        #expect(third["parked_at"]?.text == "2026-12-01T09:00:00Z")
        #expect(try f.consumer("ledger")?["dead_letters"]?.int == 1)
        #expect(try f.consumer("ledger")?["failing"]?.int == 0)

        // The runner moves on: the position passes the parked event, which stays parked.
        try f.ack("ledger", 3)
        #expect(try f.fetch("ledger").isEmpty)
        let letters = try f.run("events.dead_letters", #"{"consumer": "ledger"}"#)["dead_letters"]?.array ?? []
        #expect(letters.count == 1)
        #expect(letters.first?["seq"]?.int == 1)
        #expect(letters.first?["attempts"]?.int == 3)
        #expect(letters.first?["event"]?["type"]?.text == "test.happened")
        #expect(letters.first?["event"]?["record"]?["n"]?.int == 0)
        #expect(letters.first?["event"]?["idempotency_key"]?.text == "\(f.store.fileID):1")

        let before = try f.snapshot()
        expectCRMError(.constraint, "events.fail", "already parked") { try f.fail("ledger", 1) }
        #expect(try f.snapshot() == before)
    }

    @Test func aReplayedDeadLetterIsDeliveredAgainThenSettledOrParkedAgain() throws {
        let f = try OutboxFixture()
        try f.record(2)
        for _ in 0..<3 { _ = try f.fail("ledger", 1) }
        try f.ack("ledger", 2)
        let replayed = try f.run("events.replay", #"{"consumer": "ledger", "seq": 1}"#)
        #expect(replayed["state"]?.text == "replay")
        #expect(replayed["attempts"]?.int == 0)
        #expect(replayed["parked_at"]?.isNull == true)
        #expect(replayed["replay_requested_at"]?.text == "2026-12-01T09:00:00Z")
        // Replaying again changes nothing.
        #expect(try f.run("events.replay", #"{"consumer": "ledger", "seq": 1}"#)["state"]?.text == "replay")
        #expect(try f.run("events.dead_letters", #"{"consumer": "ledger", "state": "replay"}"#)["dead_letters"]?.array?.count == 1)
        #expect(try f.run("events.dead_letters", #"{"consumer": "ledger", "state": "parked"}"#)["dead_letters"]?.array?.count == 0)

        // It fails again below the position (allowed for a replay) until parked again.
        #expect(try f.fail("ledger", 1)["state"]?.text == "replay")
        #expect(try f.fail("ledger", 1)["attempts"]?.int == 2)
        let reparked = try f.fail("ledger", 1)
        #expect(reparked["state"]?.text == "parked")
        #expect(reparked["replay_requested_at"]?.isNull == true)

        // Replayed once more, delivered, settled.
        _ = try f.run("events.replay", #"{"consumer": "ledger", "seq": 1}"#)
        let settled = try f.run("events.settle", #"{"consumer": "ledger", "seq": 1}"#)
        #expect(settled["settled"]?.flag == true)
        #expect(settled["state"]?.text == "replay")
        #expect(try f.rows("crm_dead_letters") == 0)
        #expect(try f.consumer("ledger")?["acked_seq"]?.int == 2)
    }

    @Test func acknowledgingAFailingEventSaysARetryDeliveredIt() throws {
        let f = try OutboxFixture()
        try f.record(3)
        _ = try f.fail("ledger", 2)
        _ = try f.fail("ledger", 3)
        #expect(try f.consumer("ledger")?["failing"]?.int == 2)
        try f.ack("ledger", 2)
        #expect(try f.consumer("ledger")?["failing"]?.int == 1)
        #expect(try f.rows("crm_dead_letters") == 1)
        // A failing event is not a dead letter: not listed, not replayed, not settled.
        #expect(try f.run("events.dead_letters", #"{"consumer": "ledger"}"#)["dead_letters"]?.array?.count == 0)
        expectCRMError(.constraint, "events.replay", "not parked") { try f.run("events.replay", #"{"consumer": "ledger", "seq": 3}"#) }
        expectCRMError(.constraint, "events.settle", "crm_events_ack") { try f.run("events.settle", #"{"consumer": "ledger", "seq": 3}"#) }
    }

    @Test func aRetiredConsumerDropsItsDeadLettersAndNoLongerFetches() throws {
        let f = try OutboxFixture()
        try f.record(3)
        for _ in 0..<3 { _ = try f.fail("old-sync", 1) }
        let retired = try f.run("events.retire", #"{"consumer": "old-sync"}"#)
        #expect(retired["retired_at"]?.text == "2026-12-01T09:00:00Z")
        #expect(retired["dead_letters_dropped"]?.int == 1)
        #expect(try f.rows("crm_dead_letters") == 0)
        // Retiring again changes nothing.
        #expect(try f.run("events.retire", #"{"consumer": "old-sync"}"#)["dead_letters_dropped"]?.int == 0)
        let before = try f.snapshot()
        expectCRMError(.constraint, "crm_events_fetch", "old-sync", "retired") { try f.fetch("old-sync") }
        expectCRMError(.constraint, "crm_events_ack", "retired") { try f.ack("old-sync", 2) }
        expectCRMError(.constraint, "events.fail", "retired") { try f.fail("old-sync", 2) }
        #expect(try f.snapshot() == before)
    }

    @Test func badInputIsRefusedNamingTheFieldAndWritesNothing() throws {
        let f = try OutboxFixture()
        try f.record(3)
        try f.ack("ledger", 2)
        for _ in 0..<3 { _ = try f.fail("ledger", 3) }
        let before = try f.snapshot()
        expectCRMError(.notFound, "events.fail", "seq 99") { try f.fail("ledger", 99) }
        expectCRMError(.conflict, "events.fail", "seq 2", "acknowledged position 2") { try f.fail("ledger", 2) }
        expectCRMError(.invalid, "events.fail", "error is required") { try f.run("events.fail", #"{"consumer": "ledger", "seq": 3}"#) }
        expectCRMError(.range, "events.fail", "max_attempts") {
            try f.run("events.fail", #"{"consumer": "ledger", "seq": 3, "error": "x", "max_attempts": 0}"#)
        }
        expectCRMError(.invalid, "events.fail", "consumer") { try f.run("events.fail", #"{"consumer": "", "seq": 3, "error": "x"}"#) }
        expectCRMError(.range, "events.fail", "seq") { try f.run("events.fail", #"{"consumer": "ledger", "seq": 0, "error": "x"}"#) }
        // An unknown field is refused before the first write (prune would have pruned seq 1 and 2).
        f.clock.advance(seconds: 1)
        expectCRMError(.invalid, "events.prune", "colour") {
            try f.run("events.prune", #"{"older_than_days": 0, "colour": "red"}"#)
        }
        expectCRMError(.notFound, "events.replay", "no dead letter at seq 1") { try f.run("events.replay", #"{"consumer": "ledger", "seq": 1}"#) }
        expectCRMError(.notFound, "events.settle", "seq 1") { try f.run("events.settle", #"{"consumer": "ledger", "seq": 1}"#) }
        expectCRMError(.notFound, "events.retire", "no consumer 'ghost'") { try f.run("events.retire", #"{"consumer": "ghost"}"#) }
        expectCRMError(.notFound, "events.dead_letters", "ghost") { try f.run("events.dead_letters", #"{"consumer": "ghost"}"#) }
        expectCRMError(.invalid, "events.dead_letters", "state") { try f.run("events.dead_letters", #"{"consumer": "ledger", "state": "lost"}"#) }
        expectCRMError(.range, "events.dead_letters", "limit") { try f.run("events.dead_letters", #"{"consumer": "ledger", "limit": 1001}"#) }
        expectCRMError(.range, "events.prune", "older_than_days") { try f.run("events.prune", #"{"older_than_days": -1}"#) }
        expectCRMError(.invalid, "events.prune", "older_than_days") { try f.run("events.prune", #"{"older_than_days": "90"}"#) }
        #expect(try f.snapshot() == before)
    }
}
