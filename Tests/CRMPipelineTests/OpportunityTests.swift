import Testing
import CRMPipeline
import CRMStore

@Suite("opportunities and the pipeline")
struct OpportunityTests {
    /// An account for the opportunities; its id.
    func makeAccount(_ f: PipelineFixture, _ name: String = "Khumalo Roofing") throws -> Int64 {
        try f.make("account.create", #""name": "\#(name)", "currency": "ZAR""#)
    }

    @Test func theDefaultPipelineHasItsProbabilities() throws {
        let f = try PipelineFixture()
        let stages = try f.run("pipeline.stages").items
        #expect(stages.map { $0["code"]?.text ?? "" } == ["prospecting", "qualification", "proposal", "negotiation", "won", "lost"])
        #expect(stages.map { $0["probability"]?.int ?? -1 } == [10, 20, 50, 70, 100, 0])
        #expect(stages.map { $0["outcome"]?.text ?? "" } == ["open", "open", "open", "open", "won", "lost"])
    }

    @Test func anOpportunityIsCreatedInTheFirstStageWithItsProbability() throws {
        let f = try PipelineFixture()
        let account = try makeAccount(f)
        let (made, events) = try f.runWithEvents("opportunity.create", """
            {"account_id": \(account), "title": "Warehouse roof", "amount_minor": 18500000, "expected_close_on": "2027-02-28",
             "owner": "thabo", "products": ["IBR sheet 0.5 mm x 400", "Ridge capping x 40"], "competitor": "SteelCo",
             "next_step": "site visit", "source": "erp", "external_ref": "OPP-1"}
            """)
        #expect(made["stage"]?.text == "prospecting")
        #expect(made["probability"]?.int == 10)
        #expect(made["status"]?.text == "open")
        #expect(made["currency"]?.text == "ZAR")
        #expect(made["products"]?.strings == ["IBR sheet 0.5 mm x 400", "Ridge capping x 40"])
        #expect(made["replayed"] == .bool(false))
        #expect(events.map(\.type) == ["opportunity.created"])
        let again = try f.run("opportunity.create", """
            {"account_id": \(account), "title": "Warehouse roof", "amount_minor": 18500000, "expected_close_on": "2027-02-28",
             "owner": "thabo", "products": ["IBR sheet 0.5 mm x 400", "Ridge capping x 40"], "competitor": "SteelCo",
             "next_step": "site visit", "source": "erp", "external_ref": "OPP-1"}
            """)
        #expect(again["replayed"] == .bool(true))
        #expect(again["id"] == made["id"])
        expectCRMError(.conflict, "amount_minor", "opportunity.update") {
            try f.run("opportunity.create", #"{"account_id": \#(account), "title": "Warehouse roof", "amount_minor": 1, "source": "erp", "external_ref": "OPP-1"}"#)
        }
        #expect(try f.run("opportunity.get", #"{"source": "erp", "external_ref": "OPP-1"}"#)["id"] == made["id"])
    }

    @Test func badInputNamesTheFieldAndWritesNothing() throws {
        let f = try PipelineFixture()
        let account = try makeAccount(f)
        let other = try makeAccount(f, "Other")
        let contact = try f.make("contact.create", #""account_id": \#(other), "last_name": "Dube""#)
        let before = try f.rows("crm_events")
        expectCRMError(.invalid, "account_id is required") { try f.run("opportunity.create", #"{"title": "x"}"#) }
        expectCRMError(.invalid, "title is required") { try f.run("opportunity.create", #"{"account_id": \#(account)}"#) }
        expectCRMError(.invalid, "title must not be blank") { try f.run("opportunity.create", #"{"account_id": \#(account), "title": "  "}"#) }
        expectCRMError(.range, "amount_minor") { try f.run("opportunity.create", #"{"account_id": \#(account), "title": "x", "amount_minor": -1}"#) }
        expectCRMError(.invalid, "expected_close_on") {
            try f.run("opportunity.create", #"{"account_id": \#(account), "title": "x", "expected_close_on": "2027-02-30"}"#)
        }
        expectCRMError(.range, "probability") { try f.run("opportunity.create", #"{"account_id": \#(account), "title": "x", "probability": 101}"#) }
        expectCRMError(.invalid, "stage", "'closing'", "prospecting") {
            try f.run("opportunity.create", #"{"account_id": \#(account), "title": "x", "stage": "closing"}"#)
        }
        expectCRMError(.invalid, "stage 'won' closes") { try f.run("opportunity.create", #"{"account_id": \#(account), "title": "x", "stage": "won"}"#) }
        expectCRMError(.notFound, "account_id 999") { try f.run("opportunity.create", #"{"account_id": 999, "title": "x"}"#) }
        expectCRMError(.invalid, "contact_id \(contact) belongs to account \(other)") {
            try f.run("opportunity.create", #"{"account_id": \#(account), "title": "x", "contact_id": \#(contact)}"#)
        }
        expectCRMError(.notFound, "lead_id 77") { try f.run("opportunity.create", #"{"account_id": \#(account), "title": "x", "lead_id": 77}"#) }
        expectCRMError(.invalid, "colour") { try f.run("opportunity.create", #"{"account_id": \#(account), "title": "x", "colour": "red"}"#) }
        #expect(try f.rows("opportunities") == 0)
        #expect(try f.rows("opportunity_stage_changes") == 0)
        #expect(try f.rows("crm_events") == before)
    }

    @Test func movesKeepTheStageHistoryAndWonAndLostNeedAReason() throws {
        let f = try PipelineFixture()
        let account = try makeAccount(f)
        let id = try f.make("opportunity.create", #""account_id": \#(account), "title": "Roof", "amount_minor": 1000000"#)
        f.clock.advance(seconds: 3 * 86_400)
        let (proposal, events) = try f.runWithEvents("opportunity.move", #"{"id": \#(id), "stage": "proposal", "performed_by": "thabo"}"#)
        #expect(proposal["stage"]?.text == "proposal")
        #expect(proposal["probability"]?.int == 50)
        #expect(proposal["version"]?.int == 2)
        #expect(events.map(\.type) == ["opportunity.moved"])
        expectCRMError(.constraint, "in proposal already") { try f.run("opportunity.move", #"{"id": \#(id), "stage": "proposal"}"#) }
        expectCRMError(.invalid, "reason is required", "won") { try f.run("opportunity.move", #"{"id": \#(id), "stage": "won"}"#) }
        expectCRMError(.invalid, "reason is required", "lost") { try f.run("opportunity.move", #"{"id": \#(id), "stage": "lost", "reason": " "}"#) }
        expectCRMError(.invalid, "stage", "'signed'") { try f.run("opportunity.move", #"{"id": \#(id), "stage": "signed"}"#) }
        expectCRMError(.conflict, "version") { try f.run("opportunity.move", #"{"id": \#(id), "stage": "negotiation", "expected_version": 1}"#) }
        f.clock.advance(seconds: 2 * 86_400)
        let (won, wonEvents) = try f.runWithEvents("opportunity.move", #"{"id": \#(id), "stage": "won", "reason": "best lead time"}"#)
        #expect(won["status"]?.text == "won")
        #expect(won["probability"]?.int == 100)
        #expect(won["close_reason"]?.text == "best lead time")
        #expect(won["closed_at"]?.text == "2026-12-06T09:30:00Z")
        #expect(wonEvents.map(\.type) == ["opportunity.won"])
        expectCRMError(.constraint, "cannot go from won to lost", "reopen") {
            try f.run("opportunity.move", #"{"id": \#(id), "stage": "lost", "reason": "cancelled"}"#)
        }
        f.clock.advance(seconds: 86_400)
        let (reopened, reopenEvents) = try f.runWithEvents("opportunity.move", #"{"id": \#(id), "stage": "negotiation", "reason": "order cancelled"}"#)
        #expect(reopened["status"]?.text == "open")
        #expect(reopened["closed_at"]?.isNull == true)
        #expect(reopened["close_reason"]?.isNull == true)
        #expect(reopenEvents.map(\.type) == ["opportunity.reopened"])
        f.clock.advance(seconds: 3_600)
        let history = try f.run("opportunity.history", #"{"id": \#(id)}"#).items
        #expect(history.map { $0["to"]?.text ?? "" } == ["prospecting", "proposal", "won", "negotiation"])
        #expect(history.map { $0["from"]?.text ?? "-" } == ["-", "prospecting", "proposal", "won"])
        #expect(history.map { $0["seconds_in_stage"]?.int ?? -1 } == [3 * 86_400, 2 * 86_400, 86_400, 3_600])
        #expect(history.map { $0["reopened"]?.flag ?? false } == [false, false, false, true])
        #expect(history[2]["reason"]?.text == "best lead time")
        #expect(history[1]["performed_by"]?.text == "thabo")
    }

    @Test func updatesChangeFieldsButNotTheStage() throws {
        let f = try PipelineFixture()
        let account = try makeAccount(f)
        let id = try f.make("opportunity.create", #""account_id": \#(account), "title": "Roof""#)
        let (updated, events) = try f.runWithEvents("opportunity.update", #"{"id": \#(id), "amount_minor": 2500000, "probability": 35, "expected_version": 1}"#)
        #expect(updated["amount_minor"]?.int == 2_500_000)
        #expect(updated["probability"]?.int == 35)
        #expect(updated["version"]?.int == 2)
        #expect(events.first?.record["changed"]?.strings == ["amount_minor", "probability"])
        expectCRMError(.invalid, "stage") { try f.run("opportunity.update", #"{"id": \#(id), "stage": "won"}"#) }
        expectCRMError(.conflict, "version") { try f.run("opportunity.update", #"{"id": \#(id), "title": "x", "expected_version": 1}"#) }
        // Nothing changed: no new version, no event.
        let (same, none) = try f.runWithEvents("opportunity.update", #"{"id": \#(id), "amount_minor": 2500000}"#)
        #expect(same["version"]?.int == 2)
        #expect(none.isEmpty)
    }

    @Test func listPagesAndFilters() throws {
        let f = try PipelineFixture()
        let a = try makeAccount(f)
        let b = try makeAccount(f, "Bester Hardware")
        for index in 1...5 {
            try f.make("opportunity.create", #""account_id": \#(index % 2 == 0 ? b : a), "title": "Deal \#(index)", "owner": "\#(index <= 3 ? "thabo" : "anna")""#)
        }
        let first = try f.run("opportunity.list", #"{"limit": 2}"#)
        #expect(first.items.map { $0["title"]?.text ?? "" } == ["Deal 1", "Deal 2"])
        let cursor = try #require(first["next_cursor"]?.text)
        let second = try f.run("opportunity.list", #"{"limit": 2, "cursor": "\#(cursor)"}"#)
        #expect(second.items.map { $0["title"]?.text ?? "" } == ["Deal 3", "Deal 4"])
        #expect(try f.run("opportunity.list", #"{"account_id": \#(b)}"#).items.count == 2)
        #expect(try f.run("opportunity.list", #"{"owner": "anna"}"#).items.count == 2)
        #expect(try f.run("opportunity.list", #"{"stage": "prospecting", "status": "open"}"#).items.count == 5)
        expectCRMError(.invalid, "status") { try f.run("opportunity.list", #"{"status": "pending"}"#) }
        // The page carries each record's own references (read for the page at once).
        try f.make("opportunity.create", #""account_id": \#(a), "title": "Deal 6", "source": "erp", "external_ref": "Q-6""#)
        try f.make("opportunity.create", #""account_id": \#(a), "title": "Deal 7", "source": "erp", "external_ref": "Q-7""#)
        let page = try f.run("opportunity.list", #"{"account_id": \#(a)}"#).items
        #expect(page.map { $0["external_refs"]?.array?.first?["external_ref"]?.text ?? "-" } == ["-", "-", "-", "Q-6", "Q-7"])
    }

    @Test func thePipelineIsConfigurable() throws {
        let f = try PipelineFixture()
        let account = try makeAccount(f)
        let id = try f.make("opportunity.create", #""account_id": \#(account), "title": "Roof", "stage": "qualification""#)
        let (configured, events) = try f.runWithEvents("pipeline.configure", """
            {"stages": [{"code": "enquiry", "probability": 5}, {"code": "qualification", "name": "Qualified", "probability": 25},
                        {"code": "site_visit", "probability": 40}, {"code": "quoted", "probability": 60}]}
            """)
        #expect(configured.items.map { $0["code"]?.text ?? "" } == ["enquiry", "qualification", "site_visit", "quoted", "won", "lost"])
        #expect(configured.items.map { $0["name"]?.text ?? "" } == ["Enquiry", "Qualified", "Site visit", "Quoted", "Won", "Lost"])
        #expect(configured.items.map { $0["position"]?.int ?? 0 } == [1, 2, 3, 4, 5, 6])
        #expect(events.map(\.type) == ["pipeline.configured"])
        let moved = try f.run("opportunity.move", #"{"id": \#(id), "stage": "site_visit"}"#)
        #expect(moved["probability"]?.int == 40)
        // A stage that holds open opportunities cannot be dropped; bad lists name the stage.
        expectCRMError(.constraint, "site_visit", "1 open") {
            try f.run("pipeline.configure", #"{"stages": [{"code": "enquiry", "probability": 5}]}"#)
        }
        expectCRMError(.invalid, "listed twice") {
            try f.run("pipeline.configure", #"{"stages": [{"code": "a", "probability": 5}, {"code": "a", "probability": 6}]}"#)
        }
        expectCRMError(.invalid, "stages[0].code", "won") { try f.run("pipeline.configure", #"{"stages": [{"code": "won", "probability": 100}]}"#) }
        expectCRMError(.range, "stages[0]", "probability") { try f.run("pipeline.configure", #"{"stages": [{"code": "a", "probability": 120}]}"#) }
        expectCRMError(.invalid, "stages[0].code") { try f.run("pipeline.configure", #"{"stages": [{"code": "Site Visit", "probability": 5}]}"#) }
        expectCRMError(.invalid, "stages is required") { try f.run("pipeline.configure", #"{"stages": []}"#) }
        #expect(try f.run("pipeline.stages").items.count == 6)
        // The same configuration again changes nothing and records nothing.
        let (_, none) = try f.runWithEvents("pipeline.configure", """
            {"stages": [{"code": "enquiry", "probability": 5}, {"code": "qualification", "name": "Qualified", "probability": 25},
                        {"code": "site_visit", "probability": 40}, {"code": "quoted", "probability": 60}]}
            """)
        #expect(none.isEmpty)
    }

    @Test func mergingAccountsMovesTheirOpportunities() throws {
        let f = try PipelineFixture()
        let survivor = try makeAccount(f)
        let duplicate = try makeAccount(f, "Khumalo Roofing (Pty) Ltd")
        let id = try f.make("opportunity.create", #""account_id": \#(duplicate), "title": "Roof""#)
        let (_, events) = try f.runWithEvents("account.merge", #"{"survivor_id": \#(survivor), "merged_id": \#(duplicate)}"#)
        #expect(events.last?.record["moved"]?["opportunities"]?.int == 1)
        #expect(try f.run("opportunity.get", #"{"id": \#(id)}"#)["account_id"]?.int == survivor)
    }
}
