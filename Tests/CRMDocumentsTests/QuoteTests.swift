import Testing
@testable import CRMDocuments
import CRMStore

@Suite("quotes")
struct QuoteTests {
    /// An account, a contact of it and two catalogue products.
    struct Setup {
        let account: Int64
        let contact: Int64
        let sheet: Int64
        let labour: Int64
    }

    func setUp(_ f: DocumentsFixture) throws -> Setup {
        let account = try f.make("account.create", #""name": "Khumalo Roofing", "currency": "ZAR""#)
        let contact = try f.make("contact.create", #""account_id": \#(account), "first_name": "Thabo", "last_name": "Khumalo""#)
        let sheet = try f.make("product.create", #""code": "IBR-053", "name": "IBR sheet 0.53 mm, per metre", "unit": "m", "unit_price_minor": 18950, "tax_rate_bp": 1500"#)
        let labour = try f.make("product.create", #""code": "LAB-FIT", "name": "Fitter, per hour", "kind": "labour", "unit": "hour", "unit_price_minor": 45000, "tax_rate_bp": 1500"#)
        return Setup(account: account, contact: contact, sheet: sheet, labour: labour)
    }

    func lines(_ s: Setup) -> String {
        #"[{"product_id": \#(s.sheet), "quantity_milli": 120000, "discount_bp": 500}, {"product_id": \#(s.labour), "quantity_milli": 1500, "discount_bp": 1000}, {"description": "Delivery to site", "quantity_milli": 333, "unit_price_minor": 150}]"#
    }

    @Test func aQuoteIsCreatedWithTotalsExactByTheRuleAndReplayed() throws {
        let f = try DocumentsFixture(pipeline: false)
        let s = try setUp(f)
        let text = #"{"account_id": \#(s.account), "contact_id": \#(s.contact), "valid_until": "2026-12-31", "notes": "Price holds for 30 days", "lines": \#(lines(s)), "source": "erp", "external_ref": "QT-1"}"#
        let (made, events) = try f.runWithEvents("quote.create", text)
        #expect(made["number"]?.text == "Q-000001")
        #expect(made["revision"]?.int == 1 && made["revision_of"] == .null)
        #expect(made["status"]?.text == "draft")
        #expect(made["currency"]?.text == "ZAR")
        #expect(made["opportunity_id"] == .null)
        // 120 m x 189.50 less 5% = 21603.00 (tax 3240.45); 1.5 h x 450.00 less 10% = 607.50 (tax 91.125 -> 91.13);
        // 0.333 x 1.50 = 0.4995 -> 0.50 (no tax).
        let lineNets = made["lines"]?.array?.map { $0["net_minor"]?.int ?? -1 }
        #expect(lineNets == [2_160_300, 60_750, 50])
        #expect(made["lines"]?.array?.map { $0["tax_minor"]?.int ?? -1 } == [324_045, 9_113, 0])
        #expect(made["subtotal_minor"]?.int == 2_221_100)
        #expect(made["tax_minor"]?.int == 333_158)
        #expect(made["total_minor"]?.int == 2_554_258)
        #expect(made["lines"]?.array?[1]["description"]?.text == "Fitter, per hour")
        #expect(events.map(\.type) == ["quote.created"])
        let again = try f.run("quote.create", text)
        #expect(again["replayed"] == .bool(true) && again["id"] == made["id"])
        #expect(try f.rows("quotes") == 1)
        #expect(try f.run("quote.get", #"{"source": "erp", "external_ref": "QT-1"}"#)["id"] == made["id"])
        expectCRMError(.conflict, "notes") {
            try f.run("quote.create", #"{"account_id": \#(s.account), "contact_id": \#(s.contact), "valid_until": "2026-12-31", "notes": "Other", "lines": \#(lines(s)), "source": "erp", "external_ref": "QT-1"}"#)
        }
        let second = try f.run("quote.create", #"{"account_id": \#(s.account), "currency": "USD", "lines": [{"description": "Consulting", "quantity_milli": 1000, "unit_price_minor": 10000}]}"#)
        #expect(second["number"]?.text == "Q-000002" && second["currency"]?.text == "USD")
    }

    @Test func theLifecycleSendsAcceptsAndRefusesIllegalMoves() throws {
        let f = try DocumentsFixture(pipeline: false)
        let s = try setUp(f)
        let id = try f.make("quote.create", #""account_id": \#(s.account), "lines": \#(lines(s))"#)
        let (updated, updateEvents) = try f.runWithEvents("quote.update", #"{"id": \#(id), "notes": "Delivery included", "expected_version": 1}"#)
        #expect(updated["version"]?.int == 2 && updated["notes"]?.text == "Delivery included")
        #expect(updateEvents.first?.record["changed"]?.strings == ["notes"])
        expectCRMError(.constraint, "draft", "accepted") { try f.run("quote.accept", #"{"id": \#(id)}"#) }
        let (sent, sendEvents) = try f.runWithEvents("quote.send", #"{"id": \#(id)}"#)
        #expect(sent["status"]?.text == "sent")
        #expect(sent["issued_on"]?.text == "2026-12-01")
        #expect(sent["valid_until"]?.text == "2026-12-31")
        #expect(sent["sent_at"]?.text == "2026-12-01T09:30:00Z")
        #expect(sendEvents.map(\.type) == ["quote.sent"])
        let before = try f.rows("crm_events")
        expectCRMError(.constraint, "sent", "only a draft") { try f.run("quote.update", #"{"id": \#(id), "notes": "x"}"#) }
        expectCRMError(.constraint, "from sent to sent") { try f.run("quote.send", #"{"id": \#(id)}"#) }
        expectCRMError(.invalid, "reason is required") { try f.run("quote.decline", #"{"id": \#(id)}"#) }
        #expect(try f.rows("crm_events") == before)
        let (accepted, acceptEvents) = try f.runWithEvents("quote.accept", #"{"id": \#(id)}"#)
        #expect(accepted["status"]?.text == "accepted" && accepted["accepted_on"]?.text == "2026-12-01")
        #expect(acceptEvents.map(\.type) == ["quote.accepted"])
        expectCRMError(.constraint, "from accepted to declined") { try f.run("quote.decline", #"{"id": \#(id), "reason": "x"}"#) }
        expectCRMError(.constraint, "from accepted to expired") { try f.run("quote.expire", #"{"id": \#(id)}"#) }
        expectCRMError(.constraint, "from accepted to superseded") { try f.run("quote.revise", #"{"id": \#(id)}"#) }

        let other = try f.make("quote.create", #""account_id": \#(s.account), "lines": \#(lines(s))"#)
        expectCRMError(.constraint, "from draft to declined") { try f.run("quote.decline", #"{"id": \#(other), "reason": "x"}"#) }
        try f.run("quote.send", #"{"id": \#(other), "issued_on": "2026-11-20"}"#)
        let (declined, declineEvents) = try f.runWithEvents("quote.decline", #"{"id": \#(other), "reason": "Too expensive"}"#)
        #expect(declined["status"]?.text == "declined" && declined["decline_reason"]?.text == "Too expensive")
        #expect(declineEvents.map(\.type) == ["quote.declined"])

        let third = try f.make("quote.create", #""account_id": \#(s.account), "lines": \#(lines(s))"#)
        try f.run("quote.send", #"{"id": \#(third)}"#)
        let (expired, expireEvents) = try f.runWithEvents("quote.expire", #"{"id": \#(third)}"#)
        #expect(expired["status"]?.text == "expired")
        #expect(expireEvents.map(\.type) == ["quote.expired"])
        expectCRMError(.constraint, "from expired to accepted") { try f.run("quote.accept", #"{"id": \#(third)}"#) }

        let empty = try f.make("quote.create", #""account_id": \#(s.account)"#)
        expectCRMError(.constraint, "no lines") { try f.run("quote.send", #"{"id": \#(empty)}"#) }
        expectCRMError(.conflict, "version") { try f.run("quote.update", #"{"id": \#(empty), "notes": "x", "expected_version": 7}"#) }
    }

    @Test func reviseSupersedesAndKeepsRevisionOneReadable() throws {
        let f = try DocumentsFixture(pipeline: false)
        let s = try setUp(f)
        let id = try f.make("quote.create", #""account_id": \#(s.account), "valid_until": "2027-01-15", "lines": \#(lines(s))"#)
        expectCRMError(.constraint, "from draft to superseded") { try f.run("quote.revise", #"{"id": \#(id)}"#) }
        try f.run("quote.send", #"{"id": \#(id)}"#)
        // The catalogue price changes after the quote was made: the revision keeps the quoted price.
        try f.run("product.update", #"{"id": \#(s.sheet), "unit_price_minor": 20000}"#)
        let (revised, events) = try f.runWithEvents("quote.revise", #"{"id": \#(id)}"#)
        #expect(events.map(\.type) == ["quote.revised"])
        #expect(revised["number"]?.text == "Q-000001-2")
        #expect(revised["revision"]?.int == 2 && revised["revision_of"]?.int == id)
        #expect(revised["status"]?.text == "draft")
        #expect(revised["valid_until"]?.text == "2027-01-15")
        #expect(revised["total_minor"]?.int == 2_554_258)
        let old = try f.run("quote.get", #"{"id": \#(id)}"#)
        #expect(old["status"]?.text == "superseded" && old["number"]?.text == "Q-000001")
        #expect(old["lines"]?.array?.count == 3 && old["total_minor"]?.int == 2_554_258)
        expectCRMError(.constraint, "from superseded to superseded") { try f.run("quote.revise", #"{"id": \#(id)}"#) }
        let newID = try #require(revised["id"]?.int)
        let changed = try f.run("quote.update", #"{"id": \#(newID), "lines": [{"product_id": \#(s.sheet), "quantity_milli": 1000}]}"#)
        #expect(changed["subtotal_minor"]?.int == 20_000 && changed["tax_minor"]?.int == 3_000 && changed["total_minor"]?.int == 23_000)
        #expect(try f.run("quote.get", #"{"id": \#(id)}"#)["total_minor"]?.int == 2_554_258)
        try f.run("quote.send", #"{"id": \#(newID)}"#)
        let third = try f.run("quote.revise", #"{"id": \#(newID)}"#)
        #expect(third["number"]?.text == "Q-000001-3" && third["revision"]?.int == 3)
    }

    @Test func expiredIsDerivedFromTheDateAskedAbout() throws {
        let f = try DocumentsFixture(pipeline: false)
        let s = try setUp(f)
        let id = try f.make("quote.create", #""account_id": \#(s.account), "valid_until": "2026-12-10", "lines": \#(lines(s))"#)
        try f.run("quote.send", #"{"id": \#(id)}"#)
        let now = try f.run("quote.get", #"{"id": \#(id)}"#)
        #expect(now["expired"] == .bool(false) && now["effective_status"]?.text == "sent")
        let later = try f.run("quote.get", #"{"id": \#(id), "as_of": "2026-12-11"}"#)
        #expect(later["expired"] == .bool(true) && later["effective_status"]?.text == "expired" && later["status"]?.text == "sent")
        #expect(try f.run("quote.list", #"{"status": "sent"}"#).items.map { $0["id"]?.int } == [id])
        #expect(try f.run("quote.list", #"{"status": "expired", "as_of": "2026-12-11"}"#).items.map { $0["id"]?.int } == [id])
        #expect(try f.run("quote.list", #"{"status": "sent", "as_of": "2026-12-11"}"#).items.isEmpty)
        expectCRMError(.constraint, "from expired to accepted", "valid until 2026-12-10") {
            try f.run("quote.accept", #"{"id": \#(id), "accepted_on": "2026-12-11"}"#)
        }
        f.clock.advance(seconds: 86_400 * 20)
        expectCRMError(.constraint, "from expired to accepted") { try f.run("quote.accept", #"{"id": \#(id)}"#) }
        #expect(try f.run("quote.accept", #"{"id": \#(id), "accepted_on": "2026-12-09"}"#)["status"]?.text == "accepted")
    }

    @Test func listsPageAndFilter() throws {
        let f = try DocumentsFixture(pipeline: false)
        let s = try setUp(f)
        let other = try f.make("account.create", #""name": "Naidoo Steel""#)
        let a = try f.make("quote.create", #""account_id": \#(s.account), "lines": \#(lines(s))"#)
        let b = try f.make("quote.create", #""account_id": \#(other), "lines": \#(lines(s))"#)
        let c = try f.make("quote.create", #""account_id": \#(s.account)"#)
        try f.run("quote.send", #"{"id": \#(b)}"#)
        let first = try f.run("quote.list", #"{"limit": 2}"#)
        #expect(first.items.map { $0["id"]?.int } == [a, b])
        let cursor = try #require(first["next_cursor"]?.text)
        #expect(try f.run("quote.list", #"{"limit": 2, "cursor": "\#(cursor)"}"#).items.map { $0["id"]?.int } == [c])
        #expect(try f.run("quote.list", #"{"account_id": \#(s.account)}"#).items.map { $0["id"]?.int } == [a, c])
        #expect(try f.run("quote.list", #"{"status": "draft"}"#).items.map { $0["id"]?.int } == [a, c])
        #expect(try f.run("quote.list", #"{"status": "sent"}"#).items.first?["lines"]?.array?.count == 3)
        expectCRMError(.invalid, "status") { try f.run("quote.list", #"{"status": "lost"}"#) }
    }

    @Test func acceptingMovesTheOpportunityToWon() throws {
        let f = try DocumentsFixture(pipeline: true)
        let s = try setUp(f)
        let opportunity = try f.make("opportunity.create", #""account_id": \#(s.account), "title": "Warehouse roof""#)
        let id = try f.make("quote.create", #""opportunity_id": \#(opportunity), "lines": \#(lines(s))"#)
        #expect(try f.run("quote.get", #"{"id": \#(id)}"#)["account_id"]?.int == s.account)
        try f.run("quote.send", #"{"id": \#(id)}"#)
        let (accepted, events) = try f.runWithEvents("quote.accept", #"{"id": \#(id)}"#)
        #expect(accepted["status"]?.text == "accepted")
        #expect(events.map(\.type) == ["quote.accepted", "opportunity.won"])
        let won = try f.run("opportunity.get", #"{"id": \#(opportunity)}"#)
        #expect(won["status"]?.text == "won" && won["close_reason"]?.text == "quote Q-000001 accepted")
        // A second quote of a won opportunity leaves it won.
        let again = try f.make("quote.create", #""opportunity_id": \#(opportunity), "lines": \#(lines(s))"#)
        try f.run("quote.send", #"{"id": \#(again)}"#)
        let (_, quiet) = try f.runWithEvents("quote.accept", #"{"id": \#(again)}"#)
        #expect(quiet.map(\.type) == ["quote.accepted"])
        // A lost opportunity cannot be won by a quote: nothing is written.
        let lost = try f.make("opportunity.create", #""account_id": \#(s.account), "title": "Carport""#)
        let third = try f.make("quote.create", #""opportunity_id": \#(lost), "lines": \#(lines(s))"#)
        try f.run("quote.send", #"{"id": \#(third)}"#)
        try f.run("opportunity.move", #"{"id": \#(lost), "stage": "lost", "reason": "went elsewhere"}"#)
        let before = try f.rows("crm_events")
        expectCRMError(.constraint, "lost", "won") { try f.run("quote.accept", #"{"id": \#(third)}"#) }
        #expect(try f.run("quote.get", #"{"id": \#(third)}"#)["status"]?.text == "sent")
        #expect(try f.rows("crm_events") == before)
        // The opportunity must exist and be the account's.
        let other = try f.make("account.create", #""name": "Naidoo Steel""#)
        expectCRMError(.notFound, "opportunity_id 999") { try f.run("quote.create", #"{"opportunity_id": 999, "account_id": \#(s.account)}"#) }
        expectCRMError(.invalid, "opportunity_id \(opportunity) belongs to account \(s.account)") {
            try f.run("quote.create", #"{"opportunity_id": \#(opportunity), "account_id": \#(other)}"#)
        }
    }

    @Test func withoutThePipelineModuleAcceptingWorksAndOpportunitiesAreRefused() throws {
        let f = try DocumentsFixture(pipeline: false)
        let s = try setUp(f)
        expectCRMError(.invalid, "opportunity_id", "pipeline module") {
            try f.run("quote.create", #"{"account_id": \#(s.account), "opportunity_id": 1}"#)
        }
        let id = try f.make("quote.create", #""account_id": \#(s.account), "lines": \#(lines(s))"#)
        try f.run("quote.send", #"{"id": \#(id)}"#)
        let (accepted, events) = try f.runWithEvents("quote.accept", #"{"id": \#(id)}"#)
        #expect(accepted["status"]?.text == "accepted" && events.map(\.type) == ["quote.accepted"])
    }

    @Test func badInputNamesTheFieldAndWritesNothing() throws {
        let f = try DocumentsFixture(pipeline: false)
        let s = try setUp(f)
        let other = try f.make("account.create", #""name": "Naidoo Steel""#)
        let before = try f.rows("crm_events")
        expectCRMError(.invalid, "account_id is required") { try f.run("quote.create", #"{"lines": []}"#) }
        expectCRMError(.notFound, "account_id 999") { try f.run("quote.create", #"{"account_id": 999}"#) }
        expectCRMError(.invalid, "contact_id \(s.contact) belongs to account \(s.account)") {
            try f.run("quote.create", #"{"account_id": \#(other), "contact_id": \#(s.contact)}"#)
        }
        expectCRMError(.invalid, "valid_until must be a date") { try f.run("quote.create", #"{"account_id": \#(s.account), "valid_until": "soon"}"#) }
        expectCRMError(.invalid, "valid_until 2026-11-01 is before issued_on 2026-12-01") {
            try f.run("quote.create", #"{"account_id": \#(s.account), "issued_on": "2026-12-01", "valid_until": "2026-11-01"}"#)
        }
        expectCRMError(.range, "lines[0]: quantity_milli") {
            try f.run("quote.create", #"{"account_id": \#(s.account), "lines": [{"product_id": \#(s.sheet), "quantity_milli": 0}]}"#)
        }
        expectCRMError(.notFound, "lines[1].product_id 999") {
            try f.run("quote.create", #"{"account_id": \#(s.account), "lines": [{"product_id": \#(s.sheet), "quantity_milli": 1}, {"product_id": 999, "quantity_milli": 1}]}"#)
        }
        expectCRMError(.invalid, "currency 'XYZ'") { try f.run("quote.create", #"{"account_id": \#(s.account), "currency": "XYZ"}"#) }
        expectCRMError(.invalid, "unknown field 'status'") { try f.run("quote.create", #"{"account_id": \#(s.account), "status": "sent"}"#) }
        expectCRMError(.range, "total does not fit") {
            try f.run("quote.create", #"{"account_id": \#(s.account), "lines": [{"description": "a", "quantity_milli": 1000, "unit_price_minor": 9223372036854775807}, {"description": "b", "quantity_milli": 1000, "unit_price_minor": 9223372036854775807}]}"#)
        }
        #expect(try f.rows("quotes") == 0)
        #expect(try f.rows("document_lines") == 0)
        #expect(try f.rows("crm_events") == before)
        let id = try f.make("quote.create", #""account_id": \#(s.account), "lines": \#(lines(s))"#)
        let events = try f.rows("crm_events")
        expectCRMError(.invalid, "lines[0].description") { try f.run("quote.update", #"{"id": \#(id), "lines": [{"quantity_milli": 1000, "unit_price_minor": 5}]}"#) }
        expectCRMError(.invalid, "unknown field 'currency'") { try f.run("quote.update", #"{"id": \#(id), "currency": "USD"}"#) }
        expectCRMError(.notFound, "quote 999") { try f.run("quote.send", #"{"id": 999}"#) }
        #expect(try f.rows("crm_events") == events)
        #expect(try f.run("quote.get", #"{"id": \#(id)}"#)["lines"]?.array?.count == 3)
    }

    @Test func aMergedAccountTakesItsQuotes() throws {
        let f = try DocumentsFixture(pipeline: false)
        let s = try setUp(f)
        let duplicate = try f.make("account.create", #""name": "Khumalo Roofing (old)""#)
        let id = try f.make("quote.create", #""account_id": \#(duplicate), "lines": \#(lines(s))"#)
        try f.run("account.merge", #"{"survivor_id": \#(s.account), "merged_id": \#(duplicate)}"#)
        #expect(try f.run("quote.get", #"{"id": \#(id)}"#)["account_id"]?.int == s.account)
    }
}
