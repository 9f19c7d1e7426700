import CRMStore

/// Who a lead may already be: existing leads, customers (accounts) and
/// people at customers (contacts) with the same normalized e-mail or phone,
/// the same person's name, or the same company, found through indexed keys
/// only (so capture stays fast however large the book), with the
/// normalization the accounts module uses.
enum LeadDuplicates {
    /// One suspected match.
    struct Match {
        var recordType: String
        var id: Int64
        var reasons: [String]

        var json: JSONValue {
            .object([("record_type", .string(recordType)), ("id", .integer(id)), ("reasons", .array(reasons.map { .string($0) }))])
        }
    }

    /// Matches found per kind of record, at most this many per key.
    static let limitPerKey: Int64 = 20

    /// The records `lead` looks like, leads first, then accounts, then contacts.
    static func find(_ store: Store, _ lead: Lead) throws -> [Match] {
        let keys = LeadQueries.keys(lead)
        var matches: [Match] = []
        func add(_ type: String, _ ids: [Int64], _ reason: String) {
            for id in ids where !(type == "lead" && id == lead.id) {
                if let index = matches.firstIndex(where: { $0.recordType == type && $0.id == id }) {
                    if !matches[index].reasons.contains(reason) { matches[index].reasons.append(reason) }
                } else {
                    matches.append(Match(recordType: type, id: id, reasons: [reason]))
                }
            }
        }
        func ids(_ sql: String, _ key: String?) throws -> [Int64] {
            guard let key else { return [] }
            return try store.connection.rows(sql, [.text(key), .integer(limitPerKey)]) { $0.integer(0) }
        }
        add("lead", try ids("SELECT id FROM leads WHERE email_key = ? ORDER BY id LIMIT ?", keys.email), "email")
        add("lead", try ids("SELECT id FROM leads WHERE phone_key = ? ORDER BY id LIMIT ?", keys.phone), "phone")
        add("lead", try ids("SELECT id FROM leads WHERE name_key = ? ORDER BY id LIMIT ?", keys.name), "name")
        add("lead", try ids("SELECT id FROM leads WHERE company_key = ? ORDER BY id LIMIT ?", keys.company), "company")
        let open = "archived_at IS NULL AND merged_into_id IS NULL"
        add("account", try ids("SELECT id FROM accounts WHERE email_key = ? AND \(open) ORDER BY id LIMIT ?", keys.email), "email")
        add("account", try ids("SELECT id FROM accounts WHERE phone_key = ? AND \(open) ORDER BY id LIMIT ?", keys.phone), "phone")
        add("account", try ids("SELECT id FROM accounts WHERE name_key = ? AND \(open) ORDER BY id LIMIT ?", keys.company), "company")
        add("contact", try ids("SELECT id FROM contacts WHERE email_key = ? AND erased_at IS NULL ORDER BY id LIMIT ?", keys.email), "email")
        add("contact", try ids("SELECT id FROM contacts WHERE phone_key = ? AND erased_at IS NULL ORDER BY id LIMIT ?", keys.phone), "phone")
        let order = ["lead": 0, "account": 1, "contact": 2]
        return matches.sorted { ((order[$0.recordType] ?? 3), $0.id) < ((order[$1.recordType] ?? 3), $1.id) }
    }
}

/// What happens when a new lead looks like a record already held.
enum DuplicatePolicy: String, CaseIterable {
    /// The lead is made and the create result lists the matches (the default).
    case warn
    /// The create is refused with CRM_CONFLICT naming the matches; nothing is written.
    case refuse

    static func current(_ store: Store) throws -> DuplicatePolicy {
        let stored = try store.connection.row("SELECT value FROM lead_settings WHERE key = 'duplicate_policy'", []) { $0.text(0) }
        return stored.flatMap(DuplicatePolicy.init(rawValue:)) ?? .warn
    }
}
