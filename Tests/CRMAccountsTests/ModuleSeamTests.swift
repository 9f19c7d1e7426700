import Testing
import CRMAccounts
import CRMStore
import CRMTestSupport

/// A module written after the accounts module and unknown to it: warranty
/// cards a workshop registers for a customer's machine, naming the person
/// who owns it. It declares its schema, command, record type, account link
/// and personal data the way a real module does, and nothing more.
enum WarrantyCards {
    static let module = Module(
        name: "warranty-cards",
        migrationIDs: 900...999,
        migrations: [Migration("0901-warranty-cards", [
            """
            CREATE TABLE warranty_cards (
                id INTEGER PRIMARY KEY NOT NULL,
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                contact_id BIGINT REFERENCES contacts (id),
                serial_number TEXT NOT NULL,
                owner_name TEXT,
                owner_phone TEXT
            )
            """,
        ])],
        commands: [Command("warranty_card.register", .write, register)],
        recordTypes: ["warranty_card"],
        accountLinks: [.column("warranty_cards", table: "warranty_cards", column: "account_id")],
        personalData: [PersonalData(
            "warranty_cards",
            events: [PersonalEvents(types: ["warranty_card.registered"], contactField: "contact_id", fields: ["owner_name", "owner_phone"])],
            references: [PersonalReferences(recordType: "warranty_card",
                                            recordsOfContact: "SELECT w.id FROM warranty_cards w WHERE w.contact_id = ?",
                                            fields: ["owner_name", "owner_phone"])],
            export: { store, contactID in
                .array(try store.connection.rows(
                    "SELECT id, account_id, contact_id, serial_number, owner_name, owner_phone FROM warranty_cards WHERE contact_id = ? ORDER BY id",
                    [.integer(contactID)], card))
            },
            erase: { store, contactID in
                try store.connection.run("UPDATE warranty_cards SET owner_name = NULL, owner_phone = NULL WHERE contact_id = ?",
                                         [.integer(contactID)])
            })])

    static func card(_ row: Row) -> JSONValue {
        .object([
            ("id", .integer(row.integer(0))), ("account_id", .integer(row.integer(1))),
            ("contact_id", .integer(row.optionalInteger(2))), ("serial_number", .string(row.text(3))),
            ("owner_name", .string(row.optionalText(4))), ("owner_phone", .string(row.optionalText(5))),
        ])
    }

    static func register(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let reference = try ExternalReference.read(&arguments)
        guard let accountID = try arguments.id("account_id").value else { throw CRMError.invalid("\(arguments.context): account_id is required") }
        let contactID = try arguments.id("contact_id").value
        let serial = try arguments.requiredString("serial_number", length: 1...100)
        let ownerName = try arguments.string("owner_name", length: 1...100).value
        let ownerPhone = try arguments.string("owner_phone", length: 1...50).value
        try arguments.finish()
        var id: Int64 = 0
        func json(_ references: [ExternalReference]) -> JSONValue {
            .object([
                ("id", .integer(id)), ("account_id", .integer(accountID)), ("contact_id", .integer(contactID)),
                ("serial_number", .string(serial)), ("owner_name", .string(ownerName)), ("owner_phone", .string(ownerPhone)),
                ("external_refs", .array(references.map(\.json))),
            ])
        }
        return try store.create("warranty_card", event: "warranty_card.registered", reference: reference, content: json([]),
                                context: arguments.context, update: nil, load: { found in
            guard let card = try store.connection.row(
                "SELECT id, account_id, contact_id, serial_number, owner_name, owner_phone FROM warranty_cards WHERE id = ?",
                [.integer(found)], card) else { throw CRMError.notFound("warranty card \(found) not found") }
            return card
        }) {
            id = try store.nextID("warranty_cards")
            try store.connection.run(
                "INSERT INTO warranty_cards (id, account_id, contact_id, serial_number, owner_name, owner_phone) VALUES (?, ?, ?, ?, ?, ?)",
                [.integer(id), .integer(accountID), .integer(contactID), .text(serial), .text(ownerName), .text(ownerPhone)])
            return id
        } record: { json($0) }
    }
}

/// Merge, export, erasure and find-by-reference reach a module they were
/// not written for, through what the module declares.
@Suite("The module seam")
struct ModuleSeamTests {
    private func setUp() throws -> (Fixture, merged: Int64, survivor: Int64, contact: Int64) {
        let f = try Fixture(modules: Modules([AccountsModule.module, WarrantyCards.module]))
        let survivor = try f.account("Bester Hardware")
        let merged = try f.account("Bester Hardware (Pty) Ltd")
        let contact = try f.contact(merged, "Mokoena", #""first_name": "Sipho""#)
        try f.run("warranty_card.register", """
            {"account_id": \(merged), "contact_id": \(contact), "serial_number": "HX-2041", "owner_name": "Sipho Mokoena",
             "owner_phone": "083 555 0199", "source": "workshop", "external_ref": "WC-1"}
            """)
        try f.run("warranty_card.register", #"{"account_id": \#(merged), "serial_number": "HX-2042"}"#)
        return (f, merged, survivor, contact)
    }

    @Test func mergeMovesTheRowsOfAModuleAddedLater() throws {
        let (f, merged, survivor, _) = try setUp()
        let (_, events) = try f.runWithEvents("account.merge", "{\"survivor_id\": \(survivor), \"merged_id\": \(merged)}")
        #expect(try f.store.connection.integer("SELECT count(*) FROM warranty_cards WHERE account_id = ?", [.integer(survivor)]) == 2)
        #expect(try f.store.connection.integer("SELECT count(*) FROM warranty_cards WHERE account_id = ?", [.integer(merged)]) == 0)
        #expect(events.first?.record["moved"]?["warranty_cards"] == .integer(2))
        #expect(events.first?.record["moved"]?["contacts"] == .integer(1))
    }

    @Test func exportAndErasureReachTheModulesTableOutboxAndReplayCopies() throws {
        let (f, _, _, contact) = try setUp()
        let export = try f.run("contact.export", "{\"id\": \(contact)}")
        guard case .array(let cards)? = export["warranty_cards"] else {
            Issue.record("no warranty cards in the export")
            return
        }
        #expect(cards.map { $0["owner_name"] } == [.string("Sipho Mokoena")])
        guard case .array(let events)? = export["events"] else {
            Issue.record("no events in the export")
            return
        }
        #expect(events.compactMap { $0["type"]?.text } == ["contact.created", "warranty_card.registered"])

        try f.run("contact.erase", "{\"id\": \(contact)}")
        let card = try f.store.connection.row("SELECT serial_number, owner_name, owner_phone FROM warranty_cards WHERE contact_id = ?",
                                              [.integer(contact)]) { ($0.text(0), $0.optionalText(1), $0.optionalText(2)) }
        #expect(card?.0 == "HX-2041")
        #expect(card?.1 == nil && card?.2 == nil)
        let texts = try f.store.connection.rows("SELECT record_json FROM crm_events", []) { $0.text(0) }
            + (try f.store.connection.rows("SELECT request_json FROM crm_external_refs", []) { $0.text(0) })
        for text in texts {
            #expect(!text.contains("Sipho") && !text.contains("083 555"), "the person survives in \(text.prefix(120))")
        }
        // The rest of the module's history stays: the serial number, in the outbox and in the replay copy.
        let registered = try f.store.connection.row(
            "SELECT record_json FROM crm_events WHERE type = 'warranty_card.registered' ORDER BY seq", []) { try args($0.text(0)) }
        #expect(registered?["serial_number"] == .string("HX-2041"))
        #expect(registered?["owner_name"] == .null)
        #expect(texts.filter { $0.contains("HX-2041") }.count == 2)
    }

    @Test func findByReferenceAnswersForEveryDeclaredRecordType() throws {
        let (f, merged, _, _) = try setUp()
        let id = try f.store.recordID("warranty_card", reference: ExternalReference(source: "workshop", externalRef: "WC-1"),
                                      context: "crm_find_by_ref")
        #expect(id == 1)
        #expect(try f.store.connection.integer("SELECT account_id FROM warranty_cards WHERE id = 1") == merged)
        expectCRMError(.invalid, "account, contact, interaction, warranty_card") {
            try f.store.recordID("invoice", reference: ExternalReference(source: "a", externalRef: "b"), context: "crm_find_by_ref")
        }
        expectCRMError(.notFound, "no warranty_card") {
            try f.store.recordID("warranty_card", reference: ExternalReference(source: "workshop", externalRef: "WC-9"), context: "x")
        }
        // Replay by reference works for the new module as for accounts.
        let again = try f.run("warranty_card.register", """
            {"account_id": \(merged), "contact_id": 1, "serial_number": "HX-2041", "owner_name": "Sipho Mokoena",
             "owner_phone": "083 555 0199", "source": "workshop", "external_ref": "WC-1"}
            """)
        #expect(again["replayed"] == .bool(true))
        #expect(again["id"] == .integer(1))
    }
}
