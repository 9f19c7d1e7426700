import CRMStore

/// `account.search`: find open accounts by name, e-mail, phone, tax number
/// or the host's external reference, from one query string. E-mail, phone,
/// tax number and reference are index lookups; the name is a substring
/// search, run only for a query that can be a name (no "@", and a letter or
/// fewer than six digits). The best
/// matches come first, up to `limit`; `truncated` says more matched: a
/// narrower query finds them (a search is not paged: its order is by match
/// kind, not by a key a cursor could hold).
enum AccountSearch {
    static func search(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let query = try arguments.requiredString("query", length: 1...200)
        let limit = try arguments.integer("limit", range: 1...100).value ?? 20
        try arguments.finish()

        var found: [(id: Int64, matchedOn: String)] = []
        func add(_ ids: [Int64], _ reason: String) {
            for id in ids where !found.contains(where: { $0.id == id }) { found.append((id, reason)) }
        }
        let open = "archived_at IS NULL AND merged_into_id IS NULL"
        add(try store.connection.rows(
            "SELECT record_id FROM crm_external_refs WHERE record_type = 'account' AND external_ref = ? ORDER BY record_id",
            [.text(query)]) { $0.integer(0) }, "external_ref")
        let taxKey = Normalization.taxNumber(query)
        if taxKey.count >= 4 {
            add(try store.connection.rows("SELECT id FROM accounts WHERE tax_number_key = ? AND \(open) ORDER BY id",
                                          [.text(taxKey)]) { $0.integer(0) }, "tax_number")
        }
        if query.contains("@") {
            add(try store.connection.rows("SELECT id FROM accounts WHERE email_key = ? AND \(open) ORDER BY id",
                                          [.text(Normalization.email(query))]) { $0.integer(0) }, "email")
        }
        let phoneKey = Normalization.phone(query)
        if phoneKey.count >= 6 {
            add(try store.connection.rows("SELECT id FROM accounts WHERE phone_key = ? AND \(open) ORDER BY id",
                                          [.text(phoneKey)]) { $0.integer(0) }, "phone")
        }
        // A name is searched by substring, which reads every open account's
        // name key: only for a query that can be a name. An e-mail address,
        // or six digits or more without a letter (a phone, a tax number), is
        // matched by its index lookups above, whatever the size of the book.
        let nameKey = Normalization.nameKey(query)
        if !nameKey.isEmpty, mayBeAName(query) {
            let pattern = "%" + escapeLike(nameKey) + "%"
            add(try store.connection.rows(
                "SELECT id FROM accounts WHERE name_key LIKE ? ESCAPE '\\' AND \(open) ORDER BY name_key, id LIMIT ?",
                [.text(pattern), .integer(limit + 1)]) { $0.integer(0) }, "name")
        }
        // One more than the limit is looked for, so the answer can say
        // whether more accounts match than it shows.
        var items: [JSONValue] = []
        for (id, reason) in found where items.count <= Int(limit) {
            // A reference can name an archived account: show open accounts only.
            guard let account = try AccountQueries.load(store, id: id),
                  account.archivedAt == nil, account.mergedIntoID == nil else { continue }
            items.append(account.json.adding("matched_on", .string(reason)))
        }
        return .object([("items", .array(Array(items.prefix(Int(limit))))), ("truncated", .bool(items.count > Int(limit)))])
    }

    /// Whether a query can be (part of) a name: no "@", and a letter or
    /// fewer than six digits ("100%" can be; "021 555 0199" cannot).
    static func mayBeAName(_ query: String) -> Bool {
        guard !query.contains("@") else { return false }
        if query.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) { return true }
        return query.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count < 6
    }

    /// The text with LIKE's wildcards escaped, so user input matches literally.
    static func escapeLike(_ text: String) -> String {
        var output = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { output.append("\\") }
            output.append(character)
        }
        return output
    }
}
