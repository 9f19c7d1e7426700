#if canImport(Glibc)
import Glibc
#endif
import CCRM
import Foundation

extension DemoRun {
    // MARK: 15. Bridges to the books

    /// The files the demo's bridges read and write: beside a database file
    /// (`crm.sqlite` → `crm.sqlite.bridge/`), else a folder of this process's
    /// own in the temporary directory.
    var bridgeFolder: URL {
        if !database.isServer && database.path != ":memory:" && !database.path.isEmpty {
            return URL(fileURLWithPath: database.path + ".bridge", isDirectory: true)
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent("libcrm-demo-\(getpid())", isDirectory: true)
    }

    /// The bridges to the books the shop already keeps: walk-in customers
    /// from the point-of-sale till's CSV export (a bad row reported by line,
    /// a duplicate held back), the ledger's journal of libcrm's postings
    /// checked by hledger when it is installed, and the outbox runner handing
    /// every event to a file and to a webhook that fails on some of them.
    /// A rerun replays the CSV rows and finds nothing new for the journal's
    /// and the runner's consumers.
    func bridges() throws {
        heading(15, "Bridges to the books: a till's CSV export, the ledger's journal, the outbox runner")
        try FileManager.default.createDirectory(at: bridgeFolder, withIntermediateDirectories: true)
        try tillImport()
        try ledgerJournal()
    }

    // MARK: CSV

    /// The point-of-sale till's export of walk-in account customers.
    static let tillCSV = """
        Till code,Customer,Type,E-mail,Phone,Street,Town,Credit limit\r
        POS-0141,Mokoena Tiling,business,info@mokoenatiling.co.za,011 805 3321,14 Bridal Veil Road,Midrand,"15 000.00"\r
        POS-0142,Thabo Nkosi,consumer,thabo.nkosi@gmail.com,072 555 0190,2291 Umthombo Street,Tembisa,0\r
        POS-0143,Highveld Roofing,business,accounts@highveldroofing.co.za,011 315 2240,8 Electron Avenue,Kempton Park,0\r
        POS-0144,Ferreira Plumbing,business,ferreira.plumbing@outlook.com,083 555 0112,61 Lenchen Avenue,Centurion,"8 500.00"\r
        POS-0145,,consumer,,079 555 0163,17 Mvelo Street,Ivory Park,0\r
        POS-0146,Greenstone Paving,business,orders@greenstonepaving.co.za,010 555 0184,3 Van Buuren Road,Edenvale,1.250.00\r
        POS-0147,Lindiwe Shabalala,consumer,lindi.shabalala@gmail.com,061 555 0127,40 Harry Galaun Drive,Midrand,0\r

        """

    /// The till's columns, by the account field each one fills.
    static let tillMapping: JSON = [
        "external_ref": "Till code", "name": "Customer", "kind": "Type", "email": "E-mail", "phone": "Phone",
        "address_line1": "Street", "address_city": "Town", "credit_limit_minor": "Credit limit",
    ]

    private func tillImport() throws {
        let file = bridgeFolder.appendingPathComponent("till-customers.csv")
        try Data(DemoRun.tillCSV.utf8).write(to: file)
        say("The counter's till keeps its own account customers. Its CSV export (\(DemoData.lines(DemoRun.tillCSV) - 1) rows) goes through")
        say("bridge.import_csv {kind: accounts, source: \"till\"} with a mapping of columns to fields; every row")
        say("runs through account.create in its own savepoint, so a bad row is reported by line and the good ones land:")
        var totals: [String: Int64] = [:]
        var refused: [JSON] = []
        var duplicates: [JSON] = []
        var arguments: JSON = ["kind": "accounts", "path": .string(file.path), "mapping": DemoRun.tillMapping,
                               "source": "till", "batch_size": 500]
        while true {
            let batch = try database.exec("bridge.import_csv", arguments)
            for key in ["lines_read", "created", "replayed", "duplicates", "error_count"] {
                totals[key, default: 0] += batch[key]?.int ?? 0
            }
            refused += batch["errors"]?.array ?? []
            duplicates += batch["duplicate_rows"]?.array ?? []
            guard batch["done"]?.bool == false, let line = batch["next_line"]?.int else { break }
            arguments = arguments.setting("resume_from_line", .int(line)).setting("resume_from_offset", batch["next_offset"] ?? .null)
        }
        var table = TextTable(["rows read", "created", "replayed", "held as duplicates", "refused"], rightAligned: [0, 1, 2, 3, 4])
        table.add([totals["lines_read"] ?? 0, totals["created"] ?? 0, totals["replayed"] ?? 0, totals["duplicates"] ?? 0,
                   totals["error_count"] ?? 0].map(String.init))
        show(table)
        say()
        var notes: [(line: Int64, cells: [String])] = []
        for error in refused {
            // "bridge.import_csv: line 6: name: is required…": the line has its own column.
            var message = error["message"]?.string ?? ""
            if let range = message.range(of: #"^.*?line \d+: "#, options: .regularExpression) { message.removeSubrange(range) }
            notes.append((error["line"]?.int ?? 0, [EventSummary.text(error["line"]), error["field"]?.string ?? "",
                                                    error["code"]?.string ?? "", EventSummary.clip(message, 80)]))
        }
        for duplicate in duplicates {
            let of = duplicate["duplicate_of"]?.int ?? 0
            let name = (try? database.exec("account.get", ["id": .int(of)]))?["name"]?.string ?? "account \(of)"
            let reasons = (duplicate["reasons"]?.array ?? []).compactMap(\.string).joined(separator: " and ")
            notes.append((duplicate["line"]?.int ?? 0, [EventSummary.text(duplicate["line"]), "", "duplicate",
                                                        "the same \(reasons) as \(name) (\(of)): not created"]))
        }
        var rows = TextTable(["line", "field", "code", "why"])
        for note in notes.sorted(by: { $0.line < $1.line }) { rows.add(note.cells) }
        if !refused.isEmpty || !duplicates.isEmpty { show(rows) }
        say()
        say("The refused rows wrote nothing; fixed in the till and exported again, they come in on the next import,")
        say("and the rows already imported replay by source + external_ref. The duplicate waits for account.merge or a fixed row.")
        remember("csv_import", .object(totals.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSON.int($0.value)) }))
    }

    // MARK: Journal

    private func ledgerJournal() throws {
        let consumer = "demo-books"
        say()
        say("bridge.export_journal turns the postings of every money-moving event into a plain-text journal. The shop's")
        say("books read it as consumer \"\(consumer)\": each export holds only what the books have not had yet.")
        let export = try database.exec("bridge.export_journal", ["format": "hledger", "consumer": .string(consumer)])
        let count = export["transactions"]?.int ?? 0
        let from = (export["from_seq"]?.int ?? 0) + 1
        let to = export["to_seq"]?.int ?? 0
        if to >= from {
            say("This export: \(count) transaction\(count == 1 ? "" : "s") from events \(from) to \(to), acknowledged for \"\(consumer)\" in the same call.")
        } else {
            say("This export: nothing new since the last one (the books have every event up to \(to)).")
        }
        // The whole journal (no consumer: a read from the first event), checked by hledger itself.
        let whole = try database.exec("bridge.export_journal", ["format": "hledger"])
        let text = whole["text"]?.string ?? ""
        let file = bridgeFolder.appendingPathComponent("books.journal")
        try Data(text.utf8).write(to: file)
        let transactions = whole["transactions"]?.int ?? 0
        say()
        say("The whole journal, \(transactions) transactions, is in \(file.path). One invoice and the payment that settled it:")
        if prose {
            for block in DemoRun.journalExcerpt(text) { print(block.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")) }
        }
        let ageing = try database.exec("ar.ageing", ["as_of": .string(String(DemoRun.daysFromNow(0).prefix(10))), "currency": "ZAR"])
        let owed = ageing["net_minor"]?.int
        guard let hledger = DemoRun.executable("hledger") else {
            say()
            say("hledger is not installed here (apt install hledger): the journal would pass `hledger check --strict`.")
            remember("journal", ["consumer": .string(consumer), "exported": .int(count), "transactions": .int(transactions)])
            return
        }
        let check = DemoRun.runTool(hledger, ["check", "--strict", "-f", file.path])
        let balance = DemoRun.runTool(hledger, ["balance", "--flat", "--no-total", "-f", file.path, "^Assets:Receivable"])
        say()
        say("`hledger check --strict` on it: \(check.status == 0 ? "passes (accounts declared, commodities declared, every balance assertion holds)" : "FAILS: \(check.output)")")
        let receivable = balance.output.split(separator: "\n").reduce(into: Int64(0)) { sum, line in
            if let amount = line.split(separator: " ", omittingEmptySubsequences: true).first, let minor = DemoRun.minorUnits(String(amount)) {
                sum += minor
            }
        }
        say("hledger's receivables add up to \(DemoRun.money(receivable, "ZAR")); ar.ageing's net for the postings libcrm made is \(DemoRun.money(owed ?? 0, "ZAR")).")
        remember("journal", ["consumer": .string(consumer), "exported": .int(count), "transactions": .int(transactions),
                             "hledger_check": .int(Int64(check.status)), "hledger_receivable_minor": .int(receivable)])
    }

    /// The first invoice's transaction and the first payment after it.
    static func journalExcerpt(_ text: String) -> [String] {
        let blocks = text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .newlines) }
        guard let invoice = blocks.firstIndex(where: { $0.contains("; type: invoice") }) else { return [] }
        let payment = blocks[(invoice + 1)...].first { $0.contains("; type: payment") }
        return [blocks[invoice]] + (payment.map { [$0] } ?? [])
    }

    /// "1234.56" → 123456 (two decimals, as the journal writes ZAR).
    static func minorUnits(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let whole = Int64(parts[0].replacingOccurrences(of: "-", with: "")),
              let cents = Int64(parts[1]) else { return nil }
        let magnitude = whole * 100 + cents
        return text.hasPrefix("-") ? -magnitude : magnitude
    }

    /// The path of a program on PATH, or nil.
    static func executable(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a program to its end; its exit status and what it printed.
    static func runTool(_ path: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

extension DemoData {
    /// The lines of a text (a last line without a line end counts).
    static func lines(_ text: String) -> Int {
        text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).count
    }
}
