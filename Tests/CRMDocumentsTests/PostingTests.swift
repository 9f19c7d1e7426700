import Testing
@testable import CRMDocuments
import CRMStore

@Suite("postings for the host's ledger")
struct PostingTests {
    let date = CalendarDate("2026-12-01")!

    /// Debits and credits of a posting, summed.
    func sides(_ posting: Posting) -> (Int64, Int64) {
        posting.lines.reduce((0, 0)) { sum, line in
            line.side == .debit ? (sum.0 + line.amountMinor, sum.1) : (sum.0, sum.1 + line.amountMinor)
        }
    }

    @Test func anInvoicePostingDebitsReceivableAndCreditsRevenuePerAccountAndTax() throws {
        let mapping = LedgerMapping()
        let lines = [
            DocumentLine(productID: 1, description: "IBR sheet", quantityMilli: 120_000, unitPriceMinor: 18_950, discountBP: 500,
                         taxRateBP: 1_500, netMinor: 2_160_300, taxMinor: 324_045),
            DocumentLine(productID: 2, description: "Fitter", quantityMilli: 1_500, unitPriceMinor: 45_000, discountBP: 1_000,
                         taxRateBP: 1_500, netMinor: 60_750, taxMinor: 9_113),
            DocumentLine(productID: nil, description: "Delivery", quantityMilli: 1_000, unitPriceMinor: 85_000, discountBP: 0,
                         taxRateBP: 1_500, netMinor: 85_000, taxMinor: 12_750),
        ]
        let posting = try Postings.invoice(lines, revenueAccounts: ["4010", "4200", nil], mapping: mapping, date: date,
                                           memo: "Invoice INV-000001", currency: .zar)
        #expect(posting.lines == [
            Posting.Line(account: "1100", side: .debit, amountMinor: 2_651_958),
            Posting.Line(account: "4010", side: .credit, amountMinor: 2_160_300),
            Posting.Line(account: "4200", side: .credit, amountMinor: 60_750),
            Posting.Line(account: "4000", side: .credit, amountMinor: 85_000),
            Posting.Line(account: "2200", side: .credit, amountMinor: 345_908),
        ])
        #expect(posting.json["lines"]?.array?.first == .object([("account", .string("1100")), ("debit_minor", .integer(2_651_958)),
                                                                ("currency", .string("ZAR"))]))
        let reversed = try posting.reversed(memo: "Credit note CN-000001", date: date)
        #expect(reversed.lines.first == Posting.Line(account: "1100", side: .credit, amountMinor: 2_651_958))
    }

    @Test func paymentsAllocationsAndRefundsBalance() throws {
        let mapping = LedgerMapping()
        let paid = try Postings.payment(amountMinor: 100_000, allocatedMinor: 80_000, mapping: mapping, date: date, memo: "EFT", currency: .zar)
        #expect(paid.lines == [Posting.Line(account: "1000", side: .debit, amountMinor: 100_000),
                               Posting.Line(account: "1100", side: .credit, amountMinor: 80_000),
                               Posting.Line(account: "2150", side: .credit, amountMinor: 20_000)])
        let exact = try Postings.payment(amountMinor: 80_000, allocatedMinor: 80_000, mapping: mapping, date: date, memo: "EFT", currency: .zar)
        #expect(exact.lines.count == 2, "a zero line is left out")
        #expect(sides(try Postings.allocation(amountMinor: 20_000, mapping: mapping, date: date, memo: "x", currency: .zar)) == (20_000, 20_000))
        #expect(sides(try Postings.refund(amountMinor: 20_000, mapping: mapping, date: date, memo: "x", currency: .zar)) == (20_000, 20_000))
        expectCRMError(.internal, "does not balance") {
            try Posting(date: date, memo: "bad", currency: .zar, lines: [Posting.Line(account: "1", side: .debit, amountMinor: 1)])
        }
    }

    @Test func debitsEqualCreditsOverThousandsOfGeneratedInvoices() throws {
        var random = SeededGenerator(state: 13)
        let mapping = LedgerMapping()
        var checked = 0
        for index in 0..<5_000 {
            var lines: [DocumentLine] = []
            var accounts: [String?] = []
            for position in 0..<Int(1 + random.below(12)) {
                let quantity = 1 + random.below(50_000)
                let price = random.below(2_000_000)
                let discount = random.below(4) == 0 ? random.below(10_001) : 0
                let rate = [0, 1_500, 1_400, 2_000][Int(random.below(4))]
                let (net, tax) = try LineAmounts.amounts(quantityMilli: quantity, unitPriceMinor: price, discountBP: discount,
                                                         taxRateBP: Int64(rate), field: "lines[\(position)]")
                lines.append(DocumentLine(productID: nil, description: "line \(position)", quantityMilli: quantity, unitPriceMinor: price,
                                          discountBP: discount, taxRateBP: Int64(rate), netMinor: net, taxMinor: tax))
                accounts.append(random.below(3) == 0 ? nil : "40\(random.below(5))0")
            }
            let totals = try LineAmounts.totals(lines.map { ($0.netMinor, $0.taxMinor) }, context: "invoice \(index)")
            let invoice = try Postings.invoice(lines, revenueAccounts: accounts, mapping: mapping, date: date, memo: "invoice \(index)", currency: .zar)
            let (debits, credits) = sides(invoice)
            #expect(debits == credits && debits == totals.totalMinor, "invoice \(index)")
            let paid = random.below(totals.totalMinor + 1)
            let payment = try Postings.payment(amountMinor: paid + random.below(10_000), allocatedMinor: paid, mapping: mapping,
                                               date: date, memo: "payment \(index)", currency: .zar)
            let (paidDebits, paidCredits) = sides(payment)
            #expect(paidDebits == paidCredits, "payment \(index)")
            checked += 1
        }
        #expect(checked == 5_000)
    }

    @Test func theMappingIsConfigurable() throws {
        let f = try DocumentsFixture(pipeline: false)
        #expect(try f.run("ledger.mapping") == LedgerMapping().json)
        let (configured, events) = try f.runWithEvents("ledger.configure", #"{"receivable": "8400/000", "bank": "8500/001"}"#)
        #expect(configured["receivable"]?.text == "8400/000" && configured["bank"]?.text == "8500/001")
        #expect(configured["revenue"]?.text == "4000")
        #expect(events.map(\.type) == ["ledger.configured"])
        #expect(events.first?.record["changed"]?.strings == ["receivable", "bank"])
        let (_, none) = try f.runWithEvents("ledger.configure", #"{"receivable": "8400/000"}"#)
        #expect(none.isEmpty)
        expectCRMError(.invalid, "tax_payable must not be blank") { try f.run("ledger.configure", #"{"tax_payable": " "}"#) }
        expectCRMError(.invalid, "cash") { try f.run("ledger.configure", #"{"cash": "1"}"#) }
        #expect(try LedgerMapping.current(f.store).receivable == "8400/000")
    }
}
