import Testing
@testable import CRMDocuments
import CRMStore

@Suite("job cards")
struct JobCardTests {
    /// Account 1, a contact of it (1), product 1 a part (R 1250.00) and product 2 labour (R 450.00 an hour), both 15% VAT.
    /// With `quotes`: quote 1 accepted, 2 sent, 3 declined, each of account 1
    /// with the pump, a call-out fee (10% off) and 2.5 fitter hours.
    func fixture(quotes: Bool = false) throws -> DocumentsFixture {
        let f = try DocumentsFixture(pipeline: false)
        try f.make("account.create", #""name": "Karoo Irrigation", "currency": "ZAR""#)
        try f.make("contact.create", #""account_id": 1, "last_name": "Botha""#)
        try f.make("product.create", #""code": "PUMP-075", "name": "Borehole pump 0.75 kW", "kind": "part", "unit_price_minor": 125000, "tax_rate_bp": 1500"#)
        try f.make("product.create", #""code": "LAB-FIT", "name": "Fitter, per hour", "kind": "labour", "unit": "hour", "unit_price_minor": 45000, "tax_rate_bp": 1500"#)
        if quotes {
            for id in 1...3 {
                try f.make("quote.create", #""account_id": 1, "lines": [{"product_id": 1, "quantity_milli": 1000}, {"description": "Call-out fee", "quantity_milli": 1000, "unit_price_minor": 35000, "discount_bp": 1000, "tax_rate_bp": 1500}, {"product_id": 2, "quantity_milli": 2500}]"#)
                try f.run("quote.send", #"{"id": \#(id)}"#)
            }
            try f.run("quote.accept", #"{"id": 1}"#)
            try f.run("quote.decline", #"{"id": 3, "reason": "too dear"}"#)
        }
        return f
    }

    static let moves: [(command: String, to: String, args: String)] = [
        ("jobcard.schedule", "scheduled", #", "scheduled_on": "2026-12-03""#),
        ("jobcard.start", "in_progress", ""),
        ("jobcard.hold", "on_hold", #", "reason": "waiting for a part""#),
        ("jobcard.resume", "in_progress", ""),
        ("jobcard.complete", "completed", #", "signed_by": "J. Botha""#),
        ("jobcard.cancel", "cancelled", #", "reason": "customer withdrew""#),
    ]

    static let legal: Set<String> = [
        "open>jobcard.schedule", "open>jobcard.cancel", "scheduled>jobcard.start", "scheduled>jobcard.cancel",
        "in_progress>jobcard.hold", "in_progress>jobcard.complete", "in_progress>jobcard.cancel",
        "on_hold>jobcard.resume", "on_hold>jobcard.cancel",
    ]

    func move(_ f: DocumentsFixture, _ id: Int64, _ command: String) throws -> JSONValue {
        let move = try #require(Self.moves.first { $0.command == command })
        return try f.run(command, "{\"id\": \(id)\(move.args)}")
    }

    /// A new card driven to `status` by legal moves.
    func card(_ f: DocumentsFixture, in status: String) throws -> Int64 {
        let id = try f.make("jobcard.create", #""account_id": 1, "description": "Pump trips the breaker""#)
        let path: [String: [String]] = [
            "open": [], "scheduled": ["jobcard.schedule"], "in_progress": ["jobcard.schedule", "jobcard.start"],
            "on_hold": ["jobcard.schedule", "jobcard.start", "jobcard.hold"],
            "completed": ["jobcard.schedule", "jobcard.start", "jobcard.complete"],
            "cancelled": ["jobcard.cancel"],
        ]
        if status == "invoiced" {
            for command in ["jobcard.schedule", "jobcard.start", "jobcard.complete"] { try move(f, id, command) }
            try f.store.write("test") { try JobCardStates.markInvoiced(f.store, id: id, invoiceID: 42, context: "test") }
        } else {
            for command in try #require(path[status]) { try move(f, id, command) }
        }
        #expect(try f.run("jobcard.get", "{\"id\": \(id)}")["status"]?.text == status)
        return id
    }

    @Test func everyMoveOfTheStateMachineAndEveryIllegalOne() throws {
        let f = try fixture()
        let states = ["open", "scheduled", "in_progress", "on_hold", "completed", "invoiced", "cancelled"]
        for state in states {
            for move in Self.moves {
                let id = try card(f, in: state)
                if Self.legal.contains("\(state)>\(move.command)") {
                    let (moved, events) = try f.runWithEvents(move.command, "{\"id\": \(id)\(move.args)}")
                    #expect(moved["status"]?.text == move.to)
                    #expect(events.count == 1)
                    #expect(events.first?.record["transition"]?["from"]?.text == state)
                } else {
                    let before = try f.rows("crm_events")
                    expectCRMError(.constraint, "from \(state) to \(move.to)") { try self.move(f, id, move.command) }
                    #expect(try f.rows("crm_events") == before)
                    #expect(try f.run("jobcard.get", "{\"id\": \(id)}")["status"]?.text == state)
                }
            }
            let id = try card(f, in: state)
            if state == "completed" {
                let (_, events) = try f.store.write("test") { try JobCardStates.markInvoiced(f.store, id: id, invoiceID: 9, context: "test") }
                #expect(events.map(\.type) == ["jobcard.invoiced"])
                let invoiced = try f.run("jobcard.get", "{\"id\": \(id)}")
                #expect(invoiced["status"]?.text == "invoiced" && invoiced["invoice_id"]?.int == 9)
            } else {
                expectCRMError(.constraint, "from \(state) to invoiced") {
                    try f.store.write("test") { try JobCardStates.markInvoiced(f.store, id: id, invoiceID: nil, context: "test") }
                }
            }
            if !["open", "scheduled", "in_progress", "on_hold"].contains(state) {
                let id = try card(f, in: state)
                expectCRMError(.constraint, state) { try f.run("jobcard.update", "{\"id\": \(id), \"site\": \"Farm\"}") }
                expectCRMError(.constraint, state) {
                    try f.run("jobcard.log_labour", "{\"id\": \(id), \"technician\": \"Sipho\", \"minutes\": 30, \"product_id\": 2}")
                }
                expectCRMError(.constraint, state) { try f.run("jobcard.use_part", "{\"id\": \(id), \"product_id\": 1, \"quantity_milli\": 1000}") }
            }
        }
    }

    @Test func theWholeLifeOfAJobWithItsEvents() throws {
        let f = try fixture()
        let (made, created) = try f.runWithEvents("jobcard.create", #"{"account_id": 1, "contact_id": 1, "site": "Plot 12, Graaff-Reinet", "asset_description": "Borehole pump", "serial_number": "GRF-99812", "warranty": true, "description": "Pump trips the breaker", "tasks": [{"description": "Test the motor windings"}, {"description": "Replace the capacitor"}]}"#)
        #expect(created.map(\.type) == ["jobcard.created"])
        #expect(made["number"]?.text == "J-000001" && made["status"]?.text == "open" && made["currency"]?.text == "ZAR")
        #expect(made["warranty"] == .bool(true) && made["serial_number"]?.text == "GRF-99812")
        #expect(made["tasks"]?.array?.map { $0["status"]?.text } == ["open", "open"])
        #expect(made["sign_off"] == .null && made["total_minor"]?.int == 0)
        let id = try #require(made["id"]?.int)
        let scheduled = try f.run("jobcard.schedule", "{\"id\": \(id), \"scheduled_on\": \"2026-12-03\", \"scheduled_at\": \"2026-12-03T08:00:00Z\", \"technicians\": [\"Sipho Dlamini\", \"Anna Smit\"]}")
        #expect(scheduled["scheduled_on"]?.text == "2026-12-03" && scheduled["technicians"]?.strings == ["Sipho Dlamini", "Anna Smit"])
        try f.run("jobcard.start", "{\"id\": \(id)}")
        let held = try f.run("jobcard.hold", "{\"id\": \(id), \"reason\": \"Capacitor on order\"}")
        #expect(held["hold_reason"]?.text == "Capacitor on order")
        let resumed = try f.run("jobcard.resume", "{\"id\": \(id)}")
        #expect(resumed["hold_reason"] == .null && resumed["status"]?.text == "in_progress")
        let (done, taskEvents) = try f.runWithEvents("jobcard.task", "{\"id\": \(id), \"position\": 0, \"status\": \"done\"}")
        #expect(done["tasks"]?.array?.map { $0["status"]?.text } == ["done", "open"])
        #expect(taskEvents.map(\.type) == ["jobcard.updated"])
        // The same status again: nothing changes.
        let (_, none) = try f.runWithEvents("jobcard.task", "{\"id\": \(id), \"position\": 0, \"status\": \"done\"}")
        #expect(none.isEmpty)
        expectCRMError(.notFound, "position 2") { try f.run("jobcard.task", "{\"id\": \(id), \"position\": 2, \"status\": \"done\"}") }
        // Sign-off is required, and no task may be open.
        expectCRMError(.invalid, "signed_by is required") { try f.run("jobcard.complete", "{\"id\": \(id)}") }
        expectCRMError(.invalid, "signed_by is required") { try f.run("jobcard.complete", "{\"id\": \(id), \"signed_by\": \"  \"}") }
        expectCRMError(.constraint, "open tasks at positions 1") { try f.run("jobcard.complete", "{\"id\": \(id), \"signed_by\": \"J. Botha\"}") }
        try f.run("jobcard.task", "{\"id\": \(id), \"position\": 1, \"status\": \"skipped\"}")
        let (completed, events) = try f.runWithEvents("jobcard.complete", "{\"id\": \(id), \"signed_by\": \"J. Botha\", \"signed_at\": \"2026-12-03T16:45:00+02:00\"}")
        #expect(events.map(\.type) == ["jobcard.completed"])
        #expect(completed["sign_off"]?["name"]?.text == "J. Botha")
        #expect(completed["sign_off"]?["signed_at"]?.text == "2026-12-03T14:45:00Z")
        #expect(completed["completed_at"]?.text == "2026-12-01T09:30:00Z")
        #expect(completed["version"]?.int == 8)
        let types = try f.store.connection.rows("SELECT type FROM crm_events WHERE type LIKE ? ORDER BY seq", [.text("jobcard.%")]) { $0.text(0) }
        #expect(types == ["jobcard.created", "jobcard.scheduled", "jobcard.started", "jobcard.held", "jobcard.resumed",
                          "jobcard.updated", "jobcard.updated", "jobcard.completed"])
        // Cancelled needs a reason.
        let other = try f.make("jobcard.create", #""account_id": 1"#)
        expectCRMError(.invalid, "reason is required") { try f.run("jobcard.cancel", "{\"id\": \(other)}") }
        let cancelled = try f.run("jobcard.cancel", "{\"id\": \(other), \"reason\": \"Duplicate\"}")
        #expect(cancelled["cancel_reason"]?.text == "Duplicate" && cancelled["number"]?.text == "J-000002")
        expectCRMError(.conflict, "version") { try f.run("jobcard.start", "{\"id\": \(id), \"expected_version\": 1}") }
    }

    @Test func labourAndPartsAreBilledExactlyByTheRule() throws {
        let f = try fixture()
        let id = try card(f, in: "in_progress")
        // 90 minutes at the labour product: 1.5 h x 450.00 = 675.00; 15% = 101.25.
        let (first, events) = try f.runWithEvents("jobcard.log_labour", "{\"id\": \(id), \"technician\": \"Sipho\", \"minutes\": 90, \"product_id\": 2, \"worked_on\": \"2026-12-02\"}")
        #expect(events.map(\.type) == ["jobcard.labour_logged"])
        #expect(events.first?.record["entry"]?["quantity_milli"]?.int == 1_500)
        let entry = try #require(first["labour"]?.array?.first)
        #expect(entry["description"]?.text == "Fitter, per hour: Sipho" && entry["worked_on"]?.text == "2026-12-02")
        #expect(entry["net_minor"]?.int == 67_500 && entry["tax_minor"]?.int == 10_125 && entry["unit_price_minor"]?.int == 45_000)
        // 50 minutes at a rate of 400.00: 50000/60 = 833.33 -> 833 milli; 833 x 40000 / 1000 = 33320; tax 4998.
        let second = try f.run("jobcard.log_labour", "{\"id\": \(id), \"technician\": \"Anna\", \"minutes\": 50, \"unit_price_minor\": 40000, \"tax_rate_bp\": 1500, \"description\": \"Diagnosis\"}")
        let rated = try #require(second["labour"]?.array?.last)
        #expect(rated["quantity_milli"]?.int == 833 && rated["net_minor"]?.int == 33_320 && rated["tax_minor"]?.int == 4_998)
        #expect(rated["worked_on"]?.text == "2026-12-01" && rated["product_id"] == .null)
        // 7 minutes: 116.67 -> 117; 1 minute: 16.67 -> 17; 3 minutes: 50 exactly.
        #expect(JobCard.Labour.quantityMilli(minutes: 7) == 117)
        #expect(JobCard.Labour.quantityMilli(minutes: 1) == 17)
        #expect(JobCard.Labour.quantityMilli(minutes: 3) == 50)
        #expect(JobCard.Labour.quantityMilli(minutes: 1440) == 24_000)
        // Parts: 2 pumps = 2500.00 + 375.00; sealant free text 89.50, 15%: 13.425 -> 13.43.
        let (_, partEvents) = try f.runWithEvents("jobcard.use_part", "{\"id\": \(id), \"product_id\": 1, \"quantity_milli\": 2000}")
        #expect(partEvents.map(\.type) == ["jobcard.part_used"])
        let parts = try f.run("jobcard.use_part", "{\"id\": \(id), \"description\": \"Sealant\", \"quantity_milli\": 1000, \"unit_price_minor\": 8950, \"tax_rate_bp\": 1500}")
        #expect(parts["lines"]?.array?.map { $0["net_minor"]?.int } == [250_000, 8_950])
        #expect(parts["lines"]?.array?.map { $0["tax_minor"]?.int } == [37_500, 1_343])
        let subtotal: Int64 = 67_500 + 33_320 + 250_000 + 8_950
        let tax: Int64 = 10_125 + 4_998 + 37_500 + 1_343
        #expect(parts["subtotal_minor"]?.int == subtotal && parts["tax_minor"]?.int == tax && parts["total_minor"]?.int == subtotal + tax)
        let billable = try f.run("jobcard.billable", "{\"id\": \(id)}")
        #expect(billable["lines"]?.array?.map { $0["description"]?.text } == ["Borehole pump 0.75 kW", "Sealant", "Fitter, per hour: Sipho", "Diagnosis"])
        #expect(billable["lines"]?.array?.map { $0["quantity_milli"]?.int } == [2_000, 1_000, 1_500, 833])
        #expect(billable["lines"]?.array?.first?.keys == ["product_id", "description", "quantity_milli", "unit_price_minor", "discount_bp", "tax_rate_bp", "net_minor", "tax_minor"])
        #expect(billable["subtotal_minor"]?.int == subtotal && billable["tax_minor"]?.int == tax && billable["total_minor"]?.int == subtotal + tax)
        // The lines may be replaced with update; the totals follow.
        let updated = try f.run("jobcard.update", "{\"id\": \(id), \"lines\": [{\"product_id\": 1, \"quantity_milli\": 1000}]}")
        let replaced: Int64 = 67_500 + 33_320 + 125_000
        #expect(updated["subtotal_minor"]?.int == replaced)
        // Bad labour and parts name the field and change nothing.
        let version = try f.run("jobcard.get", "{\"id\": \(id)}")["version"]
        expectCRMError(.range, "minutes") { try f.run("jobcard.log_labour", "{\"id\": \(id), \"technician\": \"Sipho\", \"minutes\": 1441, \"product_id\": 2}") }
        expectCRMError(.range, "minutes") { try f.run("jobcard.log_labour", "{\"id\": \(id), \"technician\": \"Sipho\", \"minutes\": 0, \"product_id\": 2}") }
        expectCRMError(.invalid, "technician is required") { try f.run("jobcard.log_labour", "{\"id\": \(id), \"minutes\": 10, \"product_id\": 2}") }
        expectCRMError(.invalid, "product_id", "unit_price_minor") { try f.run("jobcard.log_labour", "{\"id\": \(id), \"technician\": \"Sipho\", \"minutes\": 10}") }
        expectCRMError(.invalid, "product_id 1", "part") { try f.run("jobcard.log_labour", "{\"id\": \(id), \"technician\": \"Sipho\", \"minutes\": 10, \"product_id\": 1}") }
        expectCRMError(.notFound, "product_id 99") { try f.run("jobcard.use_part", "{\"id\": \(id), \"product_id\": 99, \"quantity_milli\": 1000}") }
        expectCRMError(.invalid, "quantity_milli is required") { try f.run("jobcard.use_part", "{\"id\": \(id), \"product_id\": 1}") }
        expectCRMError(.invalid, "unit_price_minor is required") { try f.run("jobcard.use_part", "{\"id\": \(id), \"description\": \"Tape\", \"quantity_milli\": 1000}") }
        expectCRMError(.invalid, "product_id or description") { try f.run("jobcard.use_part", "{\"id\": \(id), \"quantity_milli\": 1000, \"unit_price_minor\": 5}") }
        expectCRMError(.range, "net amount") { try f.run("jobcard.use_part", "{\"id\": \(id), \"description\": \"Gold\", \"quantity_milli\": 1000000000000, \"unit_price_minor\": 9223372036854775807}") }
        #expect(try f.run("jobcard.get", "{\"id\": \(id)}")["version"] == version)
    }

    @Test func aJobCardFromAnAcceptedQuoteTakesAllOrTheChosenLines() throws {
        let f = try fixture(quotes: true)
        let (all, events) = try f.runWithEvents("jobcard.create", #"{"quote_id": 1, "site": "Plot 12"}"#)
        #expect(events.map(\.type) == ["jobcard.created"])
        #expect(all["quote_id"]?.int == 1 && all["account_id"]?.int == 1 && all["opportunity_id"]?.isNull == true)
        #expect(all["lines"]?.array?.map { $0["description"]?.text } == ["Borehole pump 0.75 kW", "Call-out fee", "Fitter, per hour"])
        // 125000 + 31500 + 112500; tax 18750 + 4725 + 16875.
        #expect(all["subtotal_minor"]?.int == 269_000 && all["tax_minor"]?.int == 40_350 && all["total_minor"]?.int == 309_350)
        let chosen = try f.run("jobcard.create", #"{"quote_id": 1, "line_positions": [2, 0], "contact_id": 1}"#)
        #expect(chosen["lines"]?.array?.map { $0["product_id"]?.int } == [2, 1])
        #expect(chosen["contact_id"]?.int == 1 && chosen["total_minor"]?.int == 112_500 + 16_875 + 125_000 + 18_750)
        #expect(try f.run("jobcard.list", #"{"quote_id": 1}"#).items.count == 2)
        let before = try f.rows("jobcards")
        expectCRMError(.constraint, "quote 2 (Q-000002) is sent") { try f.run("jobcard.create", #"{"quote_id": 2}"#) }
        expectCRMError(.constraint, "is declined") { try f.run("jobcard.create", #"{"quote_id": 3}"#) }
        expectCRMError(.notFound, "quote_id 99") { try f.run("jobcard.create", #"{"quote_id": 99}"#) }
        expectCRMError(.invalid, "line_positions[1] 3") { try f.run("jobcard.create", #"{"quote_id": 1, "line_positions": [0, 3]}"#) }
        expectCRMError(.invalid, "line_positions[1] 0 is chosen twice") { try f.run("jobcard.create", #"{"quote_id": 1, "line_positions": [0, 0]}"#) }
        expectCRMError(.invalid, "at least one") { try f.run("jobcard.create", #"{"quote_id": 1, "line_positions": []}"#) }
        expectCRMError(.invalid, "account_id 2") { try f.run("jobcard.create", #"{"quote_id": 1, "account_id": 2}"#) }
        expectCRMError(.invalid, "currency comes from the quote") { try f.run("jobcard.create", #"{"quote_id": 1, "currency": "ZAR"}"#) }
        expectCRMError(.invalid, "lines come from the quote") { try f.run("jobcard.create", #"{"quote_id": 1, "lines": []}"#) }
        expectCRMError(.invalid, "send quote_id") { try f.run("jobcard.create", #"{"account_id": 1, "line_positions": [0]}"#) }
        #expect(try f.rows("jobcards") == before)
        // Replayed by its reference, from the quote too.
        let first = try f.run("jobcard.create", #"{"quote_id": 1, "line_positions": [1], "source": "workshop", "external_ref": "WO-7"}"#)
        let again = try f.run("jobcard.create", #"{"quote_id": 1, "line_positions": [1], "source": "workshop", "external_ref": "WO-7"}"#)
        #expect(again["replayed"] == .bool(true) && again["id"] == first["id"])
        expectCRMError(.conflict, "WO-7", "lines") {
            try f.run("jobcard.create", #"{"quote_id": 1, "line_positions": [0], "source": "workshop", "external_ref": "WO-7"}"#)
        }
    }

    @Test func aQuoteIsBilledDirectlyOrThroughItsJobCardsNeverBoth() throws {
        let f = try fixture(quotes: true)
        // Quote 1 gets a job card: invoicing the quote itself is refused.
        let card = try f.run("jobcard.create", #"{"quote_id": 1}"#)
        expectCRMError(.constraint, "has job card \(card["number"]?.text ?? "")", "jobcard_id") {
            try f.run("invoice.create", #"{"quote_id": 1}"#)
        }
        // A cancelled card frees the quote to be invoiced directly.
        try f.run("jobcard.cancel", #"{"id": \#(card["id"]?.int ?? 0), "reason": "done by the customer's own fitter"}"#)
        let invoice = try f.make("invoice.create", #""quote_id": 1"#)
        // Invoiced directly (even as a draft): no job card from it any more.
        let before = try f.rows("jobcards")
        expectCRMError(.constraint, "is invoiced directly", "draft \(invoice)") { try f.run("jobcard.create", #"{"quote_id": 1}"#) }
        #expect(try f.rows("jobcards") == before)
    }

    @Test func badInputNamesTheFieldAndWritesNothing() throws {
        let f = try fixture()
        let before = try f.rows("crm_events")
        expectCRMError(.invalid, "account_id is required") { try f.run("jobcard.create", #"{"site": "x"}"#) }
        expectCRMError(.notFound, "account_id 5") { try f.run("jobcard.create", #"{"account_id": 5}"#) }
        expectCRMError(.invalid, "unknown field") { try f.run("jobcard.create", #"{"account_id": 1, "sight": "x"}"#) }
        expectCRMError(.invalid, "scheduled_on") { try f.run("jobcard.create", #"{"account_id": 1, "scheduled_on": "3 Dec"}"#) }
        expectCRMError(.invalid, "tasks[1]: status") { try f.run("jobcard.create", #"{"account_id": 1, "tasks": [{"description": "a"}, {"description": "b", "status": "half"}]}"#) }
        expectCRMError(.invalid, "tasks[0].description") { try f.run("jobcard.create", #"{"account_id": 1, "tasks": [{"description": " "}]}"#) }
        expectCRMError(.invalid, "technicians[1]", "twice") { try f.run("jobcard.create", #"{"account_id": 1, "technicians": ["Sipho", "sipho"]}"#) }
        expectCRMError(.invalid, "warranty") { try f.run("jobcard.create", #"{"account_id": 1, "warranty": "yes"}"#) }
        expectCRMError(.invalid, "currency") { try f.run("jobcard.create", #"{"account_id": 1, "currency": "XYZ"}"#) }
        expectCRMError(.notFound, "lines[0].product_id 9") { try f.run("jobcard.create", #"{"account_id": 1, "lines": [{"product_id": 9, "quantity_milli": 1000}]}"#) }
        expectCRMError(.notFound, "contact_id 8") { try f.run("jobcard.create", #"{"account_id": 1, "contact_id": 8}"#) }
        expectCRMError(.invalid, "opportunity_id: opportunities are not available") { try f.run("jobcard.create", #"{"account_id": 1, "opportunity_id": 3}"#) }
        expectCRMError(.range, "serial_number") { try f.run("jobcard.create", "{\"account_id\": 1, \"serial_number\": \"\(String(repeating: "9", count: 101))\"}") }
        #expect(try f.rows("jobcards") == 0)
        #expect(try f.rows("document_lines") == 0)
        #expect(try f.rows("crm_events") == before)
        let id = try f.make("jobcard.create", #""account_id": 1"#)
        expectCRMError(.invalid, "scheduled_on is required") { try f.run("jobcard.schedule", "{\"id\": \(id)}") }
        expectCRMError(.invalid, "reason is required") { try f.run("jobcard.hold", "{\"id\": \(id)}") }
        expectCRMError(.invalid, "status is required") { try f.run("jobcard.task", "{\"id\": \(id), \"position\": 0}") }
        expectCRMError(.notFound, "job card 99") { try f.run("jobcard.get", #"{"id": 99}"#) }
        expectCRMError(.invalid, "warranty cannot be null") { try f.run("jobcard.update", "{\"id\": \(id), \"warranty\": null}") }
        #expect(try f.run("jobcard.get", "{\"id\": \(id)}")["version"]?.int == 1)
    }

    @Test func aCreateIsReplayedByItsReferenceAndFoundByIt() throws {
        let f = try fixture()
        let text = #"{"account_id": 1, "site": "Workshop", "technicians": ["Sipho"], "source": "workshop", "external_ref": "WO-1"}"#
        let (made, events) = try f.runWithEvents("jobcard.create", text)
        #expect(made["replayed"] == .bool(false) && events.count == 1)
        let (again, none) = try f.runWithEvents("jobcard.create", text)
        #expect(again["replayed"] == .bool(true) && again["id"] == made["id"] && again["number"] == made["number"] && none.isEmpty)
        expectCRMError(.conflict, "site") {
            try f.run("jobcard.create", #"{"account_id": 1, "site": "Farm", "technicians": ["Sipho"], "source": "workshop", "external_ref": "WO-1"}"#)
        }
        #expect(try f.run("jobcard.get", #"{"source": "workshop", "external_ref": "WO-1"}"#)["id"] == made["id"])
        #expect(try f.rows("jobcards") == 1)
    }

    @Test func updatesListsAndAccountMerges() throws {
        let f = try fixture()
        try f.make("account.create", #""name": "Karoo Irrigation (duplicate)""#)
        let a = try f.make("jobcard.create", #""account_id": 1, "technicians": ["Sipho Dlamini"]"#)
        let b = try f.make("jobcard.create", #""account_id": 2, "technicians": ["Anna Smit"]"#)
        let c = try f.make("jobcard.create", #""account_id": 1"#)
        try f.run("jobcard.schedule", "{\"id\": \(a), \"scheduled_on\": \"2026-12-03\"}")
        try f.run("jobcard.schedule", "{\"id\": \(b), \"scheduled_on\": \"2026-12-10\", \"technicians\": [\"Anna Smit\", \"Sipho Dlamini\"]}")
        let (updated, events) = try f.runWithEvents("jobcard.update", "{\"id\": \(c), \"site\": \"Farm\", \"technicians\": [\"Thabo\"], \"expected_version\": 1}")
        #expect(updated["version"]?.int == 2 && events.first?.record["changed"]?.strings == ["technicians", "site"])
        let (same, nothing) = try f.runWithEvents("jobcard.update", "{\"id\": \(c), \"site\": \"Farm\"}")
        #expect(same["version"]?.int == 2 && nothing.isEmpty)
        let ids = { (filter: String) in try f.run("jobcard.list", filter).items.map { $0["id"]?.int } }
        #expect(try ids(#"{"account_id": 1}"#) == [a, c])
        #expect(try ids(#"{"status": "scheduled"}"#) == [a, b])
        #expect(try ids(#"{"technician": "sipho dlamini"}"#) == [a, b])
        #expect(try ids(#"{"scheduled_from": "2026-12-04", "scheduled_to": "2026-12-31"}"#) == [b])
        #expect(try ids(#"{"scheduled_to": "2026-12-03"}"#) == [a])
        let page = try f.run("jobcard.list", #"{"limit": 2}"#)
        #expect(page.items.count == 2 && page["next_cursor"]?.text == String(b))
        #expect(try ids("{\"cursor\": \"\(b)\"}") == [c])
        expectCRMError(.invalid, "status") { try f.run("jobcard.list", #"{"status": "done"}"#) }
        try f.run("account.merge", #"{"survivor_id": 1, "merged_id": 2}"#)
        #expect(try ids(#"{"account_id": 1}"#) == [a, b, c])
    }
}
