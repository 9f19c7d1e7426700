import Testing
import CRMStore
import CRMCredit

/// The experience rows kept by the observer, change by change, against
/// `credit.recompute` rebuilding them from the tables: a seeded history of
/// many accounts, invoices, partial and backdated payments, later
/// allocations, reversals, credit notes (own and applied to other invoices)
/// and refunds.
@Suite("credit recompute over generated histories")
struct CreditRecomputeTests {
    static let accounts = 6

    func day(_ offset: Int64) -> String {
        CalendarDate(daysSinceEpoch: (CalendarDate("2025-06-01")?.daysSinceEpoch ?? 0) + offset)?.description ?? "2025-06-01"
    }

    func generate(_ f: CreditFixture, seed: UInt64) throws {
        var random = SeededGenerator(state: seed)
        for index in 1...Self.accounts {
            try f.make("account.create", #""name": "Account \#(index)", "currency": "ZAR""#)
        }
        var invoices: [(id: Int64, account: Int64, issued: Int64)] = []
        var payments: [(id: Int64, account: Int64, received: Int64)] = []
        var notes: [(id: Int64, account: Int64)] = []
        for step in 0..<200 {
            let account = random.below(Int64(Self.accounts)) + 1
            switch random.below(10) {
            case 0...3:
                let issued = random.below(520), terms: Int64 = [0, 7, 30, 60][Int(random.below(4))]
                let id = try f.make("invoice.record", #""source": "gen", "external_ref": "I-\#(step)", "account_id": \#(account), "number": "G-\#(step)", "issued_on": "\#(day(issued))", "due_on": "\#(day(issued + terms))", "total_minor": \#(1_000 + random.below(20) * 500), "currency": "ZAR""#)
                invoices.append((id, account, issued))
            case 4...5:
                let mine = invoices.filter { $0.account == account }
                guard let target = mine.isEmpty ? nil : mine[Int(random.below(Int64(mine.count)))] else { continue }
                let received = target.issued + random.below(150)
                let owed = try f.store.connection.integer("SELECT total_minor - paid_minor - credited_minor FROM invoices WHERE id = ?", [.integer(target.id)]) ?? 0
                let amount = random.below(2) == 0 && owed > 0 ? owed : 250 + random.below(10) * 250
                let made = try? f.run("payment.record", #"{"account_id": \#(account), "amount_minor": \#(amount), "method": "eft", "received_on": "\#(day(received))", "allocations": [{"invoice_id": \#(target.id), "amount_minor": \#(amount)}]}"#)
                if let id = made?["id"]?.int { payments.append((id, account, received)) }
            case 6:
                // Received unallocated, allocated oldest-first later (backdated) or refunded.
                let received = random.below(520)
                guard let id = try? f.make("payment.record", #""account_id": \#(account), "amount_minor": \#(500 + random.below(8) * 500), "method": "eft", "received_on": "\#(day(received))", "allocate": "none""#) else { continue }
                payments.append((id, account, received))
                if random.below(3) == 0 {
                    _ = try? f.run("payment.refund", #"{"payment_id": \#(id), "amount_minor": 250, "refunded_on": "\#(day(received + 1))"}"#)
                }
                let mine = invoices.filter { $0.account == account }
                if let target = mine.isEmpty ? nil : mine[Int(random.below(Int64(mine.count)))] {
                    _ = try? f.run("payment.allocate", #"{"payment_id": \#(id), "allocations": [{"invoice_id": \#(target.id), "amount_minor": 250}], "allocated_on": "\#(day(received + random.below(20)))"}"#)
                }
            case 7:
                guard !payments.isEmpty else { continue }
                let payment = payments[Int(random.below(Int64(payments.count)))]
                _ = try? f.run("payment.reverse", #"{"payment_id": \#(payment.id), "reason": "Bounced", "reversed_on": "\#(day(payment.received + 5))"}"#)
            case 8:
                let mine = invoices.filter { $0.account == account }
                guard let target = mine.isEmpty ? nil : mine[Int(random.below(Int64(mine.count)))] else { continue }
                if let id = try? f.make("credit_note.record", #""source": "gen", "external_ref": "N-\#(step)", "invoice_id": \#(target.id), "number": "GN-\#(step)", "issued_on": "\#(day(target.issued + random.below(60)))", "line_positions": [0], "quantities_milli": [\#([250, 500, 1000][Int(random.below(3))])]"#) {
                    notes.append((id, account))
                }
            default:
                let mine = notes.filter { $0.account == account }
                let open = invoices.filter { $0.account == account }
                guard let note = mine.first, !open.isEmpty else { continue }
                let target = open[Int(random.below(Int64(open.count)))]
                _ = try? f.run("credit_note.apply", #"{"credit_note_id": \#(note.id), "invoice_id": \#(target.id), "applied_on": "\#(day(target.issued + random.below(90)))"}"#)
            }
        }
    }

    /// Every row of the two tables, in key order, and every account's score
    /// on three days.
    func snapshot(_ f: CreditFixture) throws -> [String] {
        var lines = try f.store.connection.rows(
            """
            SELECT account_id, currency, settled_on, invoice_id, days_beyond_terms, days_to_pay, amount_minor FROM credit_experiences
            ORDER BY account_id, currency, settled_on, invoice_id
            """) { row in (0..<7).map { $0 == 1 || $0 == 2 ? row.text($0) : String(row.integer($0)) }.joined(separator: " ") }
        lines += try f.store.connection.rows(
            """
            SELECT invoice_id, account_id, currency, settled_on, due_on, days_beyond_terms, total_minor FROM credit_settlements
            ORDER BY invoice_id
            """) { row in (0..<7).map { [2, 3, 4].contains($0) ? row.text($0) : String(row.integer($0)) }.joined(separator: " ") }
        lines += try f.store.connection.rows(
            "SELECT account_id, currency, due_on, invoice_id, issued_on, open_minor FROM credit_open_invoices ORDER BY invoice_id"
        ) { row in (0..<6).map { [1, 2, 4].contains($0) ? row.text($0) : String(row.integer($0)) }.joined(separator: " ") }
        for account in 1...Self.accounts {
            for asOf in ["2026-12-01", "2026-06-30", "2027-03-01"] {
                lines.append(JSONWriter.string(try f.run("credit.score", #"{"account_id": \#(account), "as_of": "\#(asOf)"}"#)))
                lines.append(JSONWriter.string(try f.run("credit.score", #"{"account_id": \#(account), "as_of": "\#(asOf)", "recency_weighted": true}"#)))
            }
        }
        return lines
    }

    @Test(arguments: [UInt64(14), 2026, 77])
    func incrementalRowsEqualTheRebuild(seed: UInt64) throws {
        let f = try CreditFixture()
        try generate(f, seed: seed)
        let kept = try snapshot(f)
        #expect(try f.rows("credit_experiences") > 20 && f.rows("credit_settlements") > 5)
        try f.run("credit.recompute")
        #expect(try snapshot(f) == kept)
        // One account rebuilt alone changes nothing either.
        try f.run("credit.recompute", #"{"account_id": 2}"#)
        #expect(try snapshot(f) == kept)
    }
}
