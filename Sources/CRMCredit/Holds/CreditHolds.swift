import CRMStore

/// Credit holds: placed by hand (`credit.hold`) or by credit control when
/// an account falls outside a policy that says `hold` (the change observer
/// on the document chain's receivables events, and `credit.review`);
/// released by hand, or by itself when the account is back inside policy.
enum CreditHolds {
    static let all: [Command] = [
        Command("credit.hold", .write, hold),
        Command("credit.release", .write, release),
        Command("credit.holds", .read, list),
        Command("credit.review", .write, review),
    ]

    static let columns = """
        id, account_id, kind, reasons, placed_by, reason, placed_at, released_at, released_by, release_reason, released_with, version
        """

    static func json(_ row: Row) -> JSONValue {
        let releasedAt = row.optionalText(7)
        return .object([
            ("id", .integer(row.integer(0))), ("account_id", .integer(row.integer(1))), ("kind", .string(row.text(2))),
            ("status", .string(releasedAt == nil ? "open" : "released")),
            ("reasons", JSONValue.encoded(row.text(3)).decoded), ("placed_by", .string(row.optionalText(4))), ("reason", .string(row.optionalText(5))),
            ("placed_at", .string(row.text(6))), ("released_at", .string(releasedAt)), ("released_by", .string(row.optionalText(8))),
            ("release_reason", .string(row.optionalText(9))), ("released_with", row.optionalText(10).map { JSONValue.encoded($0).decoded } ?? .null),
            ("version", .integer(row.integer(11))),
        ])
    }

    static func load(_ store: Store, id: Int64) throws -> JSONValue {
        try store.connection.row("SELECT \(columns) FROM credit_holds WHERE id = ?", [.integer(id)], json) ?? .null
    }

    /// Places a hold and records `credit.held`.
    static func place(_ store: Store, accountID: Int64, kind: String, reasons: JSONValue, user: String?, reason: String?) throws -> JSONValue {
        let id = try store.nextID("credit_holds")
        try store.connection.run(
            """
            INSERT INTO credit_holds (id, account_id, kind, reasons, placed_by, reason, placed_at, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.integer(id), .integer(accountID), .text(kind), .text(JSONWriter.string(reasons)), .text(user), .text(reason),
                  .text(store.clock.now().description), .integer(1)])
        let record = try load(store, id: id)
        try store.record(event: "credit.held", record)
        return record
    }

    /// Releases open holds of an account (only the automatic ones unless
    /// `manualToo`) and records `credit.released` for each.
    static func releaseOpen(_ store: Store, accountID: Int64, manualToo: Bool, user: String?, reason: String,
                            with: JSONValue?) throws -> [JSONValue] {
        let ids = try store.connection.rows(
            "SELECT id FROM credit_holds WHERE account_id = ? AND released_at IS NULL AND (? = 1 OR kind = ?) ORDER BY id",
            [.integer(accountID), .integer(manualToo ? 1 : 0), .text("automatic")]) { $0.integer(0) }
        var released: [JSONValue] = []
        for id in ids {
            try store.connection.run(
                """
                UPDATE credit_holds SET released_at = ?, released_by = ?, release_reason = ?, released_with = ?, version = version + 1
                WHERE id = ?
                """, [.text(store.clock.now().description), .text(user), .text(reason), .text(with.map(JSONWriter.string)), .integer(id)])
            let record = try load(store, id: id)
            try store.record(event: "credit.released", record)
            released.append(record)
        }
        return released
    }

    /// Re-evaluates one account: places an automatic hold when it is outside
    /// a policy that says `hold` at some stage and it has no open hold;
    /// releases its automatic holds when it is back inside policy.
    static func reevaluate(_ store: Store, accountID: Int64, asOf: CalendarDate, cause: JSONValue?)
        throws -> (placed: JSONValue?, released: [JSONValue]) {
        guard let account = try? CreditEvaluation.account(store, accountID, context: "credit") else { return (nil, []) }
        let standing = try CreditEvaluation.evaluate(store, account: account, stage: nil, asOf: asOf, document: nil)
        let holdsSomewhere = CreditStage.allCases.contains { standing.policy.action($0) == .hold }
        if standing.outsidePolicy {
            if holdsSomewhere && !standing.onHold {
                return (try place(store, accountID: accountID, kind: "automatic", reasons: .array(standing.reasons), user: nil,
                                  reason: "outside credit policy"), [])
            }
            return (nil, [])
        }
        guard standing.onHold else { return (nil, []) }
        return (nil, try releaseOpen(store, accountID: accountID, manualToo: false, user: nil, reason: "back inside policy", with: cause))
    }

    /// The events of the document chain that change an account's receivables.
    static let observer = ChangeObserver(
        ["invoice.issued", "invoice.recorded", "invoice.paid", "invoice.reopened", "invoice.credited", "payment.reversed"]
    ) { store, type, record in
        guard case .integer(let accountID)? = record["account_id"] else { return }
        // A store that never configured credit and holds nothing skips the work.
        if try !PolicyQueries.anyConfigured(store), try !CreditEvaluation.isOnHold(store, accountID: accountID) { return }
        var cause: [(String, JSONValue)] = [("event", .string(type))]
        if type.hasPrefix("invoice.") {
            cause.append(("invoice_id", record["id"] ?? .null))
            if let payment = record["payment_id"] { cause.append(("payment_id", payment)) }
            if let note = record["credit_note_id"] { cause.append(("credit_note_id", note)) }
        } else {
            cause.append(("payment_id", record["id"] ?? .null))
        }
        _ = try reevaluate(store, accountID: accountID, asOf: store.clock.now().date, cause: .object(cause))
    }

    /// Reads `account_id`, `user` and `reason`, all required.
    private static func readManual(_ store: Store, _ arguments: inout Arguments) throws -> (Int64, String, String) {
        let context = arguments.context
        let accountID = try arguments.id("account_id").value
        let user = try arguments.string("user", length: 1...100).value
        let reason = try arguments.string("reason", length: 1...500).value
        try arguments.finish()
        guard let accountID else { throw CRMError.invalid("\(context): account_id is required") }
        guard let user, !user.trimmingWhitespace().isEmpty else { throw CRMError.invalid("\(context): user is required") }
        guard let reason, !reason.trimmingWhitespace().isEmpty else { throw CRMError.invalid("\(context): reason is required") }
        _ = try CreditEvaluation.account(store, accountID, context: context)
        return (accountID, user.trimmingWhitespace(), reason.trimmingWhitespace())
    }

    /// `credit.hold {account_id, user, reason}`: a manual hold, released only
    /// by `credit.release`. Event `credit.held`.
    static func hold(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (accountID, user, reason) = try readManual(store, &arguments)
        return try place(store, accountID: accountID, kind: "manual",
                         reasons: .array([.object([("rule", .string("manual")), ("message", .string(reason))])]), user: user, reason: reason)
    }

    /// `credit.release {account_id, user, reason}`: releases every open hold
    /// of the account. `CRM_CONSTRAINT` when it has none. Event
    /// `credit.released` per hold.
    static func release(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let (accountID, user, reason) = try readManual(store, &arguments)
        guard try CreditEvaluation.isOnHold(store, accountID: accountID) else {
            throw CRMError.constraint("\(context): account \(accountID) is not on credit hold")
        }
        let released = try releaseOpen(store, accountID: accountID, manualToo: true, user: user, reason: reason, with: nil)
        return .object([("account_id", .integer(accountID)), ("released", .array(released))])
    }

    /// `credit.holds {account_id?, open?, limit?, cursor?}`: holds, oldest first.
    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let accountID = try arguments.id("account_id").value
        let open = try arguments.bool("open").value
        let (limit, afterID) = try Page.read(&arguments)
        try arguments.finish()
        var conditions = ListConditions()
        conditions.equal("account_id", accountID)
        conditions.add("released_at IS NULL", when: open == true)
        conditions.add("released_at IS NOT NULL", when: open == false)
        let rows = try store.connection.rows(
            "SELECT \(columns) FROM credit_holds WHERE id > ?\(conditions.sql) ORDER BY id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit + 1)]) { (json($0), $0.integer(0)) }
        return Page.json(rows.map(\.0), ids: rows.map(\.1), limit: limit)
    }

    /// `credit.review {as_of?}`: the daily run. Re-evaluates every account
    /// with open invoices or an open automatic hold on `as_of` (default
    /// today); answers the holds placed and released.
    static func review(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let asOf = try arguments.date("as_of").value ?? store.clock.now().date
        try arguments.finish()
        var placed: [JSONValue] = []
        var released: [JSONValue] = []
        let accounts = try store.connection.rows(
            """
            SELECT DISTINCT account_id FROM (
                SELECT account_id FROM invoices WHERE status = ? OR status = ?
                UNION SELECT account_id FROM credit_holds WHERE released_at IS NULL AND kind = ?
            ) t ORDER BY account_id
            """, [.text("issued"), .text("partially_paid"), .text("automatic")]) { $0.integer(0) }
        if try PolicyQueries.anyConfigured(store) {
            for accountID in accounts {
                let outcome = try reevaluate(store, accountID: accountID, asOf: asOf,
                                             cause: .object([("event", .string("credit.review")), ("as_of", .string(asOf.description))]))
                if let hold = outcome.placed { placed.append(hold) }
                released += outcome.released
            }
        }
        return .object([("as_of", .string(asOf.description)), ("placed", .array(placed)), ("released", .array(released))])
    }
}
