import Foundation
import Testing
import CRMStore

@Suite("plain-text journals")
struct JournalExportTests {
    /// The small book by hand (JournalFixture.smallBook): the invoice posts
    /// 1150.00 to the customer's receivable, 1000.00 revenue and 150.00 tax;
    /// payment 1 takes 500.00 (650.00 left); the credit note 230.00 (420.00);
    /// payment 2 420.00 of 600.00, 180.00 to customer credit (0.00); the
    /// refund pays the 180.00 back; the reversal puts 500.00 back (500.00).
    static let hledgerBook = """
; libcrm journal (hledger): events 1 to 13

commodity 1000.00 ZAR
account Assets:Receivable:1100:Karoo Irrigation 1
account Income:Revenue:4000
account Liabilities:Tax:2200
account Assets:Bank:1000
account Liabilities:CustomerCredit:2150

2026-12-01 (INV-000001) Invoice INV-000001
    ; type: invoice
    ; event: invoice.issued
    ; seq: 3
    Assets:Receivable:1100:Karoo Irrigation 1  1150.00 ZAR
    Income:Revenue:4000  -1000.00 ZAR
    Liabilities:Tax:2200  -150.00 ZAR

2026-12-02 (PAY-1) Payment 1
    ; type: payment
    ; event: payment.recorded
    ; seq: 4
    Assets:Bank:1000  500.00 ZAR
    Assets:Receivable:1100:Karoo Irrigation 1  -500.00 ZAR = 650.00 ZAR

2026-12-03 (CN-000001) Credit note CN-000001 for INV-000001
    ; type: credit_note
    ; event: credit_note.issued
    ; seq: 7
    Assets:Receivable:1100:Karoo Irrigation 1  -230.00 ZAR
    Income:Revenue:4000  200.00 ZAR
    Liabilities:Tax:2200  30.00 ZAR

2026-12-04 (PAY-2) Payment 2
    ; type: payment
    ; event: payment.recorded
    ; seq: 9
    Assets:Bank:1000  600.00 ZAR
    Assets:Receivable:1100:Karoo Irrigation 1  -420.00 ZAR = 0.00 ZAR
    Liabilities:CustomerCredit:2150  -180.00 ZAR

2026-12-05 (PAY-2) Refund of payment 2
    ; type: payment
    ; event: payment.refunded
    ; seq: 11
    Liabilities:CustomerCredit:2150  180.00 ZAR
    Assets:Bank:1000  -180.00 ZAR

2026-12-06 (PAY-1) Payment 1 reversed
    ; type: payment
    ; event: payment.reversed
    ; seq: 12
    Assets:Bank:1000  -500.00 ZAR
    Assets:Receivable:1100:Karoo Irrigation 1  500.00 ZAR = 500.00 ZAR

"""

    static let beancountBook = """
; libcrm journal (beancount): events 1 to 13

1970-01-01 commodity ZAR
1970-01-01 open Assets:Receivable:1100:Karoo-Irrigation-1
1970-01-01 open Income:Revenue:4000
1970-01-01 open Liabilities:Tax:2200
1970-01-01 open Assets:Bank:1000
1970-01-01 open Liabilities:CustomerCredit:2150

2026-12-01 * "Invoice INV-000001" ^INV-000001 #invoice
  type: "invoice"
  event: "invoice.issued"
  seq: 3
  Assets:Receivable:1100:Karoo-Irrigation-1  1150.00 ZAR
  Income:Revenue:4000  -1000.00 ZAR
  Liabilities:Tax:2200  -150.00 ZAR

2026-12-02 * "Payment 1" ^PAY-1 #payment
  type: "payment"
  event: "payment.recorded"
  seq: 4
  Assets:Bank:1000  500.00 ZAR
  Assets:Receivable:1100:Karoo-Irrigation-1  -500.00 ZAR
2026-12-03 balance Assets:Receivable:1100:Karoo-Irrigation-1  650.00 ZAR

2026-12-03 * "Credit note CN-000001 for INV-000001" ^CN-000001 #credit_note
  type: "credit_note"
  event: "credit_note.issued"
  seq: 7
  Assets:Receivable:1100:Karoo-Irrigation-1  -230.00 ZAR
  Income:Revenue:4000  200.00 ZAR
  Liabilities:Tax:2200  30.00 ZAR

2026-12-04 * "Payment 2" ^PAY-2 #payment
  type: "payment"
  event: "payment.recorded"
  seq: 9
  Assets:Bank:1000  600.00 ZAR
  Assets:Receivable:1100:Karoo-Irrigation-1  -420.00 ZAR
  Liabilities:CustomerCredit:2150  -180.00 ZAR
2026-12-05 balance Assets:Receivable:1100:Karoo-Irrigation-1  0.00 ZAR

2026-12-05 * "Refund of payment 2" ^PAY-2 #payment
  type: "payment"
  event: "payment.refunded"
  seq: 11
  Liabilities:CustomerCredit:2150  180.00 ZAR
  Assets:Bank:1000  -180.00 ZAR

2026-12-06 * "Payment 1 reversed" ^PAY-1 #payment
  type: "payment"
  event: "payment.reversed"
  seq: 12
  Assets:Bank:1000  -500.00 ZAR
  Assets:Receivable:1100:Karoo-Irrigation-1  500.00 ZAR
2026-12-07 balance Assets:Receivable:1100:Karoo-Irrigation-1  500.00 ZAR

"""

    @Test func hledgerJournalOfTheSmallBook() throws {
        let f = try JournalFixture()
        try f.smallBook()
        let journal = try f.run("bridge.export_journal", #"{"format": "hledger"}"#)
        #expect(journal["text"]?.text == Self.hledgerBook)
        #expect(journal["format"]?.text == "hledger" && journal["from_seq"]?.int == 0 && journal["to_seq"]?.int == 13)
        #expect(journal["transactions"]?.int == 6 && journal["consumer"]?.isNull == true)
    }

    @Test func beancountJournalOfTheSmallBook() throws {
        let f = try JournalFixture()
        try f.smallBook()
        let journal = try f.run("bridge.export_journal", #"{"format": "beancount"}"#)
        #expect(journal["text"]?.text == Self.beancountBook)
    }

    @Test func ledgerJournalDeclaresItsTagsAndAssertsInFileOrder() throws {
        let f = try JournalFixture()
        try f.smallBook()
        let text = try #require(try f.run("bridge.export_journal", #"{"format": "ledger"}"#)["text"]?.text)
        #expect(text.contains("commodity ZAR\n    format 1000.00 ZAR\n"))
        #expect(text.contains("tag type\ntag event\ntag seq\n"))
        #expect(text.contains("    Assets:Receivable:1100:Karoo Irrigation 1  -500.00 ZAR = 650.00 ZAR\n"))
        #expect(text.contains("    Assets:Receivable:1100:Karoo Irrigation 1  500.00 ZAR = 500.00 ZAR\n"))
        // Without the ledger's tags the body is the hledger journal's.
        let body = text.split(separator: "\n2026-12-01", maxSplits: 1).last
        let hledgerBody = Self.hledgerBook.split(separator: "\n2026-12-01", maxSplits: 1).last
        #expect(body == hledgerBody)
    }

    @Test func consumerGetsOnlyWhatItHasNotAcknowledged() throws {
        let f = try JournalFixture()
        try f.smallBook()
        let first = try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        #expect(first["transactions"]?.int == 6 && first["to_seq"]?.int == 13 && first["consumer"]?.text == "books")
        #expect(try f.store.connection.integer("SELECT acked_seq FROM crm_consumers WHERE name = 'books'") == 13)
        let again = try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        #expect(again["transactions"]?.int == 0 && again["from_seq"]?.int == 13 && again["to_seq"]?.int == 13)
        #expect(again["text"]?.text == "; libcrm journal (hledger): events 14 to 13\n")
        // 12-07: 200.00 of the reopened invoice paid: 300.00 left, built on what went before.
        try f.make("payment.record", #""account_id": 1, "amount_minor": 20000, "method": "eft", "received_on": "2026-12-07", "allocations": [{"invoice_id": 1, "amount_minor": 20000}]"#)
        let next = try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        #expect(next["transactions"]?.int == 1 && next["from_seq"]?.int == 13)
        #expect(next["text"]?.text == """
            ; libcrm journal (hledger): events 14 to 15

            2026-12-07 (PAY-3) Payment 3
                ; type: payment
                ; event: payment.recorded
                ; seq: 14
                Assets:Bank:1000  200.00 ZAR
                Assets:Receivable:1100:Karoo Irrigation 1  -200.00 ZAR = 300.00 ZAR

            """)
        // after_seq without a consumer reads the same and acknowledges nothing.
        let read = try f.run("bridge.export_journal", #"{"format": "hledger", "after_seq": 13}"#)
        #expect(read["text"] == next["text"])
        #expect(try f.store.connection.integer("SELECT count(*) FROM crm_consumers") == 1)
        // A limit of events: the first three events hold the invoice only.
        let limited = try f.run("bridge.export_journal", #"{"format": "beancount", "limit": 3}"#)
        #expect(limited["to_seq"]?.int == 3 && limited["transactions"]?.int == 1)
    }

    @Test func badInputIsRefusedAndNothingIsAcknowledged() throws {
        let f = try JournalFixture()
        try f.smallBook()
        expectCRMError(.invalid, "bridge.export_journal", "format") { try f.run("bridge.export_journal", #"{"consumer": "books"}"#) }
        expectCRMError(.invalid, "bridge.export_journal", "format") { try f.run("bridge.export_journal", #"{"format": "gnucash", "consumer": "books"}"#) }
        expectCRMError(.invalid, "bridge.export_journal", "consumer") { try f.run("bridge.export_journal", #"{"format": "ledger", "consumer": "  "}"#) }
        expectCRMError(.invalid, "bridge.export_journal", "consumer") { try f.run("bridge.export_journal", #"{"format": "ledger", "consumer": 7}"#) }
        expectCRMError(.range, "bridge.export_journal", "limit") { try f.run("bridge.export_journal", #"{"format": "ledger", "limit": 0, "consumer": "books"}"#) }
        expectCRMError(.range, "bridge.export_journal", "after_seq") { try f.run("bridge.export_journal", #"{"format": "ledger", "after_seq": -1, "consumer": "books"}"#) }
        expectCRMError(.invalid, "bridge.export_journal", "colour") { try f.run("bridge.export_journal", #"{"format": "ledger", "colour": "red", "consumer": "books"}"#) }
        #expect(try f.rows("crm_consumers") == 0)
    }

    @Test func namesAreMadeSafeForEachFormat() throws {
        let f = try JournalFixture()
        try f.make("account.create", #""name": "o'Brien & Sons: Tools;  (Pty)", "currency": "JPY""#)
        try f.make("invoice.record", #""source": "old", "external_ref": "X 1", "account_id": 1, "number": "X 1/2", "issued_on": "2026-11-02", "total_minor": 1500, "currency": "JPY", "posting": true"#)
        let hledger = try #require(try f.run("bridge.export_journal", #"{"format": "hledger"}"#)["text"]?.text)
        #expect(hledger.contains("commodity 1000 JPY\n"))
        #expect(hledger.contains("account Assets:Receivable:1100:o'Brien & Sons Tools Pty 1\n"))
        #expect(hledger.contains("2026-11-02 (X-1/2) "))
        #expect(hledger.contains("  1500 JPY\n"))
        let beancount = try #require(try f.run("bridge.export_journal", #"{"format": "beancount"}"#)["text"]?.text)
        #expect(beancount.contains("1970-01-01 open Assets:Receivable:1100:O-Brien-Sons-Tools-Pty-1\n"))
        #expect(beancount.contains("^X-1/2 #invoice"))
    }
}
