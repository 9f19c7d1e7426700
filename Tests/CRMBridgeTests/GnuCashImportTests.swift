import Foundation
import Testing
import CRMStore

/// bridge.import_gnucash over the committed book (made by
/// Tests/fixtures/gnucash/make_book.py with GnuCash's own engine): every
/// customer's balance, ageing and payment experiences after the import equal
/// what GnuCash's own lots say, worked out here with plain SQL over the book.
@Suite("GnuCash import")
struct GnuCashImportTests {
    /// The figures of the book, from its tables alone.
    struct Book {
        struct Invoice {
            var guid: String
            var number: String
            var customer: String
            var lot: String
            var due: String
            var isCreditNote: Bool
        }

        let ledger: GnuCashLedger
        var customers: [String: String] = [:]  // guid -> id
        var invoices: [Invoice] = []
        /// lot -> [(date, value in cents, transaction type, transaction)]
        var lotSplits: [String: [(date: String, cents: Int64, kind: String?, txn: String)]] = [:]
        /// payment lot -> customer guid
        var paymentLots: [String: String] = [:]

        /// The date GnuCash shows for a stored timestamp (either form): the nearest midnight UTC.
        static func day(_ stored: String) -> String {
            let digits = stored.filter(\.isNumber)
            let date = "\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.dropFirst(6).prefix(2))"
            guard digits.count == 14, Int(digits.dropFirst(8).prefix(2))! >= 12 else { return date }
            return Book.add(1, to: date)
        }

        static func days(_ date: String) -> Int {
            let parts = date.split(separator: "-").map { Int($0)! }
            var components = DateComponents()
            (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            return Int(calendar.date(from: components)!.timeIntervalSince1970 / 86_400)
        }

        static func add(_ count: Int, to date: String) -> String {
            let seconds = Double((days(date) + count) * 86_400)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: seconds))
            return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        }

        init(_ path: String) throws {
            ledger = try GnuCashLedger(path)
            for row in ledger.query("SELECT guid, id FROM customers") { customers[row[0]!] = row[1]! }
            // Posted customer documents with their lots and due dates (slot trans-date-due of the posting transaction).
            for row in ledger.query(
                """
                SELECT i.guid, i.id, i.owner_guid, i.post_lot, d.timespec_val,
                    EXISTS (SELECT 1 FROM slots c WHERE c.obj_guid = i.guid AND c.name = 'credit-note' AND c.int64_val = 1)
                FROM invoices i JOIN slots d ON d.obj_guid = i.post_txn AND d.name = 'trans-date-due'
                WHERE i.owner_type = 2 AND i.post_txn IS NOT NULL
                """) {
                invoices.append(Invoice(guid: row[0]!, number: row[1]!, customer: row[2]!, lot: row[3]!, due: Book.day(row[4]!),
                                        isCreditNote: row[5] == "1"))
            }
            // Every split in a lot on a receivable account, with its transaction's date and type.
            for row in ledger.query(
                """
                SELECT s.lot_guid, t.post_date, s.value_num * 100 / s.value_denom, k.string_val, t.guid
                FROM splits s JOIN transactions t ON t.guid = s.tx_guid
                JOIN accounts a ON a.guid = s.account_guid AND a.account_type = 'RECEIVABLE'
                LEFT JOIN slots k ON k.obj_guid = t.guid AND k.name = 'trans-txn-type'
                WHERE s.lot_guid IS NOT NULL
                """) {
                lotSplits[row[0]!, default: []].append((Book.day(row[1]!), Int64(row[2]!)!, row[3], row[4]!))
            }
            for row in ledger.query(
                """
                SELECT f.obj_guid, o.guid_val FROM slots f JOIN slots o ON o.obj_guid = f.guid_val AND o.name = 'gncOwner/owner-guid'
                WHERE f.name = 'gncOwner'
                """) {
                paymentLots[row[0]!] = row[1]!
            }
        }

        /// What a lot holds on a date.
        func balance(lot: String, on date: String) -> Int64 {
            (lotSplits[lot] ?? []).filter { $0.date <= date }.reduce(0) { $0 + $1.cents }
        }

        /// A customer's A/R balance on a date: every split in its documents' and payments' lots.
        func balance(customer: String, on date: String) -> Int64 {
            let lots = invoices.filter { $0.customer == customer }.map(\.lot) + paymentLots.filter { $0.value == customer }.map(\.key)
            return lots.reduce(0) { $0 + balance(lot: $1, on: date) }
        }

        /// Its invoices' open amounts on a date by the default bands (not due, 1-30, 31-60, 61-90, 91-120, 121+).
        func ageing(customer: String, on date: String) -> [Int64] {
            var bands = [Int64](repeating: 0, count: 6)
            for invoice in invoices where invoice.customer == customer && !invoice.isCreditNote {
                let open = balance(lot: invoice.lot, on: date)
                guard open > 0 else { continue }
                let late = Book.days(date) - Book.days(invoice.due)
                let band = late <= 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : late <= 120 ? 4 : 5
                bands[band] += open
            }
            return bands
        }

        /// Payment experiences: per invoice and day, what payments settled of it
        /// (GnuCash's 'P' splits in the invoice's lot, and lot links from a
        /// payment's own lot: credit set against it later), with days beyond terms.
        func experiences(customer: String, through date: String) -> Set<String> {
            let paymentLinks = Set(paymentLots.keys.flatMap { lot in (lotSplits[lot] ?? []).filter { $0.kind == "L" }.map(\.txn) })
            var made = Set<String>()
            for invoice in invoices where invoice.customer == customer && !invoice.isCreditNote {
                var byDay: [String: Int64] = [:]
                for split in lotSplits[invoice.lot] ?? []
                where (split.kind == "P" || (split.kind == "L" && paymentLinks.contains(split.txn))) && split.date <= date {
                    byDay[split.date, default: 0] -= split.cents
                }
                for (day, amount) in byDay {
                    made.insert("\(invoice.number) \(day) \(amount) \(Book.days(day) - Book.days(invoice.due))")
                }
            }
            return made
        }
    }

    func account(_ fixture: GnuCashFixture, _ customer: String) throws -> Int64 {
        try #require(try fixture.run("account.get", #"{"source": "gnucash", "external_ref": "\#(customer)"}"#)["id"]?.int)
    }

    /// Every customer's balance and ageing bands equal the book's on each date.
    func expectBalancesMatch(_ fixture: GnuCashFixture, _ book: Book, dates: [String]) throws {
        for (guid, customer) in book.customers {
            let id = try account(fixture, customer)
            for date in dates {
                let ageing = try fixture.run("ar.ageing", #"{"as_of": "\#(date)", "account_id": \#(id), "currency": "ZAR"}"#)
                let row = try #require(ageing["accounts"]?.array?.first)
                #expect(row["net_minor"]?.int == book.balance(customer: guid, on: date), "\(customer) on \(date)")
                #expect(row["buckets"]?.array?.map { $0["amount_minor"]?.int ?? -1 } == book.ageing(customer: guid, on: date),
                        "\(customer) on \(date)")
            }
        }
    }

    @Test(arguments: [GnuCashFixture.book, GnuCashFixture.oldDatesBook])
    func balancesAgeingAndPaymentSpeedEqualTheBooks(path: String) throws {
        let fixture = try GnuCashFixture()
        let book = try Book(path)
        let result = try fixture.importBook(#""path": \#(fixture.quoted(path))"#)
        #expect(result["error_count"]?.int == 0, "\(JSONWriter.string(result["errors"] ?? .null))")
        let counts = try #require(result["counts"])
        #expect(counts["customers"]?["created"]?.int == 6)
        #expect(counts["invoices"]?["created"]?.int == Int64(book.invoices.filter { !$0.isCreditNote }.count))
        #expect(counts["credit_notes"]?["created"]?.int == 1)
        #expect(counts["payments"]?["created"]?.int == 57)
        #expect(counts["offsets"]?["created"]?.int == 2)
        // The unposted invoice and the vendor bill are skipped, with their reasons.
        let skipped = (result["skipped"]?.array ?? []).map { "\($0["gnucash"]?.text ?? "") \($0["reason"]?.text ?? "")" }
        #expect(skipped.contains("invoice 000063 not posted") && skipped.contains("invoice B0001 vendor bill"))

        try expectBalancesMatch(fixture, book, dates: ["2024-09-30", "2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31", "2026-06-30"])

        // The customers: terms from their bill terms, the inactive one dormant, the credit limit in cents.
        let hartman = try fixture.run("account.get", #"{"source": "gnucash", "external_ref": "C001"}"#)
        #expect(hartman["payment_terms_days"]?.int == 30 && hartman["credit_limit_minor"]?.int == 5_000_000)
        #expect(hartman["status"]?.text == "active" && hartman["currency"]?.text == "ZAR")
        #expect(try fixture.run("account.get", #"{"source": "gnucash", "external_ref": "C002"}"#)["payment_terms_days"]?.int == 7)
        #expect(try fixture.run("account.get", #"{"source": "gnucash", "external_ref": "C006"}"#)["status"]?.text == "dormant")

        // Every invoice's total is GnuCash's posted A/R amount, its due date the one GnuCash stored.
        for invoice in book.invoices where !invoice.isCreditNote {
            let made = try fixture.run("invoice.get", #"{"source": "gnucash", "external_ref": "\#(invoice.guid)"}"#)
            #expect(made["number"]?.text == invoice.number)
            #expect(made["due_on"]?.text == invoice.due, "\(invoice.number)")
            #expect(made["total_minor"]?.int == book.lotSplits[invoice.lot]?.first { $0.kind == "I" }?.cents, "\(invoice.number)")
        }

        // The book is not trivially empty: 61 customer invoices and a credit note, money owed at the end.
        #expect(book.invoices.count == 62)
        #expect(book.customers.keys.reduce(Int64(0)) { $0 + book.balance(customer: $1, on: "2025-12-31") } > 0)

        // Payment speed: credit.explain's experiences (its 24-month window holds the whole
        // book) are the book's: each invoice's payments per day with their days beyond
        // terms, and each invoice still open and past due on as_of.
        var matched = 0
        for (guid, customer) in book.customers {
            let id = try account(fixture, customer)
            let explained = try fixture.run("credit.explain", #"{"account_id": \#(id), "as_of": "2025-12-31", "limit": 100}"#)
            let items = explained["explained"]?.array ?? []
            let settled = Set(items.filter { $0["open"]?.flag == false }.map {
                "\($0["number"]?.text ?? "") \($0["settled_on"]?.text ?? "") \($0["amount_minor"]?.int ?? 0) \($0["days_beyond_terms"]?.int ?? 0)"
            })
            #expect(settled == book.experiences(customer: guid, through: "2025-12-31"), "\(customer)")
            let open = Set(items.filter { $0["open"]?.flag == true }.compactMap { $0["number"]?.text })
            let overdue = Set(book.invoices.filter {
                $0.customer == guid && !$0.isCreditNote && book.balance(lot: $0.lot, on: "2025-12-31") > 0 && $0.due < "2025-12-31"
            }.map(\.number))
            #expect(open == overdue, "\(customer)")
            #expect(explained["experiences"]?.int == Int64(items.count), "\(customer)")
            matched += settled.count
        }
        #expect(matched >= 40)
    }

    @Test func aSecondImportReplaysEverythingAndWritesNoEvent() throws {
        let fixture = try GnuCashFixture()
        let (first, events) = try fixture.runWithEvents("bridge.import_gnucash", #"{"path": \#(fixture.quoted(GnuCashFixture.book))}"#)
        #expect(first["error_count"]?.int == 0 && !events.isEmpty)
        // History: nothing posts.
        #expect(events.allSatisfy { $0.record["posting"] == nil })
        let (second, none) = try fixture.runWithEvents("bridge.import_gnucash", #"{"path": \#(fixture.quoted(GnuCashFixture.book))}"#)
        #expect(none.isEmpty)
        for kind in ["customers", "invoices", "credit_notes", "payments", "offsets"] {
            #expect(second["counts"]?[kind]?["created"]?.int == 0, "\(kind)")
            #expect(second["counts"]?[kind]?["replayed"]?.int == first["counts"]?[kind]?["created"]?.int, "\(kind)")
        }
        // The same book in the older date form is the same records: it replays too.
        let (old, stillNone) = try fixture.runWithEvents("bridge.import_gnucash", #"{"path": \#(fixture.quoted(GnuCashFixture.oldDatesBook))}"#)
        #expect(stillNone.isEmpty && old["error_count"]?.int == 0)
    }

    @Test("with a limit, each call commits at most that many records and says whether the book is done; the batches end where one whole import ends")
    func batchesOfALimitEndWhereOneWholeImportEnds() throws {
        let fixture = try GnuCashFixture()
        let book = try Book(GnuCashFixture.book)
        var batches: [JSONValue] = []
        var events = 0
        while batches.count < 20 {
            let (batch, written) = try fixture.runWithEvents("bridge.import_gnucash", #"{"path": \#(fixture.quoted(GnuCashFixture.book)), "limit": 40}"#)
            batches.append(batch)
            events += written.count
            if batch["done"]?.flag == true { break }
        }
        func made(_ batch: JSONValue) -> Int64 {
            ["customers", "invoices", "credit_notes", "payments", "offsets"].reduce(0) {
                $0 + (batch["counts"]?[$1]?["created"]?.int ?? 0) + (batch["counts"]?[$1]?["updated"]?.int ?? 0)
            }
        }
        // 6 + 61 + 1 + 57 + 2 = 127 records: three full batches of 40 and the last 7.
        #expect(batches.map(made) == [40, 40, 40, 7])
        #expect(batches.map { $0["done"]?.flag } == [false, false, false, true])
        #expect(batches.allSatisfy { $0["error_count"]?.int == 0 })
        #expect(events > 127, "each record's own events, written batch by batch")
        try expectBalancesMatch(fixture, book, dates: ["2025-06-30", "2025-12-31"])
        // Nothing is left: one more call replays everything and writes nothing.
        let (again, none) = try fixture.runWithEvents("bridge.import_gnucash", #"{"path": \#(fixture.quoted(GnuCashFixture.book)), "limit": 40}"#)
        #expect(none.isEmpty && again["done"]?.flag == true && made(again) == 0)
        #expect(again["counts"]?["payments"]?["replayed"]?.int == 57)
        expectCRMError(.invalid, "limit") {
            try fixture.run("bridge.import_gnucash", #"{"path": \#(fixture.quoted(GnuCashFixture.book)), "limit": 40, "dry_run": true}"#)
        }
        expectCRMError(.range, "limit") { try fixture.run("bridge.import_gnucash", #"{"path": \#(fixture.quoted(GnuCashFixture.book)), "limit": 0}"#) }
    }

    @Test func aDryRunCountsAndWritesNothing() throws {
        let fixture = try GnuCashFixture()
        let before = try fixture.rows("crm_events")
        let (result, events) = try fixture.runWithEvents("bridge.import_gnucash", #"{"path": \#(fixture.quoted(GnuCashFixture.book)), "dry_run": true}"#)
        #expect(events.isEmpty && result["dry_run"]?.flag == true)
        #expect(result["counts"]?["invoices"]?["created"]?.int == 61 && result["counts"]?["payments"]?["created"]?.int == 57)
        #expect(try fixture.rows("accounts") == 0 && fixture.rows("invoices") == 0 && fixture.rows("payments") == 0)
        #expect(try fixture.rows("crm_events") == before)
        #expect(try fixture.rows("bridge_gnucash_offsets") == 0)
    }

    @Test func asOfBringsOnlyWhatIsDatedByThenAndALaterImportTheRest() throws {
        let fixture = try GnuCashFixture()
        let book = try Book(GnuCashFixture.book)
        let early = try fixture.importBook(#""path": \#(fixture.quoted(GnuCashFixture.book)), "as_of": "2025-03-31""#)
        #expect(early["error_count"]?.int == 0)
        let posted = book.ledger.query("SELECT i.date_posted FROM invoices i WHERE i.owner_type = 2 AND i.post_txn IS NOT NULL")
            .filter { Book.day($0[0]!) <= "2025-03-31" }.count
        #expect(early["counts"]?["invoices"]?["created"]?.int == Int64(posted))
        #expect(try fixture.rows("invoices") == Int64(posted))
        #expect(try fixture.rows("credit_notes") == 0)
        try expectBalancesMatch(fixture, book, dates: ["2024-12-31", "2025-03-31"])
        // Then the whole book: only what is newer is created.
        let rest = try fixture.importBook(#""path": \#(fixture.quoted(GnuCashFixture.book))"#)
        #expect(rest["error_count"]?.int == 0)
        #expect(rest["counts"]?["invoices"]?["replayed"]?.int == Int64(posted))
        #expect(rest["counts"]?["invoices"]?["created"]?.int == Int64(61 - posted))
        try expectBalancesMatch(fixture, book, dates: ["2025-06-30", "2025-12-31"])
    }

    @Test func anImportAfterTheBookGainedAPaymentBringsOnlyThatPayment() throws {
        try withTemporaryDirectory { directory in
            // The book as it was before its last payment: a copy without it.
            let earlier = directory.appendingPathComponent("earlier.gnucash").path
            try FileManager.default.copyItem(atPath: GnuCashFixture.book, toPath: earlier)
            let last = try #require(GnuCashLedger(GnuCashFixture.book).query(
                """
                SELECT t.guid FROM transactions t JOIN slots k ON k.obj_guid = t.guid AND k.name = 'trans-txn-type' AND k.string_val = 'P'
                ORDER BY t.post_date DESC, t.guid DESC LIMIT 1
                """).first?[0] ?? nil)
            try GnuCashLedger.write(earlier, [
                "DELETE FROM slots WHERE obj_guid = '\(last)'", "DELETE FROM splits WHERE tx_guid = '\(last)'",
                "DELETE FROM transactions WHERE guid = '\(last)'",
            ])
            let fixture = try GnuCashFixture()
            let first = try fixture.importBook(#""path": \#(fixture.quoted(earlier))"#)
            #expect(first["error_count"]?.int == 0 && first["counts"]?["payments"]?["created"]?.int == 56)
            let (then, events) = try fixture.runWithEvents("bridge.import_gnucash", #"{"path": \#(fixture.quoted(GnuCashFixture.book))}"#)
            #expect(then["counts"]?["payments"]?["created"]?.int == 1 && then["counts"]?["payments"]?["replayed"]?.int == 56)
            #expect(then["counts"]?["invoices"]?["created"]?.int == 0)
            #expect(events.first?.type == "payment.recorded")
            #expect(events.first?.record["external_refs"]?.array?.first?["external_ref"]?.text == last)
            try expectBalancesMatch(fixture, try Book(GnuCashFixture.book), dates: ["2025-12-31"])
        }
    }

    @Test func aMissingFileOrOneThatIsNotAGnuCashBookIsRefusedNamingPath() throws {
        let fixture = try GnuCashFixture()
        expectCRMError(.io, "path", "/no/such/book.gnucash") {
            try fixture.importBook(#""path": "/no/such/book.gnucash""#)
        }
        try withTemporaryDirectory { directory in
            // A SQLite file without GnuCash's tables.
            let other = directory.appendingPathComponent("other.sqlite").path
            try GnuCashLedger.write(other, ["CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"])
            expectCRMError(.invalid, "path", "not a GnuCash book") {
                try fixture.importBook(#""path": \#(fixture.quoted(other))"#)
            }
            // Not a database at all.
            let text = directory.appendingPathComponent("book.txt").path
            try Data("just some text, not a book\n".utf8).write(to: URL(fileURLWithPath: text))
            expectCRMError(.invalid, "path") {
                try fixture.importBook(#""path": \#(fixture.quoted(text))"#)
            }
        }
        expectCRMError(.invalid, "path") { try fixture.importBook(#""path": "postgresql://crm@127.0.0.1/books""#) }
        expectCRMError(.invalid, "path") { try fixture.importBook(#""as_of": "2025-01-01""#) }
        expectCRMError(.invalid, "as_of") { try fixture.importBook(#""path": \#(fixture.quoted(GnuCashFixture.book)), "as_of": "soon""#) }
        expectCRMError(.invalid, "colour") { try fixture.importBook(#""path": \#(fixture.quoted(GnuCashFixture.book)), "colour": 1"#) }
        #expect(try fixture.rows("accounts") == 0 && fixture.rows("crm_events") == 0)
    }

    @Test func linesComeFromTheEntriesWhenTheyGiveTheBooksMoney() throws {
        let fixture = try GnuCashFixture()
        try fixture.importBook(#""path": \#(fixture.quoted(GnuCashFixture.book))"#)
        let book = try Book(GnuCashFixture.book)
        let first = try #require(book.invoices.first { $0.number == "000001" })
        let made = try fixture.run("invoice.get", #"{"source": "gnucash", "external_ref": "\#(first.guid)"}"#)
        let entries = book.ledger.query(
            "SELECT e.description, e.quantity_num * 1000 / e.quantity_denom, e.i_price_num * 100 / e.i_price_denom FROM entries e JOIN invoices i ON i.guid = e.invoice WHERE i.id = '000001' ORDER BY e.date, e.date_entered, e.guid")
        let lines = made["lines"]?.array ?? []
        #expect(lines.map { $0["description"]?.text } == entries.map { $0[0] })
        #expect(lines.map { $0["quantity_milli"]?.int } == entries.map { Int64($0[1]!) })
        #expect(lines.map { $0["unit_price_minor"]?.int } == entries.map { Int64($0[2]!) })
        #expect(lines.allSatisfy { $0["tax_rate_bp"]?.int == 1500 })
        // The credit note returns one line of the invoice it was offset against, for GnuCash's amount.
        let note = try fixture.run("credit_note.list", "{}").items.first
        #expect(note?["total_minor"]?.int == -(book.lotSplits[book.invoices.first { $0.isCreditNote }!.lot]?.first { $0.kind == "I" }?.cents ?? 0))
        #expect(note?["number"]?.text == book.invoices.first { $0.isCreditNote }?.number)
    }

    @Test func aCustomerChangedInGnuCashIsUpdatedAndAnAmountNotWholeInCentsIsReportedWhileTheRestLands() throws {
        try withTemporaryDirectory { directory in
            let copy = directory.appendingPathComponent("shop.gnucash").path
            try FileManager.default.copyItem(atPath: GnuCashFixture.book, toPath: copy)
            let fixture = try GnuCashFixture()
            try fixture.importBook(#""path": \#(fixture.quoted(copy))"#)
            // GnuCash renames a customer and makes it inactive.
            try GnuCashLedger.write(copy, ["UPDATE customers SET name = 'Hartman Joinery (Pty) Ltd', active = 0 WHERE id = 'C001'"])
            let (again, events) = try fixture.runWithEvents("bridge.import_gnucash", #"{"path": \#(fixture.quoted(copy))}"#)
            #expect(again["counts"]?["customers"]?["updated"]?.int == 1 && again["counts"]?["customers"]?["replayed"]?.int == 5)
            #expect(events.map(\.type) == ["account.updated"])
            let hartman = try fixture.run("account.get", #"{"source": "gnucash", "external_ref": "C001"}"#)
            #expect(hartman["name"]?.text == "Hartman Joinery (Pty) Ltd" && hartman["status"]?.text == "dormant")
        }
        try withTemporaryDirectory { directory in
            // Invoice 000005's posted amount in thousandths of a rand, one of them odd: not whole in cents.
            let copy = directory.appendingPathComponent("odd.gnucash").path
            try FileManager.default.copyItem(atPath: GnuCashFixture.book, toPath: copy)
            try GnuCashLedger.write(copy, [
                """
                UPDATE splits SET value_num = value_num * 10 + 1, value_denom = 1000
                WHERE guid = (SELECT s.guid FROM splits s JOIN invoices i ON i.post_txn = s.tx_guid AND i.post_lot = s.lot_guid
                              WHERE i.id = '000005')
                """,
            ])
            let book = try Book(copy)
            let settling = book.ledger.query(
                """
                SELECT DISTINCT s.tx_guid FROM splits s JOIN invoices i ON i.post_lot = s.lot_guid
                WHERE i.id = '000005' AND s.tx_guid <> i.post_txn
                """).count
            #expect(settling == 1)
            let fixture = try GnuCashFixture()
            let result = try fixture.importBook(#""path": \#(fixture.quoted(copy))"#)
            let errors = result["errors"]?.array ?? []
            #expect(errors.first?["gnucash"]?.text == "invoice 000005")
            #expect(errors.first?["code"]?.text == "CRM_INVALID")
            #expect(errors.first?["message"]?.text?.contains("not whole in minor units") == true)
            // The payments that settled it are refused naming it; everything else lands.
            #expect(errors.dropFirst().allSatisfy { $0["message"]?.text?.contains("settles invoice 000005") == true })
            #expect(result["error_count"]?.int == Int64(1 + settling))
            #expect(result["counts"]?["invoices"]?["created"]?.int == 60)
            #expect(result["counts"]?["payments"]?["created"]?.int == Int64(57 - settling))
            #expect(thrownCRMError { try fixture.run("invoice.get", #"{"source": "gnucash", "external_ref": "\#(book.invoices.first { $0.number == "000005" }!.guid)"}"#) }?.code == .notFound)
        }
    }
}
