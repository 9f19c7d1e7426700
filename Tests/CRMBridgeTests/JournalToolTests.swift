import Foundation
import Testing
import CRMStore

/// The accounting tools themselves read the exported journals: CI installs
/// them (.ci/run: hledger and ledger from Debian, beancount from PyPI); a
/// machine without one skips its test and says so.
enum AccountingTool {
    /// The tool's path on PATH, or nil.
    static func path(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func installed(_ name: String) -> Bool { path(name) != nil }

    /// Runs the tool; returns its exit status, standard output and standard error.
    static func run(_ name: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(path(name)))
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}

@Suite("plain-text journals checked by ledger, hledger and beancount")
struct JournalToolTests {
    /// The small book, a second customer whose history was recorded after
    /// it with earlier dates (so hledger's date order and the file's
    /// differ), and one more payment for the first customer.
    func book() throws -> JournalFixture {
        let f = try JournalFixture()
        try f.smallBook()
        try f.make("account.create", #""name": "Ndlovu Farms", "currency": "ZAR""#)
        try f.make("invoice.record", #""source": "old", "external_ref": "N-1", "account_id": 2, "number": "N-1", "issued_on": "2026-11-15", "due_on": "2026-11-30", "total_minor": 30000, "posting": true"#)
        try f.make("payment.record", #""account_id": 2, "amount_minor": 10000, "method": "eft", "received_on": "2026-11-20", "allocations": [{"invoice_id": 2, "amount_minor": 10000}]"#)
        try f.make("payment.record", #""account_id": 1, "amount_minor": 20000, "method": "eft", "received_on": "2026-12-07", "allocations": [{"invoice_id": 1, "amount_minor": 20000}]"#)
        return f
    }

    /// Writes the journal of `format` to a file and hands its path over;
    /// exported in two parts through a consumer, so the parts must join up
    /// (beancount too: its accounts open on 1970-01-01, so the second
    /// part's earlier-dated history finds them open).
    func withJournal(_ format: String, _ body: (String, JournalFixture) throws -> Void) throws {
        let f = try book()
        let first = try f.run("bridge.export_journal", #"{"format": "\#(format)", "consumer": "books", "limit": 9}"#)
        #expect(first["to_seq"]?.int == 9)
        var text = try #require(first["text"]?.text)
        let rest = try f.run("bridge.export_journal", #"{"format": "\#(format)", "consumer": "books"}"#)
        text += try #require(rest["text"]?.text)
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("books.\(format)").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            try body(file, f)
        }
    }

    /// What each customer owes by libcrm's own ageing, in minor units:
    /// invoices' open amounts less open credit notes (what the receivable holds).
    func ageing(_ f: JournalFixture) throws -> [String: Int64] {
        let ageing = try f.run("ar.ageing", #"{"as_of": "2026-12-31", "currency": "ZAR"}"#)
        var owed: [String: Int64] = [:]
        for account in ageing["accounts"]?.array ?? [] {
            let id = try #require(account["account_id"]?.int), name = try #require(account["name"]?.text)
            owed["\(name) \(id)"] = try #require(account["total_minor"]?.int) - (try #require(account["open_credit_notes_minor"]?.int))
        }
        return owed
    }

    @Test(.enabled(if: AccountingTool.installed("hledger"), "hledger is not installed (CI: apt-get install hledger)"))
    func hledgerChecksTheJournalAndItsBalancesAreTheAgeing() throws {
        try withJournal("hledger") { file, f in
            let check = try AccountingTool.run("hledger", ["-f", file, "check", "--strict"])
            #expect(check.status == 0, "\(check.stderr)")
            let balance = try AccountingTool.run("hledger", ["-f", file, "balance", "^Assets:Receivable:1100:", "--flat", "--no-total", "-O", "csv"])
            #expect(balance.status == 0, "\(balance.stderr)")
            // "account","balance" then one row per customer: "Assets:Receivable:1100:Karoo Irrigation 1","500.00 ZAR".
            var owed: [String: Int64] = [:]
            for line in balance.stdout.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                guard fields.count == 2 else { continue }
                let customer = String(fields[0].dropFirst("Assets:Receivable:1100:".count))
                let amount = fields[1].replacingOccurrences(of: " ZAR", with: "").replacingOccurrences(of: ".", with: "")
                owed[customer] = Int64(amount)
            }
            #expect(owed == ["Karoo Irrigation 1": 30_000, "Ndlovu Farms 2": 20_000])
            #expect(owed == (try ageing(f)))
        }
    }

    @Test(.enabled(if: AccountingTool.installed("ledger"), "ledger is not installed (CI: apt-get install ledger)"))
    func ledgerBalancesTheJournalStrictly() throws {
        try withJournal("ledger") { file, f in
            let balance = try AccountingTool.run("ledger", ["-f", file, "--strict", "--flat", "--no-total", "balance", "^Assets:Receivable:1100:"])
            #expect(balance.status == 0 && balance.stderr.isEmpty, "\(balance.stderr)")
            #expect(balance.stdout.contains("300.00 ZAR  Assets:Receivable:1100:Karoo Irrigation 1"), "\(balance.stdout)")
            #expect(balance.stdout.contains("200.00 ZAR  Assets:Receivable:1100:Ndlovu Farms 2"), "\(balance.stdout)")
            #expect(try ageing(f) == ["Karoo Irrigation 1": 30_000, "Ndlovu Farms 2": 20_000])
        }
    }

    @Test(.enabled(if: AccountingTool.installed("bean-check"), "beancount is not installed (CI: pip install beancount)"))
    func beanCheckAcceptsTheJournal() throws {
        try withJournal("beancount") { file, _ in
            let check = try AccountingTool.run("bean-check", [file])
            #expect(check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty, "\(check.stdout)\(check.stderr)")
        }
    }

    @Test(.enabled(if: AccountingTool.installed("hledger"), "hledger is not installed (CI: apt-get install hledger)"))
    func aBrokenAssertionIsCaughtByTheTool() throws {
        // The check is real: a journal whose assertion is wrong fails it.
        try withJournal("hledger") { file, _ in
            let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "= 650.00 ZAR", with: "= 651.00 ZAR")
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            #expect(try AccountingTool.run("hledger", ["-f", file, "check"]).status != 0)
        }
    }
}
