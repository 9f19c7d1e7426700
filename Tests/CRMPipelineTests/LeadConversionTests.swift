import Testing
import CRMStore

/// `lead.convert` lives in the leads module; it needs the accounts and the
/// pipeline modules to make its records, so its tests run here, where all
/// three are registered.
@Suite("lead conversion")
struct LeadConversionTests {
    /// A lead worked up to qualified; its id.
    func qualifiedLead(_ f: PipelineFixture, _ fields: String) throws -> Int64 {
        let id = try f.make("lead.create", fields)
        try f.run("lead.transition", #"{"id": \#(id), "to": "contacted"}"#)
        try f.run("lead.transition", #"{"id": \#(id), "to": "qualified"}"#)
        return id
    }

    static let naledi = """
        "first_name": "Naledi", "last_name": "Khumalo", "company": "Khumalo Roofing", "email": "naledi@khumaloroofing.example",
        "phone": "082 555 0142", "region": "Gauteng", "interest": "IBR sheeting for a warehouse", "estimated_value_minor": 18500000,
        "owner": "thabo", "source_channel": "web", "campaign": "spring-2027"
        """

    @Test func aQualifiedLeadBecomesAnAccountAContactAndAnOpportunity() throws {
        let f = try PipelineFixture()
        let lead = try qualifiedLead(f, Self.naledi)
        let (converted, events) = try f.runWithEvents("lead.convert", #"{"id": \#(lead), "performed_by": "thabo"}"#)
        #expect(events.map(\.type) == ["account.created", "contact.created", "opportunity.created", "lead.converted"])
        #expect(converted["replayed"] == .bool(false))
        #expect(converted["account_created"] == .bool(true))
        let account = try #require(converted["account"])
        #expect(account["name"]?.text == "Khumalo Roofing")
        #expect(account["kind"]?.text == "business")
        #expect(account["region"]?.text == "Gauteng")
        #expect(account["owner"]?.text == "thabo")
        let contact = try #require(converted["contact"])
        #expect(contact["last_name"]?.text == "Khumalo")
        #expect(contact["email"]?.text == "naledi@khumaloroofing.example")
        #expect(contact["account_id"] == account["id"])
        let opportunity = try #require(converted["opportunity"])
        #expect(opportunity["title"]?.text == "IBR sheeting for a warehouse")
        #expect(opportunity["amount_minor"]?.int == 18_500_000)
        #expect(opportunity["lead_id"]?.int == lead)
        #expect(opportunity["contact_id"] == contact["id"])
        #expect(opportunity["source_channel"]?.text == "web")
        #expect(opportunity["campaign"]?.text == "spring-2027")
        #expect(opportunity["owner"]?.text == "thabo")
        // The lead keeps its links and its history shows the conversion.
        let stored = try f.run("lead.get", #"{"id": \#(lead)}"#)
        #expect(stored["status"]?.text == "converted")
        #expect(stored["conversion"]?["account_id"] == account["id"])
        #expect(stored["conversion"]?["opportunity_id"] == opportunity["id"])
        // A page of leads carries the links too.
        #expect(try f.run("lead.list").items.first?["conversion"]?["account_id"] == account["id"])
        let history = try f.run("lead.history", #"{"id": \#(lead)}"#).items
        #expect(history.last?["to"]?.text == "converted")
        #expect(history.last?["from"]?.text == "qualified")
        #expect(history.last?["performed_by"]?.text == "thabo")
    }

    @Test("contact.erase reaches the lead the contact was converted from: name, e-mail and phone leave its row, every lead event, the replay copy and the conversion request; company, value and history stay")
    func erasingTheContactErasesTheLeadItCameFrom() throws {
        let f = try PipelineFixture()
        let lead = try qualifiedLead(f, #""source": "web-form", "external_ref": "WF-1", "# + Self.naledi)
        let other = try f.make("lead.create", #""first_name": "Sipho", "last_name": "Dube", "email": "sipho@dube.example", "source_channel": "web""#)
        let converted = try f.run("lead.convert", #"{"id": \#(lead), "contact": {"mobile": "072 555 0199"}}"#)
        let contactID = try #require(converted["contact"]?["id"]?.int)

        // Before: contact.export hands over the lead and its events.
        let exported = try f.run("contact.export", #"{"id": \#(contactID)}"#)
        #expect(exported["leads"]?.array?.map { $0["id"]?.int } == [lead])
        #expect(exported["leads"]?.array?.first?["email"]?.text == "naledi@khumaloroofing.example")
        let exportedTypes = Set(exported["events"]?.array?.compactMap { $0["type"]?.text } ?? [])
        #expect(exportedTypes.isSuperset(of: ["lead.created", "lead.transitioned", "lead.converted", "contact.created"]), "\(exportedTypes)")

        try f.run("contact.erase", #"{"id": \#(contactID)}"#)
        let stored = try f.run("lead.get", #"{"id": \#(lead)}"#)
        for field in ["first_name", "last_name", "email", "phone"] { #expect(stored[field]?.isNull == true, "\(field): \(stored)") }
        #expect(stored["company"]?.text == "Khumalo Roofing" && stored["estimated_value_minor"]?.int == 18_500_000)
        #expect(stored["status"]?.text == "converted" && stored["conversion"]?["contact_id"]?.int == contactID)
        #expect(try f.run("lead.history", #"{"id": \#(lead)}"#).items.count == 4, "the capture and the transitions stay")

        // Every event of the lead: the person's fields are null, the rest as it was.
        let events = try f.store.connection.rows("SELECT type, record_json FROM crm_events WHERE type LIKE ? ORDER BY seq", [.text("lead.%")]) {
            ($0.text(0), try JSONParser.parse(Array($0.text(1).utf8), what: "event"))
        }
        let ofLead = events.filter { $0.1["id"]?.int == lead }
        #expect(ofLead.map(\.0) == ["lead.created", "lead.transitioned", "lead.transitioned", "lead.converted"])
        for (type, record) in ofLead {
            for field in ["first_name", "last_name", "email", "phone"] { #expect(record[field]?.isNull == true, "\(type).\(field)") }
            #expect(record["company"]?.text == "Khumalo Roofing", "\(type)")
        }
        // Nothing of the person is left in the file's text, but the business account the conversion made, which
        // keeps the e-mail and phone it was given as the business's own (account.update changes them).
        for table in ["crm_events", "crm_external_refs", "lead_conversions", "leads"] {
            let rows = try f.store.connection.integer(
                "SELECT count(*) FROM \(table) WHERE " + (table == "crm_events" ? "type <> 'account.created' AND record_json"
                    : table == "crm_external_refs" ? "request_json" : table == "leads" ? "email" : "request") + " LIKE ?",
                [.text("%naledi%")]) ?? -1
            #expect(rows == 0, "\(table) still names her")
        }
        #expect(try f.store.connection.integer("SELECT count(*) FROM lead_conversions WHERE request LIKE ?", [.text("%072 555 0199%")]) == 0)
        // Another person's lead is untouched.
        #expect(try f.run("lead.get", #"{"id": \#(other)}"#)["email"]?.text == "sipho@dube.example")
        #expect(events.contains { $0.1["id"]?.int == other && $0.1["email"]?.text == "sipho@dube.example" })
    }

    @Test func theSameConversionAgainReturnsTheSameRecords() throws {
        let f = try PipelineFixture()
        let lead = try qualifiedLead(f, Self.naledi)
        let first = try f.run("lead.convert", #"{"id": \#(lead), "opportunity": {"title": "Warehouse roof", "amount_minor": 20000000}}"#)
        let before = try f.rows("crm_events")
        let (again, events) = try f.runWithEvents("lead.convert", #"{"id": \#(lead), "opportunity": {"title": "Warehouse roof", "amount_minor": 20000000}}"#)
        #expect(again["replayed"] == .bool(true))
        #expect(events.isEmpty)
        #expect(try f.rows("crm_events") == before)
        #expect(again["account"]?["id"] == first["account"]?["id"])
        #expect(again["opportunity"]?["id"] == first["opportunity"]?["id"])
        #expect(again["opportunity"]?["amount_minor"]?.int == 20_000_000)
        #expect(try f.rows("accounts") == 1 && f.rows("opportunities") == 1)
        expectCRMError(.conflict, "converted already", "opportunity") {
            try f.run("lead.convert", #"{"id": \#(lead), "opportunity": {"title": "Another roof"}}"#)
        }
    }

    @Test func aMatchedAccountIsUsedAndAReferralIsCredited() throws {
        let f = try PipelineFixture()
        let referrer = try f.make("account.create", #""name": "Bester Hardware""#)
        let existing = try f.make("account.create", #""name": "Khumalo Roofing (Pty) Ltd", "kind": "business""#)
        let contact = try f.make("contact.create", #""account_id": \#(existing), "last_name": "Khumalo", "first_name": "Naledi""#)
        let lead = try qualifiedLead(f, Self.naledi.replacingOccurrences(of: #""source_channel": "web""#, with: #""source_channel": "referral""#)
            + #", "referred_by_account_id": \#(referrer)"#)
        let other = try f.make("lead.create", #""company": "Dube Builders", "source_channel": "referral", "referred_by_account_id": \#(referrer)"#)
        let converted = try f.run("lead.convert", #"{"id": \#(lead), "account_id": \#(existing), "contact_id": \#(contact), "opportunity": null}"#)
        #expect(converted["account_created"] == .bool(false))
        #expect(converted["account"]?["id"]?.int == existing)
        #expect(converted["contact"]?["id"]?.int == contact)
        #expect(converted["opportunity"]?.isNull == true)
        #expect(try f.rows("accounts") == 2 && f.rows("contacts") == 1)
        let referrals = try f.run("lead.referrals", #"{"account_id": \#(referrer)}"#)
        #expect(referrals["referred"]?.int == 2)
        #expect(referrals["converted"]?.int == 1)
        #expect(referrals.items.map { $0["lead_id"]?.int ?? 0 } == [other, lead])
        #expect(referrals.items.last?["customer_account_id"]?.int == existing)
    }

    @Test func theLeadsKindAndSizeBandBecomeTheAccountsAndMatchAccountFindsTheCustomer() throws {
        let f = try PipelineFixture()
        let lead = try qualifiedLead(f, #""company": "Dube Builders", "last_name": "Dube", "kind": "dealer", "size_band": "medium""#)
        let converted = try f.run("lead.convert", #"{"id": \#(lead), "match_account": true}"#)
        #expect(converted["account_created"] == .bool(true), "no account looks like it: a new one")
        #expect(converted["account"]?["kind"]?.text == "dealer")
        #expect(converted["account"]?["size_band"]?.text == "medium")
        // A second enquiry from the same company finds that account.
        let again = try qualifiedLead(f, #""company": "DUBE BUILDERS", "first_name": "Sizwe", "last_name": "Dube""#)
        let matched = try f.run("lead.convert", #"{"id": \#(again), "match_account": true, "contact": null}"#)
        #expect(matched["account_created"] == .bool(false))
        #expect(matched["account"]?["id"] == converted["account"]?["id"])
        #expect(matched["contact"]?.isNull == true)
        #expect(matched["opportunity"]?["account_id"] == converted["account"]?["id"])
        // Two accounts that look like it: the host must choose.
        try f.make("account.create", #""name": "Dube Builders (Pty) Ltd""#)
        let third = try qualifiedLead(f, #""company": "Dube Builders (Pty) Ltd", "last_name": "Dube""#)
        expectCRMError(.conflict, "more than one account", "account_id") {
            try f.run("lead.convert", #"{"id": \#(third), "match_account": true}"#)
        }
        expectCRMError(.invalid, "not both") {
            try f.run("lead.convert", #"{"id": \#(third), "match_account": true, "account_id": 1}"#)
        }
    }

    @Test func badConversionsNameTheProblemAndWriteNothing() throws {
        let f = try PipelineFixture()
        let fresh = try f.make("lead.create", Self.naledi)
        let lead = try qualifiedLead(f, #""company": "Dube Builders", "last_name": "Dube""#)
        let account = try f.make("account.create", #""name": "Someone Else""#)
        let otherContact = try f.make("contact.create", #""account_id": \#(account), "last_name": "Else""#)
        let another = try f.make("account.create", #""name": "Another Customer""#)
        let archived = try f.make("account.create", #""name": "Gone""#)
        try f.run("account.archive", #"{"id": \#(archived)}"#)
        let before = (try f.rows("crm_events"), try f.rows("accounts"), try f.rows("contacts"))
        expectCRMError(.constraint, "cannot go from new to converted") { try f.run("lead.convert", #"{"id": \#(fresh)}"#) }
        expectCRMError(.notFound, "lead 999") { try f.run("lead.convert", #"{"id": 999}"#) }
        expectCRMError(.invalid, "account_id", "not both") { try f.run("lead.convert", #"{"id": \#(lead), "account_id": \#(account), "account": {"name": "x"}}"#) }
        expectCRMError(.invalid, "account must be an object") { try f.run("lead.convert", #"{"id": \#(lead), "account": "x"}"#) }
        expectCRMError(.constraint, "archived") { try f.run("lead.convert", #"{"id": \#(lead), "account_id": \#(archived)}"#) }
        expectCRMError(.invalid, "contact_id \(otherContact) is not a contact of account") {
            try f.run("lead.convert", #"{"id": \#(lead), "account_id": \#(another), "contact_id": \#(otherContact)}"#)
        }
        // A failure in a later part (the opportunity) undoes the account and contact made before it.
        expectCRMError(.range, "lead.convert", "opportunity.create", "amount_minor") {
            try f.run("lead.convert", #"{"id": \#(lead), "opportunity": {"amount_minor": -5}}"#)
        }
        expectCRMError(.invalid, "lead.convert", "account.create", "kind") {
            try f.run("lead.convert", #"{"id": \#(lead), "account": {"kind": "alien"}}"#)
        }
        #expect((try f.rows("crm_events"), try f.rows("accounts"), try f.rows("contacts")) == before)
        #expect(try f.run("lead.get", #"{"id": \#(lead)}"#)["status"]?.text == "qualified")
    }

    @Test func aFailedConversionInsideAHostTransactionLeavesItUsable() throws {
        let f = try PipelineFixture()
        let lead = try qualifiedLead(f, #""company": "Dube Builders", "last_name": "Dube""#)
        try f.store.beginTransaction()
        try f.run("account.create", #"{"name": "Written first"}"#)
        expectCRMError(.range, "amount_minor") { try f.run("lead.convert", #"{"id": \#(lead), "opportunity": {"amount_minor": -5}}"#) }
        let converted = try f.run("lead.convert", #"{"id": \#(lead)}"#)
        let events = try f.store.commitTransaction()
        #expect(events.map(\.type) == ["account.created", "account.created", "contact.created", "opportunity.created", "lead.converted"])
        #expect(converted["account"]?["name"]?.text == "Dube Builders")
        #expect(try f.rows("accounts") == 2)
    }
}
