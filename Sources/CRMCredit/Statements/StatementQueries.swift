import CRMStore

/// The SQL of `account.statement`: what moved an account's balance, from
/// the dated records of the document chain. Every value is bound; sums are
/// taken in Swift.
enum StatementQueries {
    /// What moves a balance, in the order a day's lines are listed.
    enum Kind: Int, Comparable {
        case invoice, creditNote, payment, refund, paymentReversal

        /// The line's `type`.
        var name: String {
            switch self {
            case .invoice: return "invoice"
            case .creditNote: return "credit_note"
            case .payment: return "payment"
            case .refund: return "refund"
            case .paymentReversal: return "payment_reversal"
            }
        }

        /// Whether it adds to what the customer owes (a debit) or takes off
        /// it (a credit).
        var isDebit: Bool { self == .invoice || self == .refund || self == .paymentReversal }

        static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// One line of a statement.
    struct Entry {
        var date: CalendarDate
        var kind: Kind
        /// The invoice's, credit note's or payment's id (a refund's payment).
        var recordID: Int64
        /// A refund's own id, to order two refunds of a payment on a day.
        var order: Int64 = 0
        var number: String?
        var reference: String?
        var description: String
        var amountMinor: Int64
    }

    /// The lines dated from `from` to `to` of an account in `currency`:
    /// invoices issued (not drafts), credit notes issued, payments received,
    /// refunds paid, payments reversed; by date, then in `Kind` order, then by id.
    static func entries(_ store: Store, accountID: Int64, currency: String, from: CalendarDate, to: CalendarDate) throws -> [Entry] {
        let account = SQLValue.integer(accountID), code = SQLValue.text(currency)
        let first = SQLValue.text(from.description), last = SQLValue.text(to.description)
        var entries: [Entry] = []
        entries += try store.connection.rows(
            """
            SELECT issued_on, id, number, total_minor FROM invoices
            WHERE account_id = ? AND currency = ? AND status <> ? AND issued_on >= ? AND issued_on <= ?
            """, [account, code, .text("draft"), first, last]) { row in
            let number = row.optionalText(2)
            return CalendarDate(row.text(0)).map {
                Entry(date: $0, kind: .invoice, recordID: row.integer(1), number: number,
                      description: "Invoice \(number ?? "#\(row.integer(1))")", amountMinor: row.integer(3))
            }
        }.compactMap { $0 }
        entries += try store.connection.rows(
            """
            SELECT n.issued_on, n.id, n.number, n.total_minor, i.number FROM credit_notes n
            JOIN invoices i ON i.id = n.invoice_id
            WHERE n.account_id = ? AND n.currency = ? AND n.status = ? AND n.issued_on >= ? AND n.issued_on <= ?
            """, [account, code, .text("issued"), first, last]) { row in
            let number = row.optionalText(2)
            let invoice = row.optionalText(4).map { " against invoice \($0)" } ?? ""
            return CalendarDate(row.text(0)).map {
                Entry(date: $0, kind: .creditNote, recordID: row.integer(1), number: number,
                      description: "Credit note \(number ?? "#\(row.integer(1))")\(invoice)", amountMinor: row.integer(3))
            }
        }.compactMap { $0 }
        entries += try store.connection.rows(
            """
            SELECT received_on, id, reference, amount_minor, method FROM payments
            WHERE account_id = ? AND currency = ? AND received_on >= ? AND received_on <= ?
            """, [account, code, first, last]) { row in
            let reference = row.optionalText(2)
            return CalendarDate(row.text(0)).map {
                Entry(date: $0, kind: .payment, recordID: row.integer(1), reference: reference,
                      description: "Payment received (\(row.text(4)))\(reference.map { ", reference \($0)" } ?? "")",
                      amountMinor: row.integer(3))
            }
        }.compactMap { $0 }
        entries += try store.connection.rows(
            """
            SELECT r.refunded_on, r.payment_id, p.reference, r.amount_minor, r.id, r.reason FROM payment_refunds r
            JOIN payments p ON p.id = r.payment_id
            WHERE p.account_id = ? AND p.currency = ? AND r.refunded_on >= ? AND r.refunded_on <= ?
            """, [account, code, first, last]) { row in
            let reference = row.optionalText(2)
            return CalendarDate(row.text(0)).map {
                Entry(date: $0, kind: .refund, recordID: row.integer(1), order: row.integer(4), reference: reference,
                      description: "Refund\(row.optionalText(5).map { ": \($0)" } ?? "")", amountMinor: row.integer(3))
            }
        }.compactMap { $0 }
        entries += try store.connection.rows(
            """
            SELECT reversed_on, id, reference, amount_minor, reversal_reason FROM payments
            WHERE account_id = ? AND currency = ? AND reversed_on >= ? AND reversed_on <= ?
            """, [account, code, first, last]) { row in
            let reference = row.optionalText(2)
            return CalendarDate(row.text(0)).map {
                Entry(date: $0, kind: .paymentReversal, recordID: row.integer(1), reference: reference,
                      description: "Payment reversed\(row.optionalText(4).map { ": \($0)" } ?? "")", amountMinor: row.integer(3))
            }
        }.compactMap { $0 }
        return entries.sorted {
            ($0.date, $0.kind, $0.recordID, $0.order) < ($1.date, $1.kind, $1.recordID, $1.order)
        }
    }

    /// What the account owed in `currency` at the end of the day before
    /// `day`: invoices issued less credit notes issued, less payments
    /// received, plus refunds paid and payments reversed, each dated before `day`.
    static func balance(_ store: Store, accountID: Int64, currency: String, before day: CalendarDate) throws -> Int128 {
        let account = SQLValue.integer(accountID), code = SQLValue.text(currency), date = SQLValue.text(day.description)
        let sums = try store.connection.row(
            """
            SELECT
                (SELECT CAST(SUM(total_minor) AS BIGINT) FROM invoices
                 WHERE account_id = ? AND currency = ? AND status <> ? AND issued_on < ?),
                (SELECT CAST(SUM(total_minor) AS BIGINT) FROM credit_notes
                 WHERE account_id = ? AND currency = ? AND status = ? AND issued_on < ?),
                (SELECT CAST(SUM(amount_minor) AS BIGINT) FROM payments
                 WHERE account_id = ? AND currency = ? AND received_on < ?),
                (SELECT CAST(SUM(r.amount_minor) AS BIGINT) FROM payment_refunds r JOIN payments p ON p.id = r.payment_id
                 WHERE p.account_id = ? AND p.currency = ? AND r.refunded_on < ?),
                (SELECT CAST(SUM(amount_minor) AS BIGINT) FROM payments
                 WHERE account_id = ? AND currency = ? AND reversed_on < ?)
            """,
            [account, code, .text("draft"), date, account, code, .text("issued"), date, account, code, date,
             account, code, date, account, code, date]) { row in
            (0..<5).map { Int128(row.optionalInteger(Int32($0)) ?? 0) }
        } ?? [0, 0, 0, 0, 0]
        return sums[0] - sums[1] - sums[2] + sums[3] + sums[4]
    }

    /// The account's name and its billing address (else its first; null
    /// when it has none), or nil when there is no such account. The address
    /// comes from `account.get`, which reads the accounts module's storage.
    static func account(_ store: Store, id: Int64) throws -> (name: String, address: JSONValue)? {
        guard let name = try store.connection.row("SELECT name FROM accounts WHERE id = ?", [.integer(id)], { $0.text(0) }) else {
            return nil
        }
        var address = JSONValue.null
        if store.hasCommand("account.get"),
           case .array(let items)? = try store.invoke("account.get", .object([("id", .integer(id))]))["addresses"]?.decoded {
            let billing = items.first { item in
                if case .string("billing")? = item["kind"]?.decoded { return true }
                return false
            }
            address = billing ?? items.first ?? .null
        }
        return (name, address)
    }
}
