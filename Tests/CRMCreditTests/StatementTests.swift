import Testing
import CRMStore

/// `account.statement` and its rendering (`document.render` type
/// "statement") over `receivablesBook()`.
@Suite("account statements")
struct StatementTests {
    func lines(_ statement: JSONValue) -> [[String?]] {
        statement["lines"]?.array?.map { line in
            [line["date"]?.text, line["type"]?.text, line["number"]?.text ?? line["reference"]?.text,
             line["debit_minor"]?.int.map(String.init), line["credit_minor"]?.int.map(String.init), line["balance_minor"]?.int.map(String.init)]
        } ?? []
    }

    /// Account 1, 2026-10-01..2026-11-30. Brought forward (owed at the end
    /// of 09-30): A-1 4,000 + A-2 3,000 − P1 4,000 = 3,000. Then
    ///   10-05 invoice A-3   debit 6,000  → 9,000
    ///   10-25 payment KI-OCT credit 3,000 → 6,000
    ///   11-10 invoice A-4   debit 9,000  → 15,000
    ///   11-20 payment P3    credit 2,000 → 13,000
    ///   11-25 payment P5    credit 1,500 → 11,500
    ///   11-28 refund of P5  debit 500    → 12,000
    /// Debits 15,500, credits 6,500: 3,000 + 15,500 − 6,500 = 12,000. The
    /// ageing on 11-30: A-3's 4,000 is 26 days past due (1-30), A-4's 9,000
    /// is current; 1,000 of P5 is unallocated: net 13,000 − 1,000 = 12,000,
    /// the closing balance. The USD invoice and the draft are left out.
    @Test func anAccountsStatementWithItsRunningBalance() throws {
        let f = try receivablesBook()
        let s = try f.run("account.statement", #"{"account_id": 1, "from": "2026-10-01", "to": "2026-11-30"}"#)
        #expect(s["account_id"]?.int == 1 && s["name"]?.text == "Karoo Irrigation" && s["currency"]?.text == "ZAR")
        #expect(s["address"]?["line1"]?.text == "1 Dam Road" && s["address"]?["city"]?.text == "Upington")
        #expect(s["from"]?.text == "2026-10-01" && s["to"]?.text == "2026-11-30")
        #expect(s["opening_balance_minor"]?.int == 3_000)
        #expect(lines(s) == [
            ["2026-10-05", "invoice", "A-3", "6000", "0", "9000"],
            ["2026-10-25", "payment", "KI-OCT", "0", "3000", "6000"],
            ["2026-11-10", "invoice", "A-4", "9000", "0", "15000"],
            ["2026-11-20", "payment", nil, "0", "2000", "13000"],
            ["2026-11-25", "payment", nil, "0", "1500", "11500"],
            ["2026-11-28", "refund", nil, "500", "0", "12000"],
        ])
        let descriptions = s["lines"]?.array?.map { $0["description"]?.text ?? "" } ?? []
        #expect(descriptions == ["Invoice A-3", "Payment received (eft), reference KI-OCT", "Invoice A-4",
                                 "Payment received (cheque)", "Payment received (eft)", "Refund: Overpaid"])
        #expect(s["lines"]?.array?.map { $0["id"]?.int } == [3, 2, 4, 3, 5, 5])
        #expect(s["total_debits_minor"]?.int == 15_500 && s["total_credits_minor"]?.int == 6_500)
        #expect(s["closing_balance_minor"]?.int == 12_000)
        let ageing = try #require(s["ageing"])
        #expect(ageing["as_of"]?.text == "2026-11-30")
        #expect(ageing["buckets"]?.array?.map { $0["amount_minor"]?.int } == [9_000, 4_000, 0, 0, 0, 0])
        #expect(ageing["buckets"]?.array?.map { $0["label"]?.text } == ["Current", "1-30", "31-60", "61-90", "91-120", "Over 120"])
        #expect(ageing["total_minor"]?.int == 13_000 && ageing["unallocated_payments_minor"]?.int == 1_000)
        #expect(ageing["net_minor"]?.int == 12_000)
        // The closing balance is what ar.ageing says is owed, net of unallocated payments and credit.
        let book = try f.run("ar.ageing", #"{"as_of": "2026-11-30", "account_id": 1}"#)
        #expect(book["net_minor"] == s["closing_balance_minor"])
        // The next period brings the closing balance forward.
        let next = try f.run("account.statement", #"{"account_id": 1, "from": "2026-12-01", "to": "2026-12-31"}"#)
        #expect(next["opening_balance_minor"]?.int == 12_000 && next["lines"]?.array?.isEmpty == true)
        #expect(next["closing_balance_minor"]?.int == 12_000)
    }

    /// Account 2, 2026-09-01..2026-11-30: brought forward B-1 2,000; P4
    /// credits 2,000 on 10-01 (→ 0) and its reversal debits it back on 10-15
    /// (→ 2,000); B-2 debits 1,000 on 11-01 (→ 3,000) and CN-B2 credits it on
    /// 11-20 (→ 2,000). Ageing on 11-30: B-1 is 122 days past due (over 120).
    @Test func reversalsAndCreditNotesAreLines() throws {
        let f = try receivablesBook()
        let s = try f.run("account.statement", #"{"account_id": 2, "from": "2026-09-01", "to": "2026-11-30", "currency": "ZAR"}"#)
        #expect(s["opening_balance_minor"]?.int == 2_000)
        #expect(lines(s) == [
            ["2026-10-01", "payment", nil, "0", "2000", "0"],
            ["2026-10-15", "payment_reversal", nil, "2000", "0", "2000"],
            ["2026-11-01", "invoice", "B-2", "1000", "0", "3000"],
            ["2026-11-20", "credit_note", "CN-B2", "0", "1000", "2000"],
        ])
        #expect(s["lines"]?.array?[1]["description"]?.text == "Payment reversed: Bounced")
        #expect(s["lines"]?.array?[3]["description"]?.text == "Credit note CN-B2 against invoice B-2")
        #expect(s["closing_balance_minor"]?.int == 2_000 && s["ageing"]?["net_minor"]?.int == 2_000)
        #expect(s["ageing"]?["buckets"]?.array?.map { $0["amount_minor"]?.int } == [0, 0, 0, 0, 0, 2_000])
        #expect(s["address"] == .null)
        // In USD account 1 owes the one USD invoice, issued 10-01.
        let usd = try f.run("account.statement", #"{"account_id": 1, "from": "2026-10-01", "to": "2026-10-31", "currency": "USD"}"#)
        #expect(usd["opening_balance_minor"]?.int == 0 && lines(usd) == [["2026-10-01", "invoice", "A-USD", "7777", "0", "7777"]])
        #expect(usd["closing_balance_minor"]?.int == 7_777 && usd["ageing"]?["net_minor"]?.int == 7_777)
    }

    @Test func badInputNamesTheField() throws {
        let f = try receivablesBook()
        let events = try f.rows("crm_events")
        expectCRMError(.invalid, "account_id is required") { try f.run("account.statement", #"{"from": "2026-10-01", "to": "2026-11-30"}"#) }
        expectCRMError(.invalid, "from is required") { try f.run("account.statement", #"{"account_id": 1, "to": "2026-11-30"}"#) }
        expectCRMError(.invalid, "to is required") { try f.run("account.statement", #"{"account_id": 1, "from": "2026-11-30"}"#) }
        expectCRMError(.invalid, "from", "after") {
            try f.run("account.statement", #"{"account_id": 1, "from": "2026-12-01", "to": "2026-11-30"}"#)
        }
        expectCRMError(.invalid, "currency") {
            try f.run("account.statement", #"{"account_id": 1, "from": "2026-10-01", "to": "2026-11-30", "currency": "ABC"}"#)
        }
        expectCRMError(.notFound, "account_id 9") { try f.run("account.statement", #"{"account_id": 9, "from": "2026-10-01", "to": "2026-11-30"}"#) }
        expectCRMError(.invalid, "as_of") {
            try f.run("account.statement", #"{"account_id": 1, "from": "2026-10-01", "to": "2026-11-30", "as_of": "2026-11-30"}"#)
        }
        #expect(try f.rows("crm_events") == events)
    }

    @Test func theStatementRendersAsText() throws {
        let f = try receivablesBook()
        let result = try f.run("document.render", #"{"type": "statement", "account_id": 1, "from": "2026-10-01", "to": "2026-11-30", "format": "text"}"#)
        #expect(result["type"]?.text == "statement" && result["account_id"]?.int == 1 && result["id"] == nil)
        #expect(result["from"]?.text == "2026-10-01" && result["to"]?.text == "2026-11-30")
        #expect(result["content_type"]?.text == "text/plain; charset=utf-8")
        let text = try #require(result["body"]?.text)
        #expect(text.hasPrefix("STATEMENT 2026-10-01 to 2026-11-30\n"), "\(text)")
        for expected in [
            "Customer:    Karoo Irrigation", "             1 Dam Road", "Period:      1 October 2026 to 30 November 2026",
            "2026-10-01  Balance brought forward: 30.00",
            "2026-10-05  Invoice A-3\n            debit 60.00, balance 90.00",
            "2026-10-25  Payment received (eft), reference KI-OCT\n            credit 30.00, balance 60.00",
            "2026-11-28  Refund: Overpaid\n            debit 5.00, balance 120.00",
            "Closing balance  ZAR 120.00", "Ageing at 30 November 2026", "Current: 90.00", "1-30: 40.00",
            "Unallocated payments: 10.00", "Net owing: 120.00",
        ] {
            #expect(text.contains(expected), "\(expected) in\n\(text)")
        }
    }

    @Test func theStatementRendersAsHTMLAndThroughAHostTemplate() throws {
        let f = try receivablesBook()
        let html = try #require(try f.run("document.render", #"{"type": "statement", "account_id": 2, "from": "2026-09-01", "to": "2026-11-30"}"#)["body"]?.text)
        #expect(html.contains("<h1>Statement</h1>") && html.contains("<strong>Bokveld Dealers</strong>"))
        #expect(html.contains("<td>2026-11-20</td><td>Credit note CN-B2 against invoice B-2</td><td class=\"num\"></td><td class=\"num\">10.00</td><td class=\"num\">20.00</td>"))
        #expect(html.contains("<tr class=\"total\"><td>Closing balance</td><td class=\"num\">ZAR 20.00</td></tr>"))
        #expect(html.contains("<th class=\"num\">Over 120</th>"))
        let custom = try f.run("document.render", #"{"type": "statement", "account_id": 2, "from": "2026-09-01", "to": "2026-11-30", "format": "text", "template": "{{account.name}}: {{#lines}}{{type}} {{balance}}; {{/lines}}closing {{closing_balance_minor}}"}"#)
        #expect(custom["body"]?.text == "Bokveld Dealers: payment 0.00; payment_reversal 20.00; invoice 30.00; credit_note 20.00; closing 2000")
    }

    @Test func renderingAStatementChecksItsArguments() throws {
        let f = try receivablesBook()
        expectCRMError(.invalid, "account.statement", "from is required") {
            try f.run("document.render", #"{"type": "statement", "account_id": 1, "to": "2026-11-30"}"#)
        }
        expectCRMError(.notFound, "account_id 9") {
            try f.run("document.render", #"{"type": "statement", "account_id": 9, "from": "2026-10-01", "to": "2026-11-30"}"#)
        }
        expectCRMError(.invalid, "unknown field 'id'") {
            try f.run("document.render", #"{"type": "statement", "id": 1, "from": "2026-10-01", "to": "2026-11-30"}"#)
        }
        expectCRMError(.invalid, "statement") { try f.run("document.render", #"{"type": "receipt", "id": 1}"#) }
    }
}
