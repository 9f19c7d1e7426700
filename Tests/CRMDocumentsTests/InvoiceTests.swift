import Testing
@testable import CRMDocuments
import CRMStore

@Suite("invoices")
struct InvoiceTests {
    /// Account 1 (30 days' terms), contact 1; product 1 a part (R 1250.00,
    /// revenue account 4100), product 2 labour (R 450.00 an hour), both 15% VAT;
    /// quote 1 accepted (pump, call-out fee 10% off, 2.5 fitter hours), quote 2 sent;
    /// job card 1 completed with a pump and 90 minutes of labour.
    func fixture() throws -> DocumentsFixture {
        let f = try DocumentsFixture(pipeline: false)
        try f.make("account.create", #""name": "Karoo Irrigation", "currency": "ZAR", "payment_terms_days": 30"#)
        try f.make("contact.create", #""account_id": 1, "last_name": "Botha""#)
        try f.make("product.create", #""code": "PUMP-075", "name": "Borehole pump 0.75 kW", "kind": "part", "unit_price_minor": 125000, "tax_rate_bp": 1500, "revenue_account": "4100""#)
        try f.make("product.create", #""code": "LAB-FIT", "name": "Fitter, per hour", "kind": "labour", "unit": "hour", "unit_price_minor": 45000, "tax_rate_bp": 1500"#)
        for id in 1...2 {
            try f.make("quote.create", #""account_id": 1, "lines": [{"product_id": 1, "quantity_milli": 1000}, {"description": "Call-out fee", "quantity_milli": 1000, "unit_price_minor": 35000, "discount_bp": 1000, "tax_rate_bp": 1500}, {"product_id": 2, "quantity_milli": 2500}]"#)
            try f.run("quote.send", #"{"id": \#(id)}"#)
        }
        try f.run("quote.accept", #"{"id": 1}"#)
        try f.make("jobcard.create", #""account_id": 1, "contact_id": 1, "description": "Pump trips the breaker""#)
        try f.run("jobcard.use_part", #"{"id": 1, "product_id": 1, "quantity_milli": 1000}"#)
        try f.run("jobcard.log_labour", #"{"id": 1, "technician": "Sipho", "minutes": 90, "product_id": 2}"#)
        try f.run("jobcard.schedule", #"{"id": 1, "scheduled_on": "2026-12-03"}"#)
        try f.run("jobcard.start", #"{"id": 1}"#)
        try f.run("jobcard.complete", #"{"id": 1, "signed_by": "J. Botha"}"#)
        return f
    }

    func quantities(_ invoice: JSONValue) -> [Int64?] { invoice["lines"]?.array?.map { $0["quantity_milli"]?.int } ?? [] }

    @Test("contact.export hands over the documents that name the contact; contact.erase keeps them, the business's records")
    func theDocumentsOfAContactAreExportedAndKept() throws {
        let f = try fixture()
        let invoice = try f.make("invoice.create", #""jobcard_id": 1"#)
        try f.make("quote.create", #""account_id": 1, "contact_id": 1, "lines": [{"product_id": 1, "quantity_milli": 1000}]"#)
        let exported = try f.run("contact.export", #"{"id": 1}"#)
        let documents = try #require(exported["documents"], "\(exported)")
        #expect(documents["quotes"]?.array?.map { $0["id"]?.int } == [3], "only the quote naming the contact: \(documents)")
        #expect(documents["jobcards"]?.array?.map { $0["id"]?.int } == [1])
        #expect(documents["jobcards"]?.array?.first?["sign_off"]?["name"]?.text == "J. Botha")
        #expect(documents["invoices"]?.array?.map { $0["id"]?.int } == [invoice])
        let before = try f.run("invoice.get", #"{"id": \#(invoice)}"#)
        try f.run("contact.erase", #"{"id": 1}"#)
        #expect(try f.run("invoice.get", #"{"id": \#(invoice)}"#) == before, "an invoice is an accounting record: kept as it was")
        #expect(try f.run("jobcard.get", #"{"id": 1}"#)["sign_off"]?["name"]?.text == "J. Botha")
        #expect(try f.run("contact.export", #"{"id": 1}"#)["documents"]?["invoices"]?.array?.count == 1)
    }

    @Test func aCompletedJobCardIsInvoicedIssuedAndMarkedInvoiced() throws {
        let f = try fixture()
        let (draft, created) = try f.runWithEvents("invoice.create", #"{"jobcard_id": 1}"#)
        #expect(created.map(\.type) == ["invoice.created"])
        #expect(draft["status"]?.text == "draft" && draft["number"] == .null && draft["contact_id"]?.int == 1)
        #expect(quantities(draft) == [1000, 1500])
        // 1250.00 + 1.5 h × 450.00 = 1925.00 net, 288.75 tax.
        #expect(draft["subtotal_minor"]?.int == 192_500 && draft["tax_minor"]?.int == 28_875 && draft["total_minor"]?.int == 221_375)
        #expect(draft["lines"]?.array?.first?["source"]?["type"]?.text == "jobcard")
        let (issued, events) = try f.runWithEvents("invoice.issue", #"{"id": 1}"#)
        #expect(events.map(\.type) == ["invoice.issued", "jobcard.invoiced"])
        #expect(issued["number"]?.text == "INV-000001" && issued["status"]?.text == "issued")
        #expect(issued["issued_on"]?.text == "2026-12-01" && issued["due_on"]?.text == "2026-12-31")
        #expect(issued["balance_due_minor"]?.int == 221_375 && issued["paid_minor"]?.int == 0)
        let posting = try #require(events.first?.record["posting"])
        let lines = try #require(posting["lines"]?.array)
        #expect(lines.map { $0["account"]?.text } == ["1100", "4100", "4000", "2200"])
        #expect(lines.map { ($0["debit_minor"] ?? $0["credit_minor"])?.int } == [221_375, 125_000, 67_500, 28_875])
        #expect(posting["memo"]?.text == "Invoice INV-000001" && posting["date"]?.text == "2026-12-01")
        let card = try f.run("jobcard.get", #"{"id": 1}"#)
        #expect(card["status"]?.text == "invoiced" && card["invoice_id"]?.int == 1)
        // Nothing is left to invoice, and the card is no longer completed.
        expectCRMError(.constraint, "invoiced") { try f.run("invoice.create", #"{"jobcard_id": 1}"#) }
        // Overdue is derived from due_on and the day asked about.
        #expect(try f.run("invoice.get", #"{"id": 1, "as_of": "2026-12-31"}"#)["overdue"] == .bool(false))
        #expect(try f.run("invoice.get", #"{"id": 1, "as_of": "2027-01-01"}"#)["overdue"] == .bool(true))
        #expect(try f.run("invoice.list", #"{"overdue": true, "as_of": "2027-01-01"}"#).items.count == 1)
        #expect(try f.run("invoice.list", #"{"overdue": true, "as_of": "2026-12-02"}"#).items.isEmpty)
    }

    @Test func partialAndProgressBillingNeverExceedWhatWasQuoted() throws {
        let f = try fixture()
        expectCRMError(.constraint, "sent", "only an accepted quote") { try f.run("invoice.create", #"{"quote_id": 2}"#) }
        // 30% now, of every line.
        let first = try f.run("invoice.create", #"{"quote_id": 1, "percent_bp": 3000}"#)
        #expect(quantities(first) == [300, 300, 750])
        // Chosen lines and quantities.
        let second = try f.run("invoice.create", #"{"quote_id": 1, "line_positions": [2], "quantities_milli": [1000]}"#)
        #expect(quantities(second) == [1000])
        let before = try f.rows("invoices")
        expectCRMError(.constraint, "quantities_milli[0]", "750 of 2500") {
            try f.run("invoice.create", #"{"quote_id": 1, "line_positions": [2], "quantities_milli": [751]}"#)
        }
        expectCRMError(.constraint, "percent_bp 8000") { try f.run("invoice.create", #"{"quote_id": 1, "percent_bp": 8000}"#) }
        expectCRMError(.invalid, "line_positions[0]", "3 lines") { try f.run("invoice.create", #"{"quote_id": 1, "line_positions": [3]}"#) }
        expectCRMError(.invalid, "quantities_milli has 2 items") {
            try f.run("invoice.create", #"{"quote_id": 1, "line_positions": [0], "quantities_milli": [1, 2]}"#)
        }
        expectCRMError(.invalid, "lines come from the quote_id") { try f.run("invoice.create", #"{"quote_id": 1, "lines": []}"#) }
        #expect(try f.rows("invoices") == before)
        // The rest: what remains of each line.
        let rest = try f.run("invoice.create", #"{"quote_id": 1}"#)
        #expect(quantities(rest) == [700, 700, 750])
        expectCRMError(.constraint, "nothing left to invoice") { try f.run("invoice.create", #"{"quote_id": 1}"#) }
        // Deleting a draft frees what it took.
        let deleted = try f.run("invoice.delete", #"{"id": 3}"#)
        #expect(deleted["deleted"] == .bool(true))
        #expect(quantities(try f.run("invoice.create", #"{"quote_id": 1, "line_positions": [0, 1], "percent_bp": 7000}"#)) == [700, 700])
        #expect(quantities(try f.run("invoice.create", #"{"quote_id": 1}"#)) == [750])
        #expect(try f.run("invoice.list", #"{"quote_id": 1}"#).items.count == 4)
    }

    @Test func anIssuedInvoiceIsFrozenAndNumbersAreGapless() throws {
        let f = try fixture()
        let lines = #""lines": [{"description": "Site visit", "quantity_milli": 1000, "unit_price_minor": 50000, "tax_rate_bp": 1500}]"#
        for _ in 1...3 { try f.make("invoice.create", #""account_id": 1, \#(lines)"#) }
        let updated = try f.run("invoice.update", #"{"id": 1, "notes": "Thank you", "expected_version": 1}"#)
        #expect(updated["notes"]?.text == "Thank you" && updated["version"]?.int == 2)
        #expect(try f.run("invoice.issue", #"{"id": 1, "issued_on": "2026-11-30"}"#)["number"]?.text == "INV-000001")
        // A failed issue (the account archived in between) gives its number back.
        try f.store.connection.run("UPDATE accounts SET payment_terms_days = ? WHERE id = ?", [.integer(30), .integer(1)])
        expectCRMError(.constraint, "no lines") {
            try f.make("invoice.create", #""account_id": 1, "lines": []"#)
            try f.run("invoice.issue", #"{"id": 4}"#)
        }
        #expect(try f.run("invoice.issue", #"{"id": 2}"#)["number"]?.text == "INV-000002")
        // Issued: never edited, deleted or issued again.
        for command in ["invoice.update", "invoice.delete"] {
            expectCRMError(.constraint, "issued", "only a draft") { try f.run(command, #"{"id": 1, "notes": "x"}"#.replacingOccurrences(of: command == "invoice.delete" ? #", "notes": "x""# : "§", with: "")) }
        }
        expectCRMError(.constraint, "from issued to issued") { try f.run("invoice.issue", #"{"id": 1}"#) }
        #expect(try f.run("invoice.issue", #"{"id": 3}"#)["number"]?.text == "INV-000003")
        // The series can go on from a host's old numbering, never back.
        try f.run("invoice.configure_series", #"{"series": "invoice", "next_number": 1000, "prefix": "K-"}"#)
        expectCRMError(.constraint, "repeat numbers") { try f.run("invoice.configure_series", #"{"series": "invoice", "next_number": 2}"#) }
        try f.run("invoice.update", #"{"id": 4, \#(lines)}"#)
        #expect(try f.run("invoice.issue", #"{"id": 4}"#)["number"]?.text == "K-001000")
    }

    @Test func aRolledBackIssueGivesItsNumberBack() throws {
        let f = try fixture()
        let lines = #""lines": [{"description": "Site visit", "quantity_milli": 1000, "unit_price_minor": 50000}]"#
        for _ in 1...2 { try f.make("invoice.create", #""account_id": 1, \#(lines)"#) }
        // The whole write fails after the issue: the number goes back with it.
        #expect(throws: CRMError.self) {
            try f.store.write("test") {
                var arguments = try Arguments(.object([("id", .integer(1))]), context: "invoice.issue")
                _ = try InvoiceCommands.issue(f.store, &arguments)
                throw CRMError.constraint("host failed")
            }
        }
        #expect(try f.run("invoice.get", #"{"id": 1}"#)["status"]?.text == "draft")
        #expect(try f.run("invoice.issue", #"{"id": 2}"#)["number"]?.text == "INV-000001")
        #expect(try f.run("invoice.issue", #"{"id": 1}"#)["number"]?.text == "INV-000002")
    }

    @Test func badInputNamesTheFieldAndWritesNothing() throws {
        let f = try fixture()
        let before = try f.rows("crm_events")
        expectCRMError(.invalid, "account_id is required") { try f.run("invoice.create", #"{"lines": []}"#) }
        expectCRMError(.invalid, "jobcard_id or quote_id, not both") { try f.run("invoice.create", #"{"jobcard_id": 1, "quote_id": 1}"#) }
        expectCRMError(.range, "percent_bp") { try f.run("invoice.create", #"{"quote_id": 1, "percent_bp": 0}"#) }
        expectCRMError(.invalid, "need a jobcard_id") { try f.run("invoice.create", #"{"account_id": 1, "percent_bp": 10}"#) }
        expectCRMError(.notFound, "jobcard_id 9") { try f.run("invoice.create", #"{"jobcard_id": 9}"#) }
        expectCRMError(.range, "lines[0]", "quantity_milli") {
            try f.run("invoice.create", #"{"account_id": 1, "lines": [{"description": "x", "quantity_milli": 0, "unit_price_minor": 1}]}"#)
        }
        expectCRMError(.range, "lines[0]") {
            try f.run("invoice.create", #"{"account_id": 1, "lines": [{"description": "x", "quantity_milli": 1000000000000, "unit_price_minor": 9223372036854775807}]}"#)
        }
        expectCRMError(.invalid, "source and external_ref") { try f.run("invoice.record", #"{"account_id": 1, "number": "A1", "issued_on": "2026-01-01", "total_minor": 100}"#) }
        expectCRMError(.invalid, "tax_minor 200 is more than total_minor 100") {
            try f.run("invoice.record", #"{"source": "ledger", "external_ref": "A1", "account_id": 1, "number": "A1", "issued_on": "2026-01-01", "total_minor": 100, "tax_minor": 200}"#)
        }
        #expect(try f.rows("crm_events") == before)
        #expect(try f.rows("invoices") == 0)
    }

    @Test func aRecordedInvoiceIsImmutableAndTakesNoNumber() throws {
        let f = try fixture()
        let text = #"{"source": "ledger", "external_ref": "SI-0042", "account_id": 1, "number": "SI-0042", "issued_on": "2026-10-01", "total_minor": 115000, "tax_minor": 15000}"#
        let (recorded, events) = try f.runWithEvents("invoice.record", text)
        #expect(events.map(\.type) == ["invoice.recorded"])
        #expect(events.first?.record["posting"] == nil)
        #expect(recorded["recorded"] == .bool(true) && recorded["status"]?.text == "issued" && recorded["number"]?.text == "SI-0042")
        #expect(recorded["due_on"]?.text == "2026-10-31" && recorded["subtotal_minor"]?.int == 100_000 && recorded["balance_due_minor"]?.int == 115_000)
        // Replayed by its reference.
        #expect(try f.run("invoice.record", text)["replayed"] == .bool(true))
        expectCRMError(.constraint, "recorded", "only a draft") { try f.run("invoice.update", #"{"id": 1, "notes": "x"}"#) }
        expectCRMError(.constraint, "recorded", "only a draft") { try f.run("invoice.delete", #"{"id": 1}"#) }
        expectCRMError(.constraint, "from recorded to issued") { try f.run("invoice.issue", #"{"id": 1}"#) }
        expectCRMError(.constraint, "SI-0042 is recorded already") {
            try f.run("invoice.record", #"{"source": "ledger", "external_ref": "other", "account_id": 1, "number": "SI-0042", "issued_on": "2026-10-01", "total_minor": 1}"#)
        }
        // With lines and a posting asked for.
        let (withLines, posted) = try f.runWithEvents("invoice.record", #"{"source": "ledger", "external_ref": "SI-0043", "account_id": 1, "number": "SI-0043", "issued_on": "2026-10-02", "due_on": "2026-10-09", "posting": true, "lines": [{"product_id": 1, "quantity_milli": 2000}]}"#)
        #expect(withLines["total_minor"]?.int == 287_500 && withLines["due_on"]?.text == "2026-10-09")
        #expect(posted.first?.record["posting"]?["lines"]?.array?.map { $0["account"]?.text } == ["1100", "4100", "2200"])
        // libcrm's own series is untouched.
        try f.make("invoice.create", #""account_id": 1, "lines": [{"product_id": 1, "quantity_milli": 1000}]"#)
        #expect(try f.run("invoice.issue", #"{"id": 3}"#)["number"]?.text == "INV-000001")
        #expect(try f.run("invoice.get", #"{"source": "ledger", "external_ref": "SI-0042"}"#)["id"]?.int == 1)
        #expect(try f.run("invoice.list", #"{"recorded": true}"#).items.count == 2)
    }

    @Test("a credit note gives back what it credits: the invoiced job card is completed again and invoices only what was given back")
    func aCreditedJobCardIsInvoicedAgainForWhatWasGivenBack() throws {
        let f = try fixture()
        let first = try f.make("invoice.create", #""jobcard_id": 1"#)
        try f.run("invoice.issue", #"{"id": \#(first)}"#)
        #expect(try f.run("jobcard.get", #"{"id": 1}"#)["status"]?.text == "invoiced")
        expectCRMError(.constraint, "completed") { try f.run("invoice.create", #"{"jobcard_id": 1}"#) }
        // A draft credit note gives nothing back yet.
        try f.make("credit_note.create", #""invoice_id": \#(first), "line_positions": [0], "quantities_milli": [1000], "reason": "Wrong pump billed""#)
        #expect(try f.run("jobcard.get", #"{"id": 1}"#)["status"]?.text == "invoiced")
        let (_, events) = try f.runWithEvents("credit_note.issue", #"{"id": 1}"#)
        #expect(events.map(\.type) == ["credit_note.issued", "invoice.credited", "jobcard.reopened"])
        let reopened = try #require(events.last?.record)
        #expect(reopened["status"]?.text == "completed" && reopened["invoice_id"]?.isNull == true)
        #expect(reopened["transition"]?["from"]?.text == "invoiced" && reopened["credit_note_id"]?.int == 1)
        // Invoiced again: only the pump, the labour stays on the first invoice.
        let second = try f.run("invoice.create", #"{"jobcard_id": 1}"#)
        #expect(second["lines"]?.array?.map { $0["quantity_milli"]?.int } == [1000], "\(second)")
        #expect(second["lines"]?.array?.first?["product_id"]?.int == 1)
        let (_, issued) = try f.runWithEvents("invoice.issue", #"{"id": \#(second["id"]?.int ?? 0)}"#)
        #expect(issued.map(\.type) == ["invoice.issued", "jobcard.invoiced"])
        #expect(try f.run("jobcard.get", #"{"id": 1}"#)["invoice_id"] == second["id"])
        expectCRMError(.constraint, "completed") { try f.run("invoice.create", #"{"jobcard_id": 1}"#) }
    }

    @Test func creditNotesPartialThenFullReverseThePostingAndCreditTheInvoice() throws {
        let f = try fixture()
        try f.make("invoice.create", #""jobcard_id": 1"#)
        try f.run("invoice.issue", #"{"id": 1}"#)
        expectCRMError(.notFound, "invoice_id 9") { try f.run("credit_note.create", #"{"invoice_id": 9}"#) }
        // Half an hour of the labour back.
        let (draft, created) = try f.runWithEvents("credit_note.create", #"{"invoice_id": 1, "line_positions": [1], "quantities_milli": [500], "reason": "Overbooked"}"#)
        #expect(created.map(\.type) == ["credit_note.created"])
        #expect(draft["status"]?.text == "draft" && draft["number"] == .null && draft["total_minor"]?.int == 25_875)
        expectCRMError(.constraint, "quantities_milli[0]", "1000 of 1500") {
            try f.run("credit_note.create", #"{"invoice_id": 1, "line_positions": [1], "quantities_milli": [1001]}"#)
        }
        let (issued, events) = try f.runWithEvents("credit_note.issue", #"{"id": 1}"#)
        // The half hour given back may be invoiced again: the job card is completed once more.
        #expect(events.map(\.type) == ["credit_note.issued", "invoice.credited", "jobcard.reopened"])
        #expect(issued["number"]?.text == "CN-000001" && issued["invoice_number"]?.text == "INV-000001")
        let posting = try #require(events.first?.record["posting"]?["lines"]?.array)
        #expect(posting.map { $0["account"]?.text } == ["1100", "4000", "2200"])
        #expect(posting.map { $0["credit_minor"]?.int } == [25_875, nil, nil])
        #expect(posting.map { $0["debit_minor"]?.int } == [nil, 22_500, 3_375])
        var invoice = try f.run("invoice.get", #"{"id": 1}"#)
        #expect(invoice["credited_minor"]?.int == 25_875 && invoice["balance_due_minor"]?.int == 221_375 - 25_875)
        #expect(invoice["status"]?.text == "issued")
        // The rest of everything: exactly what is left of each line.
        try f.run("credit_note.create", #"{"invoice_id": 1}"#)
        let rest = try f.run("credit_note.issue", #"{"id": 2}"#)
        #expect(rest["number"]?.text == "CN-000002" && rest["total_minor"]?.int == 221_375 - 25_875)
        invoice = try f.run("invoice.get", #"{"id": 1}"#)
        #expect(invoice["status"]?.text == "credited" && invoice["balance_due_minor"]?.int == 0)
        expectCRMError(.constraint, "nothing left to credit") { try f.run("credit_note.create", #"{"invoice_id": 1}"#) }
        expectCRMError(.constraint, "from issued to issued") { try f.run("credit_note.issue", #"{"id": 1}"#) }
        expectCRMError(.constraint, "only a draft") { try f.run("credit_note.delete", #"{"id": 1}"#) }
        #expect(try f.run("credit_note.list", #"{"invoice_id": 1}"#).items.count == 2)
        // A draft invoice is not credited.
        try f.make("invoice.create", #""account_id": 1, "lines": [{"product_id": 1, "quantity_milli": 1000}]"#)
        expectCRMError(.constraint, "draft") { try f.run("credit_note.create", #"{"invoice_id": 2}"#) }
    }

    @Test func aRecordedCreditNoteAgainstARecordedInvoice() throws {
        let f = try fixture()
        try f.run("invoice.record", #"{"source": "ledger", "external_ref": "SI-1", "account_id": 1, "number": "SI-1", "issued_on": "2026-10-01", "total_minor": 115000, "tax_minor": 15000}"#)
        let text = #"{"source": "ledger", "external_ref": "SC-1", "invoice_id": 1, "number": "SC-1", "issued_on": "2026-10-05", "posting": true}"#
        let (note, events) = try f.runWithEvents("credit_note.record", text)
        #expect(events.map(\.type) == ["invoice.credited", "credit_note.recorded"])
        #expect(note["recorded"] == .bool(true) && note["total_minor"]?.int == 115_000 && note["number"]?.text == "SC-1")
        #expect(events.last?.record["posting"]?["lines"]?.array?.count == 3)
        #expect(try f.run("credit_note.record", text)["replayed"] == .bool(true))
        #expect(try f.run("invoice.get", #"{"id": 1}"#)["status"]?.text == "credited")
        #expect(try f.run("credit_note.get", #"{"source": "ledger", "external_ref": "SC-1"}"#)["id"]?.int == 1)
        // libcrm's credit note series is untouched.
        #expect(try f.store.connection.integer("SELECT next_number FROM number_series WHERE series = ?", [.text("credit_note")]) == 1)
    }

    /// Valid arguments for every write command of invoices and credit notes,
    /// against `hostFixture`: invoice 1 a standalone draft, invoice 2 issued,
    /// credit note 1 a draft against it.
    static let validArguments: [String: String] = [
        "invoice.create": #"{"account_id": 1, "lines": [{"product_id": 1, "quantity_milli": 1000}]}"#,
        "invoice.update": #"{"id": 1, "notes": "Thanks"}"#,
        "invoice.delete": #"{"id": 1}"#,
        "invoice.issue": #"{"id": 1}"#,
        "invoice.record": #"{"source": "ledger", "external_ref": "SI-9", "account_id": 1, "number": "SI-9", "issued_on": "2026-11-01", "total_minor": 1150, "tax_minor": 150}"#,
        "invoice.configure_series": #"{"series": "invoice", "next_number": 50}"#,
        "credit_note.create": #"{"invoice_id": 2, "line_positions": [0], "quantities_milli": [100]}"#,
        "credit_note.delete": #"{"id": 1}"#,
        "credit_note.issue": #"{"id": 1}"#,
        "credit_note.record": #"{"source": "ledger", "external_ref": "SC-9", "invoice_id": 2, "number": "SC-9", "issued_on": "2026-12-01", "line_positions": [0], "quantities_milli": [100]}"#,
    ]

    func hostFixture() throws -> DocumentsFixture {
        let f = try fixture()
        for _ in 1...2 { try f.make("invoice.create", #""account_id": 1, "lines": [{"product_id": 1, "quantity_milli": 1000}]"#) }
        try f.run("invoice.issue", #"{"id": 2}"#)
        try f.make("credit_note.create", #""invoice_id": 2, "line_positions": [0], "quantities_milli": [100]"#)
        return f
    }

    @Test func everyWriteCommandIsCovered() throws {
        let f = try DocumentsFixture(pipeline: false)
        let commands = f.store.modules.commands
        let writes = commands.names.filter {
            // credit_note.apply is the payments suite's.
            ($0.hasPrefix("invoice.") || $0.hasPrefix("credit_note.")) && $0 != "credit_note.apply"
                && commands.command(named: $0)?.access == .write
        }
        #expect(Set(writes) == Set(Self.validArguments.keys))
    }

    @Test(arguments: InvoiceTests.validArguments.keys.sorted())
    func aCallRefusedOnItsInputKeepsTheHostTransaction(_ command: String) throws {
        let f = try hostFixture()
        let valid = try #require(Self.validArguments[command])
        try f.store.beginTransaction()
        try f.run("account.create", #"{"name": "Earlier In The Transaction"}"#)
        let misspelt = String(valid.dropLast()) + #", "zz_unknown": 1}"#
        expectCRMError(.invalid, "unknown field 'zz_unknown'") { try f.run(command, misspelt) }
        #expect(f.store.abortedTransaction == nil)
        try f.run(command, valid)
        let committed = try f.store.commitTransaction()
        #expect(committed.first?.type == "account.created" && committed.count >= 2)
    }

    @Test func aMergedAccountsInvoicesAndCreditNotesMove() throws {
        let f = try hostFixture()
        try f.make("account.create", #""name": "Karoo Irrigation (old)""#)
        let (_, events) = try f.runWithEvents("account.merge", #"{"survivor_id": 2, "merged_id": 1}"#)
        let moved = events.first { $0.type == "account.merged" }?.record["moved"]
        #expect(moved?["invoices"]?.int == 2 && moved?["credit_notes"]?.int == 1)
        #expect(try f.run("invoice.get", #"{"id": 2}"#)["account_id"]?.int == 2)
        #expect(try f.run("credit_note.get", #"{"id": 1}"#)["account_id"]?.int == 2)
    }
}
