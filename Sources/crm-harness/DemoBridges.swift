#if canImport(Glibc)
import Glibc
#endif
import CCRM
import Foundation

extension DemoRun {
    // MARK: 15. Bridges to the books

    /// The files the demo's bridges read and write: beside a database file
    /// (`crm.sqlite` → `crm.sqlite.bridge/`); for a server, a folder in the
    /// temporary directory named after the server's address (the same on
    /// every run against it); for an in-memory database, this process's own.
    var bridgeFolder: URL {
        if !database.isServer && database.path != ":memory:" && !database.path.isEmpty {
            return URL(fileURLWithPath: database.path + ".bridge", isDirectory: true)
        }
        var name = "libcrm-demo-\(getpid())"
        if database.isServer {
            // FNV-1a of the address: a stable name that does not show the address (or a password in it).
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in database.path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            name = "libcrm-demo-" + String(hash, radix: 16)
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent(name, isDirectory: true)
    }

    /// The old books brought in on day one: the Paarl branch's GnuCash book
    /// (customers, invoices, credit notes, payments and offsets, as history)
    /// and walk-in customers from the point-of-sale till's CSV export (a bad
    /// row reported by line, a duplicate held back). A rerun replays both.
    func oldBooks() throws {
        heading(14, "Bringing in the old books: the Paarl branch's GnuCash book and the till's CSV export")
        try FileManager.default.createDirectory(at: bridgeFolder, withIntermediateDirectories: true)
        try gnuCashBook()
        try tillImport()
    }

    /// The bridges out to the books: the ledger's journal of libcrm's
    /// postings, checked by hledger when it is installed, and the outbox
    /// runner handing every event to a file and to a webhook that fails on
    /// some of them. A rerun finds nothing new for their consumers.
    func bridges() throws {
        heading(16, "Bridges out to the books: the ledger's journal and the outbox runner")
        try FileManager.default.createDirectory(at: bridgeFolder, withIntermediateDirectories: true)
        try ledgerJournal()
        try outboxRunner()
    }

    // MARK: GnuCash

    /// The book the demo brings in: the one the tests use, made by GnuCash's
    /// own engine (Tests/fixtures/gnucash/make_book.py), found from this
    /// source file's place in the checkout unless --gnucash-book names one.
    static var bundledBook: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/fixtures/gnucash/shop.gnucash").path
    }

    /// The day the branch's books closed: the figures below are as of it.
    static let bookClosed = "2025-12-31"

    private func gnuCashBook() throws {
        guard let book = gnuCashBookPath, FileManager.default.isReadableFile(atPath: book) else {
            say("The Paarl branch's GnuCash book is not here (\(gnuCashBookPath ?? DemoRun.bundledBook)); pass --gnucash-book FILE")
            say("to bring one in with bridge.import_gnucash.")
            say()
            return
        }
        say("Sizwe took over a joinery supplier in Paarl at the end of 2025. Its debtors ledger is a GnuCash book")
        say("(\(URL(fileURLWithPath: book).lastPathComponent)). bridge.import_gnucash reads it read-only and brings in its customers, posted invoices")
        say("and credit notes with their lines and due dates, and its payments allocated to the invoices whose lots")
        say("they settled, as history (posting: false: the branch's ledger has them already), each with GnuCash's id:")
        let answer = try database.exec("bridge.import_gnucash", ["path": .string(book), "source": "paarl-gnucash"])
        var counts = TextTable(["GnuCash", "created", "replayed", "updated", "skipped", "errors"], rightAligned: [1, 2, 3, 4, 5])
        for kind in ["customers", "invoices", "credit_notes", "payments", "offsets"] {
            let count = answer["counts"]?[kind]
            counts.add([kind.replacingOccurrences(of: "_", with: " ")] + ["created", "replayed", "updated", "skipped", "errors"].map {
                EventSummary.text(count?[$0] ?? .int(0))
            })
        }
        show(counts)
        let skipped = (answer["skipped"]?.array ?? []).map { "\($0["gnucash"]?.string ?? "") (\($0["reason"]?.string ?? ""))" }
        if !skipped.isEmpty { say("Left out on purpose: \(skipped.joined(separator: ", ")).") }

        // Each customer as GnuCash's lots leave them on the day the books closed.
        say()
        say("The branch's customers on \(DemoRun.bookClosed), the day its books closed (the tests hold every figure to GnuCash's")
        say("own lots, worked out with plain SQL over the book):")
        var table = TextTable(["customer", "terms", "owed", "over 90 days", "unallocated", "paid late", "score"],
                              rightAligned: [1, 2, 3, 4, 5, 6])
        let customers = try database.exec("account.list", ["source": "paarl-gnucash", "limit": 50])
        var imported: [JSON] = []
        for account in customers["items"]?.array ?? [] {
            guard let id = account["id"]?.int else { continue }
            let ageing = try database.exec("ar.ageing", ["account_id": .int(id), "as_of": .string(DemoRun.bookClosed), "currency": "ZAR"])
            let old = (ageing["buckets"]?.array ?? []).filter { ($0["from_days"]?.int ?? 0) > 90 }.reduce(Int64(0)) { $0 + ($1["amount_minor"]?.int ?? 0) }
            let score = try database.exec("credit.score", ["account_id": .int(id), "as_of": .string(DemoRun.bookClosed)])
            let status = account["status"]?.string == "dormant" ? " (inactive)" : ""
            table.add([(account["name"]?.string ?? "") + status, "\(account["payment_terms_days"]?.int ?? 0) days",
                       DemoRun.money(ageing["net_minor"]?.int ?? 0, "ZAR"), DemoRun.money(old, "ZAR"),
                       DemoRun.money(ageing["unallocated_payments_minor"]?.int ?? 0, "ZAR"),
                       DemoRun.percent(score["late_share"]?["rate_bp"]?.int), CRMHarness.Credit.scoreText(score)])
            imported.append(["name": account["name"] ?? .null, "net_minor": ageing["net_minor"] ?? .null, "score": score["score"] ?? .null])
        }
        show(table)
        say()
        remember("gnucash", ["counts": answer["counts"] ?? .null, "customers": .array(imported)])
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
        guard let hledger = DemoRun.executable("hledger") else {
            say()
            say("hledger is not installed here (apt install hledger): the journal would pass `hledger check --strict`.")
            remember("journal", ["consumer": .string(consumer), "exported": .int(count), "transactions": .int(transactions)])
            return
        }
        let check = DemoRun.runTool(hledger, ["check", "--strict", "-f", file.path])
        let balance = DemoRun.runTool(hledger, ["balance", "--flat", "--empty", "--no-total", "-f", file.path, "^Assets:Receivable"])
        say()
        say("`hledger check --strict` on it: \(check.status == 0 ? "passes (accounts declared, commodities declared, every balance assertion holds)" : "FAILS: \(check.output)")")
        say("and `hledger balance ^Assets:Receivable`:")
        if prose { print(balance.output.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")) }
        say("Van Wyk Bouers' invoice was issued in libcrm and paid in full: nothing owed, as ar.ageing says. The old ledger's")
        say("invoices and receipts of section 15 came in with posting: false (those books hold them already); Mthembu's")
        say("receipt today was made in libcrm, so it is posted, against invoices the old books carry.")
        remember("journal", ["consumer": .string(consumer), "exported": .int(count), "transactions": .int(transactions),
                             "hledger_check": .int(Int64(check.status))])
    }

    // MARK: The outbox runner

    /// The webhook as first deployed: it turns away credit holds (exit 1),
    /// and takes every other event.
    static let strictWebhook = #"if grep -q '"type":"credit\.held"'; then echo "webhook: 422 unknown event type credit.held" >&2; exit 1; fi"#
    /// The webhook after its fix: it takes every event.
    static let fixedWebhook = "cat > /dev/null"

    private func outboxRunner() throws {
        say()
        say("crm-harness bridge run is the outbox runner: it hands each event of a consumer to a command (JSON on its")
        say("standard input) or appends it to a JSONL file, and acknowledges it only after it was delivered.")
        let archiveFile = bridgeFolder.appendingPathComponent("outbox.jsonl")
        var archive = OutboxRunner(database: database, consumer: "demo-archive", target: .file(archiveFile.path),
                                   maxAttempts: 3, batch: 200, backoffMilliseconds: 0)
        archive.quiet = true
        try archive.start()
        while try archive.deliverBatch() > 0 {}
        say("\"demo-archive\" appended \(archive.tally.delivered) event\(archive.tally.delivered == 1 ? "" : "s") to \(archiveFile.path) (only events it had not had).")

        // A webhook that turns some events away: they become dead letters, the rest go through.
        var webhook = OutboxRunner(database: database, consumer: "demo-webhook", target: .command(DemoRun.strictWebhook, timeoutSeconds: 10),
                                   maxAttempts: 2, batch: 200, backoffMilliseconds: 0)
        webhook.quiet = true
        try webhook.start()
        while try webhook.deliverBatch() > 0 {}
        say("\"demo-webhook\" ran the CRM's webhook for \(webhook.tally.delivered + webhook.tally.parked) event\(webhook.tally.delivered + webhook.tally.parked == 1 ? "" : "s"): \(webhook.tally.delivered) delivered, \(webhook.tally.failedAttempts) failed attempts, \(webhook.tally.parked) parked as dead letters.")
        let letters = try database.exec("events.dead_letters", ["consumer": "demo-webhook", "state": "parked"])
        let parked = letters["dead_letters"]?.array ?? []
        if !parked.isEmpty {
            say("The webhook turned away the credit holds; the runner parked them after 2 attempts instead of blocking the rest:")
            var table = TextTable(["seq", "type", "attempts", "last error"], rightAligned: [0, 2])
            for letter in parked {
                table.add([EventSummary.text(letter["seq"]), letter["event"]?["type"]?.string ?? "", EventSummary.text(letter["attempts"]),
                           EventSummary.clip(letter["last_error"]?.string ?? "", 60)])
            }
            show(table)
            // Fixed: events.replay marks them, and the runner delivers them first and settles them.
            for letter in parked {
                _ = try database.exec("events.replay", ["consumer": "demo-webhook", "seq": letter["seq"] ?? .null])
            }
            var fixed = OutboxRunner(database: database, consumer: "demo-webhook", target: .command(DemoRun.fixedWebhook, timeoutSeconds: 10),
                                     maxAttempts: 2, batch: 200, backoffMilliseconds: 0)
            fixed.quiet = true
            try fixed.start()
            _ = try fixed.deliverReplays()
            say("The webhook was fixed; events.replay marked the \(parked.count) dead letters, and the runner delivered them first: \(fixed.tally.replayed) settled.")
        } else {
            say("No dead letters wait: the credit holds the webhook turned away were replayed and settled on an earlier run.")
        }

        say()
        say("events.consumers: every consumer the file knows, how far it has got, and what it has parked:")
        let consumers = try database.exec("events.consumers")
        var table = TextTable(["consumer", "acked seq", "behind", "dead letters", "last acked"], rightAligned: [1, 2, 3])
        for consumer in consumers["consumers"]?.array ?? [] where (consumer["name"]?.string ?? "").hasPrefix("demo-") {
            table.add([consumer["name"]?.string ?? "", EventSummary.text(consumer["acked_seq"]), EventSummary.text(consumer["lag"]),
                       EventSummary.text(consumer["dead_letters"]), consumer["last_acked_at"]?.string ?? ""])
        }
        show(table)
        say()
        say("events.prune {older_than_days: 90}, run nightly, deletes what every known consumer has had and is older than")
        say("the retention, never what one still lacks; this outbox is younger than 90 days, so it keeps all \(EventSummary.text(consumers["last_seq"])).")
        remember("runner", ["archive_delivered": .int(Int64(archive.tally.delivered)), "webhook_delivered": .int(Int64(webhook.tally.delivered)),
                            "webhook_parked": .int(Int64(webhook.tally.parked))])
    }

    /// The first invoice's transaction and the first payment after it.
    static func journalExcerpt(_ text: String) -> [String] {
        let blocks = text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .newlines) }
        guard let invoice = blocks.firstIndex(where: { $0.contains("; type: invoice") }) else { return [] }
        let payment = blocks[(invoice + 1)...].first { $0.contains("; type: payment") }
        return [blocks[invoice]] + (payment.map { [$0] } ?? [])
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
