import Foundation
import Testing

@Suite("crm-harness pay")
struct PayCommandTests {
    @Test("pay records a payment through crm_payment_record, oldest invoice first, and shows its posting; again it replays")
    func payOldestFirst() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        for (command, arguments) in [
            ("account.create", #"{"name": "Karoo Irrigation", "payment_terms_days": 30, "source": "ledger", "external_ref": "KAR001"}"#),
            ("invoice.create", #"{"account_id": 1, "lines": [{"description": "Pump", "quantity_milli": 1000, "unit_price_minor": 100000}]}"#),
            ("invoice.issue", #"{"id": 1, "issued_on": "2026-11-01"}"#),
            ("invoice.create", #"{"account_id": 1, "lines": [{"description": "Pipe", "quantity_milli": 1000, "unit_price_minor": 50000}]}"#),
            ("invoice.issue", #"{"id": 2, "issued_on": "2026-11-15"}"#),
        ] {
            let made = try db.run(["exec", command, arguments])
            #expect(made.status == CRMCode.ok, "\(made)")
        }
        let paid = try db.run(["pay", "--account-source", "ledger", "--account-ref", "KAR001", "--amount-minor", "120000",
                               "--received-on", "2026-12-01", "--source", "bank", "--external-ref", "EFT-1"])
        #expect(paid.status == CRMCode.ok, "\(paid)")
        // The older invoice first: 1 000.00 to INV-000001, the remaining 200.00 to INV-000002.
        #expect(paid.stdout.firstMatch(#"INV-000001\s+2026-12-01\s+(R 1 000.00)"#) != nil, "\(paid)")
        #expect(paid.stdout.firstMatch(#"INV-000002\s+2026-12-15\s+(R 200.00)"#) != nil, "\(paid)")
        #expect(paid.stdout.firstMatch(#"1000\s+(R 1 200.00)"#) != nil, "the bank is debited: \(paid)")
        let again = try db.run(["pay", "--account-source", "ledger", "--account-ref", "KAR001", "--amount-minor", "120000",
                                "--received-on", "2026-12-01", "--source", "bank", "--external-ref", "EFT-1"])
        #expect(again.stdout.contains("replayed"), "\(again)")
        let unknown = try db.run(["pay", "--account-source", "ledger", "--account-ref", "NOPE", "--amount-minor", "1"])
        #expect(unknown.status == CRMCode.notFound, "\(unknown)")
        let both = try db.run(["pay", "--account", "1", "--account-source", "ledger", "--account-ref", "KAR001", "--amount-minor", "1"])
        #expect(both.status == CRMCode.invalid, "\(both)")
    }
}
