import Foundation
import Testing
@testable import CRMStore

@Suite("Store")
struct StoreTests {
    // MARK: Opening

    @Test func opensInMemoryWithAFileID() throws {
        let store = try makeStore()
        defer { store.close() }
        #expect(store.fileID.count == 32)
        #expect(store.fileID.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(!store.isReadOnly)
        #expect(!store.inHostTransaction)
        #expect(try store.connection.tableExists("crm_events"))
    }

    @Test func everyFileHasItsOwnID() throws {
        let a = try makeStore(), b = try makeStore()
        defer { a.close(); b.close() }
        #expect(a.fileID != b.fileID)
    }

    @Test func fileIDIsStableAcrossReopenAndReadOnlyOpen() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            let id: String
            do {
                let store = try makeStore(path)
                id = store.fileID
                store.close()
            }
            let again = try makeStore(path)
            #expect(again.fileID == id)
            again.close()
            let readOnly = try makeStore(path, readOnly: true)
            #expect(readOnly.fileID == id)
            readOnly.close()
            let other = try makeStore(file(directory, "other.db"))
            #expect(other.fileID != id)
            other.close()
        }
    }

    @Test func openingAMissingDirectoryIsAnIOError() throws {
        try withTemporaryDirectory { directory in
            expectCRMError(.io) { try makeStore(file(directory, "no/such/dir/crm.db")) }
        }
    }

    // MARK: Single writes

    @Test func writeCommitsItsRowsAndReturnsItsEvents() throws {
        let clock = FixedClock(testEpoch)
        let store = try makeStore(clock: clock)
        defer { store.close() }
        let (result, events) = try store.write("item.create") { () -> String in
            try store.insertItem(1, "one")
            try store.insertItem(2, "two")
            return "done"
        }
        #expect(result == "done")
        #expect(events.map(\.seq) == [1, 2])
        #expect(events.map(\.type) == ["item.created", "item.created"])
        #expect(events.map(\.idempotencyKey) == ["\(store.fileID):1", "\(store.fileID):2"])
        #expect(events[0].occurredAt == testEpoch)
        #expect(events[1].record == .object([("id", .integer(2)), ("name", .string("two"))]))
        #expect(!store.connection.inTransaction)
        #expect(try store.itemNames() == ["one", "two"])
        // The next write's events are its own.
        clock.advance(seconds: 60)
        let (_, next) = try store.write("item.create") { try store.insertItem(3, "three") }
        #expect(next.map(\.seq) == [3])
        #expect(next[0].occurredAt.description == "2026-12-01T09:31:00Z")
    }

    @Test func aWriteWithoutEventsReturnsNone() throws {
        let store = try makeStore()
        defer { store.close() }
        let (_, events) = try store.write("silent") {
            try store.connection.run("INSERT INTO test_items (id, name) VALUES (1, 'x')")
        }
        #expect(events.isEmpty)
        #expect(try store.itemNames() == ["x"])
    }

    @Test func aFailedWriteRollsBackItsRowsAndEvents() throws {
        let store = try makeStore()
        defer { store.close() }
        _ = try store.write("setup") { try store.insertItem(1, "kept") }
        expectCRMError(.constraint, "refused") {
            try store.write("item.create") {
                try store.insertItem(2, "gone")
                try store.insertItem(3, "gone too")
                throw CRMError.constraint("item 3: refused")
            }
        }
        #expect(!store.connection.inTransaction)
        #expect(try store.itemNames() == ["kept"])
        #expect(try store.allEvents().map(\.seq) == [1])
        // The next write is unaffected: its events are only its own.
        let (_, events) = try store.write("item.create") { try store.insertItem(4, "four") }
        #expect(events.map(\.seq) == [2])
        #expect(events.map { $0.record["name"] } == [.string("four")])
        #expect(try store.allEvents().count == 2)
    }

    @Test func aStorageFailureInsideAWriteBecomesACRMErrorAndRollsBack() throws {
        let store = try makeStore()
        defer { store.close() }
        _ = try store.write("setup") { try store.insertItem(1, "taken") }
        let error = expectCRMError(.conflict, "UNIQUE") {
            try store.write("item.create") {
                try store.insertItem(2, "fresh")
                try store.insertItem(3, "taken")
            }
        }
        #expect(error?.message.contains("storage") == true)
        #expect(try store.itemNames() == ["taken"])
        #expect(try store.allEvents().count == 1)
    }

    @Test func aFailedCommitRollsBackTheWrite() throws {
        // The foreign key is deferred, so the violation surfaces at COMMIT.
        let store = try makeStore()
        defer { store.close() }
        expectCRMError(.conflict, "FOREIGN KEY") {
            try store.write("child.create") {
                try store.connection.run("INSERT INTO test_children (id, parent_id) VALUES (1, 99)")
                try store.record(event: "child.created", .object([("id", .integer(1))]))
            }
        }
        #expect(!store.connection.inTransaction)
        #expect(try store.read { try store.connection.integer("SELECT count(*) FROM test_children") } == 0)
        #expect(try store.allEvents().isEmpty)
        // The handle still works.
        let (_, events) = try store.write("item.create") { try store.insertItem(1, "after") }
        #expect(events.map(\.seq) == [1])
    }

    @Test func nestedWritesJoinTheOuterWrite() throws {
        let store = try makeStore()
        defer { store.close() }
        let (inner, events) = try store.write("outer") { () -> [Event] in
            try store.insertItem(1, "outer")
            let (_, innerEvents) = try store.write("inner") { try store.insertItem(2, "inner") }
            return innerEvents
        }
        #expect(inner.isEmpty)
        #expect(events.map(\.seq) == [1, 2])
        // A failure in the outer body after a nested write undoes both.
        #expect(throws: CRMError.self) {
            try store.write("outer") {
                _ = try store.write("inner") { try store.insertItem(3, "inner") }
                throw CRMError.invalid("outer fails")
            }
        }
        #expect(try store.itemNames() == ["outer", "inner"])
    }

    @Test func recordingAnEventOutsideAWriteIsAnInternalError() throws {
        let store = try makeStore()
        defer { store.close() }
        expectCRMError(.internal, "item.created") { try store.record(event: "item.created", .null) }
        #expect(try store.allEvents().isEmpty)
    }

    @Test func readRunsInASnapshotAndConvertsErrors() throws {
        let store = try makeStore()
        defer { store.close() }
        #expect(try store.read { store.connection.inTransaction })
        #expect(!store.connection.inTransaction)
        expectCRMError(.internal) { try store.read { try store.connection.run("SELECT * FROM no_such_table") } }
        #expect(!store.connection.inTransaction)
        expectCRMError(.notFound, "account 9") { try store.read { throw CRMError.notFound("account 9: not found") } }
        #expect(!store.connection.inTransaction)
    }

    // MARK: Ids

    @Test func idsCountUpPerSequenceAcrossWrites() throws {
        let store = try makeStore()
        defer { store.close() }
        let (first, _) = try store.write("a") { [try store.nextID("accounts"), try store.nextID("accounts"), try store.nextID("contacts")] }
        #expect(first == [1, 2, 1])
        let (second, _) = try store.write("b") { [try store.nextID("accounts"), try store.nextID("contacts")] }
        #expect(second == [3, 2])
    }

    @Test func anIDIsNeverReusedAfterItsRecordIsGone() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            do {
                let store = try makeStore(path)
                let (id, _) = try store.write("a") { () -> Int64 in
                    let id = try store.nextID("items")
                    try store.insertItem(id, "highest")
                    return id
                }
                _ = try store.write("delete") { try store.connection.run("DELETE FROM test_items WHERE id = ?", [.integer(id)]) }
                store.close()
            }
            let store = try makeStore(path)
            defer { store.close() }
            #expect(try store.write("b") { try store.nextID("items") }.0 == 2)
        }
    }

    @Test func idsTakenByAFailedWriteAreNotConsumed() throws {
        // Gapless numbering: a call that fails leaves no hole in the sequence.
        let store = try makeStore()
        defer { store.close() }
        _ = try store.write("a") { try store.nextID("invoices") }
        #expect(throws: CRMError.self) {
            try store.write("b") {
                _ = try store.nextID("invoices")
                throw CRMError.constraint("invoice: refused")
            }
        }
        #expect(try store.write("c") { try store.nextID("invoices") }.0 == 2)

        try store.beginTransaction()
        #expect(try store.write("d") { try store.nextID("invoices") }.0 == 3)
        #expect(throws: CRMError.self) {
            try store.write("e") {
                _ = try store.nextID("invoices")
                throw CRMError.constraint("invoice: refused")
            }
        }
        #expect(try store.write("f") { try store.nextID("invoices") }.0 == 4)
        _ = try store.commitTransaction()

        try store.beginTransaction()
        _ = try store.write("g") { try store.nextID("invoices") }
        try store.rollbackTransaction()
        #expect(try store.write("h") { try store.nextID("invoices") }.0 == 5)
    }

    @Test func takingAnIDOutsideAWriteIsAnInternalError() throws {
        let store = try makeStore()
        defer { store.close() }
        expectCRMError(.internal, "accounts") { try store.nextID("accounts") }
    }

    @Test func anExhaustedSequenceIsARangeError() throws {
        let store = try makeStore()
        defer { store.close() }
        _ = try store.write("setup") {
            try store.connection.run("INSERT INTO crm_sequences (name, last_value) VALUES ('items', ?)", [.integer(.max - 1)])
        }
        #expect(try store.write("a") { try store.nextID("items") }.0 == .max)
        expectCRMError(.range, "items") { try store.write("b") { try store.nextID("items") } }
    }

    @Test func eventSeqsAreNotReusedAfterEventsAreGone() throws {
        // An idempotency key names one event forever.
        let store = try makeStore()
        defer { store.close() }
        _ = try store.write("a") { try store.insertItem(1, "one"); try store.insertItem(2, "two") }
        _ = try store.write("purge") { try store.connection.run("DELETE FROM crm_events WHERE seq = 2") }
        let (_, events) = try store.write("b") { try store.insertItem(3, "three") }
        #expect(events.map(\.seq) == [3])
    }

    // MARK: Host transactions

    @Test func hostTransactionBeginCommitRollbackMisuse() throws {
        let store = try makeStore()
        defer { store.close() }
        expectCRMError(.misuse, "crm_commit") { try store.commitTransaction() }
        expectCRMError(.misuse, "crm_rollback") { try store.rollbackTransaction() }
        try store.beginTransaction()
        #expect(store.inHostTransaction)
        #expect(store.connection.inTransaction)
        expectCRMError(.misuse, "crm_begin", "already open") { try store.beginTransaction() }
        #expect(store.inHostTransaction)
        _ = try store.commitTransaction()
        #expect(!store.inHostTransaction)
        #expect(!store.connection.inTransaction)
        expectCRMError(.misuse) { try store.commitTransaction() }
    }

    @Test func writesInsideAHostTransactionReturnNoEventsUntilCommit() throws {
        let store = try makeStore()
        defer { store.close() }
        try store.beginTransaction()
        let (_, first) = try store.write("a") { try store.insertItem(1, "one") }
        let (_, second) = try store.write("b") { try store.insertItem(2, "two"); try store.insertItem(3, "three") }
        #expect(first.isEmpty)
        #expect(second.isEmpty)
        #expect(store.connection.inTransaction)
        let committed = try store.commitTransaction()
        #expect(committed.map(\.seq) == [1, 2, 3])
        #expect(committed.map { $0.record["name"] } == [.string("one"), .string("two"), .string("three")])
        #expect(try store.itemNames() == ["one", "two", "three"])
        #expect(try store.allEvents().map(\.seq) == [1, 2, 3])
        // A second transaction starts with no leftover events.
        try store.beginTransaction()
        _ = try store.write("c") { try store.insertItem(4, "four") }
        #expect(try store.commitTransaction().map(\.seq) == [4])
    }

    @Test func aWriteThatFailsBeforeWritingLeavesTheHostTransactionAsItWas() throws {
        let store = try makeStore()
        defer { store.close() }
        try store.beginTransaction()
        _ = try store.write("a") { try store.insertItem(1, "one") }
        expectCRMError(.invalid, "refused") {
            try store.write("b") {
                _ = try store.nextID("items")
                throw CRMError.invalid("b: refused")
            }
        }
        // A statement that fails on a constraint writes nothing either.
        expectCRMError(.conflict) { try store.write("c") { try store.insertItem(3, "one") } }
        #expect(store.inHostTransaction)
        #expect(store.abortedTransaction == nil)
        _ = try store.write("d") { try store.insertItem(5, "five") }
        #expect(try store.itemNames() == ["one", "five"])
        let committed = try store.commitTransaction()
        #expect(committed.map { $0.record["name"] } == [.string("one"), .string("five")])
        #expect(committed.map(\.seq) == [1, 2])
        #expect(try store.allEvents().map { $0.record["name"] } == [.string("one"), .string("five")])
    }

    @Test func aWriteThatFailsAfterWritingRollsBackTheWholeHostTransaction() throws {
        let store = try makeStore()
        defer { store.close() }
        _ = try store.write("setup") { try store.insertItem(1, "kept") }
        try store.beginTransaction()
        _ = try store.write("a") { try store.insertItem(2, "two") }
        expectCRMError(.conflict, "the host transaction was rolled back") {
            try store.write("b") {
                try store.insertItem(3, "three")
                try store.insertItem(4, "kept")   // UNIQUE name, after a write
            }
        }
        #expect(!store.connection.inTransaction)
        #expect(store.inHostTransaction)
        #expect(store.abortedTransaction?.code == .conflict)
        // Nothing half-written survives, and no later call can commit on its own.
        #expect(try store.connection.integer("SELECT count(*) FROM test_items") == 1)
        expectCRMError(.misuse, "crm_rollback") { try store.write("c") { try store.insertItem(5, "five") } }
        expectCRMError(.misuse, "crm_rollback") { try store.read("item.get") { 1 } }
        expectCRMError(.misuse, "crm_rollback") { try store.fetchEvents(consumer: "c", afterSeq: 0, limit: 10) }
        expectCRMError(.misuse, "crm_rollback") { try store.beginTransaction() }
        try store.rollbackTransaction()
        #expect(!store.inHostTransaction)
        #expect(try store.itemNames() == ["kept"])
        #expect(try store.allEvents().map(\.seq) == [1])
        // The handle works again, and numbering goes on without a gap.
        let (_, events) = try store.write("e") { try store.insertItem(6, "six") }
        #expect(events.map(\.seq) == [2])
    }

    @Test func committingARolledBackHostTransactionCommitsNothing() throws {
        let store = try makeStore()
        defer { store.close() }
        try store.beginTransaction()
        _ = try store.write("a") { try store.insertItem(1, "one") }
        expectCRMError(.constraint) {
            try store.write("b") {
                try store.insertItem(2, "two")
                throw CRMError.constraint("b: refused after writing")
            }
        }
        expectCRMError(.misuse, "nothing was committed", "refused after writing") { try store.commitTransaction() }
        #expect(!store.inHostTransaction)
        #expect(store.abortedTransaction == nil)
        #expect(try store.itemNames().isEmpty)
        #expect(try store.allEvents().isEmpty)
    }

    @Test func aSavepointUndoesOnlyItsPartAndKeepsTheHostTransaction() throws {
        let store = try makeStore()
        defer { store.close() }
        try store.beginTransaction()
        _ = try store.write("a") { try store.insertItem(1, "one") }
        // A call whose only writes were undone by its savepoint wrote nothing.
        expectCRMError(.constraint, "refused") {
            try store.write("b") {
                try store.savepoint {
                    _ = try store.nextID("items")
                    try store.insertItem(2, "undone")
                    throw CRMError.constraint("b: refused")
                }
            }
        }
        #expect(store.abortedTransaction == nil)
        // A call that goes on after an undone part keeps the rest of its writes.
        _ = try store.write("c") { () -> Void in
            try store.insertItem(3, "three")
            _ = try? store.savepoint { try store.insertItem(4, "undone too"); throw CRMError.invalid("c: part refused") }
        }
        #expect(try store.itemNames() == ["one", "three"])
        let committed = try store.commitTransaction()
        #expect(committed.map { $0.record["name"] } == [.string("one"), .string("three")])
        #expect(committed.map(\.seq) == [1, 2])
        expectCRMError(.internal, "savepoint") { try store.savepoint { 1 } }
    }

    @Test func rollbackTransactionLeavesNoRowsAndNoEvents() throws {
        let store = try makeStore()
        defer { store.close() }
        _ = try store.write("setup") { try store.insertItem(1, "kept") }
        try store.beginTransaction()
        _ = try store.write("a") { try store.insertItem(2, "gone") }
        _ = try store.write("b") { try store.insertItem(3, "gone too") }
        try store.rollbackTransaction()
        #expect(!store.inHostTransaction)
        #expect(!store.connection.inTransaction)
        #expect(try store.itemNames() == ["kept"])
        #expect(try store.allEvents().map(\.seq) == [1])
        // The next transaction's commit does not return the rolled-back events.
        try store.beginTransaction()
        _ = try store.write("c") { try store.insertItem(4, "four") }
        let committed = try store.commitTransaction()
        #expect(committed.map { $0.record["name"] } == [.string("four")])
    }

    @Test func aFailedCommitRollsBackTheWholeHostTransaction() throws {
        let store = try makeStore()
        defer { store.close() }
        try store.beginTransaction()
        _ = try store.write("a") { try store.insertItem(1, "one") }
        _ = try store.write("b") {
            try store.connection.run("INSERT INTO test_children (id, parent_id) VALUES (1, 99)")
        }
        expectCRMError(.conflict, "crm_commit", "rolled back") { try store.commitTransaction() }
        #expect(!store.inHostTransaction)
        #expect(!store.connection.inTransaction)
        #expect(try store.itemNames().isEmpty)
        #expect(try store.allEvents().isEmpty)
        // The events of the failed transaction never come back.
        let (_, events) = try store.write("c") { try store.insertItem(2, "two") }
        #expect(events.map { $0.record["name"] } == [.string("two")])
    }

    @Test func closeRollsBackAnOpenHostTransaction() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            do {
                let store = try makeStore(path)
                _ = try store.write("setup") { try store.insertItem(1, "kept") }
                try store.beginTransaction()
                _ = try store.write("a") { try store.insertItem(2, "gone") }
                store.close()
            }
            let store = try makeStore(path)
            defer { store.close() }
            #expect(try store.itemNames() == ["kept"])
            #expect(try store.allEvents().count == 1)
        }
    }

    // MARK: Events across handles

    @Test func eventsArePendingUntilCommitAndNeverSeenWhenRolledBack() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            let writer = try makeStore(path)
            let reader = try makeStore(path)
            defer { writer.close(); reader.close() }

            try writer.beginTransaction()
            _ = try writer.write("a") { try writer.insertItem(1, "one") }
            // Pending: another handle sees neither the row nor the event.
            #expect(try reader.allEvents().isEmpty)
            #expect(try reader.itemNames().isEmpty)
            let committed = try writer.commitTransaction()
            #expect(committed.count == 1)
            // Committed: visible to the other handle, with the same identity.
            let seen = try reader.allEvents()
            #expect(seen.map(\.seq) == [1])
            #expect(seen.first?.idempotencyKey == committed.first?.idempotencyKey)
            #expect(seen.first?.record == committed.first?.record)
            #expect(reader.fileID == writer.fileID)

            // Rolled back: never visible.
            try writer.beginTransaction()
            _ = try writer.write("b") { try writer.insertItem(2, "two") }
            try writer.rollbackTransaction()
            #expect(try reader.allEvents().map(\.seq) == [1])
            #expect(try reader.itemNames() == ["one"])
        }
    }

    @Test func fetchOnTheSameHandleInsideAHostTransactionReturnsOnlyCommittedEvents() throws {
        // fetchEvents promises committed events only; an event whose change may
        // still be rolled back must not reach a consumer (no event without its change).
        let store = try makeStore()
        defer { store.close() }
        _ = try store.write("setup") { try store.insertItem(1, "committed") }
        try store.beginTransaction()
        _ = try store.write("a") { try store.insertItem(2, "pending") }
        let fetched = try? store.fetchEvents(consumer: "c", afterSeq: 0, limit: 10)
        // Either refused, or only the committed event.
        if let fetched {
            #expect(fetched.events.map(\.seq) == [1], "fetched an uncommitted event")
        }
        try store.rollbackTransaction()
        #expect(try store.allEvents().map(\.seq) == [1])
    }

    @Test func aSecondWriterIsBusyWhileAHostTransactionHoldsTheLock() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            let first = try makeStore(path)
            let second = try makeStore(path)
            defer { first.close(); second.close() }
            try first.beginTransaction()
            // Waits for the 5 s busy timeout, then gives up.
            expectCRMError(.busy) { try second.write("b") { try second.insertItem(2, "blocked") } }
            expectCRMError(.busy) { try second.beginTransaction() }
            #expect(!second.inHostTransaction)
            // Readers are not blocked (WAL).
            #expect(try second.itemNames().isEmpty)
            _ = try first.commitTransaction()
            let (_, events) = try second.write("b") { try second.insertItem(2, "now") }
            #expect(events.count == 1)
        }
    }

    @Test func handlesOpenedConcurrentlyOnAFreshFileAgree() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            let ids = Collected<String>()
            let failures = Collected<String>()
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do {
                    let store = try makeStore(path)
                    let id = store.fileID
                    store.close()
                    ids.append(id)
                } catch {
                    failures.append("\(error)")
                }
            }
            #expect(failures.items.isEmpty)
            #expect(ids.items.count == 6)
            #expect(Set(ids.items).count == 1)
            let store = try makeStore(path)
            defer { store.close() }
            #expect(try store.connection.integer("SELECT count(*) FROM crm_migrations") == 4)
        }
    }

    @Test func concurrentWritersOnSeparateHandlesGetDistinctContiguousSeqs() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            try makeStore(path).close()
            let seqs = Collected<Int64>()
            let failures = Collected<String>()
            DispatchQueue.concurrentPerform(iterations: 4) { worker in
                do {
                    let store = try makeStore(path)
                    defer { store.close() }
                    for index in 0..<25 {
                        let id = Int64(worker * 100 + index)
                        let (_, events) = try store.write("item.create") { try store.insertItem(id, "item \(id)") }
                        seqs.append(contentsOf: events.map(\.seq))
                    }
                } catch {
                    failures.append("\(error)")
                }
            }
            #expect(failures.items.isEmpty)
            #expect(seqs.items.sorted() == Array(1...100))
            let store = try makeStore(path)
            defer { store.close() }
            #expect(try store.allEvents().map(\.seq) == Array(1...100))
            #expect(try store.itemNames().count == 100)
        }
    }

    @Test func aClosedStoreReportsMisuse() throws {
        let store = try makeStore()
        store.close()
        expectCRMError(.misuse) { try store.write("item.create") { try store.insertItem(1, "x") } }
        expectCRMError(.misuse) { try store.fetchEvents(consumer: "c", afterSeq: 0, limit: 1) }
        expectCRMError(.misuse) { try store.beginTransaction() }
        #expect(!store.inHostTransaction)
    }

    // MARK: Fetch and acknowledge

    private func storeWithEvents(_ count: Int64, path: String = ":memory:") throws -> Store {
        let store = try makeStore(path)
        for id in 1...count {
            _ = try store.write("item.create") { try store.insertItem(id, "item \(id)") }
        }
        return store
    }

    @Test func fetchReturnsEventsOldestFirstAfterSeqWithinLimit() throws {
        let store = try storeWithEvents(5)
        defer { store.close() }
        let all = try store.fetchEvents(consumer: "c", afterSeq: 0, limit: 100)
        #expect(all.events.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(all.from == 0)
        let page = try store.fetchEvents(consumer: "c", afterSeq: 1, limit: 2)
        #expect(page.events.map(\.seq) == [2, 3])
        #expect(page.from == 1)
        #expect(try store.fetchEvents(consumer: "c", afterSeq: 5, limit: 10).events.isEmpty)
        #expect(try store.fetchEvents(consumer: "c", afterSeq: 0, limit: 0).events.isEmpty)
    }

    @Test func fetchedEventsKeepTheirContent() throws {
        let store = try makeStore()
        defer { store.close() }
        let record = JSONValue.object([
            ("name", .string("Zoë \"Q\" \n 😀")), ("amount_minor", .integer(.max)), ("tags", .array([.string("a"), .null])),
            ("nested", .object([("ok", .bool(true))])),
        ])
        let (_, written) = try store.write("x") { try store.record(event: "account.created", record) }
        let fetched = try store.allEvents()
        #expect(fetched.count == 1)
        let event = try #require(fetched.first)
        #expect(event.seq == written.first?.seq)
        #expect(event.type == "account.created")
        #expect(event.record == record)
        #expect(event.occurredAt == testEpoch)
        #expect(event.idempotencyKey == "\(store.fileID):1")
        #expect(event.json == .object([
            ("seq", .integer(1)), ("type", .string("account.created")), ("occurred_at", .string("2026-12-01T09:30:00Z")),
            ("idempotency_key", .string("\(store.fileID):1")), ("record", record),
        ]))
    }

    @Test func eventJSONHasTheDocumentedFieldsInOrder() {
        let event = Event(seq: 7, type: "invoice.issued", occurredAt: testEpoch, idempotencyKey: "f:7", record: .object([]))
        #expect(JSONWriter.string(event.json)
            == #"{"seq":7,"type":"invoice.issued","occurred_at":"2026-12-01T09:30:00Z","idempotency_key":"f:7","record":{}}"#)
    }

    @Test func fetchResumesAfterTheAcknowledgedPosition() throws {
        let store = try storeWithEvents(5)
        defer { store.close() }
        try store.acknowledgeEvents(consumer: "ledger", seq: 3)
        let resumed = try store.fetchEvents(consumer: "ledger", afterSeq: 0, limit: 10)
        #expect(resumed.events.map(\.seq) == [4, 5])
        #expect(resumed.from == 3)
        // after_seq beyond the position wins.
        #expect(try store.fetchEvents(consumer: "ledger", afterSeq: 4, limit: 10).events.map(\.seq) == [5])
        // after_seq below the position does not replay acknowledged events.
        #expect(try store.fetchEvents(consumer: "ledger", afterSeq: 1, limit: 10).events.map(\.seq) == [4, 5])
        // Other consumers are independent.
        #expect(try store.fetchEvents(consumer: "mailer", afterSeq: 0, limit: 10).events.map(\.seq) == [1, 2, 3, 4, 5])
    }

    @Test func acknowledgementNeverMovesBackwards() throws {
        let store = try storeWithEvents(5)
        defer { store.close() }
        try store.acknowledgeEvents(consumer: "ledger", seq: 4)
        try store.acknowledgeEvents(consumer: "ledger", seq: 2)
        #expect(try store.fetchEvents(consumer: "ledger", afterSeq: 0, limit: 10).events.map(\.seq) == [5])
        try store.acknowledgeEvents(consumer: "ledger", seq: 5)
        #expect(try store.fetchEvents(consumer: "ledger", afterSeq: 0, limit: 10).events.isEmpty)
    }

    @Test func acknowledgingAnUnwrittenSeqIsARangeError() throws {
        let store = try storeWithEvents(2)
        defer { store.close() }
        expectCRMError(.range, "seq 3", "2") { try store.acknowledgeEvents(consumer: "ledger", seq: 3) }
        #expect(try store.fetchEvents(consumer: "ledger", afterSeq: 0, limit: 10).events.map(\.seq) == [1, 2])
    }

    @Test func acknowledgingEmitsNoEvents() throws {
        let store = try storeWithEvents(2)
        defer { store.close() }
        try store.acknowledgeEvents(consumer: "ledger", seq: 2)
        #expect(try store.allEvents().count == 2)
    }

    @Test func acknowledgedPositionIsKeptInTheFile() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            do {
                let store = try storeWithEvents(4, path: path)
                try store.acknowledgeEvents(consumer: "ledger", seq: 2)
                store.close()
            }
            let store = try makeStore(path)
            defer { store.close() }
            #expect(try store.fetchEvents(consumer: "ledger", afterSeq: 0, limit: 10).events.map(\.seq) == [3, 4])
            // New events continue the sequence.
            let (_, events) = try store.write("x") { try store.insertItem(5, "five") }
            #expect(events.map(\.seq) == [5])
        }
    }

    // MARK: Read-only handles

    @Test func readOnlyHandleReadsButRefusesEveryWrite() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            do {
                let store = try storeWithEvents(2, path: path)
                store.close()
            }
            let before = try #require(contents(path))
            let store = try makeStore(path, readOnly: true)
            defer { store.close() }
            #expect(store.isReadOnly)
            #expect(try store.itemNames() == ["item 1", "item 2"])
            #expect(try store.allEvents().map(\.seq) == [1, 2])
            expectCRMError(.readOnly, "item.create", "read-only") { try store.write("item.create") { try store.insertItem(3, "x") } }
            expectCRMError(.readOnly, "crm_begin") { try store.beginTransaction() }
            expectCRMError(.readOnly) { try store.acknowledgeEvents(consumer: "ledger", seq: 1) }
            #expect(!store.inHostTransaction)
            #expect(contents(path) == before)
        }
    }

    @Test func readOnlyOpenOfAFileNeedingMigrationsIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "crm.db")
            do {
                let store = try makeStore(path, migrations: [itemsMigration])
                store.close()
            }
            expectCRMError(.readOnly, "migration") { try makeStore(path, readOnly: true) }
        }
    }

    @Test func readOnlyOpenOfAMissingFileFails() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "missing.db")
            expectCRMError(.notFound) { try makeStore(path, readOnly: true) }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func busyFailuresNameTheCallAndSayRetryingIsSafe() throws {
        try withTemporaryDirectory { directory in
            let path = file(directory, "busy.db")
            let first = try makeStore(path)
            let second = try makeStore(path)
            defer { first.close(); second.close() }
            expectCRMError(.range) { try second.setBusyTimeout(milliseconds: -1) }
            try second.setBusyTimeout(milliseconds: 0)
            #expect(second.busyTimeout == 0)
            try first.beginTransaction()
            expectCRMError(.busy, "item.add: the database file is locked by another connection") {
                try second.write("item.add") { try second.insertItem(2, "blocked") }
            }
            expectCRMError(.busy, "retrying crm_begin is safe") { try second.beginTransaction() }
            _ = try first.commitTransaction()
            _ = try second.write("item.add") { try second.insertItem(2, "after") }
        }
    }

    @Test func backupCopiesTheCommittedStateIntoANewFileOnly() throws {
        try withTemporaryDirectory { directory in
            let store = try makeStore()
            defer { store.close() }
            _ = try store.write("item.add") { try store.insertItem(1, "kept") }
            let destination = file(directory, "copy.db")
            try store.backup(to: destination)
            expectCRMError(.conflict, "already exists") { try store.backup(to: destination) }
            try store.beginTransaction()
            expectCRMError(.misuse, "crm_begin") { try store.backup(to: file(directory, "other.db")) }
            try store.rollbackTransaction()
            let copy = try makeStore(destination)
            defer { copy.close() }
            #expect(try copy.connection.integer("SELECT count(*) FROM test_items") == 1)
        }
    }
}
