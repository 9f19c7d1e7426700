import Testing
@testable import CRMAccounts
import CRMStore

/// contact.export and contact.erase: a data subject's request to see, and
/// to remove, what the CRM holds about them.
@Suite("Personal data")
struct PersonalDataTests {
    /// An account with one contact who has consent, preferences, interactions
    /// (one with a host reference) and a host reference of their own.
    private func setUp() throws -> (Fixture, account: Int64, contact: Int64) {
        let f = try Fixture()
        let account = try f.account("Karoo Farm Supplies")
        let contact = try f.contact(account, "Dlamini", #""first_name": "Thandi", "email": "thandi.dlamini@example.co.za", "phone": "082 555 0101", "role": "buyer", "source": "ledger", "external_ref": "CT-7", "address": {"line1": "12 Kloof Street", "city": "Cape Town"}"#)
        try f.run("contact.consent", "{\"contact_id\": \(contact), \"channel\": \"email\", \"status\": \"opted_in\", \"source\": \"call with Thandi\"}")
        try f.run("contact.consent", "{\"contact_id\": \(contact), \"channel\": \"sms\", \"status\": \"opted_out\", \"source\": \"web form\"}")
        try f.run("contact.preferences", "{\"contact_id\": \(contact), \"set\": {\"brand\": \"Makita\", \"size\": \"XL\"}}")
        try f.interaction(account, kind: "call", "\"contact_id\": \(contact), \"subject\": \"Thandi's order\", \"body\": \"Thandi asked for the tractor parts\"")
        try f.interaction(account, kind: "visit", "\"contact_id\": \(contact), \"subject\": \"Farm visit\", \"source\": \"ledger\", \"external_ref\": \"IN-1\"")
        try f.interaction(account, kind: "note", "\"subject\": \"Account review\"")
        return (f, account, contact)
    }

    @Test func exportHandsOverEverythingHeldAboutTheContact() throws {
        let (f, _, contact) = try setUp()
        let export = try f.run("contact.export", "{\"id\": \(contact)}")
        #expect(export["contact"]?["email"] == .string("thandi.dlamini@example.co.za"))
        #expect(export["contact"]?["preferences"]?["brand"] == .string("Makita"))
        guard case .array(let history)? = export["consent_history"], case .array(let interactions)? = export["interactions"],
              case .array(let events)? = export["events"] else {
            Issue.record("export is missing a list")
            return
        }
        #expect(history.map { $0["source"] } == [.string("call with Thandi"), .string("web form")])
        // Only the interactions that name the contact.
        #expect(interactions.map { $0["subject"] } == [.string("Thandi's order"), .string("Farm visit")])
        #expect(events.compactMap { $0["type"]?.text } == [
            "contact.created", "consent.changed", "consent.changed", "contact.updated", "interaction.logged", "interaction.logged",
        ])
        #expect(export["exported_at"] == .string(epochText))
        // Found by the host's reference too.
        #expect(try f.run("contact.export", #"{"source": "ledger", "external_ref": "CT-7"}"#)["contact"]?["id"] == .integer(contact))
    }

    @Test func eraseRemovesThePersonEverywhereAndKeepsTheShapeOfTheHistory() throws {
        let (f, account, contact) = try setUp()
        let (erased, events) = try f.runWithEvents("contact.erase", "{\"id\": \(contact)}")
        #expect(erased["erased"] == .bool(true))
        #expect(erased["erased_at"] == .string(epochText))
        #expect(erased["archived"] == .bool(true))
        #expect(erased["account_id"] == .integer(account))
        for field in ["first_name", "role", "email", "phone", "mobile", "address", "preferred_channel"] {
            #expect(erased[field] == .null, "\(field) was kept")
        }
        #expect(erased["last_name"] == .string(""))
        #expect(erased["preferences"] == .object([]))
        #expect(erased["external_refs"] == .array([]))
        // Consent keeps what was agreed, not where it was said.
        #expect(erased["consent"]?["email"]?["status"] == .string("opted_in"))
        #expect(erased["consent"]?["email"]?["source"] == .string("erased"))
        #expect(events.map(\.type) == ["contact.erased"])
        #expect(events.first?.record == .object([("id", .integer(contact)), ("account_id", .integer(account)), ("erased_at", .string(epochText))]))

        // Not found by the host's reference nor by e-mail any more.
        expectCRMError(.notFound) { try f.run("contact.get", #"{"source": "ledger", "external_ref": "CT-7"}"#) }
        guard case .array(let byEmail)? = try f.run("contact.list", #"{"email": "thandi.dlamini@example.co.za", "include_archived": true}"#)["items"] else {
            Issue.record("no items")
            return
        }
        #expect(byEmail.isEmpty)
        // The account's history keeps the interactions, without their content.
        guard case .array(let history)? = try f.run("interaction.list", "{\"account_id\": \(account)}")["items"] else {
            Issue.record("no items")
            return
        }
        #expect(history.map { $0["kind"] } == [.string("call"), .string("visit"), .string("note")])
        #expect(history.map { $0["subject"] } == [.null, .null, .string("Account review")])
        #expect(history.map { $0["body"] } == [.null, .null, .null])

        // No copy of the person survives in the outbox or the replay store.
        for text in try f.store.connection.rows("SELECT record_json FROM crm_events", [], { $0.text(0) })
            + (try f.store.connection.rows("SELECT request_json FROM crm_external_refs", [], { $0.text(0) })) {
            for secret in ["Thandi", "thandi", "082 555", "Kloof", "buyer", "Makita", "tractor", "call with"] {
                #expect(!text.contains(secret), "\(secret) survives in \(text.prefix(120))")
            }
        }
        // Replaying the erased interaction's import is a conflict, not a resurrection of its text.
        expectCRMError(.conflict) {
            try f.run("interaction.log", "{\"account_id\": \(account), \"kind\": \"visit\", \"occurred_at\": \"\(epochText)\", \"contact_id\": \(contact), \"subject\": \"Farm visit\", \"source\": \"ledger\", \"external_ref\": \"IN-1\"}")
        }
    }

    @Test func anErasedContactTakesNoMoreChanges() throws {
        let (f, account, contact) = try setUp()
        try f.run("contact.erase", "{\"id\": \(contact)}")
        let outboxBefore = try f.outboxCount()
        // Erasing again changes nothing and announces nothing.
        #expect(try f.run("contact.erase", "{\"id\": \(contact)}")["version"] == f.run("contact.get", "{\"id\": \(contact)}")["version"])
        #expect(try f.outboxCount() == outboxBefore)
        expectCRMError(.constraint, "was erased") { try f.run("contact.update", "{\"id\": \(contact), \"first_name\": \"Thandi\"}") }
        expectCRMError(.constraint, "was erased") {
            try f.run("contact.consent", "{\"contact_id\": \(contact), \"channel\": \"email\", \"status\": \"opted_out\", \"source\": \"x\"}")
        }
        expectCRMError(.constraint, "was erased") { try f.run("contact.preferences", "{\"contact_id\": \(contact), \"set\": {\"a\": \"b\"}}") }
        expectCRMError(.constraint, "was erased") {
            try f.interaction(account, kind: "call", "\"contact_id\": \(contact)")
        }
        expectCRMError(.notFound) { try f.run("contact.erase", #"{"id": 999}"#) }
        // The reference is free: the host may import the person anew.
        let again = try f.contact(account, "Dlamini", #""source": "ledger", "external_ref": "CT-7""#)
        #expect(again != contact)
    }

    /// Erasure blanks the person's fields in the outbox's past events and
    /// leaves the rest of the history as it was: versions, flags, the
    /// `changed` lists, the event types and their order.
    @Test func erasureKeepsTheHistoryOfTheOutboxAndBlanksOnlyThePerson() throws {
        let (f, _, contact) = try setUp()
        try f.run("contact.update", "{\"id\": \(contact), \"role\": \"owner\"}")
        func contactEvents() throws -> [(type: String, record: JSONValue)] {
            try f.store.connection.rows(
                "SELECT type, record_json FROM crm_events WHERE type LIKE 'contact.%' AND type <> 'contact.erased' ORDER BY seq", []
            ) { ($0.text(0), try args($0.text(1))) }
        }
        let before = try contactEvents()
        try f.run("contact.erase", "{\"id\": \(contact)}")
        let after = try contactEvents()
        #expect(after.map(\.type) == before.map(\.type))
        #expect(after.map(\.type) == ["contact.created", "contact.updated", "contact.updated"])
        for (old, new) in zip(before, after) {
            for kept in ["id", "account_id", "version", "archived", "archived_at", "erased", "erased_at", "changed", "created_at", "updated_at"] {
                #expect(new.record[kept] == old.record[kept], "\(old.type): \(kept) changed")
            }
            for blanked in ["first_name", "last_name", "role", "email", "phone", "mobile", "address", "preferences", "external_refs"] {
                #expect(new.record[blanked] == .null, "\(old.type): \(blanked) kept")
            }
            #expect(new.record["consent"]?["email"]?["status"] == old.record["consent"]?["email"]?["status"])
        }
        #expect(after.last?.record["changed"] == .array([.string("role")]))
        #expect(after.last?.record["erased"] == .bool(false))
        // Consent events keep channel, status and date; only the source goes.
        let consent = try f.store.connection.rows(
            "SELECT record_json FROM crm_events WHERE type = 'consent.changed' ORDER BY seq", []) { try args($0.text(0)) }
        #expect(consent.map { $0["channel"] } == [.string("email"), .string("sms")])
        #expect(consent.map { $0["source"] } == [.string("erased"), .string("erased")])
    }
}
