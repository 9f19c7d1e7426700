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
    var roles: AccountRoles
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

    /// The date beancount's `open` and `commodity` directives carry: before
    /// any posting, so a later export's earlier-dated history (an import)
    /// still finds its accounts open when the parts are read as one file.
    static let openingDate = CalendarDate("1970-01-01")!

    /// What one export wrote.
    struct Output {
        var text: String
        /// Balance assertions written.
        var assertions = 0
        /// Assertions left out because the balance could not be known right.
        var assertionsOmitted = 0
        /// Earlier assertions a backdated movement upsets in date order.
        var warnings: [String] = []
    }

    /// The journal text of `written`, standing on `state` (what the
    /// journal declared and the balances before it), and the state moved
    /// past it: declarations of what is new first, then one transaction per
    /// event, with balance assertions after payments where the balance is known.
    func write(_ written: [JournalTransaction], state: inout JournalState, fromSeq: Int64, toSeq: Int64) throws -> Output {
        var out = "; libcrm journal (\(format.rawValue)): events \(fromSeq + 1) to \(toSeq)\n"
        // First use: what earlier exports declared is not declared again.
        var commodities: [Currency] = []
        var accounts: [String] = []
        for transaction in written {
            if state.declare(commodity: transaction.currency.code) { commodities.append(transaction.currency) }
            for line in transaction.lines where state.declare(account: line.account) { accounts.append(line.account) }
        }
        if !commodities.isEmpty || !accounts.isEmpty || format == .ledger { out += "\n" }
        // ledger --strict wants the metadata tags declared (declaring again is harmless).
        if format == .ledger { out += "tag type\ntag event\ntag seq\n" }
        for currency in commodities {
            let example = currency.text(minor: Int128(1_000) * currency.minorUnitsPerUnit)
            switch format {
            case .ledger: out += "commodity \(currency.code)\n    format \(example)\n"
            case .hledger: out += "commodity \(example)\n"
            case .beancount: out += "\(Self.openingDate) commodity \(currency.code)\n"
            }
        }
        for account in accounts {
            switch format {
            case .ledger, .hledger: out += "account \(account)\n"
            case .beancount: out += "\(Self.openingDate) open \(account)\n"
            }
        }

        let plan = try assertionBalances(written, state: &state)
        var output = Output(text: "", assertionsOmitted: plan.omitted, warnings: plan.warnings)
        var asserted = Set<String>()
        for transaction in written {
            out += "\n" + entry(transaction)
            guard format == .beancount, transaction.asserts else { continue }
            for line in transaction.lines where line.isCustomerReceivable {
                // The balance at the start of the next day: everything dated up to this day.
                guard let next = transaction.date.adding(days: 1),
                      let balance = plan.balances[AssertionKey(seq: transaction.seq, account: line.account)],
                      asserted.insert("\(line.account) \(transaction.currency.code) \(next)").inserted else { continue }
                out += "\(next) balance \(line.account)  \(transaction.currency.text(minor: balance))\n"
                output.assertions += 1
                state.asserted(JournalState.Key(account: line.account, commodity: transaction.currency.code), through: next)
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
                   let balance = plan.balances[AssertionKey(seq: transaction.seq, account: line.account)] {
                    text += " = \(transaction.currency.text(minor: balance))"
                    output.assertions += 1
                    state.asserted(JournalState.Key(account: line.account, commodity: transaction.currency.code), through: transaction.date)
                }
                text += "\n"
            }
            return text
        }
        output.text = out
        state.lastSeq = toSeq
        return output
    }

    /// Which receivable line of which event an assertion follows.
    struct AssertionKey: Hashable {
        var seq: Int64
        var account: String
    }

    /// The balance each payment's receivable line asserts, as each format
    /// checks it: ledger in the order of the file (seq), hledger in date
    /// order (then seq), beancount at the end of the payment's day; each
    /// built on the state's balance. An assertion is left out (counted in
    /// `omitted`) when the state's balances are not known, or, in a
    /// date-ordered format, when a movement already written is dated after
    /// the payment (the state's sum then holds what the tool counts later).
    /// Moves the state's balances past `transactions`.
    func assertionBalances(_ transactions: [JournalTransaction], state: inout JournalState)
        throws -> (balances: [AssertionKey: Int128], omitted: Int, warnings: [String]) {
        struct Movement {
            var date: CalendarDate
            var seq: Int64
            var key: JournalState.Key
            var amount: Int64
            var asserts: Bool
        }
        var movements: [Movement] = []
        for transaction in transactions {
            for line in transaction.lines where line.isCustomerReceivable {
                // The currency is part of the key: an assertion is of one commodity.
                movements.append(Movement(date: transaction.date, seq: transaction.seq,
                                          key: JournalState.Key(account: line.account, commodity: transaction.currency.code),
                                          amount: line.amountMinor, asserts: transaction.asserts))
            }
        }
        let opening = state.balances
        var warnings: [String] = []
        var warned = Set<JournalState.Key>()
        for movement in movements where format != .ledger {
            // An assertion already written checks a day this movement falls before.
            if let through = opening[movement.key]?.assertedThrough, movement.date < through, warned.insert(movement.key).inserted {
                warnings.append("event \(movement.seq) is dated \(movement.date), before an assertion of \(movement.key.account) "
                    + "(\(movement.key.commodity)) an earlier export wrote for \(through): read in date order that assertion no longer holds")
            }
        }
        /// Whether the balance at the movement is known from the state.
        func known(_ movement: Movement) -> Bool {
            guard state.balancesKnown else { return false }
            guard format != .ledger, let before = opening[movement.key] else { return true }
            return before.lastDate <= movement.date
        }
        if format != .ledger {
            movements.sort { ($0.date, $0.seq) < ($1.date, $1.seq) }
        } else {
            movements.sort { $0.seq < $1.seq }
        }
        var running: [JournalState.Key: Int128] = [:]
        for (key, balance) in opening { running[key] = Int128(balance.minor) }
        var balances: [AssertionKey: Int128] = [:]
        var omitted = Set<String>()
        var endOfDay: [String: Int128] = [:]
        for movement in movements {
            running[movement.key, default: 0] += Int128(movement.amount)
            endOfDay["\(movement.key.account)\u{0}\(movement.key.commodity)\u{0}\(movement.date)"] = running[movement.key]
            guard movement.asserts, format != .beancount else { continue }
            if known(movement) {
                balances[AssertionKey(seq: movement.seq, account: movement.key.account)] = running[movement.key]
            } else {
                omitted.insert("\(movement.seq)\u{0}\(movement.key.account)")
            }
        }
        if format == .beancount {
            // The balance at the end of each asserting day.
            for movement in movements where movement.asserts {
                let day = "\(movement.key.account)\u{0}\(movement.key.commodity)\u{0}\(movement.date)"
                if known(movement) {
                    balances[AssertionKey(seq: movement.seq, account: movement.key.account)] = endOfDay[day]
                } else {
                    omitted.insert(day)
                }
            }
        }
        // Move the state: every movement in seq order, sums checked.
        for movement in movements.sorted(by: { $0.seq < $1.seq }) {
            try state.move(movement.key, by: movement.amount, on: movement.date)
        }
        return (balances, omitted.count, warnings)
    }
}
