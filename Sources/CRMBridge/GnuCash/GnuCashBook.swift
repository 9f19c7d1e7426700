import CRMStore

/// A GnuCash book in its SQLite form (GnuCash 3.x-5.x schema), opened
/// read-only: its customers, bill terms, invoices and their entries, lots,
/// splits, transactions and slots, read with bound SQL and turned into
/// libcrm's units (minor units of the currency's fraction, calendar dates)
/// with integer arithmetic only.
final class GnuCashBook {
    /// The tables every GnuCash SQL book has; a file without them is refused.
    static let requiredTables = ["versions", "commodities", "accounts", "customers", "billterms", "invoices", "entries",
                                 "lots", "splits", "transactions", "slots", "taxtable_entries", "jobs"]

    let path: String
    let context: String
    private let connection: Connection
    /// commodity guid -> (mnemonic, fraction).
    private(set) var commodities: [String: (code: String, fraction: Int64)] = [:]
    /// Accounts of type RECEIVABLE.
    private(set) var receivables: Set<String> = []
    /// Accounts a tax table posts to.
    private(set) var taxAccounts: Set<String> = []
    /// Invoice guids GnuCash marks as credit notes (slot "credit-note").
    private(set) var creditNotes: Set<String> = []

    /// Opens `path` read-only and checks it is a GnuCash book.
    /// - Throws: `.io` for a missing or unreadable file, `.invalid` for a file
    ///   that is not a GnuCash SQLite book; both name `path`.
    init(path: String, context: String) throws {
        self.path = path
        self.context = context
        if path.contains("://") || path.contains("dbname=") || path.contains("host=") {
            throw CRMError.invalid("\(context): path: '\(path)' is not a file; a GnuCash book is read from its SQLite file")
        }
        do {
            connection = try Connection(path: path, readOnly: true, mustExist: true)
        } catch let error as CRMError where error.code == .notFound {
            throw CRMError(.io, "\(context): path: '\(path)' cannot be opened: no such file")
        } catch {
            if "\(error)".contains("not a database") {
                throw CRMError.invalid("\(context): path: '\(path)' is not a GnuCash SQLite book (a book kept as XML is saved as SQLite first, File > Save As): \(error)")
            }
            throw CRMError(.io, "\(context): path: '\(path)' cannot be opened: \(error)")
        }
        do {
            for table in Self.requiredTables where try !connection.tableExists(table) {
                throw CRMError.invalid("\(context): path: '\(path)' is not a GnuCash book (no table \(table))")
            }
        } catch let error as CRMError where error.code == .invalid {
            throw error
        } catch {
            throw CRMError.invalid("\(context): path: '\(path)' is not a GnuCash SQLite book (a book kept as XML is saved as SQLite first, File > Save As): \(error)")
        }
        try load()
    }

    private func load() throws {
        for (guid, code, fraction) in try rows("SELECT guid, mnemonic, fraction FROM commodities", [], {
            ($0.text(0), $0.text(1), $0.integer(2))
        }) {
            commodities[guid] = (code, max(1, fraction))
        }
        receivables = Set(try rows("SELECT guid FROM accounts WHERE account_type = ?", [.text("RECEIVABLE")]) { $0.text(0) })
        taxAccounts = Set(try rows("SELECT DISTINCT account FROM taxtable_entries", []) { $0.text(0) })
        creditNotes = Set(try rows("SELECT obj_guid FROM slots WHERE name = ? AND int64_val <> 0", [.text("credit-note")]) { $0.text(0) })
    }

    /// Rows of the book; a failed read is `.io` naming the path.
    func rows<T>(_ sql: String, _ values: [SQLValue], _ map: (Row) throws -> T) throws -> [T] {
        do {
            return try connection.rows(sql, values, map)
        } catch let error as CRMError {
            throw error
        } catch {
            throw CRMError(.io, "\(context): path: '\(path)' cannot be read: \(error)")
        }
    }

    // MARK: Values

    /// GnuCash's exact `num/denom` in minor units of a currency with this
    /// fraction (100 for cents); nil when it is not a whole number of them.
    static func minorUnits(num: Int64, denom: Int64, fraction: Int64) -> Int64? {
        guard denom != 0 else { return num == 0 ? 0 : nil }
        let scaled = Int128(num) * Int128(fraction)
        guard scaled % Int128(denom) == 0 else { return nil }
        return Int64(exactly: scaled / Int128(denom))
    }

    /// `num/denom` × `scale`, exact, or nil (thousandths of a quantity,
    /// basis points of a percentage).
    static func scaled(num: Int64, denom: Int64, by scale: Int64) -> Int64? {
        minorUnits(num: num, denom: denom, fraction: scale)
    }

    /// The date GnuCash shows for a stored timestamp, in either stored form
    /// ("YYYY-MM-DD HH:MM:SS" or the older "YYYYMMDDHHMMSS", UTC). GnuCash
    /// keeps dates at 10:59:00 UTC (its neutral time, the same day from
    /// UTC−10:59 to UTC+13); older books kept local midnight in UTC, which
    /// east of Greenwich is the evening before. The timestamp is taken to the
    /// nearest midnight UTC, which gives the intended day for both.
    static func date(_ stored: String?) -> CalendarDate? {
        guard let stored else { return nil }
        let digits = stored.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.map { Int64($0 - UInt8(ascii: "0")) }
        guard digits.count == 14 || digits.count == 8 else { return nil }
        func number(_ range: Range<Int>) -> Int64 { digits[range].reduce(0) { $0 * 10 + $1 } }
        guard let day = CalendarDate(year: number(0..<4), month: number(4..<6), day: number(6..<8)) else { return nil }
        guard digits.count == 14 else { return day }
        let hour = number(8..<10)
        return hour >= 12 ? day.adding(days: 1) : day
    }

    // MARK: Customers

    struct Customer {
        var guid: String
        var id: String
        var name: String
        var active: Bool
        var currency: String?
        var termsDays: Int64?
        var termsNote: String?
        var creditLimit: (num: Int64, denom: Int64)
        var address: [String]
        var phone: String?
        var email: String?
        var notes: String?
    }

    func customers() throws -> [Customer] {
        let terms = Dictionary(try rows("SELECT guid, type, duedays FROM billterms", []) {
            ($0.text(0), (type: $0.text(1), days: $0.integer(2)))
        }, uniquingKeysWith: { first, _ in first })
        return try rows(
            """
            SELECT guid, id, name, active, currency, terms, credit_num, credit_denom, addr_name, addr_addr1, addr_addr2,
                addr_addr3, addr_addr4, addr_phone, addr_email, notes
            FROM customers ORDER BY id, guid
            """, []) { row in
            var customer = Customer(guid: row.text(0), id: row.text(1), name: row.text(2), active: row.integer(3) != 0,
                                    currency: self.commodities[row.text(4)]?.code, termsDays: nil, termsNote: nil,
                                    creditLimit: (row.integer(6), row.integer(7)),
                                    address: [row.optionalText(9), row.optionalText(10), row.optionalText(11), row.optionalText(12)]
                                        .compactMap { $0?.trimmingWhitespace() }.filter { !$0.isEmpty },
                                    phone: row.optionalText(13)?.trimmingWhitespace(), email: row.optionalText(14)?.trimmingWhitespace(),
                                    notes: row.optionalText(15)?.trimmingWhitespace())
            if customer.name.trimmingWhitespace().isEmpty { customer.name = row.optionalText(8) ?? customer.id }
            if let termsGUID = row.optionalText(5), let term = terms[termsGUID] {
                customer.termsDays = term.days
                if term.type != "GNC_TERM_TYPE_DAYS" { customer.termsNote = term.type }
            }
            return customer
        }
    }

    // MARK: Invoices

    /// A posted document's owner: a customer, a job's customer, or another
    /// kind of owner (vendor, employee) the import skips.
    enum Owner {
        case customer(String)
        case other(String)
    }

    struct Invoice {
        var guid: String
        var id: String
        var owner: Owner
        var currency: String?
        var fraction: Int64
        var postedOn: CalendarDate?
        var postTxn: String?
        var postLot: String?
        var postAccount: String?
        var notes: String?
        var isCreditNote: Bool
    }

    func invoices() throws -> [Invoice] {
        let jobs = Dictionary(try rows("SELECT guid, owner_type, owner_guid FROM jobs", []) {
            ($0.text(0), (type: $0.integer(1), owner: $0.text(2)))
        }, uniquingKeysWith: { first, _ in first })
        return try rows(
            """
            SELECT guid, id, owner_type, owner_guid, currency, date_posted, post_txn, post_lot, post_acc, notes
            FROM invoices ORDER BY date_posted, id, guid
            """, []) { row in
            let ownerType = row.integer(2)
            let ownerGUID = row.text(3)
            let owner: Owner
            switch ownerType {
            case 2: owner = .customer(ownerGUID)
            case 3:
                if let job = jobs[ownerGUID], job.type == 2 { owner = .customer(job.owner) } else { owner = .other("vendor job") }
            case 4: owner = .other("vendor bill")
            case 5: owner = .other("employee voucher")
            default: owner = .other("owner type \(ownerType)")
            }
            let commodity = self.commodities[row.text(4)]
            let guid = row.text(0)
            return Invoice(guid: guid, id: row.text(1), owner: owner, currency: commodity?.code, fraction: commodity?.fraction ?? 100,
                           postedOn: Self.date(row.optionalText(5)), postTxn: row.optionalText(6).flatMap { $0.isEmpty ? nil : $0 },
                           postLot: row.optionalText(7).flatMap { $0.isEmpty ? nil : $0 },
                           postAccount: row.optionalText(8), notes: row.optionalText(9)?.trimmingWhitespace(),
                           isCreditNote: self.creditNotes.contains(guid))
        }
    }

    /// The posted amount on the receivable (the A/R split of the posting
    /// transaction in the document's lot) and the tax in it (the splits to
    /// tax tables' accounts), both as num/denom pairs summed exactly.
    func postedAmounts(_ invoice: Invoice) throws -> (total: Int64?, tax: Int64?, due: CalendarDate?) {
        guard let txn = invoice.postTxn else { return (nil, nil, nil) }
        let splits = try rows("SELECT account_guid, lot_guid, value_num, value_denom FROM splits WHERE tx_guid = ?", [.text(txn)]) {
            (account: $0.text(0), lot: $0.optionalText(1), num: $0.integer(2), denom: $0.integer(3))
        }
        var total: Int64? = 0
        var tax: Int64? = 0
        for split in splits {
            let minor = Self.minorUnits(num: split.num, denom: split.denom, fraction: invoice.fraction)
            if split.account == invoice.postAccount && (invoice.postLot == nil || split.lot == invoice.postLot) {
                total = minor.flatMap { value in total.flatMap { $0.addingReportingOverflow(value).overflow ? nil : $0 + value } }
            } else if taxAccounts.contains(split.account) {
                tax = minor.flatMap { value in tax.flatMap { $0.subtractingReportingOverflow(value).overflow ? nil : $0 - value } }
            }
        }
        let due = try rows("SELECT timespec_val FROM slots WHERE obj_guid = ? AND name = ?", [.text(txn), .text("trans-date-due")]) {
            $0.optionalText(0)
        }.first.flatMap { Self.date($0) }
        return (total, tax, due)
    }

    struct Entry {
        var description: String
        var quantity: (num: Int64, denom: Int64)
        var price: (num: Int64, denom: Int64)
        var discount: (num: Int64, denom: Int64)
        var discountType: String?
        var taxable: Bool
        var taxIncluded: Bool
        var taxTable: String?
    }

    func entries(invoiceGUID: String) throws -> [Entry] {
        try rows(
            """
            SELECT description, quantity_num, quantity_denom, i_price_num, i_price_denom, i_discount_num, i_discount_denom,
                i_disc_type, i_taxable, i_taxincluded, i_taxtable
            FROM entries WHERE invoice = ? ORDER BY date, date_entered, guid
            """, [.text(invoiceGUID)]) { row in
            Entry(description: row.optionalText(0) ?? "", quantity: (row.integer(1), row.integer(2)), price: (row.integer(3), row.integer(4)),
                  discount: (row.integer(5), row.integer(6)), discountType: row.optionalText(7), taxable: row.integer(8) != 0,
                  taxIncluded: row.integer(9) != 0, taxTable: row.optionalText(10))
        }
    }

    /// A tax table's rate in basis points: the sum of its percentage
    /// entries; nil when it has a fixed-value entry or a rate not whole in
    /// basis points.
    func taxRateBP(table: String) throws -> Int64? {
        let entries = try rows("SELECT amount_num, amount_denom, type FROM taxtable_entries WHERE taxtable = ?", [.text(table)]) {
            (num: $0.integer(0), denom: $0.integer(1), type: $0.integer(2))
        }
        var total: Int64 = 0
        for entry in entries {
            guard entry.type == 2, let bp = Self.scaled(num: entry.num, denom: entry.denom, by: 100) else { return nil }
            total += bp
        }
        return total
    }

    // MARK: Transactions

    struct Split {
        var guid: String
        var lot: String?
        var value: (num: Int64, denom: Int64)
    }

    struct Transaction {
        var guid: String
        var kind: String
        var postedOn: CalendarDate?
        var number: String?
        var description: String?
        var currency: String?
        var fraction: Int64
        /// Its splits on receivable accounts.
        var receivableSplits: [Split]
    }

    /// Payment ('P') and lot-link ('L') transactions, oldest first, with
    /// their receivable splits.
    func settlements() throws -> [Transaction] {
        let heads = try rows(
            """
            SELECT t.guid, s.string_val, t.post_date, t.num, t.description, t.currency_guid
            FROM transactions t JOIN slots s ON s.obj_guid = t.guid AND s.name = ?
            WHERE s.string_val = ? OR s.string_val = ?
            ORDER BY t.post_date, t.enter_date, t.guid
            """, [.text("trans-txn-type"), .text("P"), .text("L")]) { row in
            (guid: row.text(0), kind: row.text(1), posted: row.optionalText(2), number: row.optionalText(3),
             description: row.optionalText(4), currency: row.text(5))
        }
        var made: [Transaction] = []
        for head in heads {
            let splits = try rows("SELECT guid, account_guid, lot_guid, value_num, value_denom FROM splits WHERE tx_guid = ? ORDER BY guid",
                                  [.text(head.guid)]) {
                (guid: $0.text(0), account: $0.text(1), lot: $0.optionalText(2), num: $0.integer(3), denom: $0.integer(4))
            }
            let commodity = commodities[head.currency]
            made.append(Transaction(guid: head.guid, kind: head.kind, postedOn: Self.date(head.posted),
                                    number: head.number?.trimmingWhitespace(), description: head.description?.trimmingWhitespace(),
                                    currency: commodity?.code, fraction: commodity?.fraction ?? 100,
                                    receivableSplits: splits.filter { receivables.contains($0.account) }.map {
                                        Split(guid: $0.guid, lot: $0.lot.flatMap { $0.isEmpty ? nil : $0 }, value: ($0.num, $0.denom))
                                    }))
        }
        return made
    }

    /// The owner GnuCash wrote on a payment lot: its "gncOwner" frame's
    /// "gncOwner/owner-guid" slot.
    func lotOwner(_ lot: String) throws -> String? {
        try rows(
            """
            SELECT c.guid_val FROM slots f JOIN slots c ON c.obj_guid = f.guid_val AND c.name = ?
            WHERE f.obj_guid = ? AND f.name = ?
            """, [.text("gncOwner/owner-guid"), .text(lot), .text("gncOwner")]) { $0.optionalText(0) }.first ?? nil
    }
}
