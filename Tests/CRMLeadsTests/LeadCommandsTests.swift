import Testing
@testable import CRMLeads
import CRMStore

@Suite("lead commands")
struct LeadCommandsTests {
    @Test func aLeadIsCapturedWithWhereItCameFrom() throws {
        let f = try LeadsFixture()
        let referrer = try #require(try f.run("account.create", #"{"name": "Bester Hardware"}"#)["id"]?.int)
        let (lead, events) = try f.runWithEvents("lead.create", """
            {"first_name": "Naledi", "last_name": "Khumalo", "company": "Khumalo Roofing", "email": "Naledi@KhumaloRoofing.example",
             "phone": "082 555 0142", "region": "Gauteng", "interest": "IBR sheeting for a warehouse", "estimated_value_minor": 18500000,
             "currency": "ZAR", "owner": "thabo", "source_channel": "referral", "campaign": "spring-2027",
             "referred_by_account_id": \(referrer), "source": "web-form", "external_ref": "WF-1001"}
            """)
        #expect(lead["status"]?.text == "new")
        #expect(lead["source_channel"]?.text == "referral")
        #expect(lead["referred_by_account_id"]?.int == referrer)
        #expect(lead["estimated_value_minor"]?.int == 18_500_000)
        #expect(lead["replayed"] == .bool(false))
        #expect(lead["duplicates"]?.array == [])
        #expect(lead["version"]?.int == 1)
        #expect(events.map(\.type) == ["lead.created"])
        // The same capture again is a replay, another content a conflict naming the field.
        let again = try f.run("lead.create", """
            {"first_name": "Naledi", "last_name": "Khumalo", "company": "Khumalo Roofing", "email": "Naledi@KhumaloRoofing.example",
             "phone": "082 555 0142", "region": "Gauteng", "interest": "IBR sheeting for a warehouse", "estimated_value_minor": 18500000,
             "currency": "ZAR", "owner": "thabo", "source_channel": "referral", "campaign": "spring-2027",
             "referred_by_account_id": \(referrer), "source": "web-form", "external_ref": "WF-1001"}
            """)
        #expect(again["replayed"] == .bool(true))
        #expect(again["id"] == lead["id"])
        expectCRMError(.conflict, "different region", "lead.update") {
            try f.run("lead.create", """
                {"first_name": "Naledi", "last_name": "Khumalo", "company": "Khumalo Roofing", "email": "Naledi@KhumaloRoofing.example",
                 "phone": "082 555 0142", "region": "Limpopo", "interest": "IBR sheeting for a warehouse", "estimated_value_minor": 18500000,
                 "currency": "ZAR", "owner": "thabo", "source_channel": "referral", "campaign": "spring-2027",
                 "referred_by_account_id": \(referrer), "source": "web-form", "external_ref": "WF-1001"}
                """)
        }
        #expect(try f.run("lead.get", #"{"source": "web-form", "external_ref": "WF-1001"}"#)["id"] == lead["id"])
    }

    @Test func badInputNamesTheFieldAndWritesNothing() throws {
        let f = try LeadsFixture()
        let before = try f.rows("crm_events")
        expectCRMError(.invalid, "at least one of last_name, company, email or phone") { try f.run("lead.create", #"{"first_name": "Ann"}"#) }
        expectCRMError(.invalid, "email") { try f.run("lead.create", #"{"email": "not-an-address"}"#) }
        expectCRMError(.invalid, "currency", "XYZ") { try f.run("lead.create", #"{"company": "X", "currency": "XYZ"}"#) }
        expectCRMError(.invalid, "source_channel") { try f.run("lead.create", #"{"company": "X", "source_channel": "fax"}"#) }
        expectCRMError(.range, "estimated_value_minor") { try f.run("lead.create", #"{"company": "X", "estimated_value_minor": -1}"#) }
        expectCRMError(.notFound, "referred_by_account_id 99") { try f.run("lead.create", #"{"company": "X", "referred_by_account_id": 99}"#) }
        expectCRMError(.invalid, "unknown field", "nmae") { try f.run("lead.create", #"{"company": "X", "nmae": "y"}"#) }
        #expect(try f.rows("leads") == 0)
        #expect(try f.rows("crm_events") == before)
    }

    @Test func theLifecycleIsKeptAndIllegalMovesNameBothStates() throws {
        let f = try LeadsFixture()
        let id = try f.lead(#""company": "Karoo Farm Supplies""#)
        try f.run("lead.transition", "{\"id\": \(id), \"to\": \"contacted\", \"performed_by\": \"thabo\"}")
        f.clock.advance(seconds: 86_400)
        expectCRMError(.constraint, "from contacted to new") { try f.run("lead.transition", "{\"id\": \(id), \"to\": \"new\"}") }
        expectCRMError(.constraint, "is contacted already") { try f.run("lead.transition", "{\"id\": \(id), \"to\": \"contacted\"}") }
        expectCRMError(.constraint, "lead.convert") { try f.run("lead.transition", "{\"id\": \(id), \"to\": \"converted\"}") }
        expectCRMError(.invalid, "reason is required") { try f.run("lead.transition", "{\"id\": \(id), \"to\": \"disqualified\"}") }
        let qualified = try f.run("lead.transition", "{\"id\": \(id), \"to\": \"qualified\"}")
        #expect(qualified["status"]?.text == "qualified")
        #expect(qualified["version"]?.int == 3)
        let (dropped, events) = try f.runWithEvents("lead.transition", "{\"id\": \(id), \"to\": \"disqualified\", \"reason\": \"no budget this year\"}")
        #expect(dropped["status_reason"]?.text == "no budget this year")
        #expect(events.map(\.type) == ["lead.transitioned"])
        #expect(events.first?.record["transition"]?["from"]?.text == "qualified")
        expectCRMError(.constraint, "from disqualified to qualified") { try f.run("lead.transition", "{\"id\": \(id), \"to\": \"qualified\"}") }
        try f.run("lead.transition", "{\"id\": \(id), \"to\": \"new\", \"reason\": \"budget approved\"}")
        let history = try f.run("lead.history", "{\"id\": \(id)}").items
        #expect(history.map { $0["to"]?.text } == ["new", "contacted", "qualified", "disqualified", "new"])
        #expect(history.map { $0["from"]?.text } == [nil, "new", "contacted", "qualified", "disqualified"])
        #expect(history[1]["performed_by"]?.text == "thabo")
        #expect(history[1]["occurred_at"]?.text == "2026-12-01T09:30:00Z")
        #expect(history[2]["occurred_at"]?.text == "2026-12-02T09:30:00Z")
        expectCRMError(.conflict, "expected_version 1 is stale") {
            try f.run("lead.transition", "{\"id\": \(id), \"to\": \"contacted\", \"expected_version\": 1}")
        }
    }

    @Test func updatesBumpTheVersionAndSayWhatChanged() throws {
        let f = try LeadsFixture()
        let id = try f.lead(#""last_name": "Pillay", "owner": "thabo""#)
        let (updated, events) = try f.runWithEvents("lead.update", "{\"id\": \(id), \"owner\": \"zanele\", \"region\": \"KZN\", \"expected_version\": 1}")
        #expect(updated["version"]?.int == 2)
        #expect(events.first?.record["changed"] == .array([.string("region"), .string("owner")]))
        let (same, none) = try f.runWithEvents("lead.update", "{\"id\": \(id), \"owner\": \"zanele\"}")
        #expect(same["version"]?.int == 2)
        #expect(none.isEmpty)
        expectCRMError(.conflict, "stale") { try f.run("lead.update", "{\"id\": \(id), \"owner\": \"x\", \"expected_version\": 1}") }
        expectCRMError(.notFound, "lead 42") { try f.run("lead.update", #"{"id": 42, "owner": "x"}"#) }
    }

    @Test func listsPageAndFilter() throws {
        let f = try LeadsFixture()
        for number in 1...5 { try f.lead("\"company\": \"Company \(number)\", \"source_channel\": \"\(number % 2 == 0 ? "web" : "walk_in")\"") }
        let first = try f.run("lead.list", #"{"limit": 2}"#)
        #expect(first.items.compactMap { $0["id"]?.int } == [1, 2])
        let second = try f.run("lead.list", "{\"limit\": 2, \"cursor\": \(JSONWriter.string(first["next_cursor"] ?? .null))}")
        #expect(second.items.compactMap { $0["id"]?.int } == [3, 4])
        #expect(try f.run("lead.list", #"{"source_channel": "web"}"#).items.compactMap { $0["id"]?.int } == [2, 4])
        expectCRMError(.invalid, "status") { try f.run("lead.list", #"{"status": "won"}"#) }
    }
}

@Suite("lead referrals")
struct LeadReferralTests {
    @Test func aReferringContactCreditsItsAccountAndMustNotBeErased() throws {
        let f = try LeadsFixture()
        let account = try #require(try f.run("account.create", #"{"name": "Bester Hardware"}"#)["id"]?.int)
        let contact = try #require(try f.run("contact.create", "{\"account_id\": \(account), \"last_name\": \"Bester\"}")["id"]?.int)
        let lead = try f.run("lead.create", "{\"company\": \"Ndlovu Builders\", \"source_channel\": \"referral\", \"referred_by_contact_id\": \(contact)}")
        #expect(lead["referred_by_account_id"]?.int == account)
        let other = try #require(try f.run("account.create", #"{"name": "Other Ltd"}"#)["id"]?.int)
        expectCRMError(.invalid, "belongs to account \(account)") {
            try f.run("lead.create", "{\"company\": \"X\", \"referred_by_contact_id\": \(contact), \"referred_by_account_id\": \(other)}")
        }
        try f.run("contact.erase", "{\"id\": \(contact)}")
        expectCRMError(.constraint, "was erased") {
            try f.run("lead.create", "{\"company\": \"Y\", \"referred_by_contact_id\": \(contact)}")
        }
    }
}

@Suite("lead duplicates at capture")
struct LeadDuplicateTests {
    @Test func aCaptureListsTheLeadsAccountsAndContactsItLooksLike() throws {
        let f = try LeadsFixture()
        let account = try #require(try f.run("account.create", #"{"name": "Highveld Roofing (Pty) Ltd", "email": "info@highveld.example"}"#)["id"]?.int)
        let contact = try #require(try f.run("contact.create", "{\"account_id\": \(account), \"last_name\": \"Botha\", \"phone\": \"+27 11 555 0100\"}")["id"]?.int)
        let earlier = try f.lead(#""first_name": "Johan", "last_name": "Botha", "email": "johan@highveld.example""#)
        let lead = try f.run("lead.create", """
            {"first_name": "Johan", "last_name": "Botha", "company": "HIGHVELD ROOFING", "email": "Johan@Highveld.Example", "phone": "011 555 0100"}
            """)
        let duplicates = try #require(lead["duplicates"]?.array)
        #expect(duplicates.map { "\($0["record_type"]?.text ?? "")/\($0["id"]?.int ?? 0)" } == ["lead/\(earlier)", "account/\(account)", "contact/\(contact)"])
        #expect(duplicates[0]["reasons"] == .array([.string("email"), .string("name")]))
        #expect(duplicates[1]["reasons"] == .array([.string("company")]))
        #expect(duplicates[2]["reasons"] == .array([.string("phone")]))
    }

    @Test func underTheRefusePolicyADuplicateWritesNothing() throws {
        let f = try LeadsFixture()
        try f.lead(#""email": "sipho@mokoena.example""#)
        #expect(try f.run("lead.settings")["duplicate_policy"]?.text == "warn")
        let (settings, events) = try f.runWithEvents("lead.configure", #"{"duplicate_policy": "refuse"}"#)
        #expect(settings["duplicate_policy"]?.text == "refuse")
        #expect(events.map(\.type) == ["lead.configured"])
        let before = try f.rows("crm_events")
        expectCRMError(.conflict, "duplicate policy is refuse", "lead 1 (email)") {
            try f.run("lead.create", #"{"email": "SIPHO@mokoena.example"}"#)
        }
        #expect(try f.rows("leads") == 1)
        #expect(try f.rows("crm_events") == before)
        #expect(try f.run("lead.create", #"{"email": "other@mokoena.example"}"#)["duplicates"]?.array == [])
        expectCRMError(.invalid, "duplicate_policy") { try f.run("lead.configure", #"{"duplicate_policy": "ignore"}"#) }
    }

    @Test func aMergeCarriesTheReferralsToTheSurvivor() throws {
        let f = try LeadsFixture()
        let survivor = try #require(try f.run("account.create", #"{"name": "Bester Hardware"}"#)["id"]?.int)
        let merged = try #require(try f.run("account.create", #"{"name": "Bester Hardware CC"}"#)["id"]?.int)
        let lead = try f.lead("\"company\": \"Ndlovu Builders\", \"source_channel\": \"referral\", \"referred_by_account_id\": \(merged)")
        let (_, events) = try f.runWithEvents("account.merge", "{\"survivor_id\": \(survivor), \"merged_id\": \(merged)}")
        #expect(try f.run("lead.get", "{\"id\": \(lead)}")["referred_by_account_id"]?.int == survivor)
        #expect(events.first?.record["moved"]?["referred_leads"]?.int == 1)
    }

    @Test func aRefusedCallInsideAHostTransactionLeavesItUsable() throws {
        let f = try LeadsFixture()
        try f.store.beginTransaction()
        try f.lead(#""company": "Inside Ltd""#)
        for command in LeadCommands.all.filter({ $0.access == .write }).map(\.name) {
            // Refused on its input (a missing or unknown field): nothing written.
            expectCRMError(.invalid) { try f.run(command, #"{"misspelt": 1}"#) }
        }
        try f.lead(#""company": "Still Inside Ltd""#)
        let events = try f.store.commitTransaction()
        #expect(events.map(\.type) == ["lead.created", "lead.created"])
        #expect(try f.rows("leads") == 2)
    }
}

@Suite("territories and assignment")
struct TerritoryTests {
    @Test func leadsOfARegionGoToItsRepsInTurn() throws {
        let f = try LeadsFixture()
        let (territory, events) = try f.runWithEvents("territory.set", #"{"region": "Gauteng", "reps": ["Lerato", "Thabo", "Zanele"]}"#)
        #expect(territory["next_rep"]?.text == "Lerato")
        #expect(events.map(\.type) == ["territory.changed"])
        var owners: [String?] = []
        for number in 1...4 {
            owners.append(try f.run("lead.create", "{\"company\": \"Gauteng Lead \(number)\", \"region\": \"Gauteng\"}")["owner"]?.text)
        }
        #expect(owners == ["Lerato", "Thabo", "Zanele", "Lerato"])
        // A named owner is kept, and takes no turn.
        #expect(try f.run("lead.create", #"{"company": "Named", "region": "Gauteng", "owner": "Sipho"}"#)["owner"]?.text == "Sipho")
        #expect(try f.run("lead.create", #"{"company": "Fifth", "region": "Gauteng"}"#)["owner"]?.text == "Thabo")
        // No territory for the region: no owner.
        #expect(try f.run("lead.create", #"{"company": "Coastal", "region": "KZN"}"#)["owner"] == .null)
        // The same list again changes nothing; a new list starts the turn again.
        let (_, none) = try f.runWithEvents("territory.set", #"{"region": "Gauteng", "reps": ["Lerato", "Thabo", "Zanele"]}"#)
        #expect(none.isEmpty)
        try f.run("territory.set", #"{"region": "Gauteng", "reps": ["Zanele"]}"#)
        #expect(try f.run("territory.list").items.map { $0["next_rep"]?.text } == ["Zanele"])
        expectCRMError(.invalid, "twice") { try f.run("territory.set", #"{"region": "Gauteng", "reps": ["A", "A"]}"#) }
        expectCRMError(.invalid, "reps is required") { try f.run("territory.set", #"{"region": "Gauteng"}"#) }
    }

    @Test func assignGivesALeadToANamedRepOrTheNextInTurn() throws {
        let f = try LeadsFixture()
        let id = try f.lead(#""company": "Karoo Farm Supplies", "region": "Northern Cape""#)
        expectCRMError(.constraint, "no territory") { try f.run("lead.assign", "{\"id\": \(id)}") }
        try f.run("territory.set", #"{"region": "Northern Cape", "reps": ["Anele", "Ruan"]}"#)
        let (assigned, events) = try f.runWithEvents("lead.assign", "{\"id\": \(id)}")
        #expect(assigned["owner"]?.text == "Anele")
        #expect(events.map(\.type) == ["lead.assigned"])
        #expect(events.first?.record["previous_owner"] == .null)
        let renamed = try f.run("lead.assign", "{\"id\": \(id), \"owner\": \"Ruan\"}")
        #expect(renamed["owner"]?.text == "Ruan")
        #expect(renamed["version"]?.int == 3)
        try f.run("lead.transition", "{\"id\": \(id), \"to\": \"disqualified\", \"reason\": \"duplicate enquiry\"}")
        expectCRMError(.constraint, "only open leads") { try f.run("lead.assign", "{\"id\": \(id), \"owner\": \"Anele\"}") }
    }
}
