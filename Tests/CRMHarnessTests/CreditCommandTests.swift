import Foundation
import Testing

@Suite("crm-harness credit and ageing")
struct CreditCommandTests {
    /// Karoo Plumbing (30 days' terms): three invoices of R 100.00 paid 92 days
    /// late (key 29.33 each), and one of R 200.00 due 2026-10-31, still open.
    static func slowPayer(_ db: TemporaryDatabase) throws {
        var steps: [(String, String)] = [
            ("account.create", #"{"name": "Karoo Plumbing", "currency": "ZAR", "payment_terms_days": 30, "segment": "dealers"}"#),
            ("account.create", #"{"name": "Highveld Roofing", "currency": "ZAR", "payment_terms_days": 30}"#),
        ]
        for (index, (issued, due, paid)) in [("2026-05-01", "2026-05-31", "2026-08-31"), ("2026-06-01", "2026-07-01", "2026-10-01"),
                                             ("2026-07-01", "2026-07-31", "2026-10-31")].enumerated() {
            steps.append(("invoice.record", #"{"source": "ledger", "external_ref": "K-\#(index)", "account_id": 1, "number": "K-\#(index)", "issued_on": "\#(issued)", "due_on": "\#(due)", "total_minor": 10000}"#))
            steps.append(("payment.record", #"{"account_id": 1, "amount_minor": 10000, "method": "eft", "received_on": "\#(paid)", "allocations": [{"invoice_id": \#(index + 1), "amount_minor": 10000}]}"#))
        }
        steps.append(("invoice.record", #"{"source": "ledger", "external_ref": "K-3", "account_id": 1, "number": "K-3", "issued_on": "2026-10-01", "due_on": "2026-10-31", "total_minor": 20000}"#))
        for (command, arguments) in steps {
            let made = try db.run(["exec", command, arguments])
            #expect(made.status == CRMCode.ok, "\(made)")
        }
    }

    @Test("ageing prints the bands per account and for the book; bad bands are refused")
    func ageing() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        try CreditCommandTests.slowPayer(db)
        // On 2026-11-30 the open R 200.00 is 30 days past due: band 1-30.
        let run = try db.run(["ageing", "--as-of", "2026-11-30"])
        #expect(run.status == CRMCode.ok, "\(run)")
        #expect(run.stdout.contains("receivables in ZAR as of 2026-11-30"), "\(run)")
        #expect(run.stdout.firstMatch(#"Karoo Plumbing\s+R 0.00\s+(R 200.00)\s+R 0.00"#) == "R 200.00", "\(run)")
        #expect(run.stdout.firstMatch(#"book\s+R 0.00\s+(R 200.00)"#) == "R 200.00", "\(run)")
        // A day later it is 31 days past due.
        let later = try db.run(["ageing", "--as-of", "2026-12-01", "--buckets", "30,60", "--account", "1"])
        #expect(later.stdout.firstMatch(#"Karoo Plumbing\s+R 0.00\s+R 0.00\s+(R 200.00)\s+R 0.00\s+R 200.00"#) == "R 200.00", "\(later)")
        let json = try db.run(["ageing", "--as-of", "2026-11-30", "--json"])
        let total = try json.jsonObject()["total_minor"] as? Int
        #expect(json.status == CRMCode.ok && total == 20000, "\(json)")
        let bad = try db.run(["ageing", "--buckets", "60,30"])
        #expect(bad.status == CRMCode.invalid && bad.stderr.contains("buckets[1]"), "\(bad)")
        let words = try db.run(["ageing", "--buckets", "thirty"])
        #expect(words.status != CRMCode.ok && words.stderr.contains("--buckets"), "\(words)")
    }

    @Test("credit ranks the accounts and explains one; a held step prints its decision and exits with CRM_CREDIT_HOLD")
    func credit() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        try CreditCommandTests.slowPayer(db)
        let ranking = try db.run(["credit", "--as-of", "2026-11-30"])
        #expect(ranking.status == CRMCode.ok, "\(ranking)")
        // Three experiences 92 days late and one open 30 days (key 50): (3 x 100 x 29.33 + 200 x 50) / 500 = 37.6 -> 38.
        #expect(ranking.stdout.firstMatch(#"1\s+Karoo Plumbing\s+(38)\s+high"#) == "38", "\(ranking)")
        #expect(ranking.stdout.firstMatch(#"2\s+Highveld Roofing\s+(unrated)"#) == "unrated", "\(ranking)")

        let overdue = try db.run(["credit", "--by", "overdue", "--as-of", "2026-11-30", "--segment", "dealers"])
        #expect(overdue.stdout.firstMatch(#"1\s+Karoo Plumbing\s+(R 200.00)\s+R 200.00"#) == "R 200.00", "\(overdue)")

        let card = try db.run(["credit", "--account", "1", "--as-of", "2026-11-30"])
        #expect(card.status == CRMCode.ok, "\(card)")
        #expect(card.stdout.contains("payment-speed score  38 (high)"), "\(card)")
        // Every rand of the four experiences was late: 50 000 of 50 000 cents.
        #expect(card.stdout.firstMatch(#"paid late\s+(100.00% \(50000/50000\))"#) != nil, "\(card)")
        #expect(card.stdout.firstMatch(#"K-3\s+open\s+R 200.00\s+30\s+(50.00)"#) == "50.00", "\(card)")
        #expect(card.stdout.firstMatch(#"jobcard_creation\s+(allow)"#) == "allow", "\(card)")
        #expect(card.stdout.contains("not on credit hold"), "\(card)")
        let json = try db.run(["credit", "--account", "1", "--as-of", "2026-11-30", "--json"])
        #expect(((try json.jsonObject()["score"] as? [String: Any])?["score"] as? Int) == 38, "\(json)")

        // A policy that blocks job cards for a score under 50: the step is refused with its decision.
        let policy = try db.run(["exec", "credit.configure_policy", #"{"min_score": 50, "jobcard_creation": "block"}"#])
        #expect(policy.status == CRMCode.ok, "\(policy)")
        let blocked = try db.run(["credit", "--account", "1", "--as-of", "2026-11-30"])
        #expect(blocked.stdout.firstMatch(#"jobcard_creation\s+(block)"#) == "block", "\(blocked)")
        #expect(try db.run(["exec", "quote.create", #"{"account_id": 1, "lines": [{"description": "Geyser", "quantity_milli": 1000, "unit_price_minor": 500000}]}"#]).status == CRMCode.ok)
        #expect(try db.run(["exec", "quote.send", #"{"id": 1}"#]).status == CRMCode.ok)
        #expect(try db.run(["exec", "quote.accept", #"{"id": 1}"#]).status == CRMCode.ok)
        let refused = try db.run(["exec", "jobcard.create", #"{"quote_id": 1}"#, "--json"])
        #expect(refused.status == CRMCode.creditHold, "\(refused)")
        #expect(refused.stderr.contains("is refused credit") && refused.stderr.contains("payment-speed score"), "\(refused)")
        #expect((try refused.jsonObject()["decision"] as? String) == "block", "\(refused)")

        let bad = try db.run(["credit", "--by", "colour"])
        #expect(bad.status == CRMCode.invalid && bad.stderr.contains("by"), "\(bad)")
    }
}
