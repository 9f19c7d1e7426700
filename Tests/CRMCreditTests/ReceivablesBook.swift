import Testing
import CRMStore

/// The book the metrics, statement and ranking tests work by hand (ZAR):
///
/// Account 1 "Karoo Irrigation" (business, segment farms, region Northern
/// Cape, billing address 1 Dam Road, Upington):
///   A-1 issued 08-15 due 09-14  4,000   paid 09-20 (P1, payment 1)
///   A-2 issued 09-10 due 10-10  3,000   paid 10-25 (P2, payment 2)
///   A-3 issued 10-05 due 11-04  6,000   2,000 paid 11-20 (P3, payment 3)
///   A-4 issued 11-10 due 12-10  9,000   open
///   P5 (payment 5) 1,500 received 11-25 unallocated; 500 of it refunded 11-28
/// Account 2 "Bokveld Dealers" (dealer, segment farms, region Western Cape):
///   B-1 issued 07-01 due 07-31  2,000   P4 (payment 4) 2,000 allocated
///       10-01 and reversed 10-15, so open throughout
///   B-2 issued 11-01 due 11-15  1,000   credited in full by CN-B2 on 11-20
/// Account 3 "Quiet Retail" (business, segment retail): nothing at all.
/// Plus a USD invoice of account 1 (left out of every ZAR figure) and a draft.
/// All in 2026.
func receivablesBook(extra: [Module] = []) throws -> CreditFixture {
    let f = try CreditFixture(extra: extra)
    try f.make("account.create", #""name": "Karoo Irrigation", "currency": "ZAR", "segment": "farms", "region": "Northern Cape", "addresses": [{"kind": "billing", "line1": "1 Dam Road", "city": "Upington", "postal_code": "8801", "country": "ZA"}]"#)
    try f.make("account.create", #""name": "Bokveld Dealers", "currency": "ZAR", "kind": "dealer", "segment": "farms", "region": "Western Cape""#)
    try f.make("account.create", #""name": "Quiet Retail", "currency": "ZAR", "segment": "retail""#)
    for (number, account, issued, due, total, currency) in [
        ("A-1", 1, "2026-08-15", "2026-09-14", 4_000, "ZAR"), ("A-2", 1, "2026-09-10", "2026-10-10", 3_000, "ZAR"),
        ("A-3", 1, "2026-10-05", "2026-11-04", 6_000, "ZAR"), ("A-4", 1, "2026-11-10", "2026-12-10", 9_000, "ZAR"),
        ("B-1", 2, "2026-07-01", "2026-07-31", 2_000, "ZAR"), ("B-2", 2, "2026-11-01", "2026-11-15", 1_000, "ZAR"),
        ("A-USD", 1, "2026-10-01", "2026-10-31", 7_777, "USD"),
    ] {
        try f.make("invoice.record", #""source": "ledger", "external_ref": "\#(number)", "account_id": \#(account), "number": "\#(number)", "issued_on": "\#(issued)", "due_on": "\#(due)", "total_minor": \#(total), "currency": "\#(currency)""#)
    }
    try f.make("invoice.create", #""account_id": 1, "lines": [{"description": "Draft", "quantity_milli": 1000, "unit_price_minor": 50000}]"#)
    try f.make("payment.record", #""account_id": 1, "amount_minor": 4000, "method": "eft", "received_on": "2026-09-20", "allocations": [{"invoice_id": 1, "amount_minor": 4000}]"#)
    try f.make("payment.record", #""account_id": 1, "amount_minor": 3000, "method": "eft", "received_on": "2026-10-25", "reference": "KI-OCT", "allocations": [{"invoice_id": 2, "amount_minor": 3000}]"#)
    try f.make("payment.record", #""account_id": 1, "amount_minor": 2000, "method": "cheque", "received_on": "2026-11-20", "allocations": [{"invoice_id": 3, "amount_minor": 2000}]"#)
    try f.make("payment.record", #""account_id": 2, "amount_minor": 2000, "method": "eft", "received_on": "2026-10-01", "allocations": [{"invoice_id": 5, "amount_minor": 2000}]"#)
    try f.run("payment.reverse", #"{"payment_id": 4, "reason": "Bounced", "reversed_on": "2026-10-15"}"#)
    try f.make("credit_note.record", #""source": "ledger", "external_ref": "CN-B2", "invoice_id": 6, "number": "CN-B2", "issued_on": "2026-11-20""#)
    try f.make("payment.record", #""account_id": 1, "amount_minor": 1500, "method": "eft", "received_on": "2026-11-25", "allocate": "none""#)
    try f.run("payment.refund", #"{"payment_id": 5, "amount_minor": 500, "refunded_on": "2026-11-28", "reason": "Overpaid"}"#)
    return f
}

extension JSONValue {
    /// A day figure's `[numerator, denominator, days, hundredths]`.
    var dayFigure: [Int64?] { [self["numerator"]?.int, self["denominator"]?.int, self["days"]?.int, self["hundredths"]?.int] }
    /// A rate's `[numerator, denominator, rate_bp]`.
    var rateFigure: [Int64?] { [self["numerator"]?.int, self["denominator"]?.int, self["rate_bp"]?.int] }
}
