import Testing
import CRMStore

@Suite("dunning")
struct DunningTests {
    /// Account 1 "Karoo Irrigation" (ZAR) with contact 1 Thandi Mokoena
    /// (accounts payable; e-mail preferred; e-mail and post opted in).
    /// Recorded invoices issued 2026-09-01:
    ///   1 K-1 100000 due 11-01   2 K-2 50000 due 11-20   3 K-3 30000 due 12-10
    func fixture() throws -> CreditFixture {
        let f = try CreditFixture()
        try f.make("account.create", #""name": "Karoo Irrigation", "currency": "ZAR""#)
        try f.make("contact.create", #"""
            "account_id": 1, "first_name": "Thandi", "last_name": "Mokoena", "role": "accounts payable",
            "email": "thandi@karoo.test", "mobile": "082 555 0101", "preferred_channel": "email",
            "address": {"kind": "postal", "line1": "PO Box 12", "city": "Upington", "postal_code": "8800", "country": "ZA"}
            """#)
        try f.run("contact.consent", #"{"contact_id": 1, "channel": "email", "status": "opted_in", "source": "credit application"}"#)
        try f.run("contact.consent", #"{"contact_id": 1, "channel": "post", "status": "opted_in", "source": "credit application"}"#)
        for (number, due, total) in [("K-1", "2026-11-01", 100_000), ("K-2", "2026-11-20", 50_000), ("K-3", "2026-12-10", 30_000)] {
            try f.make("invoice.record", #""source": "ledger", "external_ref": "\#(number)", "account_id": 1, "number": "\#(number)", "issued_on": "2026-09-01", "due_on": "\#(due)", "total_minor": \#(total), "currency": "ZAR""#)
        }
        return f
    }

    func letters(_ result: JSONValue) -> [[String]] {
        (result["letters"]?.array ?? []).map { ["\($0["invoice_number"]?.text ?? "")", "\($0["level"]?.int ?? 0)", "\($0["days_overdue"]?.int ?? 0)"] }
    }

    func counts(_ result: JSONValue) -> [Int64?] { result["counts"]?.array?.map { $0["count"]?.int } ?? [] }

    @Test func defaultLevels() throws {
        let f = try fixture()
        let levels = try f.run("dunning.levels")
        #expect(levels["version"]?.int == 1)
        let items = try #require(levels["levels"]?.array)
        #expect(items.map { $0["level"]?.int } == [1, 2, 3])
        #expect(items.map { $0["days_overdue"]?.int } == [7, 21, 45])
        #expect(items.map { $0["template"]?.text } == ["reminder", "second_reminder", "final_notice"])
        #expect(items.allSatisfy { $0["fee_minor"]?.int == 0 && $0["interest_bps_per_year"]?.int == 0 })
        #expect(items[0]["channel_order"]?.strings == ["email", "post", "sms"])
    }

    /// 11-07: K-1 6 days, nothing. 11-08: K-1 7 days, level 1; rerun: nothing.
    /// 11-22: K-1 21 days, level 2 (K-2 2 days). 12-20: K-1 49 days, level 3;
    /// K-2 30 days jumps from none to level 2 (level 1 is never sent);
    /// K-3 10 days, level 1.
    @Test func lettersCrossingTheLevelsOnceEach() throws {
        let f = try fixture()
        let (early, earlyEvents) = try f.runWithEvents("dunning.run", #"{"as_of": "2026-11-07"}"#)
        #expect(letters(early).isEmpty && earlyEvents.isEmpty && counts(early) == [0, 0, 0])

        let (first, events) = try f.runWithEvents("dunning.run", #"{"as_of": "2026-11-08"}"#)
        #expect(first["as_of"]?.text == "2026-11-08")
        #expect(letters(first) == [["K-1", "1", "7"]])
        #expect(counts(first) == [1, 0, 0])
        let letter = try #require(first["letters"]?.array?.first)
        #expect(letter["id"]?.int == 1 && letter["invoice_id"]?.int == 1 && letter["account_id"]?.int == 1)
        #expect(letter["contact_id"]?.int == 1 && letter["template"]?.text == "reminder" && letter["channel"]?.text == "email")
        #expect(letter["outstanding_minor"]?.int == 100_000 && letter["fee_minor"]?.int == 0 && letter["interest_minor"]?.int == 0)
        #expect(letter["currency"]?.text == "ZAR" && letter["due_on"]?.text == "2026-11-01" && letter["sent_on"]?.text == "2026-11-08")
        #expect(letter["status"]?.text == "sent" && letter["resolved_on"] == .null && letter["resolved_by"] == .null)
        #expect(events.map(\.type) == ["dunning.letter"])
        let event = events[0].record
        #expect(event["invoice_number"]?.text == "K-1" && event["delivery"]?.text == "send" && event["channel"]?.text == "email")
        #expect(event["contact_name"]?.text == "Thandi Mokoena" && event["email"]?.text == "thandi@karoo.test")
        #expect(event["phone"] == .null && event["address"] == .null)
        #expect(event["invoice_total_minor"]?.int == 100_000 && event["total_due_minor"]?.int == 100_000)
        #expect(try f.run("dunning.get", #"{"id": 1}"#) == letter)

        let (again, againEvents) = try f.runWithEvents("dunning.run", #"{"as_of": "2026-11-08"}"#)
        #expect(letters(again).isEmpty && againEvents.isEmpty && counts(again) == [0, 0, 0])
        #expect(try f.rows("dunning_letters") == 1)

        let second = try f.run("dunning.run", #"{"as_of": "2026-11-22"}"#)
        #expect(letters(second) == [["K-1", "2", "21"]])
        #expect(second["letters"]?.array?.first?["template"]?.text == "second_reminder")

        let (third, thirdEvents) = try f.runWithEvents("dunning.run", #"{"as_of": "2026-12-20"}"#)
        #expect(letters(third) == [["K-1", "3", "49"], ["K-2", "2", "30"], ["K-3", "1", "10"]])
        #expect(counts(third) == [1, 1, 1])
        #expect(thirdEvents.map(\.type) == ["dunning.letter", "dunning.letter", "dunning.letter"])
        #expect(try f.run("dunning.run", #"{"as_of": "2026-12-30"}"#)["letters"]?.array?.isEmpty == true)
        #expect(try f.rows("dunning_letters") == 5)
        // K-2 at 60 days: level 3 follows its level 2; level 1 never comes. K-3 at 40 days: level 2.
        #expect(letters(try f.run("dunning.run", #"{"as_of": "2027-01-19"}"#)) == [["K-2", "3", "60"], ["K-3", "2", "40"]])
        let k2 = try f.run("dunning.list", #"{"invoice_id": 2}"#).items
        #expect(k2.map { $0["level"]?.int } == [2, 3])
    }

    /// Levels with a fee and interest (365-day year, half away from zero):
    ///   K-1 100000, 1000 bps, 45 days: 100000 × 1000 × 45 / 3650000 = 1232.88 → 1233
    ///   K-1 100000,  800 bps, 21 days: 1680000000 / 3650000 = 460.27 → 460
    ///   73 owed, 2500 bps, 10 days: 1825000 / 3650000 = 0.5 → 1
    @Test func feeAndInterest() throws {
        let f = try fixture()
        let configured = try f.run("dunning.configure", #"""
            {"levels": [{"level": 1, "days_overdue": 10, "template": "nudge", "interest_bps_per_year": 2500},
                        {"level": 2, "days_overdue": 21, "template": "second_reminder", "fee_minor": 2500, "interest_bps_per_year": 800},
                        {"level": 3, "days_overdue": 45, "template": "final_notice", "fee_minor": 5000, "interest_bps_per_year": 1000,
                         "channel_order": ["post", "email"]}],
             "expected_version": 1}
            """#)
        #expect(configured["version"]?.int == 2)
        #expect(try f.run("dunning.levels")["levels"]?.array?.map { $0["fee_minor"]?.int } == [0, 2500, 5000])
        try f.make("invoice.record", #""source": "ledger", "external_ref": "K-4", "account_id": 1, "number": "K-4", "issued_on": "2026-09-01", "due_on": "2026-11-12", "total_minor": 73, "currency": "ZAR""#)
        let (run, events) = try f.runWithEvents("dunning.run", #"{"as_of": "2026-11-22"}"#)
        #expect(letters(run) == [["K-1", "2", "21"], ["K-4", "1", "10"]])
        let items = try #require(run["letters"]?.array)
        #expect(items[0]["fee_minor"]?.int == 2_500 && items[0]["interest_minor"]?.int == 460)
        #expect(items[1]["fee_minor"]?.int == 0 && items[1]["interest_minor"]?.int == 1)
        #expect(events[0].record["total_due_minor"]?.int == 102_960)
        let final = try f.run("dunning.run", #"{"as_of": "2026-12-16"}"#)
        let k1 = try #require(final["letters"]?.array?.first)
        #expect(k1["level"]?.int == 3 && k1["days_overdue"]?.int == 45)
        #expect(k1["fee_minor"]?.int == 5_000 && k1["interest_minor"]?.int == 1_233)
        // Level 3 tries post first: the contact's preferred e-mail still wins.
        #expect(k1["channel"]?.text == "email")
        // The same levels again: nothing changes, no event.
        let (same, sameEvents) = try f.runWithEvents("dunning.configure", #"{"levels": \#(JSONWriter.string(configured["levels"]!))}"#)
        #expect(same["version"]?.int == 2 && sameEvents.isEmpty)
    }

    /// E-mail opted out falls to post with the address; a contact with no
    /// consent, and an account without contacts, get a letter with no channel.
    @Test func consentChoosesTheChannel() throws {
        let f = try fixture()
        f.clock.advance(seconds: 60)
        try f.run("contact.consent", #"{"contact_id": 1, "channel": "email", "status": "opted_out", "source": "unsubscribe link"}"#)
        try f.make("account.create", #""name": "Quiet Farm", "currency": "ZAR""#)
        try f.make("contact.create", #""account_id": 2, "last_name": "Botha", "email": "botha@quiet.test", "preferred_channel": "email""#)
        try f.make("account.create", #""name": "Nobody Ltd", "currency": "ZAR""#)
        try f.make("account.create", #""name": "Texting Co", "currency": "ZAR""#)
        try f.make("contact.create", #""account_id": 4, "last_name": "Naidoo", "mobile": "083 000 1111", "email": "n@texting.test", "preferred_channel": "sms""#)
        try f.run("contact.consent", #"{"contact_id": 3, "channel": "sms", "status": "opted_in", "source": "form"}"#)
        try f.run("contact.consent", #"{"contact_id": 3, "channel": "email", "status": "opted_in", "source": "form"}"#)
        for (number, account) in [("Q-1", 2), ("N-1", 3), ("T-1", 4)] {
            try f.make("invoice.record", #""source": "ledger", "external_ref": "\#(number)", "account_id": \#(account), "number": "\#(number)", "issued_on": "2026-09-01", "due_on": "2026-11-01", "total_minor": 1000, "currency": "ZAR""#)
        }
        let (run, events) = try f.runWithEvents("dunning.run", #"{"as_of": "2026-11-08"}"#)
        #expect(letters(run) == [["K-1", "1", "7"], ["Q-1", "1", "7"], ["N-1", "1", "7"], ["T-1", "1", "7"]])
        let items = try #require(run["letters"]?.array)
        #expect(items.map { $0["channel"]?.text } == ["post", nil, nil, "sms"])
        #expect(items.map { $0["contact_id"]?.int } == [1, 2, nil, 3])
        #expect(events.map { $0.record["delivery"]?.text } == ["send", "no_channel", "no_channel", "send"])
        #expect(events[0].record["address"]?["line1"]?.text == "PO Box 12" && events[0].record["email"] == .null)
        #expect(events[1].record["contact_name"]?.text == "Botha" && events[1].record["email"] == .null)
        #expect(events[2].record["contact_name"] == .null)
        #expect(events[3].record["phone"]?.text == "083 000 1111")
    }

    /// K-1's letters resolve when a payment settles it (partial payment
    /// does not); K-2's when a credit note credits it in full; a reversed
    /// payment reopens K-1 but sends none of its levels again.
    @Test func paymentAndCreditNoteResolveAndReversalDoesNotResend() throws {
        let f = try fixture()
        try f.run("dunning.run", #"{"as_of": "2026-11-22"}"#)
        try f.run("dunning.run", #"{"as_of": "2026-12-20"}"#)
        // Letters: 1 K-1 L1, 2 K-1 L3, 3 K-2 L2, 4 K-3 L1.
        let (partial, partialEvents) = try f.runWithEvents("payment.record", #"{"account_id": 1, "amount_minor": 40000, "method": "eft", "received_on": "2026-12-21", "allocations": [{"invoice_id": 1, "amount_minor": 40000}]}"#)
        #expect(partial["id"]?.int == 1 && !partialEvents.map(\.type).contains("dunning.resolved"))
        let (_, paidEvents) = try f.runWithEvents("payment.record", #"{"account_id": 1, "amount_minor": 60000, "method": "eft", "received_on": "2026-12-22", "allocations": [{"invoice_id": 1, "amount_minor": 60000}]}"#)
        let resolved = try #require(paidEvents.first { $0.type == "dunning.resolved" }?.record)
        #expect(paidEvents.filter { $0.type == "dunning.resolved" }.count == 1)
        #expect(resolved["invoice_id"]?.int == 1 && resolved["resolved_by"]?.text == "payment")
        #expect(resolved["resolved_on"]?.text == "2026-12-22" && resolved["letter_ids"]?.array == [.integer(1), .integer(2)])
        let k1 = try f.run("dunning.list", #"{"invoice_id": 1}"#).items
        #expect(k1.map { $0["status"]?.text } == ["resolved", "resolved"] && k1.map { $0["version"]?.int } == [2, 2])
        #expect(k1.map { $0["resolved_by"]?.text } == ["payment", "payment"])

        let (_, noteEvents) = try f.runWithEvents("credit_note.record", #"{"source": "ledger", "external_ref": "CN-1", "invoice_id": 2, "number": "CN-1", "issued_on": "2026-12-23", "line_positions": [0], "quantities_milli": [1000]}"#)
        let noted = try #require(noteEvents.first { $0.type == "dunning.resolved" }?.record)
        #expect(noted["invoice_id"]?.int == 2 && noted["resolved_by"]?.text == "credit_note" && noted["letter_ids"]?.array == [.integer(3)])
        #expect(try f.run("dunning.get", #"{"id": 3}"#)["status"]?.text == "resolved")
        #expect(try f.run("dunning.list", #"{"status": "sent"}"#).items.map { $0["id"]?.int } == [4])
        #expect(try f.run("dunning.list", #"{"status": "resolved", "level": 3}"#).items.map { $0["id"]?.int } == [2])

        // The second payment bounces: K-1 owes 60000 again, 100 days past due.
        try f.run("payment.reverse", #"{"payment_id": 2, "reason": "Bounced", "reversed_on": "2027-01-05"}"#)
        let (rerun, rerunEvents) = try f.runWithEvents("dunning.run", #"{"as_of": "2027-02-09"}"#)
        #expect(!letters(rerun).contains { $0[0] == "K-1" } && letters(rerun) == [["K-3", "3", "61"]])
        #expect(rerunEvents.map(\.type) == ["dunning.letter"])
        #expect(try f.run("dunning.list", #"{"invoice_id": 1}"#).items.map { $0["status"]?.text } == ["resolved", "resolved"])
    }

    /// A credit note on K-3 applied to K-1 settles K-1: resolved by credit note.
    @Test func aCreditNoteAppliedResolvesByCreditNote() throws {
        let f = try fixture()
        try f.run("dunning.run", #"{"as_of": "2026-11-08"}"#)
        try f.run("payment.record", #"{"account_id": 1, "amount_minor": 80000, "method": "eft", "received_on": "2026-11-09", "allocations": [{"invoice_id": 1, "amount_minor": 80000}]}"#)
        #expect(try f.run("dunning.get", #"{"id": 1}"#)["status"]?.text == "sent")
        try f.make("invoice.record", #""source": "ledger", "external_ref": "K-5", "account_id": 1, "number": "K-5", "issued_on": "2026-09-01", "due_on": "2026-12-31", "total_minor": 20000, "currency": "ZAR""#)
        try f.run("payment.record", #"{"account_id": 1, "amount_minor": 20000, "method": "eft", "received_on": "2026-11-09", "allocations": [{"invoice_id": 4, "amount_minor": 20000}]}"#)
        try f.run("credit_note.record", #"{"source": "ledger", "external_ref": "CN-5", "invoice_id": 4, "number": "CN-5", "issued_on": "2026-11-10", "line_positions": [0], "quantities_milli": [1000]}"#)
        let (_, events) = try f.runWithEvents("credit_note.apply", #"{"credit_note_id": 1, "invoice_id": 1, "applied_on": "2026-11-11"}"#)
        let resolved = try #require(events.first { $0.type == "dunning.resolved" }?.record)
        #expect(resolved["invoice_id"]?.int == 1 && resolved["resolved_by"]?.text == "credit_note" && resolved["resolved_on"]?.text == "2026-11-11")
        #expect(try f.run("dunning.get", #"{"id": 1}"#)["resolved_by"]?.text == "credit_note")
    }

    /// The letters move with account.merge, are exported with the contact and
    /// their events lose the person's data on contact.erase.
    @Test func mergeExportAndErase() throws {
        let f = try fixture()
        try f.run("dunning.run", #"{"as_of": "2026-11-08"}"#)
        try f.make("account.create", #""name": "Karoo Holdings", "currency": "ZAR""#)
        try f.run("account.merge", #"{"survivor_id": 2, "merged_id": 1}"#)
        #expect(try f.run("dunning.get", #"{"id": 1}"#)["account_id"]?.int == 2)
        let export = try f.run("contact.export", #"{"id": 1}"#)
        #expect(export["dunning_letters"]?.array?.map { $0["id"]?.int } == [1])
        #expect(export["events"]?.array?.contains { $0["type"]?.text == "dunning.letter" } == true)
        try f.run("contact.erase", #"{"id": 1}"#)
        let record = try #require(try f.store.connection.row("SELECT record_json FROM crm_events WHERE type = ?", [.text("dunning.letter")]) { $0.text(0) })
        let event = try args(record)
        #expect(event["contact_name"] == .null && event["email"] == .null && event["contact_id"]?.int == 1)
        #expect(event["invoice_number"]?.text == "K-1")
    }

    @Test func listPagesAndFilters() throws {
        let f = try fixture()
        try f.run("dunning.run", #"{"as_of": "2026-12-20"}"#)
        let page = try f.run("dunning.list", #"{"limit": 2}"#)
        #expect(page.items.map { $0["id"]?.int } == [1, 2] && page["next_cursor"]?.text == "2")
        let next = try f.run("dunning.list", #"{"limit": 2, "cursor": "2"}"#)
        #expect(next.items.map { $0["id"]?.int } == [3] && next["next_cursor"] == .null)
        #expect(try f.run("dunning.list", #"{"account_id": 1, "level": 2}"#).items.map { $0["invoice_number"]?.text } == ["K-2"])
        #expect(try f.run("dunning.list", #"{"account_id": 9}"#).items.isEmpty)
        expectCRMError(.invalid, "status") { try f.run("dunning.list", #"{"status": "open"}"#) }
        expectCRMError(.invalid, "cursor") { try f.run("dunning.list", #"{"cursor": "x"}"#) }
        expectCRMError(.notFound, "id 99") { try f.run("dunning.get", #"{"id": 99}"#) }
        expectCRMError(.invalid, "id is required") { try f.run("dunning.get") }
    }

    @Test func badInputNamesTheFieldAndWritesNothing() throws {
        let f = try fixture()
        let before = try f.store.connection.integer("SELECT count(*) FROM crm_events") ?? -1
        expectCRMError(.invalid, "dunning.run: as_of is required") { try f.run("dunning.run") }
        expectCRMError(.invalid, "dunning.run: as_of must be a date") { try f.run("dunning.run", #"{"as_of": "2026-11-31"}"#) }
        expectCRMError(.invalid, "as_of") { try f.run("dunning.run", #"{"as_of": 20261201}"#) }
        expectCRMError(.invalid, "asof") { try f.run("dunning.run", #"{"as_of": "2026-12-20", "asof": 1}"#) }
        func level(_ n: Int, _ days: Int, _ extra: String = "") -> String {
            #"{"level": \#(n), "days_overdue": \#(days), "template": "t\#(n)"\#(extra)}"#
        }
        expectCRMError(.invalid, "levels[1].days_overdue must be greater than levels[0]'s (7)") {
            try f.run("dunning.configure", #"{"levels": [\#(level(1, 7)), \#(level(2, 7))]}"#)
        }
        expectCRMError(.invalid, "levels[1].level must be 2") {
            try f.run("dunning.configure", #"{"levels": [\#(level(1, 7)), \#(level(3, 21))]}"#)
        }
        expectCRMError(.invalid, "levels[0].fee_minor") { try f.run("dunning.configure", #"{"levels": [\#(level(1, 7, #", "fee_minor": -1"#))]}"#) }
        expectCRMError(.invalid, "levels[0].interest_bps_per_year") {
            try f.run("dunning.configure", #"{"levels": [\#(level(1, 7, #", "interest_bps_per_year": 10001"#))]}"#)
        }
        expectCRMError(.invalid, "levels[0].days_overdue") { try f.run("dunning.configure", #"{"levels": [\#(level(1, 0))]}"#) }
        expectCRMError(.invalid, "levels[0].channel_order[1]") {
            try f.run("dunning.configure", #"{"levels": [\#(level(1, 7, #", "channel_order": ["email", "fax"]"#))]}"#)
        }
        expectCRMError(.invalid, "levels[0]: template is required") { try f.run("dunning.configure", #"{"levels": [{"level": 1, "days_overdue": 7}]}"#) }
        expectCRMError(.invalid, "levels is required") { try f.run("dunning.configure", #"{"levels": []}"#) }
        expectCRMError(.invalid, "levels is required") { try f.run("dunning.configure") }
        expectCRMError(.conflict, "expected_version 5") {
            try f.run("dunning.configure", #"{"levels": [\#(level(1, 7))], "expected_version": 5}"#)
        }
        #expect(try f.store.connection.integer("SELECT count(*) FROM crm_events") == before)
        // A letter whose amount due passes 64 bits: CRM_RANGE, the whole run writes nothing.
        try f.run("dunning.configure", #"{"levels": [{"level": 1, "days_overdue": 7, "template": "reminder", "fee_minor": 1000}]}"#)
        try f.make("invoice.record", #""source": "ledger", "external_ref": "BIG", "account_id": 1, "number": "BIG", "issued_on": "2026-09-01", "due_on": "2026-11-05", "total_minor": 9223372036854775000, "currency": "ZAR""#)
        let afterSetup = try f.store.connection.integer("SELECT count(*) FROM crm_events") ?? -1
        expectCRMError(.range, "dunning.run", "64 bits") { try f.run("dunning.run", #"{"as_of": "2026-11-12"}"#) }
        #expect(try f.store.connection.integer("SELECT count(*) FROM crm_events") == afterSetup)
        #expect(try f.rows("dunning_letters") == 0)
        try f.run("dunning.configure", #"{"levels": [{"level": 1, "days_overdue": 7, "template": "reminder"}, {"level": 2, "days_overdue": 21, "template": "second_reminder"}, {"level": 3, "days_overdue": 45, "template": "final_notice"}]}"#)
        #expect(try f.rows("dunning_letters") == 0)
        let levels = try f.run("dunning.levels")
        #expect(levels["version"]?.int == 3 && levels["levels"]?.array?.map { $0["days_overdue"]?.int } == [7, 21, 45])
    }
}

@Suite("dunning letters render")
struct DunningRenderTests {
    /// A final notice with a fee and interest through the default templates.
    @Test func aLetterRendersThroughTheDocumentTemplates() throws {
        let f = try DunningTests().fixture()
        try f.run("dunning.configure", #"{"levels": [{"level": 1, "days_overdue": 45, "template": "final_notice", "fee_minor": 5000, "interest_bps_per_year": 1000}]}"#)
        try f.run("dunning.run", #"{"as_of": "2026-12-16"}"#)
        let text = try #require(try f.run("document.render", #"{"type": "dunning_letter", "id": 1, "format": "text"}"#)["body"]?.text)
        #expect(text.contains("PAYMENT REMINDER (level 1)"))
        #expect(text.contains("Customer:    Karoo Irrigation") && text.contains("Attention:   Thandi Mokoena"))
        #expect(text.contains("Date:        16 December 2026") && text.contains("Invoice:     K-1"))
        #expect(text.contains("due on 1 November 2026, is 45 days overdue"))
        #expect(text.contains("Outstanding  ZAR 1 000.00") && text.contains("Fee          ZAR 50.00"))
        #expect(text.contains("Interest     ZAR 12.33") && text.contains("Amount due   ZAR 1 062.33"))
        let html = try #require(try f.run("document.render", #"{"type": "dunning_letter", "id": 1}"#)["body"]?.text)
        #expect(html.contains("<h1>Payment reminder</h1>") && html.contains("Dear Thandi Mokoena,"))
        #expect(html.contains("<td>Amount due</td><td class=\"num\">ZAR 1 062.33</td>"))
        expectCRMError(.notFound, "dunning_letter 9") { try f.run("document.render", #"{"type": "dunning_letter", "id": 9}"#) }
    }
}
