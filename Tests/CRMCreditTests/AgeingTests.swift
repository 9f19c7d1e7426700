import Testing
import CRMStore

@Suite("receivables ageing")
struct AgeingTests {
    /// As of 2026-12-01. Account 1 "Karoo Irrigation" (ZAR), recorded
    /// invoices issued 2026-05-01:
    ///   1 A-1 1000 due 12-15 (-14 days: current)   2 A-2 2000 due 12-01 (0: current)
    ///   3 A-3 3000 due 11-30 (1: 1-30)             4 A-4 4000 due 11-01 (30: 1-30)
    ///   5 A-5 5000 due 10-31 (31: 31-60), 1500 paid -> 3500 open
    ///   6 A-6 6000 due 09-01 (91: 91-120), half credited -> 3000 open
    ///   7 A-7 7000 due 08-01 (122: over 120)       8 A-8 8000 due 10-01 (61: 61-90)
    ///   9 A-9 9000 issued 12-05, after as_of: not counted
    ///  10 A-10 USD 10000 due 11-01: another currency
    /// plus a draft (not a receivable) and an unallocated payment of 2500.
    /// Account 2 "Other": 11 B-1 500 due 11-21 (10: 1-30), 12 B-2 600 due
    /// 06-01 (183: over 120), 13 B-3 400 paid in full, then half credited:
    /// an open credit note of 200.
    func fixture() throws -> CreditFixture {
        let f = try CreditFixture()
        try f.make("account.create", #""name": "Karoo Irrigation", "currency": "ZAR""#)
        try f.make("account.create", #""name": "Other", "currency": "ZAR""#)
        for (number, account, issued, due, total, currency) in [
            ("A-1", 1, "2026-05-01", "2026-12-15", 1_000, "ZAR"), ("A-2", 1, "2026-05-01", "2026-12-01", 2_000, "ZAR"),
            ("A-3", 1, "2026-05-01", "2026-11-30", 3_000, "ZAR"), ("A-4", 1, "2026-05-01", "2026-11-01", 4_000, "ZAR"),
            ("A-5", 1, "2026-05-01", "2026-10-31", 5_000, "ZAR"), ("A-6", 1, "2026-05-01", "2026-09-01", 6_000, "ZAR"),
            ("A-7", 1, "2026-05-01", "2026-08-01", 7_000, "ZAR"), ("A-8", 1, "2026-05-01", "2026-10-01", 8_000, "ZAR"),
            ("A-9", 1, "2026-12-05", "2026-12-31", 9_000, "ZAR"), ("A-10", 1, "2026-05-01", "2026-11-01", 10_000, "USD"),
            ("B-1", 2, "2026-05-01", "2026-11-21", 500, "ZAR"), ("B-2", 2, "2026-05-01", "2026-06-01", 600, "ZAR"),
            ("B-3", 2, "2026-05-01", "2026-06-01", 400, "ZAR"),
        ] {
            try f.make("invoice.record", #""source": "ledger", "external_ref": "\#(number)", "account_id": \#(account), "number": "\#(number)", "issued_on": "\#(issued)", "due_on": "\#(due)", "total_minor": \#(total), "currency": "\#(currency)""#)
        }
        try f.make("invoice.create", #""account_id": 1, "lines": [{"description": "Draft", "quantity_milli": 1000, "unit_price_minor": 50000}]"#)
        try f.make("payment.record", #""account_id": 1, "amount_minor": 1500, "method": "eft", "received_on": "2026-11-10", "allocations": [{"invoice_id": 5, "amount_minor": 1500}]"#)
        try f.make("credit_note.record", #""source": "ledger", "external_ref": "CN-1", "invoice_id": 6, "number": "CN-1", "issued_on": "2026-11-05", "line_positions": [0], "quantities_milli": [500]"#)
        try f.make("payment.record", #""account_id": 1, "amount_minor": 2500, "method": "eft", "received_on": "2026-11-20", "allocate": "none""#)
        try f.make("payment.record", #""account_id": 2, "amount_minor": 400, "method": "eft", "received_on": "2026-11-12", "allocations": [{"invoice_id": 13, "amount_minor": 400}]"#)
        try f.make("credit_note.record", #""source": "ledger", "external_ref": "CN-2", "invoice_id": 13, "number": "CN-2", "issued_on": "2026-11-15", "line_positions": [0], "quantities_milli": [500]"#)
        return f
    }

    func amounts(_ buckets: JSONValue?) -> [Int64?] { buckets?.array?.map { $0["amount_minor"]?.int } ?? [] }
    func bands(_ buckets: JSONValue?) -> [[Int64?]] { buckets?.array?.map { [$0["from_days"]?.int, $0["to_days"]?.int] } ?? [] }

    @Test func bookAndAccountsByBand() throws {
        let f = try fixture()
        let ageing = try f.run("ar.ageing", #"{"as_of": "2026-12-01", "currency": "ZAR"}"#)
        #expect(ageing["as_of"]?.text == "2026-12-01" && ageing["currency"]?.text == "ZAR")
        #expect(bands(ageing["buckets"]) == [[nil, 0], [1, 30], [31, 60], [61, 90], [91, 120], [121, nil]])
        #expect(ageing["buckets"]?.array?.first?["from_days"] == .null)
        #expect(amounts(ageing["buckets"]) == [3_000, 7_500, 3_500, 8_000, 3_000, 7_600])
        #expect(ageing["total_minor"]?.int == 32_600)
        #expect(ageing["open_credit_notes_minor"]?.int == 200 && ageing["unallocated_payments_minor"]?.int == 2_500)
        #expect(ageing["net_minor"]?.int == 29_900)
        let accounts = try #require(ageing["accounts"]?.array)
        #expect(accounts.map { $0["account_id"]?.int } == [1, 2])
        #expect(accounts.map { $0["name"]?.text } == ["Karoo Irrigation", "Other"])
        #expect(amounts(accounts[0]["buckets"]) == [3_000, 7_000, 3_500, 8_000, 3_000, 7_000])
        #expect(accounts[0]["total_minor"]?.int == 31_500 && accounts[0]["open_credit_notes_minor"]?.int == 0)
        #expect(accounts[0]["unallocated_payments_minor"]?.int == 2_500 && accounts[0]["net_minor"]?.int == 29_000)
        #expect(amounts(accounts[1]["buckets"]) == [0, 500, 0, 0, 0, 600])
        #expect(accounts[1]["total_minor"]?.int == 1_100 && accounts[1]["open_credit_notes_minor"]?.int == 200)
        #expect(accounts[1]["unallocated_payments_minor"]?.int == 0 && accounts[1]["net_minor"]?.int == 900)
    }

    @Test func oneAccountCustomBandsAndOtherCurrency() throws {
        let f = try fixture()
        let ageing = try f.run("ar.ageing", #"{"as_of": "2026-12-01", "account_id": 1, "buckets": [7, 45]}"#)
        #expect(bands(ageing["buckets"]) == [[nil, 0], [1, 7], [8, 45], [46, nil]])
        #expect(amounts(ageing["buckets"]) == [3_000, 3_000, 7_500, 18_000])
        #expect(ageing["accounts"]?.array?.map { $0["account_id"]?.int } == [1])
        #expect(ageing["total_minor"]?.int == 31_500 && ageing["unallocated_payments_minor"]?.int == 2_500)
        // The USD invoice: 30 days past due.
        let usd = try f.run("ar.ageing", #"{"as_of": "2026-12-01", "currency": "USD"}"#)
        #expect(usd["currency"]?.text == "USD" && amounts(usd["buckets"]) == [0, 10_000, 0, 0, 0, 0])
        #expect(usd["accounts"]?.array?.map { $0["account_id"]?.int } == [1])
        // Later, A-9 (issued 12-05) counts and everything is older.
        let later = try f.run("ar.ageing", #"{"as_of": "2026-12-31", "account_id": 2}"#)
        #expect(amounts(later["buckets"]) == [0, 0, 500, 0, 0, 600] && later["open_credit_notes_minor"]?.int == 200)
        let withA9 = try f.run("ar.ageing", #"{"as_of": "2026-12-31", "account_id": 1}"#)
        #expect(withA9["total_minor"]?.int == 40_500 && amounts(withA9["buckets"]).first == 9_000)
        // An account with nothing open is answered with zeros.
        try f.make("account.create", #""name": "Quiet", "currency": "ZAR""#)
        let quiet = try f.run("ar.ageing", #"{"as_of": "2026-12-01", "account_id": 3}"#)
        #expect(quiet["total_minor"]?.int == 0 && quiet["accounts"]?.array?.first?["name"]?.text == "Quiet")
    }

    /// As of 2026-11-11 from dated records: A-5's payment (11-10) and CN-1
    /// (11-05) count; B-3's payment (11-12), CN-2 (11-15) and the unallocated
    /// payment (11-20) came later.
    @Test func asOfAnEarlierDateUsesTheDatedRecords() throws {
        let f = try fixture()
        let ageing = try f.run("ar.ageing", #"{"as_of": "2026-11-11", "currency": "ZAR"}"#)
        let accounts = try #require(ageing["accounts"]?.array)
        #expect(amounts(accounts[0]["buckets"]) == [6_000, 7_500, 8_000, 3_000, 7_000, 0])
        #expect(accounts[0]["unallocated_payments_minor"]?.int == 0 && accounts[0]["open_credit_notes_minor"]?.int == 0)
        #expect(amounts(accounts[1]["buckets"]) == [500, 0, 0, 0, 0, 1_000])
        #expect(accounts[1]["open_credit_notes_minor"]?.int == 0)
        #expect(ageing["total_minor"]?.int == 33_000 && ageing["net_minor"]?.int == 33_000)
        // Between B-3's payment and CN-2: B-3 settled, nothing open on credit yet.
        let between = try f.run("ar.ageing", #"{"as_of": "2026-11-13", "account_id": 2}"#)
        #expect(amounts(between["buckets"]) == [500, 0, 0, 0, 0, 600] && between["open_credit_notes_minor"]?.int == 0)
        // A payment reversed later still stood on the earlier day.
        try f.run("payment.reverse", #"{"payment_id": 3, "reason": "Bounced", "reversed_on": "2026-12-01"}"#)
        let before = try f.run("ar.ageing", #"{"as_of": "2026-11-30", "account_id": 2}"#)
        #expect(amounts(before["buckets"]) == [0, 500, 0, 0, 0, 600] && before["open_credit_notes_minor"]?.int == 200)
        let after = try f.run("ar.ageing", #"{"as_of": "2026-12-01", "account_id": 2}"#)
        #expect(amounts(after["buckets"]) == [0, 500, 0, 0, 0, 800] && after["open_credit_notes_minor"]?.int == 0)
    }

    @Test func badInputNamesTheField() throws {
        let f = try fixture()
        expectCRMError(.invalid, "as_of is required") { try f.run("ar.ageing", #"{}"#) }
        expectCRMError(.invalid, "as_of") { try f.run("ar.ageing", #"{"as_of": "2026-13-01"}"#) }
        expectCRMError(.invalid, "buckets[1]") { try f.run("ar.ageing", #"{"as_of": "2026-12-01", "buckets": [30, 30]}"#) }
        expectCRMError(.invalid, "buckets[2]") { try f.run("ar.ageing", #"{"as_of": "2026-12-01", "buckets": [30, 60, "90"]}"#) }
        expectCRMError(.invalid, "buckets[0]") { try f.run("ar.ageing", #"{"as_of": "2026-12-01", "buckets": [0]}"#) }
        expectCRMError(.invalid, "buckets") { try f.run("ar.ageing", #"{"as_of": "2026-12-01", "buckets": []}"#) }
        expectCRMError(.invalid, "buckets") { try f.run("ar.ageing", #"{"as_of": "2026-12-01", "buckets": null}"#) }
        expectCRMError(.invalid, "currency") { try f.run("ar.ageing", #"{"as_of": "2026-12-01", "currency": "ABC"}"#) }
        expectCRMError(.notFound, "account_id 9") { try f.run("ar.ageing", #"{"as_of": "2026-12-01", "account_id": 9}"#) }
        expectCRMError(.invalid, "bucket") { try f.run("ar.ageing", #"{"as_of": "2026-12-01", "bucket": [30]}"#) }
        // The book in two currencies needs one named.
        expectCRMError(.invalid, "currency is required") {
            try f.run("ar.ageing", #"{"as_of": "2026-12-01"}"#)
        }
    }
}
