import Testing
@testable import CRMDocuments
import CRMStore

@Suite("payments")
struct PaymentTests {
    /// Account 1 (ZAR) with recorded invoices 1 (R 100.00, due 2026-11-30),
    /// 2 (R 50.00, due 2026-11-15), 3 (R 200.00, due 2026-12-15); account 2
    /// with invoice 4 (R 10.00); invoice 5 of account 1 in USD.
    func fixture() throws -> DocumentsFixture {
        let f = try DocumentsFixture(pipeline: false)
        try f.make("account.create", #""name": "Karoo Irrigation", "currency": "ZAR""#)
        try f.make("account.create", #""name": "Other", "currency": "ZAR""#)
        for (number, account, due, total, currency) in [("A-1", 1, "2026-11-30", 10_000, "ZAR"), ("A-2", 1, "2026-11-15", 5_000, "ZAR"),
                                                        ("A-3", 1, "2026-12-15", 20_000, "ZAR"), ("B-1", 2, "2026-11-01", 1_000, "ZAR"),
                                                        ("A-4", 1, "2026-10-01", 3_000, "USD")] {
            try f.make("invoice.record", #""source": "ledger", "external_ref": "\#(number)", "account_id": \#(account), "number": "\#(number)", "issued_on": "2026-10-01", "due_on": "\#(due)", "total_minor": \#(total), "currency": "\#(currency)""#)
        }
        return f
    }

    func invoice(_ f: DocumentsFixture, _ id: Int) throws -> (status: String?, paid: Int64?, balance: Int64?) {
        let json = try f.run("invoice.get", #"{"id": \#(id)}"#)
        return (json["status"]?.text, json["paid_minor"]?.int, json["balance_due_minor"]?.int)
    }

    /// The posting's lines as (account, signed amount: debit +, credit −), and that they balance.
    func lines(_ posting: JSONValue?) throws -> [String: Int64] {
        let lines = try #require(posting?["lines"]?.array)
        var result: [String: Int64] = [:]
        var total: Int64 = 0
        for line in lines {
            let amount = line["debit_minor"]?.int ?? -(line["credit_minor"]?.int ?? 0)
            result[line["account"]?.text ?? "", default: 0] += amount
            total += amount
        }
        #expect(total == 0)
        return result
    }

    @Test func oldestFirstPartialOverpaymentAllocateRefundAndReverse() throws {
        let f = try fixture()
        // By default oldest due first: invoice 2, then invoice 1 in part; never the USD one.
        let (first, events) = try f.runWithEvents("payment.record", #"{"account_id": 1, "amount_minor": 12000, "method": "eft", "received_on": "2026-12-01", "reference": "EFT 991"}"#)
        #expect(events.map(\.type) == ["payment.recorded", "invoice.paid", "invoice.paid"])
        #expect(first["allocations"]?.array?.map { $0["invoice_id"]?.int } == [2, 1])
        #expect(first["allocations"]?.array?.map { $0["amount_minor"]?.int } == [5_000, 7_000])
        #expect(first["allocated_minor"]?.int == 12_000 && first["unallocated_minor"]?.int == 0 && first["status"]?.text == "recorded")
        #expect(try lines(events[0].record["posting"]) == ["1000": 12_000, "1100": -12_000])
        #expect(try invoice(f, 2) == ("paid", 5_000, 0))
        #expect(try invoice(f, 1) == ("partially_paid", 7_000, 3_000))
        #expect(try invoice(f, 3) == ("issued", 0, 20_000))
        #expect(try invoice(f, 5) == ("issued", 0, 3_000))
        #expect(events[1].record["payment_id"]?.int == 1)

        // An overpayment kept as credit, allocated later, the rest refunded.
        let (second, recorded) = try f.runWithEvents("payment.record", #"{"account_id": 1, "amount_minor": 30000, "method": "cheque", "allocate": "none"}"#)
        #expect(recorded.map(\.type) == ["payment.recorded"])
        #expect(second["unallocated_minor"]?.int == 30_000 && second["received_on"]?.text == "2026-12-01")
        #expect(try lines(recorded[0].record["posting"]) == ["1000": 30_000, "2150": -30_000])
        let (allocated, allocatedEvents) = try f.runWithEvents("payment.allocate", #"{"payment_id": 2}"#)
        #expect(allocatedEvents.map(\.type) == ["payment.allocated", "invoice.paid", "invoice.paid"])
        #expect(allocated["allocated"]?.array?.map { $0["amount_minor"]?.int } == [3_000, 20_000])
        #expect(allocated["unallocated_minor"]?.int == 7_000 && allocated["version"]?.int == 2)
        #expect(try lines(allocatedEvents[0].record["posting"]) == ["2150": 23_000, "1100": -23_000])
        #expect(try invoice(f, 1) == ("paid", 10_000, 0))
        #expect(try invoice(f, 3) == ("paid", 20_000, 0))
        expectCRMError(.constraint, "no open invoice") { try f.run("payment.allocate", #"{"payment_id": 2}"#) }
        expectCRMError(.constraint, "amount_minor") { try f.run("payment.refund", #"{"payment_id": 2, "amount_minor": 7001}"#) }
        let (refunded, refundEvents) = try f.runWithEvents("payment.refund", #"{"payment_id": 2, "amount_minor": 7000, "refunded_on": "2026-12-02", "reason": "Overpaid"}"#)
        #expect(refundEvents.map(\.type) == ["payment.refunded"])
        #expect(refunded["refunded_minor"]?.int == 7_000 && refunded["unallocated_minor"]?.int == 0)
        #expect(try lines(refundEvents[0].record["posting"]) == ["2150": 7_000, "1000": -7_000])
        expectCRMError(.constraint, "unallocated") { try f.run("payment.allocate", #"{"payment_id": 2}"#) }
        // A refunded payment is not reversed (its refund would be undone twice).
        expectCRMError(.constraint, "refunded") { try f.run("payment.reverse", #"{"payment_id": 2, "reason": "Bounced"}"#) }

        // The first payment bounces: the invoices it paid reopen.
        expectCRMError(.invalid, "reason") { try f.run("payment.reverse", #"{"payment_id": 1}"#) }
        let (reversed, reverseEvents) = try f.runWithEvents("payment.reverse", #"{"payment_id": 1, "reason": "Bounced", "reversed_on": "2026-12-05"}"#)
        #expect(reverseEvents.map(\.type) == ["payment.reversed", "invoice.reopened", "invoice.reopened"])
        #expect(try lines(reverseEvents[0].record["posting"]) == ["1000": -12_000, "1100": 12_000])
        #expect(reversed["status"]?.text == "reversed" && reversed["reversed_on"]?.text == "2026-12-05")
        #expect(reversed["allocations"]?.array?.allSatisfy { $0["reversed"] == .bool(true) } == true)
        #expect(try invoice(f, 2) == ("issued", 0, 5_000))
        #expect(try invoice(f, 1) == ("partially_paid", 3_000, 7_000))
        expectCRMError(.constraint, "reversed") { try f.run("payment.reverse", #"{"payment_id": 1, "reason": "Again"}"#) }
        expectCRMError(.constraint, "reversed") { try f.run("payment.refund", #"{"payment_id": 1, "amount_minor": 1}"#) }
        #expect(try f.run("payment.list", #"{"account_id": 1, "status": "reversed"}"#).items.map { $0["id"]?.int } == [1])
        #expect(try f.run("payment.list", #"{"limit": 1}"#)["next_cursor"]?.text == "1")
    }

    @Test func oldestFirstReadsPageAfterPageAcrossManyInvoices() throws {
        let f = try DocumentsFixture(pipeline: false)
        try f.make("account.create", #""name": "Karoo Irrigation", "currency": "ZAR""#)
        // 30 invoices of R 10.00, due one day apart from the newest id to the
        // oldest, and one recorded without a due date, which takes its issue
        // date plus the account's terms (30 days): the oldest due of all.
        for index in 1...30 {
            try f.make("invoice.record", #""source": "ledger", "external_ref": "I-\#(index)", "account_id": 1, "number": "I-\#(index)", "issued_on": "2026-10-01", "due_on": "2026-11-\#(String(format: "%02d", 31 - index))", "total_minor": 1000"#)
        }
        try f.make("invoice.record", #""source": "ledger", "external_ref": "I-NODATE", "account_id": 1, "number": "I-NODATE", "issued_on": "2026-10-01", "total_minor": 1000"#)
        #expect(try f.run("invoice.get", #"{"id": 31}"#)["due_on"]?.text == "2026-10-31")
        // R 255.00 pays 25 invoices (pages of 4, 8 and 16) and half of the 26th.
        let payment = try f.run("payment.record", #"{"account_id": 1, "amount_minor": 25500, "method": "eft", "received_on": "2026-12-01"}"#)
        let paid = try #require(payment["allocations"]?.array)
        #expect(paid.map { $0["invoice_id"]?.int ?? 0 } == [31] + (6...30).reversed().map { Int64($0) })
        #expect(paid.last?["amount_minor"]?.int == 500)
        #expect(payment["unallocated_minor"]?.int == 0)
        // The rest: the half-paid one, then the five due last.
        let rest = try f.run("payment.record", #"{"account_id": 1, "amount_minor": 5500, "method": "eft", "received_on": "2026-12-02"}"#)
        #expect(rest["allocations"]?.array?.map { $0["invoice_id"]?.int ?? 0 } == [6, 5, 4, 3, 2, 1])
        #expect(rest["unallocated_minor"]?.int == 0)
    }

    @Test func explicitAllocationsAndBadInputNamingTheFieldWriteNothing() throws {
        let f = try fixture()
        let made = try f.run("payment.record", #"{"account_id": 1, "amount_minor": 6000, "method": "card", "allocations": [{"invoice_id": 1, "amount_minor": 4000}, {"invoice_id": 3, "amount_minor": 1000}]}"#)
        #expect(made["allocated_minor"]?.int == 5_000 && made["unallocated_minor"]?.int == 1_000)
        #expect(try lines(made["posting"]) == ["1000": 6_000, "1100": -5_000, "2150": -1_000])
        #expect(try invoice(f, 1) == ("partially_paid", 4_000, 6_000))
        #expect(try invoice(f, 3) == ("partially_paid", 1_000, 19_000))
        let payments = try f.rows("payments"), allocations = try f.rows("payment_allocations"), events = try f.rows("crm_events")
        let bad: [(ResultCode, String, String)] = [
            (.constraint, "allocations[0].amount_minor", #""allocations": [{"invoice_id": 1, "amount_minor": 6001}]"#),
            (.constraint, "allocations[1]", #""allocations": [{"invoice_id": 2, "amount_minor": 5000}, {"invoice_id": 3, "amount_minor": 5001}]"#),
            (.constraint, "allocations[0].invoice_id", #""allocations": [{"invoice_id": 4, "amount_minor": 100}]"#),
            (.constraint, "allocations[0].invoice_id", #""allocations": [{"invoice_id": 5, "amount_minor": 100}]"#),
            (.notFound, "allocations[0].invoice_id", #""allocations": [{"invoice_id": 99, "amount_minor": 100}]"#),
            (.invalid, "allocations[1].invoice_id", #""allocations": [{"invoice_id": 2, "amount_minor": 1}, {"invoice_id": 2, "amount_minor": 1}]"#),
            (.invalid, "allocations[0].amount_minor", #""allocations": [{"invoice_id": 2}]"#),
            (.invalid, "not both", #""allocations": [{"invoice_id": 2, "amount_minor": 1}], "allocate": "none""#),
            (.invalid, "allocate", #""allocate": "newest""#),
            (.invalid, "received_on", #""received_on": "2026-13-01""#),
        ]
        for (code, field, extra) in bad {
            expectCRMError(code, field) { try f.run("payment.record", #"{"account_id": 1, "amount_minor": 10000, "method": "eft", \#(extra)}"#) }
        }
        expectCRMError(.invalid, "method") { try f.run("payment.record", #"{"account_id": 1, "amount_minor": 100}"#) }
        expectCRMError(.invalid, "method") { try f.run("payment.record", #"{"account_id": 1, "amount_minor": 100, "method": "barter"}"#) }
        expectCRMError(.range, "amount_minor") { try f.run("payment.record", #"{"account_id": 1, "amount_minor": 0, "method": "eft"}"#) }
        expectCRMError(.invalid, "amount_minor") { try f.run("payment.record", #"{"account_id": 1, "amount_minor": 1.5, "method": "eft"}"#) }
        expectCRMError(.notFound, "account_id") { try f.run("payment.record", #"{"account_id": 9, "amount_minor": 100, "method": "eft"}"#) }
        expectCRMError(.invalid, "currency") { try f.run("payment.record", #"{"account_id": 1, "amount_minor": 100, "method": "eft", "currency": "XXX"}"#) }
        expectCRMError(.notFound, "payment_id") { try f.run("payment.allocate", #"{"payment_id": 9}"#) }
        #expect(try f.rows("payments") == payments && f.rows("payment_allocations") == allocations && f.rows("crm_events") == events)
        // The USD payment takes the USD invoice only.
        let usd = try f.run("payment.record", #"{"account_id": 1, "amount_minor": 5000, "method": "eft", "currency": "USD"}"#)
        #expect(usd["allocations"]?.array?.map { $0["invoice_id"]?.int } == [5] && usd["unallocated_minor"]?.int == 2_000)
        // The remaining credit allocated explicitly, then by oldest-first.
        let later = try f.run("payment.allocate", #"{"payment_id": 1, "allocations": [{"invoice_id": 2, "amount_minor": 400}]}"#)
        #expect(later["unallocated_minor"]?.int == 600 && later["allocated"]?.array?.count == 1)
        expectCRMError(.constraint, "allocations[0]") { try f.run("payment.allocate", #"{"payment_id": 1, "allocations": [{"invoice_id": 2, "amount_minor": 601}]}"#) }
        let rest = try f.run("payment.allocate", #"{"payment_id": 1, "allocate": "oldest_first"}"#)
        #expect(rest["allocated"]?.array?.map { $0["invoice_id"]?.int } == [2] && rest["unallocated_minor"]?.int == 0)
        #expect(try invoice(f, 2) == ("partially_paid", 1_000, 4_000))
    }

    @Test func aPaymentWithTheHostsReferenceReplays() throws {
        let f = try fixture()
        let text = #"{"source": "ledger", "external_ref": "RCPT-7", "account_id": 1, "amount_minor": 2500, "method": "cash"}"#
        let made = try f.run("payment.record", text)
        #expect(made["replayed"] == .bool(false) && made["external_refs"]?.array?.count == 1)
        let events = try f.rows("crm_events")
        // The account's currency spelled out is the same request.
        let again = try f.run("payment.record", #"{"source": "ledger", "external_ref": "RCPT-7", "account_id": 1, "amount_minor": 2500, "method": "cash", "currency": "ZAR", "allocate": "oldest_first"}"#)
        #expect(again["replayed"] == .bool(true) && again["id"] == made["id"] && again["allocated_minor"]?.int == 2_500)
        #expect(try f.rows("payments") == 1 && f.rows("crm_events") == events)
        expectCRMError(.conflict, "amount_minor") {
            try f.run("payment.record", #"{"source": "ledger", "external_ref": "RCPT-7", "account_id": 1, "amount_minor": 2600, "method": "cash"}"#)
        }
        #expect(try f.run("payment.get", #"{"source": "ledger", "external_ref": "RCPT-7"}"#)["id"] == made["id"])
    }

    @Test func aCreditNotesOpenAmountIsOffsetAgainstAnotherInvoice() throws {
        let f = try fixture()
        try f.run("payment.record", #"{"account_id": 1, "amount_minor": 10000, "method": "eft", "allocations": [{"invoice_id": 1, "amount_minor": 10000}]}"#)
        // Invoice 1 is paid; a credit note of 30% of it is open credit.
        try f.make("credit_note.create", #""invoice_id": 1, "quantities_milli": [300]"#)
        try f.run("credit_note.issue", #"{"id": 1}"#)
        expectCRMError(.constraint, "credits invoice 1") { try f.run("credit_note.apply", #"{"credit_note_id": 1, "invoice_id": 1}"#) }
        expectCRMError(.constraint, "invoice_id") { try f.run("credit_note.apply", #"{"credit_note_id": 1, "invoice_id": 4}"#) }
        expectCRMError(.constraint, "amount_minor") { try f.run("credit_note.apply", #"{"credit_note_id": 1, "invoice_id": 3, "amount_minor": 3001}"#) }
        let (applied, events) = try f.runWithEvents("credit_note.apply", #"{"credit_note_id": 1, "invoice_id": 3, "amount_minor": 1000}"#)
        #expect(events.map(\.type) == ["credit_note.applied", "invoice.credited", "invoice.paid"])
        #expect(applied["allocation"]?["amount_minor"]?.int == 1_000 && applied["open_minor"]?.int == 2_000)
        #expect(try invoice(f, 3) == ("partially_paid", 1_000, 19_000))
        let own = try f.run("invoice.get", #"{"id": 1}"#)
        #expect(own["credited_minor"]?.int == 2_000 && own["balance_due_minor"]?.int == 0)
        let rest = try f.run("credit_note.apply", #"{"credit_note_id": 1, "invoice_id": 2}"#)
        #expect(rest["allocation"]?["amount_minor"]?.int == 2_000 && rest["open_minor"]?.int == 0)
        expectCRMError(.constraint, "no open amount") { try f.run("credit_note.apply", #"{"credit_note_id": 1, "invoice_id": 3}"#) }
        #expect(try invoice(f, 1) == ("paid", 10_000, 0))
        // A bounced payment of invoice 1 reopens all of it: its credit went elsewhere.
        try f.run("payment.reverse", #"{"payment_id": 1, "reason": "Bounced"}"#)
        #expect(try invoice(f, 1) == ("issued", 0, 10_000))
    }

    /// Valid arguments for every write command of payments, against
    /// `hostFixture`: payment 1 pays invoice 1 in full, credit note 1 (30% of
    /// invoice 1) issued, so open; payment 2 all unallocated credit.
    static let validArguments: [String: String] = [
        "payment.record": #"{"account_id": 1, "amount_minor": 100, "method": "eft"}"#,
        "payment.allocate": #"{"payment_id": 2}"#,
        "payment.refund": #"{"payment_id": 2, "amount_minor": 100}"#,
        "payment.reverse": #"{"payment_id": 2, "reason": "Bounced"}"#,
        "credit_note.apply": #"{"credit_note_id": 1, "invoice_id": 3}"#,
    ]

    func hostFixture() throws -> DocumentsFixture {
        let f = try fixture()
        try f.run("payment.record", #"{"account_id": 1, "amount_minor": 10000, "method": "eft", "allocations": [{"invoice_id": 1, "amount_minor": 10000}]}"#)
        try f.make("credit_note.create", #""invoice_id": 1, "quantities_milli": [300]"#)
        try f.run("credit_note.issue", #"{"id": 1}"#)
        try f.run("payment.record", #"{"account_id": 1, "amount_minor": 5000, "method": "cash", "allocate": "none"}"#)
        return f
    }

    @Test func everyWriteCommandIsCovered() throws {
        let f = try DocumentsFixture(pipeline: false)
        let commands = f.store.modules.commands
        let writes = commands.names.filter {
            ($0.hasPrefix("payment.") || $0 == "credit_note.apply") && commands.command(named: $0)?.access == .write
        }
        #expect(Set(writes) == Set(Self.validArguments.keys))
    }

    @Test(arguments: PaymentTests.validArguments.keys.sorted())
    func aCallRefusedOnItsInputKeepsTheHostTransaction(_ command: String) throws {
        let f = try hostFixture()
        let valid = try #require(Self.validArguments[command])
        try f.store.beginTransaction()
        try f.run("account.create", #"{"name": "Earlier In The Transaction"}"#)
        let misspelt = String(valid.dropLast()) + #", "zz_unknown": 1}"#
        expectCRMError(.invalid, "unknown field 'zz_unknown'") { try f.run(command, misspelt) }
        #expect(f.store.abortedTransaction == nil)
        let (_, events) = try f.runWithEvents(command, valid)
        // Every event that moves money carries a balanced posting.
        for event in events where ["payment.recorded", "payment.allocated", "payment.refunded", "payment.reversed"].contains(event.type) {
            _ = try lines(event.record["posting"])
        }
        let committed = try f.store.commitTransaction()
        #expect(committed.first?.type == "account.created" && committed.count >= 2)
    }

    @Test func aMergedAccountsPaymentsMove() throws {
        let f = try hostFixture()
        let (_, events) = try f.runWithEvents("account.merge", #"{"survivor_id": 2, "merged_id": 1}"#)
        let moved = events.first { $0.type == "account.merged" }?.record["moved"]
        #expect(moved?["payments"]?.int == 2)
        #expect(try f.run("payment.list", #"{"account_id": 2}"#).items.count == 2)
    }

    @Test func aPaymentRecordedWithoutPostingPostsNothingLaterEither() throws {
        let f = try fixture()
        // History the host's ledger holds already: R 160.00, R 100.00 to invoice 1, the rest credit.
        let (made, events) = try f.runWithEvents("payment.record", #"{"account_id": 1, "amount_minor": 16000, "method": "eft", "received_on": "2026-11-20", "allocations": [{"invoice_id": 1, "amount_minor": 10000}], "posting": false, "source": "books", "external_ref": "P-1"}"#)
        #expect(events.map(\.type) == ["payment.recorded", "invoice.paid"])
        #expect(events[0].record["posting"] == nil && made["posting"] == nil)
        #expect(made["posted"]?.flag == false && made["unallocated_minor"]?.int == 6_000)
        #expect(try invoice(f, 1) == ("paid", 10_000, 0))
        #expect(try f.run("payment.get", #"{"id": 1}"#)["posted"]?.flag == false)

        // Its allocation, refund and reversal post nothing either.
        let (_, allocated) = try f.runWithEvents("payment.allocate", #"{"payment_id": 1, "allocations": [{"invoice_id": 2, "amount_minor": 4000}], "allocated_on": "2026-11-21"}"#)
        #expect(allocated.map(\.type) == ["payment.allocated", "invoice.paid"] && allocated[0].record["posting"] == nil)
        let (_, refunded) = try f.runWithEvents("payment.refund", #"{"payment_id": 1, "amount_minor": 1000, "refunded_on": "2026-11-22"}"#)
        #expect(refunded.map(\.type) == ["payment.refunded"] && refunded[0].record["posting"] == nil)
        let (_, reversedEvents) = try f.runWithEvents("payment.record", #"{"account_id": 1, "amount_minor": 500, "method": "cash", "allocate": "none", "posting": false}"#)
        #expect(reversedEvents[0].record["posting"] == nil)
        let (_, reversal) = try f.runWithEvents("payment.reverse", #"{"payment_id": 2, "reason": "bounced", "reversed_on": "2026-12-01"}"#)
        #expect(reversal.map(\.type) == ["payment.reversed"] && reversal[0].record["posting"] == nil)

        // Sent again: a replay; the same reference with posting true is another content.
        let (again, none) = try f.runWithEvents("payment.record", #"{"account_id": 1, "amount_minor": 16000, "method": "eft", "received_on": "2026-11-20", "allocations": [{"invoice_id": 1, "amount_minor": 10000}], "posting": false, "source": "books", "external_ref": "P-1"}"#)
        #expect(again["replayed"]?.flag == true && none.isEmpty)
        let conflict = thrownCRMError {
            try f.run("payment.record", #"{"account_id": 1, "amount_minor": 16000, "method": "eft", "received_on": "2026-11-20", "allocations": [{"invoice_id": 1, "amount_minor": 10000}], "source": "books", "external_ref": "P-1"}"#)
        }
        #expect(conflict?.code == .conflict && conflict?.message.contains("posted") == true)

        // By default a payment posts, as before, and says so.
        let (posted, postedEvents) = try f.runWithEvents("payment.record", #"{"account_id": 2, "amount_minor": 1000, "method": "eft", "received_on": "2026-11-20"}"#)
        #expect(posted["posted"]?.flag == true)
        #expect(try lines(postedEvents[0].record["posting"]) == ["1000": 1_000, "1100": -1_000])
        // posting must be a boolean; nothing written.
        let before = try f.rows("payments")
        expectCRMError(.invalid, "posting") {
            try f.run("payment.record", #"{"account_id": 2, "amount_minor": 1000, "method": "eft", "posting": "no"}"#)
        }
        #expect(try f.rows("payments") == before)
    }
}
