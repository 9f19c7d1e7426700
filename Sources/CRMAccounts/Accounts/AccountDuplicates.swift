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

    /// The distinct three-letter pieces of a name key, padded at both ends.
    static func trigrams(_ key: String) -> Set<String> {
        let scalars = Array(" \(key) ".unicodeScalars)
        guard scalars.count >= 3 else { return [key] }
        var pieces = Set<String>()
        for start in 0...(scalars.count - 3) {
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: scalars[start..<(start + 3)])
            pieces.insert(String(piece))
        }
        return pieces
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

        // Similar names. Names at least 85% alike share most of their
        // three-letter pieces, so only pairs that share a third of them are
        // compared; pieces found in over 200 names ("ing", "tra") say nothing
        // and are skipped.
        let names = try store.connection.rows(
            "SELECT id, name_key FROM accounts WHERE archived_at IS NULL AND merged_into_id IS NULL ORDER BY id"
        ) { (id: $0.integer(0), key: $0.text(1)) }
        let grams = names.map { Self.trigrams($0.key) }
        var index: [String: [Int]] = [:]
        for (position, pieces) in grams.enumerated() {
            for piece in pieces { index[piece, default: []].append(position) }
        }
        for (i, name) in names.enumerated() {
            if let accountID, name.id != accountID { continue }
            var shared: [Int: Int] = [:]
            for piece in grams[i] {
                guard let holders = index[piece], holders.count <= 200 else { continue }
                for j in holders where j != i && (accountID != nil || j > i) { shared[j, default: 0] += 1 }
            }
            for (j, count) in shared where count * 3 >= min(grams[i].count, grams[j].count) {
                let similarity = Normalization.similarity(name.key, names[j].key)
                if similarity >= nameThreshold { note(name.id, names[j].id, "name", similarity: similarity) }
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
        return .object([("items", .array(items)), ("truncated", .bool(sorted.count > Int(limit)))])
    }
}
