import Foundation
import Testing
import CRMStore

/// The journal state kept per (consumer, format): consecutive exports join
/// up to the whole export, stand on the state after `events.prune`, read
/// only the events after the consumer's position, and go with the consumer
/// when it is retired.
@Suite("journal state per consumer")
struct JournalStateTests {
    /// A journal's transactions (the blocks holding a `seq`), in order, and
    /// its declarations (every other line but comments and ledger's tags), as a set.
    static func parts(_ text: String) -> (entries: [String], declarations: Set<String>) {
        var entries: [String] = []
        var declarations = Set<String>()
        for block in text.components(separatedBy: "\n\n") {
            if block.contains("seq: ") {
                // Without a part's header comment that follows it when parts are joined.
                entries.append(block.split(separator: "\n").filter { !$0.hasPrefix(";") }.joined(separator: "\n"))
                continue
            }
            for line in block.split(separator: "\n") where !line.hasPrefix(";") && !line.hasPrefix("tag ") {
                declarations.insert(String(line))
            }
        }
        return (entries, declarations)
    }

    /// Exports `format` through consumer `books` in parts of `limit` events until nothing is left; the parts joined.
    static func exportInParts(_ f: JournalFixture, _ format: String, limit: Int) throws -> (text: String, parts: Int) {
        var text = ""
        var parts = 0
        while true {
            let part = try f.run("bridge.export_journal", #"{"format": "\#(format)", "consumer": "books", "limit": \#(limit)}"#)
            if part["transactions"]?.int == 0 && part["to_seq"] == part["from_seq"] { break }
            #expect(part["state"]?.text == (parts == 0 ? "new" : "kept"), "\(part)")
            text += try #require(part["text"]?.text)
            parts += 1
        }
        return (text, parts)
    }

    /// Inserts `count` events without a posting straight into the outbox (a
    /// busy shop's other changes), after the last one, in one transaction.
    static func fillOutbox(_ f: JournalFixture, count: Int) throws {
        let connection = f.store.connection
        let last = try connection.integer("SELECT last_value FROM crm_sequences WHERE name = 'events'") ?? 0
        try connection.execute("BEGIN")
        var seq = last
        while seq < last + Int64(count) {
            let rows = min(500, Int(last + Int64(count) - seq))
            var values: [SQLValue] = []
            for _ in 0..<rows {
                seq += 1
                values += [.integer(seq), .text("activity.logged"), .text(epoch.description), .text(#"{"id": \#(seq), "note": "called"}"#)]
            }
            let placeholders = Array(repeating: "(?, ?, ?, ?)", count: rows).joined(separator: ", ")
            try connection.run("INSERT INTO crm_events (seq, type, occurred_at, record_json) VALUES \(placeholders)", values)
        }
        try connection.run("UPDATE crm_sequences SET last_value = ? WHERE name = 'events'", [.integer(seq)])
        try connection.execute("COMMIT")
    }

    @Test("consecutive exports through a consumer, joined, are the whole export: same transactions, assertions and declarations",
          arguments: ["ledger", "hledger", "beancount"])
    func consecutiveExportsEqualTheWholeExport(format: String) throws {
        let f = try JournalToolTests().book()
        let wholeExport = try f.run("bridge.export_journal", #"{"format": "\#(format)"}"#)
        let whole = try #require(wholeExport["text"]?.text)
        let last = try #require(wholeExport["to_seq"]?.int)
        let (joined, count) = try Self.exportInParts(f, format, limit: 4)
        #expect(last == 19 && count == 5)  // 19 events, 4 at a time
        let wholeParts = Self.parts(whole), joinedParts = Self.parts(joined)
        #expect(joinedParts.entries == wholeParts.entries)
        #expect(joinedParts.declarations == wholeParts.declarations)
        // Every payment moving a receivable is asserted in both (beancount: one directive per account and day).
        let assertions = format == "beancount" ? " balance " : " = "
        #expect(whole.components(separatedBy: assertions).count - 1 == 5)
        #expect(joined.components(separatedBy: assertions).count == whole.components(separatedBy: assertions).count)
        // Nothing is declared twice in the joined file.
        let declared = joined.split(separator: "\n").filter { $0.hasPrefix("account ") || $0.contains(" open ") || $0.hasPrefix("commodity ") }
        #expect(declared.count == Set(declared).count, "\(declared)")

        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("books.\(format)").path
            try Data(joined.utf8).write(to: URL(fileURLWithPath: file))
            switch format {
            case "hledger" where AccountingTool.installed("hledger"):
                let check = try AccountingTool.run("hledger", ["-f", file, "check", "--strict"])
                #expect(check.status == 0, "\(check.stderr)")
            case "ledger" where AccountingTool.installed("ledger"):
                let balance = try AccountingTool.run("ledger", ["-f", file, "--strict", "--flat", "--no-total", "balance", "^Assets:Receivable:1100:"])
                #expect(balance.status == 0 && balance.stderr.isEmpty, "\(balance.stderr)")
                #expect(balance.stdout.contains("300.00 ZAR  Assets:Receivable:1100:Karoo Irrigation 1"), "\(balance.stdout)")
                #expect(balance.stdout.contains("200.00 ZAR  Assets:Receivable:1100:Ndlovu Farms 2"), "\(balance.stdout)")
            case "beancount" where AccountingTool.installed("bean-check"):
                let check = try AccountingTool.run("bean-check", [file])
                #expect(check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty, "\(check.stdout)\(check.stderr)")
            default:
                break
            }
        }
        // The state kept: the position, the two customers' balances, nothing left to write.
        #expect(try f.store.connection.integer("SELECT last_seq FROM bridge_journal_states WHERE consumer = 'books' AND format = ?", [.text(format)]) == last)
        let balances = try f.store.connection.rows(
            "SELECT balance_minor FROM bridge_journal_balances WHERE consumer = 'books' AND format = ? ORDER BY account", [.text(format)]) { $0.integer(0) }
        #expect(balances == [30_000, 20_000])
    }

    @Test("after events.prune the consumer's next export stands on its state: the assertion builds on the pruned history")
    func pruneKeepsTheConsumersJournalRight() throws {
        let f = try JournalFixture()
        try f.smallBook()
        let first = try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        #expect(first["to_seq"]?.int == 13 && first["assertions"]?.int == 3)
        f.clock.advance(seconds: 100 * 86_400)
        let pruned = try f.run("events.prune", "{}")
        #expect(pruned["pruned"]?.int == 13 && pruned["kept"]?.int == 0, "\(pruned)")

        // 12-07: 200.00 of the reopened invoice paid: 500.00 - 200.00 = 300.00, the 500.00 from pruned events.
        try f.make("payment.record", #""account_id": 1, "amount_minor": 20000, "method": "eft", "received_on": "2026-12-07", "allocations": [{"invoice_id": 1, "amount_minor": 20000}]"#)
        let next = try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        #expect(next["state"]?.text == "kept" && next["events_read"]?.int == 2 && next["assertions"]?.int == 1, "\(next)")
        #expect(next["text"]?.text == """
            ; libcrm journal (hledger): events 14 to 15

            2026-12-07 (PAY-3) Payment 3
                ; type: payment
                ; event: payment.recorded
                ; seq: 14
                Assets:Bank:1000  200.00 ZAR
                Assets:Receivable:1100:Karoo Irrigation 1  -200.00 ZAR = 300.00 ZAR

            """)
        if AccountingTool.installed("hledger") {
            try withTemporaryDirectory { directory in
                let file = directory.appendingPathComponent("books.journal").path
                try Data(((first["text"]?.text ?? "") + (next["text"]?.text ?? "")).utf8).write(to: URL(fileURLWithPath: file))
                let check = try AccountingTool.run("hledger", ["-f", file, "check", "--strict"])
                #expect(check.status == 0, "\(check.stderr)")
            }
        }

        // Without a consumer the history is gone: no assertion rather than a false one, and the result says so.
        let read = try f.run("bridge.export_journal", #"{"format": "hledger", "after_seq": 13}"#)
        #expect(read["state"]?.text == "unknown" && read["assertions"]?.int == 0 && read["assertions_omitted"]?.int == 1, "\(read)")
        #expect(read["text"]?.text?.contains(" = ") == false)
        #expect(read["text"]?.text?.contains("account Assets:Receivable:1100:Karoo Irrigation 1\n") == true)
        // A consumer that was not known when the events were pruned: the same.
        let late = try f.run("bridge.export_journal", #"{"format": "beancount", "consumer": "late"}"#)
        #expect(late["from_seq"]?.int == 0 && late["state"]?.text == "unknown" && late["assertions"]?.int == 0, "\(late)")
        #expect(late["text"]?.text?.contains(" balance ") == false)
        // ... and stays so: its balances never become known.
        try f.make("payment.record", #""account_id": 1, "amount_minor": 10000, "method": "eft", "received_on": "2026-12-08", "allocations": [{"invoice_id": 1, "amount_minor": 10000}]"#)
        let lateAgain = try f.run("bridge.export_journal", #"{"format": "beancount", "consumer": "late"}"#)
        #expect(lateAgain["state"]?.text == "unknown" && lateAgain["assertions"]?.int == 0 && lateAgain["assertions_omitted"]?.int == 1, "\(lateAgain)")
        // While the kept consumer asserts on: 300.00 - 100.00.
        let books = try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        #expect(books["text"]?.text?.contains("-100.00 ZAR = 200.00 ZAR\n") == true, "\(books)")
    }

    @Test("an export of the last 10 events on an outbox of 50,000 reads those 10 only")
    func aConsumersExportReadsOnlyWhatIsNew() throws {
        let f = try JournalFixture()
        try f.smallBook()
        try Self.fillOutbox(f, count: 50_000)
        let first = try f.run("bridge.export_journal", #"{"format": "ledger", "consumer": "books", "limit": 1000000}"#)
        #expect(first["to_seq"]?.int == 50_013 && first["events_read"]?.int == 50_013 && first["transactions"]?.int == 6)
        // Five payments of 20.00 on the reopened invoice (500.00): two events each.
        for day in 7...11 {
            try f.make("payment.record", #""account_id": 1, "amount_minor": 2000, "method": "eft", "received_on": "2026-12-\#(String(format: "%02d", day))", "allocations": [{"invoice_id": 1, "amount_minor": 2000}]"#)
        }
        let start = Date()
        let next = try f.run("bridge.export_journal", #"{"format": "ledger", "consumer": "books"}"#)
        let kept = Date().timeIntervalSince(start)
        #expect(next["from_seq"]?.int == 50_013 && next["to_seq"]?.int == 50_023, "\(next)")
        #expect(next["events_read"]?.int == 10 && next["state"]?.text == "kept", "\(next)")
        #expect(next["transactions"]?.int == 5 && next["assertions"]?.int == 5)
        #expect(next["text"]?.text?.contains("-20.00 ZAR = 400.00 ZAR\n") == true)
        // Without the state the same range costs a pass over the outbox.
        let startRead = Date()
        let read = try f.run("bridge.export_journal", #"{"format": "ledger", "after_seq": 50013}"#)
        let rebuilt = Date().timeIntervalSince(startRead)
        #expect(read["state"]?.text == "rebuilt" && read["events_read"]?.int == 50_023, "\(read)")
        #expect(Self.parts(read["text"]?.text ?? "").entries == Self.parts(next["text"]?.text ?? "").entries)
        #expect(kept < rebuilt, "with its state \(kept) s, rebuilt \(rebuilt) s")
    }

    @Test("events.retire drops the consumer's journal state, every format, and no other consumer's")
    func retireDropsTheJournalState() throws {
        let f = try JournalFixture()
        try f.smallBook()
        for (consumer, format) in [("books", "hledger"), ("books", "beancount"), ("audit", "ledger")] {
            try f.run("bridge.export_journal", #"{"format": "\#(format)", "consumer": "\#(consumer)"}"#)
        }
        let retired = try f.run("events.retire", #"{"consumer": "books"}"#)
        #expect(retired["journal_states_dropped"]?.int == 2, "\(retired)")
        for table in ["bridge_journal_states", "bridge_journal_declarations", "bridge_journal_roles", "bridge_journal_balances"] {
            #expect(try f.store.connection.integer("SELECT count(*) FROM \(table) WHERE consumer = 'books'") == 0, "\(table)")
            #expect(try f.store.connection.integer("SELECT count(*) FROM \(table) WHERE consumer = 'audit'") ?? 0 > 0, "\(table)")
        }
        expectCRMError(.constraint, "retired") { try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#) }
        // Retiring again drops nothing more.
        #expect(try f.run("events.retire", #"{"consumer": "books"}"#)["journal_states_dropped"] == nil)
    }

    @Test("after_seq with a consumer is refused naming after_seq; nothing is written")
    func afterSeqWithAConsumerIsRefused() throws {
        let f = try JournalFixture()
        try f.smallBook()
        expectCRMError(.invalid, "bridge.export_journal", "after_seq") {
            try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books", "after_seq": 4}"#)
        }
        #expect(try f.rows("crm_consumers") == 0)
        #expect(try f.rows("bridge_journal_states") == 0 && f.rows("bridge_journal_declarations") == 0 && f.rows("bridge_journal_balances") == 0)
    }

    @Test("an event without a posting (an unposted payment) is skipped and the position moves past it")
    func anEventWithoutAPostingIsSkipped() throws {
        let f = try JournalFixture()
        try f.smallBook()
        try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        // A payment recorded with posting: false carries no posting member.
        try f.store.connection.run("INSERT INTO crm_events (seq, type, occurred_at, record_json) VALUES (14, 'payment.recorded', ?, ?)",
                                   [.text(epoch.description), .text(#"{"id": 9, "account_id": 1, "amount_minor": 5000, "received_on": "2026-12-07"}"#)])
        try f.store.connection.run("UPDATE crm_sequences SET last_value = 14 WHERE name = 'events'")
        let next = try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        #expect(next["transactions"]?.int == 0 && next["to_seq"]?.int == 14 && next["state"]?.text == "kept", "\(next)")
        #expect(next["text"]?.text == "; libcrm journal (hledger): events 14 to 14\n")
        #expect(try f.store.connection.integer("SELECT last_seq FROM bridge_journal_states WHERE consumer = 'books'") == 14)
    }

    @Test("a payment backdated before what was exported: hledger leaves its assertion out and warns of the earlier one; ledger, in file order, asserts it")
    func aBackdatedPaymentIsNotAssertedWhereItCannotBeKnown() throws {
        let f = try JournalFixture()
        try f.smallBook()
        let hledgerFirst = try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        let ledgerFirst = try f.run("bridge.export_journal", #"{"format": "ledger", "consumer": "ledger-books"}"#)
        #expect(hledgerFirst["assertions"]?.int == 3 && ledgerFirst["assertions"]?.int == 3)
        // 12-03, recorded after the 12-06 reversal was exported: 100.00 of the invoice.
        try f.make("payment.record", #""account_id": 1, "amount_minor": 10000, "method": "eft", "received_on": "2026-12-03", "allocations": [{"invoice_id": 1, "amount_minor": 10000}]"#)
        let hledger = try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        #expect(hledger["assertions"]?.int == 0 && hledger["assertions_omitted"]?.int == 1 && hledger["state"]?.text == "kept", "\(hledger)")
        #expect(hledger["text"]?.text?.contains(" = ") == false)
        let warnings = hledger["warnings"]?.strings ?? []
        #expect(warnings.count == 1 && warnings.first?.contains("event 14 is dated 2026-12-03") == true
                && warnings.first?.contains("2026-12-06") == true, "\(warnings)")
        // Ledger checks in file order: 500.00 - 100.00 after the reversal.
        let ledger = try f.run("bridge.export_journal", #"{"format": "ledger", "consumer": "ledger-books"}"#)
        #expect(ledger["assertions"]?.int == 1 && ledger["warnings"]?.strings == [], "\(ledger)")
        #expect(ledger["text"]?.text?.contains("  -100.00 ZAR = 400.00 ZAR\n") == true, "\(ledger)")
        if AccountingTool.installed("ledger") {
            try withTemporaryDirectory { directory in
                let file = directory.appendingPathComponent("books.ledger").path
                try Data(((ledgerFirst["text"]?.text ?? "") + (ledger["text"]?.text ?? "")).utf8).write(to: URL(fileURLWithPath: file))
                let balance = try AccountingTool.run("ledger", ["-f", file, "--strict", "balance", "^Assets:Receivable:1100:"])
                #expect(balance.status == 0 && balance.stderr.isEmpty && balance.stdout.contains("400.00 ZAR"), "\(balance.stdout)\(balance.stderr)")
            }
        }
        // A payment dated after everything exported is asserted again.
        try f.make("payment.record", #""account_id": 1, "amount_minor": 10000, "method": "eft", "received_on": "2026-12-09", "allocations": [{"invoice_id": 1, "amount_minor": 10000}]"#)
        let after = try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        #expect(after["assertions"]?.int == 1 && after["text"]?.text?.contains("  -100.00 ZAR = 300.00 ZAR\n") == true, "\(after)")
    }

    @Test("a consumer that acknowledged by other means gets its state rebuilt from the events still there")
    func aConsumerWithoutAStateIsRebuilt() throws {
        let f = try JournalFixture()
        try f.smallBook()
        let whole = try f.run("bridge.export_journal", #"{"format": "beancount"}"#)
        try f.store.acknowledgeEvents(consumer: "erp", seq: 5)
        let rest = try f.run("bridge.export_journal", #"{"format": "beancount", "consumer": "erp"}"#)
        #expect(rest["state"]?.text == "rebuilt" && rest["from_seq"]?.int == 5 && rest["events_read"]?.int == 13, "\(rest)")
        // Its transactions and assertions are the whole export's after seq 5, its declarations only what is new.
        let wholeEntries = Self.parts(whole["text"]?.text ?? "").entries
        #expect(Self.parts(rest["text"]?.text ?? "").entries == Array(wholeEntries.dropFirst(2)))
        #expect(Self.parts(rest["text"]?.text ?? "").declarations == ["1970-01-01 open Liabilities:CustomerCredit:2150"])
        #expect(try f.store.connection.integer("SELECT last_seq FROM bridge_journal_states WHERE consumer = 'erp'") == 13)
    }

    @Test("a balance that would leave 64 bits is refused with CRM_RANGE naming the account; nothing is kept or acknowledged")
    func aBalanceBeyondInt64IsRefused() throws {
        let f = try JournalFixture()
        try f.smallBook()
        try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        try f.store.connection.run("UPDATE bridge_journal_balances SET balance_minor = ? WHERE consumer = 'books'", [.integer(Int64.max - 10)])
        try f.make("invoice.record", #""source": "old", "external_ref": "K-9", "account_id": 1, "number": "K-9", "issued_on": "2026-12-08", "total_minor": 100, "posting": true"#)
        expectCRMError(.range, "bridge.export_journal", "Karoo Irrigation 1") {
            try f.run("bridge.export_journal", #"{"format": "hledger", "consumer": "books"}"#)
        }
        #expect(try f.store.connection.integer("SELECT acked_seq FROM crm_consumers WHERE name = 'books'") == 13)
        #expect(try f.store.connection.integer("SELECT last_seq FROM bridge_journal_states WHERE consumer = 'books'") == 13)
        #expect(try f.store.connection.integer("SELECT count(*) FROM bridge_journal_declarations WHERE name LIKE '%K-9%'") == 0)
    }
}
