import Foundation
import Testing
import CRMStore

@Suite("CSV import and export")
struct CSVImportTests {
    static let accountMapping = #"{"external_ref": "Code", "name": "Customer", "email": "E-mail", "credit_limit_minor": "Limit", "currency": {"column": "Cur", "default": "ZAR"}, "tags": "Tags"}"#

    /// Line 1 the header (after a BOM), CRLF line ends:
    ///   2 C1 "Acme, Inc" limit "1 234.50"         -> 123450 ZAR
    ///   3 C2 Bob's "Quoted" Ltd limit "1234,50"   -> 123450
    ///   4 C3 limit "12x"                           -> refused: credit_limit_minor
    ///   5 C4 no name                               -> refused: name
    ///   6 C5 a name over two lines, limit 75 JPY   -> 75 (JPY has no decimals)
    ///   8 C6 limit "1,000.005" KWD                 -> 1000005 (three decimals)
    static let accounts = "Code,Customer,E-mail,Limit,Cur,Tags\r\n"
        + "C1,\"Acme, Inc\",acme@example.com,1 234.50,,a;b\r\n"
        + "C2,\"Bob's \"\"Quoted\"\" Ltd\",,\"1234,50\",ZAR,\r\n"
        + "C3,Cee Traders,,12x,,\r\n"
        + "C4,,d@example.com,10,,\r\n"
        + "C5,\"Two\r\nLines\",,75,JPY,\r\n"
        + "C6,Kuwait Supply,,\"1,000.005\",KWD,\r\n"

    @discardableResult
    func importAccounts(_ f: CSVFixture, path: String, extra: String = "") throws -> JSONValue {
        try f.importCSV(#""kind": "accounts", "path": \#(f.quoted(path)), "mapping": \#(Self.accountMapping), "source": "legacy""# + extra)
    }

    @Test func goodRowsLandAndBadRowsAreReportedByLine() throws {
        let f = try CSVFixture()
        let path = try f.file("accounts.csv", Self.accounts, byteOrderMark: true)
        let answer = try importAccounts(f, path: path)
        #expect(answer["lines_read"]?.int == 6)
        #expect(answer["created"]?.int == 4)
        #expect(answer["error_count"]?.int == 2)
        #expect(answer["done"] == .bool(true))
        #expect(answer["next_line"] == .null)
        let errors = answer.errorLines
        #expect(errors.map(\.0) == [4, 5])
        #expect(errors.map(\.1) == ["credit_limit_minor", "name"])
        #expect(answer["errors"]?.array?.first?["message"]?.text?.contains("line 4") == true)

        let acme = try f.run("account.get", #"{"source": "legacy", "external_ref": "C1"}"#)
        #expect(acme["name"]?.text == "Acme, Inc")
        #expect(acme["credit_limit_minor"]?.int == 123450)
        #expect(acme["currency"]?.text == "ZAR")
        #expect(acme["tags"]?.strings == ["a", "b"])
        let bob = try f.run("account.get", #"{"source": "legacy", "external_ref": "C2"}"#)
        #expect(bob["name"]?.text == #"Bob's "Quoted" Ltd"#)
        #expect(bob["credit_limit_minor"]?.int == 123450)
        let two = try f.run("account.get", #"{"source": "legacy", "external_ref": "C5"}"#)
        #expect(two["name"]?.text == "Two\r\nLines")
        #expect(two["credit_limit_minor"]?.int == 75)
        let kuwait = try f.run("account.get", #"{"source": "legacy", "external_ref": "C6"}"#)
        #expect(kuwait["credit_limit_minor"]?.int == 1_000_005)
        #expect(try f.rows("accounts") == 4)
    }

    @Test func runningTheSameFileAgainChangesNothing() throws {
        let f = try CSVFixture()
        let path = try f.file("accounts.csv", Self.accounts)
        try importAccounts(f, path: path)
        let events = try f.rows("crm_events")
        let again = try importAccounts(f, path: path)
        #expect(again["created"]?.int == 0)
        #expect(again["replayed"]?.int == 4)
        #expect(again["error_count"]?.int == 2)
        #expect(try f.rows("accounts") == 4)
        #expect(try f.rows("crm_events") == events)
    }

    @Test func aRowChangedSinceItsImportIsAConflictNotAnOverwrite() throws {
        let f = try CSVFixture()
        let path = try f.file("accounts.csv", Self.accounts)
        try importAccounts(f, path: path)
        try FileManager.default.removeItem(atPath: path)
        try f.file("accounts.csv", Self.accounts.replacingOccurrences(of: "Cee Traders,,12x", with: "Cee Traders,,12")
            .replacingOccurrences(of: "\"Acme, Inc\"", with: "Acme Renamed"))
        let answer = try importAccounts(f, path: path)
        #expect(answer["conflicts"]?.int == 1)
        #expect(answer["created"]?.int == 1)  // C3 now reads
        let conflict = try #require(answer["errors"]?.array?.first)
        #expect(conflict["line"]?.int == 2)
        #expect(conflict["code"]?.text == "CRM_CONFLICT")
        #expect(conflict["field"]?.text == "name")
        #expect(try f.run("account.get", #"{"source": "legacy", "external_ref": "C1"}"#)["name"]?.text == "Acme, Inc")
    }

    @Test func anImportStopsAfterABatchAndResumesWhereItsLastBatchEnded() throws {
        let f = try CSVFixture()
        let path = try f.file("accounts.csv", Self.accounts)
        let first = try importAccounts(f, path: path, extra: #", "batch_size": 2"#)
        #expect(first["lines_read"]?.int == 2)
        #expect(first["created"]?.int == 2)
        #expect(first["next_line"]?.int == 4)
        #expect(first["done"] == .bool(false))
        // A crash here: the caller lost next_line. A rerun continues from the recorded position.
        let second = try importAccounts(f, path: path, extra: #", "batch_size": 2"#)
        #expect(second["first_line"]?.int == 4)
        #expect(second.errorLines.map(\.0) == [4, 5])
        #expect(second["next_line"]?.int == 6)
        let third = try importAccounts(f, path: path, extra: #", "batch_size": 2, "resume_from_line": 6"#)
        #expect(third["created"]?.int == 2)
        #expect(third["done"] == .bool(true))
        #expect(try f.rows("accounts") == 4)
        // restart starts over: everything replays.
        let again = try importAccounts(f, path: path, extra: #", "restart": true"#)
        #expect(again["replayed"]?.int == 4)
        #expect(again["first_line"]?.int == 2)
    }

    @Test func aDryRunChecksEveryRowAndWritesNothing() throws {
        let f = try CSVFixture()
        let path = try f.file("accounts.csv", Self.accounts)
        let answer = try importAccounts(f, path: path, extra: #", "dry_run": true"#)
        #expect(answer["created"]?.int == 4)
        #expect(answer["error_count"]?.int == 2)
        #expect(answer["dry_run"] == .bool(true))
        #expect(try f.rows("accounts") == 0)
        #expect(try f.rows("crm_events") == 0)
        #expect(try f.rows("bridge_csv_imports") == 0)
        // Batch by batch: nothing recorded, the answer's next_line and next_offset lead on.
        let batches = try f.importAll(#""kind": "accounts", "path": \#(f.quoted(path)), "mapping": \#(Self.accountMapping), "source": "legacy", "dry_run": true, "batch_size": 2"#)
        #expect(batches.map { $0["first_line"]?.int ?? 0 } == [2, 4, 6])
        #expect(batches.map { $0["created"]?.int ?? 0 } == [2, 0, 2])
        #expect(batches.last?["next_offset"] == .null)
        #expect(try f.rows("accounts") == 0)
        expectCRMError(.invalid, "resume_from_offset") {
            try importAccounts(f, path: path, extra: #", "resume_from_offset": 40"#)
        }
        expectCRMError(.range, "resume_from_offset") {
            try importAccounts(f, path: path, extra: #", "resume_from_line": 4, "resume_from_offset": 3"#)
        }
    }

    @Test func anAccountTheDuplicateRulesMatchIsCountedNotCreated() throws {
        let f = try CSVFixture()
        let existing = try #require(try f.run("account.create", #"{"name": "Old Name", "email": "ACME@example.com"}"#)["id"]?.int)
        try f.run("account.create", #"{"name": "Zulu Motors (Pty) Ltd"}"#)
        // D1 matches this one by name too: the oldest account it matches is the one named.
        try f.run("account.create", #"{"name": "Acme"}"#)
        let path = try f.file("accounts.csv", "Code,Customer,E-mail,Limit,Cur,Tags\nD1,Acme,acme@example.com,,,\nD2,zulu motors,,,,\nD3,New One,,,,\n")
        let answer = try importAccounts(f, path: path)
        #expect(answer["duplicates"]?.int == 2)
        #expect(answer["created"]?.int == 1)
        let rows = answer["duplicate_rows"]?.array ?? []
        #expect(rows.first?["duplicate_of"]?.int == existing)
        #expect(rows.first?["reasons"]?.strings == ["email"])
        #expect(rows.last?["reasons"]?.strings == ["name"])
        #expect(try f.rows("accounts") == 4)
    }

    @Test func contactsInvoicesAndPaymentsFindTheirAccountsAndInvoicesByReference() throws {
        let f = try CSVFixture()
        try importAccounts(f, path: try f.file("accounts.csv", Self.accounts))
        let contacts = try f.file("contacts.csv", "Ref,Customer,First,Last,Mail\nP1,C1,Ann,Smith,ann@example.com\nP2,C9,Bo,Jones,\nP3,C1,Anne,Smith,ANN@example.com\n")
        let c = try f.importCSV(#""kind": "contacts", "path": \#(f.quoted(contacts)), "source": "legacy", "mapping": {"external_ref": "Ref", "account_ref": "Customer", "first_name": "First", "last_name": "Last", "email": "Mail"}"#)
        #expect(c["created"]?.int == 1)
        #expect(c.errorLines.map(\.0) == [3])
        #expect(c.errorLines.map(\.1) == ["account_ref"])
        #expect(c["errors"]?.array?.first?["code"]?.text == "CRM_NOTFOUND")
        // P3 is P1 again under another reference: the same account's contact with the same e-mail.
        #expect(c["duplicates"]?.int == 1)
        #expect(c["duplicate_rows"]?.array?.first?["line"]?.int == 4)
        #expect(c["duplicate_rows"]?.array?.first?["reasons"]?.strings == ["email"])
        #expect(try f.rows("contacts") == 1)

        // Invoice I1: 1 150.00 with 150.00 tax; I2 500.00; payment of 1 400.00 pays I1 whole, 250 of I2.
        let invoices = try f.file("invoices.csv", "Ref,Customer,No,Date,Due,Total,VAT\nI1,C1,A-1,2026-10-01,2026-10-31,\"1 150.00\",150\nI2,C1,A-2,2026-11-01,2026-11-30,500,\nI3,C1,A-3,01/11/2026,,5,\n")
        let i = try f.importCSV(#""kind": "invoices", "path": \#(f.quoted(invoices)), "source": "legacy", "mapping": {"external_ref": "Ref", "account_ref": "Customer", "number": "No", "issued_on": "Date", "due_on": "Due", "total_minor": "Total", "tax_minor": "VAT"}"#)
        #expect(i["created"]?.int == 2)
        #expect(i.errorLines.map(\.1) == ["issued_on"])
        let i1 = try f.run("invoice.get", #"{"source": "legacy", "external_ref": "I1"}"#)
        #expect(i1["total_minor"]?.int == 115_000)
        #expect(i1["tax_minor"]?.int == 15_000)
        #expect(i1["due_on"]?.text == "2026-10-31")

        let payments = try f.file("payments.csv", "Ref,Customer,Amount,On,Invoice\nR1,C1,1150.00,2026-10-20,I1\nR2,C1,250,2026-11-20,\n")
        let p = try f.importCSV(#""kind": "payments", "path": \#(f.quoted(payments)), "source": "legacy", "mapping": {"external_ref": "Ref", "account_ref": "Customer", "amount_minor": "Amount", "received_on": "On", "invoice_ref": "Invoice", "method": {"default": "eft"}}"#)
        #expect(p["created"]?.int == 2)
        #expect(try f.run("invoice.get", #"{"source": "legacy", "external_ref": "I1"}"#)["balance_due_minor"]?.int == 0)
        #expect(try f.run("invoice.get", #"{"source": "legacy", "external_ref": "I2"}"#)["balance_due_minor"]?.int == 25_000)
        let again = try f.importCSV(#""kind": "payments", "path": \#(f.quoted(payments)), "source": "legacy", "restart": true, "mapping": {"external_ref": "Ref", "account_ref": "Customer", "amount_minor": "Amount", "received_on": "On", "invoice_ref": "Invoice", "method": {"default": "eft"}}"#)
        #expect(again["replayed"]?.int == 2)
        #expect(try f.rows("payments") == 2)
    }

    @Test func anExportImportsBackTheSameAccounts() throws {
        let f = try CSVFixture()
        try importAccounts(f, path: try f.file("accounts.csv", Self.accounts))
        let out = f.directory + "/out.csv"
        let exported = try f.run("bridge.export_csv", #"{"kind": "accounts", "path": \#(f.quoted(out))}"#)
        #expect(exported["rows_written"]?.int == 4)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.hasPrefix("id,external_ref,name,kind,status,currency,payment_terms_days,credit_limit,"))
        #expect(text.contains(#"1,C1,"Acme, Inc",business,prospect,ZAR,30,1234.50,"#))
        #expect(text.contains(#""Bob's ""Quoted"" Ltd""#))
        #expect(text.contains("1000.005"))

        let g = try CSVFixture()
        let answer = try g.importCSV(#""kind": "accounts", "path": \#(g.quoted(out)), "source": "legacy", "mapping": {"external_ref": "external_ref", "name": "name", "currency": "currency", "credit_limit_minor": "credit_limit", "tags": "tags", "payment_terms_days": "payment_terms_days"}"#)
        #expect(answer["created"]?.int == 4)
        for ref in ["C1", "C2", "C5", "C6"] {
            let a = try f.run("account.get", #"{"source": "legacy", "external_ref": "\#(ref)"}"#)
            let b = try g.run("account.get", #"{"source": "legacy", "external_ref": "\#(ref)"}"#)
            #expect(a["name"] == b["name"])
            #expect(a["credit_limit_minor"] == b["credit_limit_minor"])
            #expect(a["currency"] == b["currency"])
            #expect(a["tags"] == b["tags"])
        }
        // Export refuses to overwrite.
        expectCRMError(.conflict, "path", out) {
            try f.run("bridge.export_csv", #"{"kind": "accounts", "path": \#(f.quoted(out))}"#)
        }
    }

    @Test func exportsInvoicesAndPaymentsWithMoneyAsDecimalText() throws {
        let f = try CSVFixture()
        try f.run("account.create", #"{"name": "A", "source": "legacy", "external_ref": "A"}"#)
        try f.run("invoice.record", #"{"source": "legacy", "external_ref": "I1", "account_id": 1, "number": "X-1", "issued_on": "2026-10-01", "total_minor": 115000, "tax_minor": 15000}"#)
        try f.run("payment.record", #"{"account_id": 1, "amount_minor": 5, "method": "eft", "received_on": "2026-10-02"}"#)
        let invoices = f.directory + "/invoices.csv"
        try f.run("bridge.export_csv", #"{"kind": "invoices", "path": \#(f.quoted(invoices)), "columns": ["number", "total", "tax", "balance_due"]}"#)
        #expect(try String(contentsOfFile: invoices, encoding: .utf8) == "number,total,tax,balance_due\r\nX-1,1150.00,150.00,1149.95\r\n")
        let payments = f.directory + "/payments.csv"
        try f.run("bridge.export_csv", #"{"kind": "payments", "path": \#(f.quoted(payments)), "columns": ["amount", "method"]}"#)
        #expect(try String(contentsOfFile: payments, encoding: .utf8) == "amount,method\r\n0.05,eft\r\n")
    }

    @Test func badInputIsRefusedNamingTheFieldAndWritesNothing() throws {
        let f = try CSVFixture()
        let path = try f.file("accounts.csv", Self.accounts)
        expectCRMError(.invalid, "kind") {
            try f.importCSV(#""kind": "vendors", "path": \#(f.quoted(path)), "mapping": {"external_ref": "Code"}, "source": "legacy""#)
        }
        let missing = f.directory + "/nope.csv"
        expectCRMError(.notFound, "path", missing) {
            try importAccounts(f, path: missing)
        }
        expectCRMError(.invalid, "mapping", "nmae") {
            try f.importCSV(#""kind": "accounts", "path": \#(f.quoted(path)), "mapping": {"external_ref": "Code", "nmae": "Customer"}, "source": "legacy""#)
        }
        expectCRMError(.invalid, "mapping.name", "Client") {
            try f.importCSV(#""kind": "accounts", "path": \#(f.quoted(path)), "mapping": {"external_ref": "Code", "name": "Client"}, "source": "legacy""#)
        }
        expectCRMError(.invalid, "mapping", "name", "required") {
            try f.importCSV(#""kind": "accounts", "path": \#(f.quoted(path)), "mapping": {"external_ref": "Code"}, "source": "legacy""#)
        }
        expectCRMError(.invalid, "mapping", "external_ref") {
            try f.importCSV(#""kind": "accounts", "path": \#(f.quoted(path)), "mapping": {"name": "Customer"}, "source": "legacy""#)
        }
        expectCRMError(.invalid, "source") {
            try f.importCSV(#""kind": "accounts", "path": \#(f.quoted(path)), "mapping": \#(Self.accountMapping)"#)
        }
        expectCRMError(.range, "batch_size") {
            try importAccounts(f, path: path, extra: #", "batch_size": 0"#)
        }
        expectCRMError(.notFound, "mapping", "map.json") {
            try f.importCSV(#""kind": "accounts", "path": \#(f.quoted(path)), "mapping": \#(f.quoted(f.directory + "/map.json")), "source": "legacy""#)
        }
        expectCRMError(.invalid, "kind") {
            try f.run("bridge.export_csv", #"{"kind": "leads", "path": "x.csv"}"#)
        }
        #expect(try f.rows("accounts") == 0)
        #expect(try f.rows("bridge_csv_imports") == 0)
    }

    @Test func aMappingMayBeAFileAndTypesMayBeGiven() throws {
        let f = try CSVFixture()
        let map = try f.file("map.json", #"{"external_ref": {"column": "Code", "type": "string"}, "name": "Customer", "payment_terms_days": {"column": "Limit", "type": "integer"}, "status": {"default": "active"}}"#)
        let path = try f.file("a.csv", "Code,Customer,Limit\n7,Seven,60\n8,Eight,sixty\n")
        let answer = try f.importCSV(#""kind": "accounts", "path": \#(f.quoted(path)), "mapping": \#(f.quoted(map)), "source": "legacy""#)
        #expect(answer["created"]?.int == 1)
        #expect(answer.errorLines.map(\.0) == [3])
        #expect(answer.errorLines.map(\.1) == ["payment_terms_days"])
        let seven = try f.run("account.get", #"{"source": "legacy", "external_ref": "7"}"#)
        #expect(seven["payment_terms_days"]?.int == 60)
        #expect(seven["status"]?.text == "active")
    }

    @Test func aFieldLongerThanTheReadBufferAndRowsAcrossItsEdgeReadWhole() throws {
        let f = try CSVFixture()
        // An unmapped column of 150,000 bytes with quotes and line ends (more than two
        // 64 KiB reads), and 9,000 characters of notes: row L1 spans 15,001 + 1,000 lines.
        let extra = String(repeating: "ab\"\"c\r\nd,", count: 15_000)
        let notes = String(repeating: "ab\"\"c\r\nd,", count: 1_000)
        var text = "Code,Customer,Extra,Notes\n\"L1\",Long,\"\(extra)\",\"\(notes)\"\n"
        for i in 0..<3000 { text += "R\(i),Row \(i) Traders,,\n" }
        let path = try f.file("long.csv", text)
        let mapping = #"{"external_ref": "Code", "name": "Customer", "notes": "Notes"}"#
        let first = try f.importCSV(#""kind": "accounts", "path": \#(f.quoted(path)), "source": "legacy", "batch_size": 1500, "mapping": \#(mapping)"#)
        #expect(first["created"]?.int == 1500)
        #expect(first["error_count"]?.int == 0)
        #expect(first["next_line"]?.int == Int64(17_502))  // 2 + 16,001 + 1,499
        let rest = try f.importCSV(#""kind": "accounts", "path": \#(f.quoted(path)), "source": "legacy", "batch_size": 5000, "resume_from_line": \#(first["next_line"]?.int ?? 0), "mapping": \#(mapping)"#)
        #expect(rest["created"]?.int == 1501)
        #expect(rest["done"] == .bool(true))
        let long = try f.run("account.get", #"{"source": "legacy", "external_ref": "L1"}"#)
        #expect(long["notes"]?.text == String(repeating: "ab\"c\r\nd,", count: 1_000))
        #expect(try f.run("account.get", #"{"source": "legacy", "external_ref": "R2999"}"#)["name"]?.text == "Row 2999 Traders")
        // A line other than the recorded one is read forward to.
        let scanned = try f.importCSV(#""kind": "accounts", "path": \#(f.quoted(path)), "source": "legacy", "batch_size": 5000, "resume_from_line": 18502, "dry_run": true, "mapping": \#(mapping)"#)
        #expect(scanned["first_line"]?.int == Int64(18_502))
        #expect(scanned["replayed"]?.int == 501)  // R2499 (line 18502) to R2999 (line 19002)
        // Read again from the start: everything replays.
        let again = try f.importAll(#""kind": "accounts", "path": \#(f.quoted(path)), "source": "legacy", "restart": true, "batch_size": 100000, "mapping": \#(mapping)"#)
        #expect(again.last?["replayed"]?.int == 3001)
    }

    // MARK: A file rewritten between batches

    /// The recorded position of the import of `path` from "legacy".
    func recordedLine(_ f: CSVFixture, _ path: String) throws -> Int64? {
        try f.store.connection.integer("SELECT next_line FROM bridge_csv_imports WHERE source = ? AND path = ?", [.text("legacy"), .text(path)])
    }

    @Test func aFileAppendedToSinceItsLastBatchResumesWithOnlyTheNewRows() throws {
        let f = try CSVFixture()
        let path = try f.file("accounts.csv", Self.accounts)
        let first = try importAccounts(f, path: path, extra: #", "batch_size": 2"#)
        #expect(first["next_line"]?.int == 4)
        let appended = try #require(FileHandle(forWritingAtPath: path))
        appended.seekToEndOfFile()
        appended.write(Data("C7,Seven Ltd,,10,,\r\n".utf8))
        appended.closeFile()
        // Without resume_from_line: from the recorded position (line 4).
        let second = try importAccounts(f, path: path, extra: #", "batch_size": 2"#)
        #expect(second["first_line"]?.int == 4)
        #expect(second.errorLines.map(\.0) == [4, 5])
        // With resume_from_line and resume_from_offset as the answer gave them.
        let rest = try importAccounts(f, path: path, extra: #", "batch_size": 10, "resume_from_line": \#(second["next_line"]?.int ?? 0), "resume_from_offset": \#(second["next_offset"]?.int ?? 0)"#)
        #expect(rest["first_line"]?.int == 6)
        #expect(rest["created"]?.int == 3)  // C5, C6 and the appended C7 (line 9)
        #expect(rest["replayed"]?.int == 0)
        #expect(rest["done"] == .bool(true))
        #expect(try f.rows("accounts") == 5)
        #expect(try f.run("account.get", #"{"source": "legacy", "external_ref": "C7"}"#)["credit_limit_minor"]?.int == 1000)
    }

    @Test func aFileRewrittenSinceItsLastBatchIsRefusedAndWritesNothing() throws {
        let f = try CSVFixture()
        let path = try f.file("accounts.csv", Self.accounts)
        let first = try importAccounts(f, path: path, extra: #", "batch_size": 2"#)
        #expect(first["next_line"]?.int == 4)
        let events = try f.rows("crm_events")
        // A row put in at the top: the old line 4 is now line 5, and resuming at
        // the old offset would read C2's bytes shifted (doubling or skipping rows).
        try f.file("accounts.csv", Self.accounts.replacingOccurrences(of: "Tags\r\n", with: "Tags\r\nC0,Zero Ltd,,5,,\r\n"))
        expectCRMError(.conflict, "path", path, "rewritten", "restart: true") {
            try importAccounts(f, path: path, extra: #", "batch_size": 2"#)
        }
        expectCRMError(.conflict, "path", path, "restart: true") {
            try importAccounts(f, path: path, extra: #", "batch_size": 2, "resume_from_line": 4, "resume_from_offset": \#(first["next_offset"]?.int ?? 0)"#)
        }
        expectCRMError(.conflict, "path", path, "restart: true") {
            try importAccounts(f, path: path, extra: #", "batch_size": 2, "resume_from_line": 4"#)
        }
        // The same length, one byte changed in the first row.
        try f.file("accounts.csv", Self.accounts.replacingOccurrences(of: "acme@example.com", with: "acme@example.org"))
        expectCRMError(.conflict, "path", path, "rewritten") {
            try importAccounts(f, path: path, extra: #", "batch_size": 2"#)
        }
        // Shorter than the position: cut after the first row.
        try f.file("accounts.csv", "Code,Customer,E-mail,Limit,Cur,Tags\r\nC1,\"Acme, Inc\",acme@example.com,1 234.50,,a;b\r\n")
        expectCRMError(.conflict, "path", path, "shorter", "restart: true") {
            try importAccounts(f, path: path, extra: #", "batch_size": 2"#)
        }
        #expect(try f.rows("accounts") == 2)
        #expect(try f.rows("crm_events") == events)
        #expect(try recordedLine(f, path) == 4)
    }

    @Test func restartReadsARewrittenFileFromTheTopAndReplaysWhatWasImported() throws {
        let f = try CSVFixture()
        let path = try f.file("accounts.csv", Self.accounts)
        try importAccounts(f, path: path, extra: #", "batch_size": 2"#)
        try f.file("accounts.csv", Self.accounts.replacingOccurrences(of: "Tags\r\n", with: "Tags\r\nC0,Zero Ltd,,5,,\r\n"))
        let again = try importAccounts(f, path: path, extra: #", "restart": true"#)
        #expect(again["first_line"]?.int == 2)
        #expect(again["created"]?.int == 3)  // C0, C5, C6
        #expect(again["replayed"]?.int == 2)  // C1, C2
        #expect(again.errorLines.map(\.0) == [5, 6])  // C3, C4, a line further down
        #expect(again["done"] == .bool(true))
        #expect(try f.rows("accounts") == 5)
        // The position now holds the rewritten file's fingerprint: a batch-by-batch
        // run of it resumes without complaint.
        let batch = try importAccounts(f, path: path, extra: #", "restart": true, "batch_size": 3"#)
        let next = try importAccounts(f, path: path, extra: #", "batch_size": 3"#)
        #expect(next["first_line"]?.int == batch["next_line"]?.int)
        #expect(next["replayed"]?.int == 1)  // C5 (lines 7-8); C3 and C4 refused again
        #expect(next.errorLines.map(\.0) == [5, 6])
    }

    // MARK: A command that fails after writing

    @Test func aRowWhoseCommandFailsAfterWritingIsUndoneAndTheRowsAroundItLand() throws {
        let f = try CSVFixture()
        // Faults planted in the storage: the insert of a "Faulty" account fails
        // before anything of its row is written (the id it took is given back);
        // the outbox row of a "Broken" account's event fails after the account
        // was written, so the batch's shared savepoint is undone and its rows
        // run again one by one.
        switch TestEngine.kind {
        case .sqlite:
            try f.store.connection.execute(
                "CREATE TRIGGER planted_fault BEFORE INSERT ON accounts WHEN NEW.name LIKE 'Faulty%' BEGIN SELECT RAISE(ABORT, 'planted fault'); END")
            try f.store.connection.execute(
                "CREATE TRIGGER planted_event_fault BEFORE INSERT ON crm_events WHEN NEW.record_json LIKE '%\"name\":\"Broken%' BEGIN SELECT RAISE(ABORT, 'planted event fault'); END")
        case .postgresql:
            try f.store.connection.execute(
                "CREATE FUNCTION planted_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.name LIKE 'Faulty%' THEN RAISE EXCEPTION 'planted fault'; END IF; RETURN NEW; END $$")
            try f.store.connection.execute("CREATE TRIGGER planted_fault BEFORE INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION planted_fault()")
            try f.store.connection.execute(
                "CREATE FUNCTION planted_event_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.record_json LIKE '%\"name\":\"Broken%' THEN RAISE EXCEPTION 'planted event fault'; END IF; RETURN NEW; END $$")
            try f.store.connection.execute("CREATE TRIGGER planted_event_fault BEFORE INSERT ON crm_events FOR EACH ROW EXECUTE FUNCTION planted_event_fault()")
        }
        let path = try f.file("accounts.csv", "Code,Customer,E-mail,Limit,Cur,Tags\n"
            + "F1,First Ltd,,1,,\nF2,Faulty One,,1,,\nF3,Third Ltd,,x,,\nF4,Fourth Ltd,,1,,\nF5,Broken Two,,1,,\nF6,Sixth Ltd,,1,,\n")
        let answer = try importAccounts(f, path: path)
        #expect(answer["created"]?.int == 3)
        #expect(answer.errorLines.map(\.0) == [3, 4, 6])
        #expect(answer.errorLines.count == 3 && answer.errorLines[1].1 == "credit_limit_minor")
        let messages = (answer["errors"]?.array ?? []).map { $0["message"]?.text ?? "" }
        #expect(messages.first?.contains("planted fault") == true)
        #expect(messages.last?.contains("planted event fault") == true)
        #expect(try f.rows("accounts") == 3)
        #expect(try f.rows("crm_events") == 3)  // one account.created each, none twice
        // The ids taken by the failed rows are given back: 1, 2, 3.
        for (ref, id) in [("F1", 1), ("F4", 2), ("F6", 3)] {
            #expect(try f.run("account.get", #"{"source": "legacy", "external_ref": "\#(ref)"}"#)["id"]?.int == Int64(id))
        }
        // The batch again: the rows that landed replay, the faulty ones fail again.
        let again = try importAccounts(f, path: path, extra: #", "restart": true"#)
        #expect(again["replayed"]?.int == 3)
        #expect(again.errorLines.map(\.0) == [3, 4, 6])
        #expect(try f.rows("crm_events") == 3)
    }

    // MARK: Export columns

    @Test func anExportRefusesAnUnknownOrRepeatedColumnAndWritesNoFile() throws {
        let f = try CSVFixture()
        try importAccounts(f, path: try f.file("accounts.csv", Self.accounts))
        let out = f.directory + "/out.csv"
        expectCRMError(.invalid, "columns[1]", "'nmae'", "known:", "credit_limit_minor", "address_city") {
            try f.run("bridge.export_csv", #"{"kind": "accounts", "path": \#(f.quoted(out)), "columns": ["id", "nmae"]}"#)
        }
        expectCRMError(.invalid, "columns[2]", "'name'", "twice") {
            try f.run("bridge.export_csv", #"{"kind": "accounts", "path": \#(f.quoted(out)), "columns": ["name", "id", "name"]}"#)
        }
        expectCRMError(.invalid, "columns[0]", "'lines'", "balance_due") {
            try f.run("bridge.export_csv", #"{"kind": "invoices", "path": \#(f.quoted(out)), "columns": ["lines"]}"#)
        }
        expectCRMError(.invalid, "columns[0]", "'address_kind'") {
            try f.run("bridge.export_csv", #"{"kind": "payments", "path": \#(f.quoted(out)), "columns": ["address_kind"]}"#)
        }
        #expect(!FileManager.default.fileExists(atPath: out))
        // Every known column is accepted, the derived ones too.
        let all = try f.run("bridge.export_csv", #"{"kind": "accounts", "path": \#(f.quoted(out)), "columns": ["external_ref", "source", "credit_limit", "address_kind", "archived"]}"#)
        #expect(all["rows_written"]?.int == 4)
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("external_ref,source,credit_limit,address_kind,archived\r\nC1,legacy,1234.50,,false\r\n"))
    }
}
