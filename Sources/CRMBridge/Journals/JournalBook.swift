import CRMStore

/// One money-moving event as a journal transaction.
struct JournalTransaction {
    struct Line {
        var account: String
        /// Debit positive, credit negative, in minor units.
        var amountMinor: Int64
        var isCustomerReceivable: Bool
    }

    var seq: Int64
    var eventType: String
    var date: CalendarDate
    var code: String
    var memo: String
    var currency: Currency
    var lines: [Line]

    /// "invoice", "credit_note", "payment", ...: the event type's first word.
    var kind: String { String(eventType.prefix { $0 != "." }) }
    /// A payment touching a customer's receivable: a balance assertion follows.
    var asserts: Bool { kind == "payment" && lines.contains(where: \.isCustomerReceivable) }
}

/// Turns events into transactions and writes them in one format.
struct JournalBook {
    let format: JournalFormat
    let roles: AccountRoles
    let customerName: (Int64) -> String?

    /// The event's posting as a transaction; nil for an event without one.
    /// - Throws: `.internal` for a posting that cannot be read (libcrm wrote it: a bug).
    mutating func transaction(_ event: Event) throws -> JournalTransaction? {
        let record = event.record.decoded
        guard let posting = record["posting"], posting != .null else { return nil }
        let problem = CRMError(.internal, "internal: bridge.export_journal: the posting of event \(event.seq) (\(event.type)) cannot be read")
        guard case .string(let dateText)? = posting["date"], let date = CalendarDate(dateText),
              case .array(let lines)? = posting["lines"] else { throw problem }
        let memo: String
        if case .string(let text)? = posting["memo"] { memo = text } else { memo = event.type }
        var customer: String?
        if case .integer(let id)? = record["account_id"] {
            customer = "\(customerName(id) ?? "Customer") \(id)"
        }
        var currency: Currency?
        var made: [JournalTransaction.Line] = []
        for line in lines {
            guard case .string(let code)? = line["account"], case .string(let currencyCode)? = line["currency"],
                  let lineCurrency = Currency(code: currencyCode) else { throw problem }
            guard currency == nil || currency?.code == lineCurrency.code else { throw problem }
            currency = lineCurrency
            let amount: Int64
            if case .integer(let debit)? = line["debit_minor"] {
                amount = debit
            } else if case .integer(let credit)? = line["credit_minor"], credit != Int64.min {
                amount = -credit
            } else {
                throw problem
            }
            let role = roles.role(code)
            let isCustomerReceivable = role == .receivable && customer != nil
            made.append(.init(account: account(code, role: role, customer: isCustomerReceivable ? customer : nil),
                              amountMinor: amount, isCustomerReceivable: isCustomerReceivable))
        }
        guard let currency, !made.isEmpty else { return nil }
        return JournalTransaction(seq: event.seq, eventType: event.type, date: date, code: documentCode(event.type, record),
                                  memo: memo, currency: currency, lines: made)
    }

    /// The document's number, or "PAY-<id>" for a payment.
    func documentCode(_ type: String, _ record: JSONValue) -> String {
        if case .string(let number)? = record["number"], !number.isEmpty { return number }
        if case .integer(let id)? = record["id"] {
            return type.hasPrefix("payment.") ? "PAY-\(id)" : "\(type.prefix { $0 != "." }.uppercased())-\(id)"
        }
        return "EVENT"
    }

    /// The account of a code by its role: receivables, bank, tax, customer
    /// credit or revenue, a customer's own under the receivable.
    func account(_ code: String, role: AccountRoles.Role, customer: String?) -> String {
        switch role {
        case .receivable: return format.account(["Assets", "Receivable", code] + (customer.map { [$0] } ?? []))
        case .bank: return format.account(["Assets", "Bank", code])
        case .taxPayable: return format.account(["Liabilities", "Tax", code])
        case .customerCredit: return format.account(["Liabilities", "CustomerCredit", code])
        case .revenue: return format.account(["Income", "Revenue", code])
        }
    }

    /// The journal text: declarations of what the range uses first, then
    /// one transaction per event, with balance assertions after payments.
    func text(before: [JournalTransaction], written: [JournalTransaction], fromSeq: Int64, toSeq: Int64) -> String {
        var out = "; libcrm journal (\(format.rawValue)): events \(fromSeq + 1) to \(toSeq)\n"
        // First use: what earlier exports declared is not declared again.
        var knownAccounts = Set(before.flatMap { $0.lines.map(\.account) })
        var knownCommodities = Set(before.map { $0.currency.code })
        var commodities: [(Currency, CalendarDate)] = []
        var accounts: [(String, CalendarDate)] = []
        for transaction in written {
            if !knownCommodities.contains(transaction.currency.code) {
                knownCommodities.insert(transaction.currency.code)
                commodities.append((transaction.currency, transaction.date))
            } else if let index = commodities.firstIndex(where: { $0.0.code == transaction.currency.code }), transaction.date < commodities[index].1 {
                commodities[index].1 = transaction.date
            }
            for line in transaction.lines {
                if !knownAccounts.contains(line.account) {
                    knownAccounts.insert(line.account)
                    accounts.append((line.account, transaction.date))
                } else if let index = accounts.firstIndex(where: { $0.0 == line.account }), transaction.date < accounts[index].1 {
                    accounts[index].1 = transaction.date
                }
            }
        }
        if !commodities.isEmpty || !accounts.isEmpty || format == .ledger { out += "\n" }
        // ledger --strict wants the metadata tags declared (declaring again is harmless).
        if format == .ledger { out += "tag type\ntag event\ntag seq\n" }
        for (currency, date) in commodities {
            let example = currency.text(minor: Int128(1_000) * power(currency.minorUnitDigits))
            switch format {
            case .ledger: out += "commodity \(currency.code)\n    format \(example)\n"
            case .hledger: out += "commodity \(example)\n"
            case .beancount: out += "\(date) commodity \(currency.code)\n"
            }
        }
        for (account, date) in accounts {
            switch format {
            case .ledger, .hledger: out += "account \(account)\n"
            case .beancount: out += "\(date) open \(account)\n"
            }
        }

        // Receivable balances of everything known, for the assertions.
        let balances = assertionBalances(before + written)
        var asserted = Set<String>()
        for transaction in written {
            out += "\n" + entry(transaction)
            guard format == .beancount, transaction.asserts else { continue }
            for line in transaction.lines where line.isCustomerReceivable {
                // The balance at the start of the next day: everything dated up to this day.
                guard let next = transaction.date.adding(days: 1),
                      asserted.insert("\(line.account) \(transaction.currency.code) \(next)").inserted,
                      let balance = balances[AssertionKey(seq: transaction.seq, account: line.account)] else { continue }
                out += "\(next) balance \(line.account)  \(transaction.currency.text(minor: balance))\n"
            }
        }
        func entry(_ transaction: JournalTransaction) -> String {
            var text: String
            switch format {
            case .ledger, .hledger:
                text = "\(transaction.date) (\(format.code(transaction.code))) \(format.narration(transaction.memo))\n"
                text += "    ; type: \(transaction.kind)\n    ; event: \(transaction.eventType)\n    ; seq: \(transaction.seq)\n"
            case .beancount:
                text = "\(transaction.date) * \"\(format.narration(transaction.memo))\" ^\(format.code(transaction.code)) #\(format.code(transaction.kind))\n"
                text += "  type: \"\(transaction.kind)\"\n  event: \"\(transaction.eventType)\"\n  seq: \(transaction.seq)\n"
            }
            for line in transaction.lines {
                let indent = format == .beancount ? "  " : "    "
                text += "\(indent)\(line.account)  \(transaction.currency.text(minor: Int128(line.amountMinor)))"
                if transaction.asserts && line.isCustomerReceivable && format != .beancount,
                   let balance = balances[AssertionKey(seq: transaction.seq, account: line.account)] {
                    text += " = \(transaction.currency.text(minor: balance))"
                }
                text += "\n"
            }
            return text
        }
        return out
    }

    /// Which receivable line of which event an assertion follows.
    struct AssertionKey: Hashable {
        var seq: Int64
        var account: String
    }

    /// The balance each payment's receivable line asserts, as each format
    /// checks it: ledger in the order of the file (seq), hledger in date
    /// order (then seq), beancount at the end of the payment's day. One
    /// pass over the customers' receivable lines, sorted once.
    func assertionBalances(_ transactions: [JournalTransaction]) -> [AssertionKey: Int128] {
        struct Movement {
            var date: CalendarDate
            var seq: Int64
            var account: String
            var amount: Int64
            var asserts: Bool
        }
        var movements: [Movement] = []
        for transaction in transactions {
            for line in transaction.lines where line.isCustomerReceivable {
                // The currency is part of the account's key: an assertion is of one commodity.
                movements.append(Movement(date: transaction.date, seq: transaction.seq,
                                          account: line.account + "\u{0}" + transaction.currency.code,
                                          amount: line.amountMinor, asserts: transaction.asserts))
            }
        }
        if format != .ledger {
            movements.sort { ($0.date, $0.seq) < ($1.date, $1.seq) }
        } else {
            movements.sort { $0.seq < $1.seq }
        }
        var running: [String: Int128] = [:]
        var balances: [AssertionKey: Int128] = [:]
        var pendingOfDay: [(key: AssertionKey, account: String)] = []
        for movement in movements {
            running[movement.account, default: 0] += Int128(movement.amount)
            let key = AssertionKey(seq: movement.seq, account: String(movement.account.prefix { $0 != "\u{0}" }))
            guard movement.asserts else { continue }
            if format == .beancount {
                pendingOfDay.append((key, movement.account))
            } else {
                balances[key] = running[movement.account]
            }
        }
        guard format == .beancount else { return balances }
        // Beancount: the balance at the end of each asserting day.
        var endOfDay: [String: Int128] = [:]
        running.removeAll()
        var dayOfSeq: [Int64: CalendarDate] = [:]
        for movement in movements {
            running[movement.account, default: 0] += Int128(movement.amount)
            endOfDay["\(movement.account)\u{0}\(movement.date)"] = running[movement.account]
            dayOfSeq[movement.seq] = movement.date
        }
        for (key, account) in pendingOfDay {
            if let date = dayOfSeq[key.seq] { balances[key] = endOfDay["\(account)\u{0}\(date)"] }
        }
        return balances
    }

    func power(_ digits: Int) -> Int128 {
        var value: Int128 = 1
        for _ in 0..<digits { value *= 10 }
        return value
    }
}
