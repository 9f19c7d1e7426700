import Testing
@testable import CRMAccounts
import CRMStore

@Suite("events of account, contact and interaction changes")
struct EventsTests {
    @Test func everyMutationWritesItsDocumentedEvent() throws {
        let f = try Fixture()
        func expectEvent(_ type: String, _ command: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let before = try f.outboxCount()
            let (_, events) = try f.runWithEvents(command, text)
            #expect(events.map(\.type) == [type], sourceLocation: sourceLocation)
            #expect(try f.outboxCount() == before + 1, sourceLocation: sourceLocation)
            #expect(try f.events().last?.type == type, sourceLocation: sourceLocation)
        }
        try expectEvent("account.created", "account.create", #"{"name": "A"}"#)
        try expectEvent("account.created", "account.create", #"{"name": "B"}"#)
        try expectEvent("account.updated", "account.update", #"{"id": 1, "name": "A2"}"#)
        try expectEvent("contact.created", "contact.create", #"{"account_id": 1, "last_name": "Dlamini"}"#)
        try expectEvent("contact.updated", "contact.update", #"{"id": 1, "role": "buyer"}"#)
        try expectEvent("consent.changed", "contact.consent", #"{"contact_id": 1, "channel": "email", "status": "opted_in", "source": "web form"}"#)
        try expectEvent("contact.updated", "contact.preferences", #"{"contact_id": 1, "set": {"size": "L"}}"#)
        try expectEvent("interaction.logged", "interaction.log", #"{"account_id": 1, "kind": "call", "occurred_at": "\#(epochText)"}"#)
        try expectEvent("contact.archived", "contact.archive", #"{"id": 1}"#)
        try expectEvent("account.merged", "account.merge", #"{"survivor_id": 1, "merged_id": 2}"#)
        try expectEvent("account.archived", "account.archive", #"{"id": 1}"#)
        #expect(try f.eventTypes() == [
            "account.created", "account.created", "account.updated", "contact.created", "contact.updated", "consent.changed",
            "contact.updated", "interaction.logged", "contact.archived", "account.merged", "account.archived",
        ])
        #expect(try f.events().map(\.seq) == Array(1...11))
    }

    @Test func eventsCarryTheRecordTheCommandReturned() throws {
        let f = try Fixture()
        f.clock.advance(seconds: 90)
        let (created, createdEvents) = try f.runWithEvents("account.create", #"{"name": "A", "source": "ledger", "external_ref": "C1"}"#)
        let event = try #require(createdEvents.first)
        #expect(event.record == created.removing("replayed"))
        #expect(event.occurredAt == Timestamp(secondsSinceEpoch: epoch.secondsSinceEpoch + 90))
        #expect(event.idempotencyKey == "\(f.store.fileID):\(event.seq)")
        let stored = try #require(f.events().first)
        #expect(stored.record == event.record)
        #expect(stored.seq == event.seq)
        #expect(stored.json["occurred_at"] == .string("2026-12-01T09:31:30Z"))

        let (updated, updatedEvents) = try f.runWithEvents("account.update", #"{"id": 1, "email": "a@b.test", "status": "active"}"#)
        let update = try #require(updatedEvents.first)
        #expect(update.record["changed"]?.strings == ["status", "email"])
        #expect(update.record.removing("changed") == updated)

        let contact = try f.run("contact.create", #"{"account_id": 1, "last_name": "Dlamini"}"#)
        let (_, consentEvents) = try f.runWithEvents("contact.consent",
                                                     #"{"contact_id": 1, "channel": "sms", "status": "opted_out", "source": "STOP reply", "recorded_at": "2026-11-30T10:00:00+02:00"}"#)
        #expect(consentEvents.first?.record == (try args(#"""
            {"contact_id": 1, "account_id": 1, "channel": "sms", "status": "opted_out", "recorded_at": "2026-11-30T08:00:00Z", "source": "STOP reply"}
            """#)))
        #expect(try f.events().first(where: { $0.type == "contact.created" })?.record == contact.removing("replayed"))

        let (logged, loggedEvents) = try f.runWithEvents("interaction.log", #"{"account_id": 1, "kind": "email", "occurred_at": "\#(epochText)"}"#)
        #expect(loggedEvents.first?.record == logged.removing("replayed"))

        let (archived, archivedEvents) = try f.runWithEvents("account.archive", #"{"id": 1}"#)
        #expect(archivedEvents.first?.record == archived)
    }

    @Test func aFailingCommandWritesNoEventAndNoChange() throws {
        let f = try Fixture()
        let account = try f.account("A")
        let contact = try f.contact(account)
        let other = try f.account("B")
        let full = (1...100).map { "\"k\($0)\": \"v\"" }.joined(separator: ", ")
        try f.run("contact.preferences", #"{"contact_id": \#(contact), "set": {\#(full)}}"#)
        let events = try f.outboxCount()
        let snapshot = try ["accounts", "contacts", "interactions", "contact_consents", "contact_preferences", "crm_external_refs"].map { try f.rows($0) }
        let failures: [(String, String)] = [
            ("account.create", #"{"name": "C", "email": "broken"}"#),
            ("account.create", #"{"name": "C", "source": "ledger", "external_ref": "X", "nmae": "typo"}"#),
            ("account.update", #"{"id": \#(account), "expected_version": 7, "name": "Z"}"#),
            ("account.update", #"{"id": \#(account), "parent_account_id": \#(account)}"#),
            ("contact.create", #"{"account_id": 99, "last_name": "X"}"#),
            ("contact.preferences", #"{"contact_id": \#(contact), "set": {"k1": "changed", "extra": "v"}}"#),
            ("contact.consent", #"{"contact_id": \#(contact), "channel": "email", "status": "opted_in"}"#),
            ("interaction.log", #"{"account_id": \#(other), "contact_id": \#(contact), "kind": "call", "occurred_at": "\#(epochText)"}"#),
            ("account.merge", #"{"survivor_id": \#(account), "merged_id": \#(account)}"#),
            ("account.merge", #"{"survivor_id": \#(account), "merged_id": 42}"#),
        ]
        for (command, text) in failures {
            let error = thrownCRMError { try f.runWithEvents(command, text) }
            #expect(error != nil, "\(command) \(text) should fail")
            #expect(try f.outboxCount() == events, "\(command) \(text) wrote an event")
        }
        #expect(try ["accounts", "contacts", "interactions", "contact_consents", "contact_preferences", "crm_external_refs"].map { try f.rows($0) } == snapshot)
        #expect(try f.run("contact.get", #"{"id": \#(contact)}"#)["preferences"]?["k1"] == .string("v"))
        #expect(try f.run("account.get", #"{"id": \#(account)}"#)["version"] == .integer(1))
    }

    @Test func readsWriteNoEvents() throws {
        let f = try Fixture()
        let account = try f.account("A", #""email": "a@b.test""#)
        let contact = try f.contact(account)
        try f.interaction(account)
        let before = try f.outboxCount()
        for (command, text) in [("account.get", #"{"id": 1}"#), ("account.list", "{}"), ("account.search", #"{"query": "a"}"#),
                                ("account.duplicates", "{}"), ("contact.get", #"{"id": \#(contact)}"#), ("contact.list", "{}"),
                                ("contact.consent_history", #"{"contact_id": \#(contact)}"#), ("interaction.get", #"{"id": 1}"#),
                                ("interaction.list", "{}")] {
            let (_, events) = try f.runWithEvents(command, text)
            #expect(events.isEmpty, "\(command)")
        }
        #expect(try f.outboxCount() == before)
    }

    @Test func aRolledBackHostTransactionLeavesNeitherChangeNorEvent() throws {
        let f = try Fixture()
        try f.account("Kept")
        try f.store.beginTransaction()
        let (_, inside) = try f.runWithEvents("account.create", #"{"name": "Dropped"}"#)
        #expect(inside.isEmpty)
        try f.run("account.update", #"{"id": 1, "name": "Renamed"}"#)
        try f.store.rollbackTransaction()
        #expect(try f.rows("accounts") == 1)
        #expect(try f.eventTypes() == ["account.created"])
        #expect(try f.run("account.get", #"{"id": 1}"#)["name"] == .string("Kept"))
    }

    @Test func aCommittedHostTransactionDeliversItsEventsInOrder() throws {
        let f = try Fixture()
        try f.store.beginTransaction()
        try f.run("account.create", #"{"name": "A"}"#)
        // A call refused on its input leaves the transaction as it was.
        expectCRMError(.invalid, "email") { try f.run("account.create", #"{"name": "B", "email": "x"}"#) }
        try f.run("contact.create", #"{"account_id": 1, "last_name": "Dlamini"}"#)
        let events = try f.store.commitTransaction()
        #expect(events.map(\.type) == ["account.created", "contact.created"])
        #expect(try f.eventTypes() == ["account.created", "contact.created"])
        #expect(try f.rows("accounts") == 1)
    }

    @Test func eventsAreKeptInTheFile() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("crm.db").path
            do {
                let f = try Fixture(path: path)
                try f.account("A")
                try f.run("account.update", #"{"id": 1, "status": "active"}"#)
            }
            let f = try Fixture(path: path)
            let events = try f.events()
            #expect(events.map(\.type) == ["account.created", "account.updated"])
            #expect(events.last?.record["status"] == .string("active"))
            #expect(try f.store.connection.rows("SELECT type FROM crm_events ORDER BY seq") { $0.text(0) } == ["account.created", "account.updated"])
        }
    }
}
