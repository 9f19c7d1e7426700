import CRMStore

/// The `calllist.*` commands: telemarketing lists built from a filter over
/// leads or customers.
public enum CallListCommands {
    public static let all: [Command] = [
        Command("calllist.build", .write, build),
        Command("calllist.get", .read, get),
    ]

    /// The most calls one list may hold.
    static let maximumEntries = 5000

    /// One person to call, or to skip.
    struct Candidate {
        var leadID: Int64?
        var accountID: Int64?
        var contactID: Int64?
        var owner: String?
        var skip: CallList.SkipReason?
    }

    /// `calllist.build {from, name, region?, segment?, kind?,
    /// last_contact_before?, owner?, due_at?, source?, external_ref?}`: a
    /// call activity per reachable phone number; contacts whose phone
    /// consent is opted out and people without a number are skipped and
    /// counted. With the host's reference, the same build again answers the
    /// list made then (`"replayed": true`) instead of a second list.
    static func build(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        guard let origin = try arguments.choice("from", CallList.Origin.self).value else {
            throw CRMError.invalid("\(context): from is required (leads or accounts)")
        }
        let name = try arguments.requiredString("name", length: 1...200)
        let region = try arguments.string("region", length: 1...100).value
        let segment = try arguments.string("segment", length: 1...100).value
        let kind = try arguments.choice("kind", ["business", "consumer", "dealer", "distributor"]).value
        let lastContactBefore = try arguments.date("last_contact_before").value
        let owner = try arguments.string("owner", length: 1...100).value
        let dueAt = try arguments.timestamp("due_at").value
        try arguments.finish()
        if name.trimmingWhitespace().isEmpty { throw CRMError.invalid("\(context): name must not be blank") }
        if origin == .leads, segment != nil { throw CRMError.invalid("\(context): segment applies to accounts only, not leads") }
        if origin == .leads, kind != nil { throw CRMError.invalid("\(context): kind applies to accounts only, not leads") }
        let request: JSONValue = .object([
            ("from", .string(origin.rawValue)), ("name", .string(name)), ("region", .string(region)),
            ("segment", .string(segment)), ("kind", .string(kind)), ("last_contact_before", .string(lastContactBefore?.description)),
            ("owner", .string(owner)), ("due_at", .string(dueAt?.description)),
        ])
        var result = JSONValue.null
        return try store.create("call_list", event: "calllist.built", reference: reference, content: request, context: context,
                                update: nil, load: { id in
            guard let list = try load(store, id: id) else { throw CRMError.notFound("\(context): call list \(id) not found") }
            return try summary(store, list)
        }) {
            result = try make(store, origin: origin, name: name, region: region, segment: segment, kind: kind,
                              lastContactBefore: lastContactBefore, owner: owner, dueAt: dueAt, context: context)
            return result["id"].flatMap { if case .integer(let id) = $0 { id } else { nil } } ?? 0
        } record: { _ in result }
    }

    /// Checks the filter's calls, then writes the list, its skips and its calls.
    private static func make(_ store: Store, origin: CallList.Origin, name: String, region: String?, segment: String?, kind: String?,
                             lastContactBefore: CalendarDate?, owner: String?, dueAt: Timestamp?, context: String) throws -> JSONValue {
        let before = lastContactBefore.map { Timestamp(startOf: $0).description }
        let candidates = origin == .leads
            ? try leads(store, region: region, before: before)
            : try accounts(store, region: region, segment: segment, kind: kind, before: before)
        let calls = candidates.filter { $0.skip == nil }
        if calls.count > maximumEntries {
            throw CRMError.range("\(context): the filter finds \(calls.count) calls, at most \(maximumEntries) allowed in one list; narrow it")
        }
        // Checked; now written.
        var list = CallList()
        list.id = try store.nextID("call_lists")
        list.name = name
        list.origin = origin
        list.filter = .object([
            ("region", .string(region)), ("segment", .string(segment)), ("kind", .string(kind)),
            ("last_contact_before", .string(lastContactBefore?.description)),
        ])
        list.owner = owner
        list.entryCount = Int64(calls.count)
        list.skippedCount = Int64(candidates.count - calls.count)
        list.createdAt = store.clock.now()
        try store.connection.run(
            """
            INSERT INTO call_lists (id, name, built_from, filter_json, owner, entry_count, skipped_count, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(list.id), .text(list.name), .text(origin.rawValue), .text(JSONWriter.string(list.filter)), .text(owner),
             .integer(list.entryCount), .integer(list.skippedCount), .text(list.createdAt.description)])
        var position: Int64 = 0
        for candidate in candidates {
            if let reason = candidate.skip {
                position += 1
                try store.connection.run(
                    "INSERT INTO call_list_skips (call_list_id, position, lead_id, account_id, contact_id, reason) VALUES (?, ?, ?, ?, ?, ?)",
                    [.integer(list.id), .integer(position), .integer(candidate.leadID), .integer(candidate.accountID),
                     .integer(candidate.contactID), .text(reason.rawValue)])
                continue
            }
            var activity = Activity()
            activity.kind = .call
            activity.subject = "Call list: \(name)".prefix(200).description
            activity.leadID = candidate.leadID
            activity.accountID = candidate.accountID
            activity.contactID = candidate.contactID
            activity.owner = owner ?? candidate.owner
            activity.dueAt = dueAt
            activity.callListID = list.id
            activity.id = try store.nextID("activities")
            activity.createdAt = list.createdAt
            activity.updatedAt = list.createdAt
            try ActivityQueries.insert(store, activity)
        }
        return list.json.adding("skipped", skipCounts(candidates))
    }

    /// A stored list as `calllist.build` answered it.
    private static func summary(_ store: Store, _ list: CallList) throws -> JSONValue {
        let counts = try store.connection.rows(
            "SELECT reason, count(*) FROM call_list_skips WHERE call_list_id = ? GROUP BY reason", [.integer(list.id)]
        ) { ($0.text(0), $0.integer(1)) }
        return list.json.adding("skipped", .object(CallList.SkipReason.allCases.map { reason in
            (reason.rawValue, .integer(counts.first { $0.0 == reason.rawValue }?.1 ?? 0))
        }))
    }

    /// The list of that id, without its entries.
    private static func load(_ store: Store, id: Int64) throws -> CallList? {
        try store.connection.row(
            "SELECT id, name, built_from, filter_json, owner, entry_count, skipped_count, created_at FROM call_lists WHERE id = ?",
            [.integer(id)], { row -> CallList in
                var list = CallList()
                list.id = row.integer(0)
                list.name = row.text(1)
                list.origin = CallList.Origin(rawValue: row.text(2)) ?? .accounts
                list.filter = (try? JSONParser.parse(Array(row.text(3).utf8), what: "filter")) ?? .object([])
                list.owner = row.optionalText(4)
                list.entryCount = row.integer(5)
                list.skippedCount = row.integer(6)
                list.createdAt = Timestamp(rfc3339: row.text(7)) ?? .epoch
                return list
            })
    }

    private static func skipCounts(_ candidates: [Candidate]) -> JSONValue {
        .object(CallList.SkipReason.allCases.map { reason in
            (reason.rawValue, .integer(Int64(candidates.filter { $0.skip == reason }.count)))
        })
    }

    /// Open leads (new, contacted or qualified) of the filter, by id.
    private static func leads(_ store: Store, region: String?, before: String?) throws -> [Candidate] {
        try store.connection.rows(
            """
            SELECT l.id, l.owner, l.phone FROM leads l
            WHERE (l.status = 'new' OR l.status = 'contacted' OR l.status = 'qualified') AND (? IS NULL OR l.region = ?)
              AND (? IS NULL OR NOT EXISTS (SELECT 1 FROM activities a WHERE a.lead_id = l.id AND a.status = 'done' AND a.completed_at >= ?))
            ORDER BY l.id
            """,
            [.text(region), .text(region), .text(before), .text(before)]
        ) { row in
            Candidate(leadID: row.integer(0), owner: row.optionalText(1), skip: row.optionalText(2) == nil ? .noPhone : nil)
        }
    }

    /// The contacts (not archived or erased) of open accounts of the filter,
    /// by account and contact; an account without contacts is called on its own number.
    private static func accounts(_ store: Store, region: String?, segment: String?, kind: String?, before: String?) throws -> [Candidate] {
        let tagged = store.connection.dialect.jsonArrayContains("x.tags_json")
        let found = try store.connection.rows(
            """
            SELECT x.id, x.owner, x.phone FROM accounts x
            WHERE x.archived_at IS NULL AND x.merged_into_id IS NULL AND (? IS NULL OR x.region = ?) AND (? IS NULL OR x.kind = ?)
              AND (? IS NULL OR x.segment = ? OR \(tagged))
              AND (? IS NULL OR NOT EXISTS (SELECT 1 FROM interactions i WHERE i.account_id = x.id AND i.occurred_at >= ?))
            ORDER BY x.id
            """,
            [.text(region), .text(region), .text(kind), .text(kind), .text(segment), .text(segment), .text(segment),
             .text(before), .text(before)]
        ) { row in (id: row.integer(0), owner: row.optionalText(1), phone: row.optionalText(2)) }
        var candidates: [Candidate] = []
        for account in found {
            let contacts = try store.connection.rows(
                """
                SELECT c.id, c.phone, c.mobile,
                    (SELECT s.status FROM contact_consents s WHERE s.contact_id = c.id AND s.channel = 'phone'
                     ORDER BY s.recorded_at DESC, s.id DESC LIMIT 1)
                FROM contacts c WHERE c.account_id = ? AND c.archived_at IS NULL AND c.erased_at IS NULL ORDER BY c.id
                """, [.integer(account.id)]
            ) { row -> Candidate in
                let skip: CallList.SkipReason? = row.optionalText(3) == "opted_out" ? .optedOut
                    : (row.optionalText(1) == nil && row.optionalText(2) == nil ? .noPhone : nil)
                return Candidate(accountID: account.id, contactID: row.integer(0), owner: account.owner, skip: skip)
            }
            if contacts.isEmpty {
                candidates.append(Candidate(accountID: account.id, owner: account.owner, skip: account.phone == nil ? .noPhone : nil))
            } else {
                candidates += contacts
            }
        }
        return candidates
    }

    /// `calllist.get {id}` → the list with `"entries"` (each call with its
    /// activity's status and outcome, and the number to call as it is now)
    /// and `"skipped"` (who was left out and why).
    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let id = try arguments.id("id").value else { throw CRMError.invalid("\(context): id is required") }
        try arguments.finish()
        guard let list = try load(store, id: id) else {
            throw CRMError.notFound("\(context): call list \(id) not found")
        }
        let entries = try store.connection.rows(
            """
            SELECT a.id, a.lead_id, a.account_id, a.contact_id, COALESCE(c.phone, c.mobile, l.phone, x.phone), a.owner, a.status,
                a.outcome, a.minutes_spent, a.completed_at
            FROM activities a
            LEFT JOIN contacts c ON c.id = a.contact_id
            LEFT JOIN leads l ON l.id = a.lead_id
            LEFT JOIN accounts x ON x.id = a.account_id AND a.contact_id IS NULL
            WHERE a.call_list_id = ? ORDER BY a.id
            """, [.integer(id)]
        ) { row -> JSONValue in
            .object([
                ("activity_id", .integer(row.integer(0))), ("lead_id", .integer(row.optionalInteger(1))),
                ("account_id", .integer(row.optionalInteger(2))), ("contact_id", .integer(row.optionalInteger(3))),
                ("phone", .string(row.optionalText(4))), ("owner", .string(row.optionalText(5))), ("status", .string(row.text(6))),
                ("outcome", .string(row.optionalText(7))), ("minutes_spent", .integer(row.optionalInteger(8))),
                ("completed_at", .string(row.optionalText(9))),
            ])
        }
        let skipped = try store.connection.rows(
            "SELECT lead_id, account_id, contact_id, reason FROM call_list_skips WHERE call_list_id = ? ORDER BY position",
            [.integer(id)]
        ) { row -> JSONValue in
            .object([
                ("lead_id", .integer(row.optionalInteger(0))), ("account_id", .integer(row.optionalInteger(1))),
                ("contact_id", .integer(row.optionalInteger(2))), ("reason", .string(row.text(3))),
            ])
        }
        return list.json.adding("entries", .array(entries)).adding("skipped", .array(skipped))
    }
}
