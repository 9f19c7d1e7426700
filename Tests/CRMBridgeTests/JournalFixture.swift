import Testing
import CRMAccounts
import CRMDocuments
import CRMCredit
import CRMBridge
import CRMStore
@_exported import CRMTestSupport

/// 2026-12-01T09:30:00Z.
let epoch = Timestamp(secondsSinceEpoch: 1_796_117_400)!

/// A store with the accounts, documents, credit and bridge modules on the
/// engine the suites run on, and a fixed clock.
final class JournalFixture: CommandFixture {
    init() throws {
        try super.init(clock: FixedClock(epoch), modules: Modules([AccountsModule.module, DocumentsModule.module, CreditModule.module, BridgeModule.module]))
    }

    /// Makes a record with JSON fields (without braces); returns its id.
    @discardableResult
    func make(_ command: String, _ fields: String) throws -> Int64 {
        try #require(try run(command, "{\(fields)}")["id"]?.int)
    }

    /// A small book of Karoo Irrigation (account 1, ZAR):
    ///   12-01 invoice 1: 1000.00 + 15% tax = 1150.00 (receivable 1150.00)
    ///   12-02 payment 1: 500.00 to the invoice (650.00)
    ///   12-03 credit note for 20% of the line: 200.00 + 30.00 tax (420.00)
    ///   12-04 payment 2: 600.00, 420.00 to the invoice, 180.00 customer credit (0.00)
    ///   12-05 the 180.00 credit refunded
    ///   12-06 payment 1 bounced: reversed (500.00)
    func smallBook() throws {
        try make("account.create", #""name": "Karoo Irrigation", "currency": "ZAR""#)
        let invoice = try make("invoice.create", #""account_id": 1, "lines": [{"description": "Pump", "quantity_milli": 1000, "unit_price_minor": 100000, "tax_rate_bp": 1500}]"#)
        try run("invoice.issue", #"{"id": \#(invoice), "issued_on": "2026-12-01"}"#)
        try make("payment.record", #""account_id": 1, "amount_minor": 50000, "method": "eft", "received_on": "2026-12-02", "allocations": [{"invoice_id": 1, "amount_minor": 50000}]"#)
        let note = try make("credit_note.create", #""invoice_id": 1, "line_positions": [0], "quantities_milli": [200]"#)
        try run("credit_note.issue", #"{"id": \#(note), "issued_on": "2026-12-03"}"#)
        try make("payment.record", #""account_id": 1, "amount_minor": 60000, "method": "eft", "received_on": "2026-12-04", "allocations": [{"invoice_id": 1, "amount_minor": 42000}]"#)
        try run("payment.refund", #"{"payment_id": 2, "amount_minor": 18000, "refunded_on": "2026-12-05"}"#)
        try run("payment.reverse", #"{"payment_id": 1, "reason": "bounced", "reversed_on": "2026-12-06"}"#)
    }
}
