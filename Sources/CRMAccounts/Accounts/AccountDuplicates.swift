import CRMStore

/// `account.duplicates`: pairs of open accounts that look like the same
/// customer: the same normalized e-mail, phone or tax number, or a similar name.
enum AccountDuplicates {
    /// Names at least this alike count as a duplicate.
    static let nameThreshold = 0.85

    /// One suspected pair.
    struct Pair {
        var accountID: Int64
        var duplicateID: Int64
        var reasons: [String] = []
        var nameSimilarity = 0.0
    }

    static func find(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let accountID = try arguments.id("account_id").value
        let limit = try arguments.integer("limit", range: 1...500).value ?? 100
        try arguments.finish()
        if let accountID { _ = try AccountQueries.require(store, id: accountID, context: arguments.context) }

        var pairs: [String: Pair] = [:]
        var order: [String] = []
        func note(_ a: Int64, _ b: Int64, _ reason: String, similarity: Double) {
            // With account_id, that account is always the first of the pair.
            let (first, second) = accountID == b ? (b, a) : (accountID == a ? (a, b) : (min(a, b), max(a, b)))
            let key = "\(first)-\(second)"
            var pair = pairs[key] ?? Pair(accountID: first, duplicateID: second)
            if pairs[key] == nil { order.append(key) }
            if !pair.reasons.contains(reason) { pair.reasons.append(reason) }
            pair.nameSimilarity = max(pair.nameSimilarity, similarity)
            pairs[key] = pair
        }

        let open = "a.archived_at IS NULL AND a.merged_into_id IS NULL AND b.archived_at IS NULL AND b.merged_into_id IS NULL"
        // Short values (extensions, short codes) do not count.
        for (reason, column, shortest) in [("tax_number", "tax_number_key", 4), ("email", "email_key", 3), ("phone", "phone_key", 7)] {
            let rows = try store.connection.rows(
                """
                SELECT a.id, b.id FROM accounts a JOIN accounts b ON a.\(column) = b.\(column) AND a.id < b.id
                WHERE \(open) AND length(a.\(column)) >= ? AND (? IS NULL OR a.id = ? OR b.id = ?)
                ORDER BY a.id, b.id
                """,
                [.integer(Int64(shortest)), .integer(accountID), .integer(accountID), .integer(accountID)]) { ($0.integer(0), $0.integer(1)) }
            for (a, b) in rows {
                note(a, b, reason, similarity: 0)
            }
        }

        // Similar names: compare within blocks of names that share their first three letters.
        let names = try store.connection.rows(
            "SELECT id, name_key FROM accounts WHERE archived_at IS NULL AND merged_into_id IS NULL ORDER BY name_key, id"
        ) { ($0.integer(0), $0.text(1)) }
        var blocks: [String: [(Int64, String)]] = [:]
        for (id, key) in names { blocks[String(key.prefix(3)), default: []].append((id, key)) }
        for block in blocks.values where block.count > 1 {
            for i in block.indices {
                for j in block.indices where j > i {
                    let (a, keyA) = block[i], (b, keyB) = block[j]
                    if let accountID, a != accountID && b != accountID { continue }
                    let similarity = Normalization.similarity(keyA, keyB)
                    if similarity >= nameThreshold { note(a, b, "name", similarity: similarity) }
                }
            }
        }

        let sorted = order.compactMap { pairs[$0] }.sorted {
            ($0.accountID, $0.duplicateID) < ($1.accountID, $1.duplicateID)
        }
        let items: [JSONValue] = sorted.prefix(Int(limit)).map { pair in
            .object([
                ("account_id", .integer(pair.accountID)),
                ("duplicate_id", .integer(pair.duplicateID)),
                ("reasons", .array(pair.reasons.map { .string($0) })),
                ("name_similarity", .double((pair.nameSimilarity * 100).rounded() / 100)),
            ])
        }
        return .object([("items", .array(items))])
    }
}
