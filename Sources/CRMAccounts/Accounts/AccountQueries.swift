import CRMStore

/// Every SQL statement about accounts, in the subset SQLite and PostgreSQL
/// share; the tag filter reads the tags array through the connection's
/// dialect. Values are always bound.
enum AccountQueries {
    static let columns = """
        id, name, kind, strategic, national, size_band, segment, region, currency, payment_terms_days,
        credit_limit_minor, owner, status, parent_account_id, tax_number, email, phone, website, notes,
        archived_at, merged_into_id, version, created_at, updated_at, tags_json, addresses_json
        """

    /// Maps a row selected with `columns` (references are loaded apart).
    static func account(_ row: Row) -> Account {
        var account = Account()
        account.id = row.integer(0)
        account.name = row.text(1)
        account.kind = Account.Kind(rawValue: row.text(2)) ?? .business
        account.strategic = row.bool(3)
        account.national = row.bool(4)
        account.sizeBand = row.optionalText(5).flatMap(Account.SizeBand.init(rawValue:))
        account.segment = row.optionalText(6)
        account.region = row.optionalText(7)
        account.currency = CurrencyCode(row.text(8)) ?? .zar
        account.paymentTermsDays = row.integer(9)
        account.creditLimitMinor = row.optionalInteger(10)
        account.owner = row.optionalText(11)
        account.status = Account.Status(rawValue: row.text(12)) ?? .prospect
        account.parentAccountID = row.optionalInteger(13)
        account.taxNumber = row.optionalText(14)
        account.email = row.optionalText(15)
        account.phone = row.optionalText(16)
        account.website = row.optionalText(17)
        account.notes = row.optionalText(18)
        account.archivedAt = row.optionalText(19).flatMap(Timestamp.init(rfc3339:))
        account.mergedIntoID = row.optionalInteger(20)
        account.version = row.integer(21)
        account.createdAt = Timestamp(rfc3339: row.text(22)) ?? .epoch
        account.updatedAt = Timestamp(rfc3339: row.text(23)) ?? .epoch
        account.storedTags = StoredList(storedText: row.text(24))
        account.storedAddresses = StoredList(storedText: row.text(25))
        return account
    }

    /// The whole account, or nil.
    static func load(_ store: Store, id: Int64) throws -> Account? {
        guard var account = try store.connection.row("SELECT \(columns) FROM accounts WHERE id = ?", [.integer(id)], account) else {
            return nil
        }
        try loadParts(store, into: &account)
        return account
    }

    /// The whole account, or `.notFound` naming it.
    static func require(_ store: Store, id: Int64, context: String) throws -> Account {
        guard let account = try load(store, id: id) else { throw CRMError.notFound("\(context): account \(id) not found") }
        return account
    }

    /// Fills the external references.
    static func loadParts(_ store: Store, into account: inout Account) throws {
        account.externalRefs = try ExternalReferences.references(store, recordType: "account", recordID: account.id)
    }

    /// The row's values; the tags and addresses are written to text here,
    /// once, and kept for the record returned.
    private static func values(_ account: inout Account) -> [SQLValue] {
        account.storedTags = StoredList(storedText: account.storedTags.storedText)
        account.storedAddresses = StoredList(storedText: account.storedAddresses.storedText)
        return [
            .text(account.name), .text(Normalization.nameKey(account.name)), .text(account.kind.rawValue),
            .bool(account.strategic), .bool(account.national), .text(account.sizeBand?.rawValue), .text(account.segment),
            .text(account.region), .text(account.currency.code), .integer(account.paymentTermsDays),
            .integer(account.creditLimitMinor), .text(account.owner), .text(account.status.rawValue),
            .integer(account.parentAccountID), .text(account.taxNumber), .text(account.taxNumber.map(Normalization.taxNumber)),
            .text(account.email), .text(account.email.map(Normalization.email)), .text(account.phone),
            .text(account.phone.map(Normalization.phone)), .text(account.website), .text(account.notes),
            .text(account.archivedAt?.description), .integer(account.mergedIntoID), .integer(account.version),
            .text(account.updatedAt.description), .text(account.storedTags.storedText), .text(account.storedAddresses.storedText),
        ]
    }

    /// Inserts a new account.
    static func insert(_ store: Store, _ account: inout Account) throws {
        try store.connection.run(
            """
            INSERT INTO accounts (name, name_key, kind, strategic, national, size_band, segment, region, currency,
                payment_terms_days, credit_limit_minor, owner, status, parent_account_id, tax_number, tax_number_key,
                email, email_key, phone, phone_key, website, notes, archived_at, merged_into_id, version, updated_at,
                tags_json, addresses_json, id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            values(&account) + [.integer(account.id), .text(account.createdAt.description)])
    }

    /// Writes every field of an existing account.
    static func update(_ store: Store, _ account: inout Account) throws {
        try store.connection.run(
            """
            UPDATE accounts SET name = ?, name_key = ?, kind = ?, strategic = ?, national = ?, size_band = ?,
                segment = ?, region = ?, currency = ?, payment_terms_days = ?, credit_limit_minor = ?, owner = ?,
                status = ?, parent_account_id = ?, tax_number = ?, tax_number_key = ?, email = ?, email_key = ?,
                phone = ?, phone_key = ?, website = ?, notes = ?, archived_at = ?, merged_into_id = ?, version = ?,
                updated_at = ?, tags_json = ?, addresses_json = ?
            WHERE id = ?
            """,
            values(&account) + [.integer(account.id)])
    }

    /// Filters of `account.list`; nil means "any".
    struct ListFilter {
        var status: String?
        var kind: String?
        var segment: String?
        var region: String?
        var owner: String?
        var tag: String?
        var parentAccountID: Int64?
        var strategic: Bool?
        /// Only accounts with a reference from this source (the system they came from).
        var source: String?
        var includeArchived = false
    }

    /// Up to `limit` accounts with an id above `afterID`, oldest first.
    static func list(_ store: Store, _ filter: ListFilter, afterID: Int64, limit: Int64) throws -> [Account] {
        var conditions = ListConditions()
        conditions.equal("a.status", filter.status)
        conditions.equal("a.kind", filter.kind)
        conditions.equal("a.segment", filter.segment)
        conditions.equal("a.region", filter.region)
        conditions.equal("a.owner", filter.owner)
        conditions.equal("a.parent_account_id", filter.parentAccountID)
        conditions.equal("a.strategic", filter.strategic.map { $0 ? 1 : 0 })
        conditions.add(store.connection.dialect.jsonArrayContains("a.tags_json"), [.text(filter.tag)], when: filter.tag != nil)
        conditions.add("EXISTS (SELECT 1 FROM crm_external_refs r WHERE r.record_type = ? AND r.record_id = a.id AND r.source = ?)",
                       [.text("account"), .text(filter.source)], when: filter.source != nil)
        conditions.add("a.archived_at IS NULL", when: !filter.includeArchived)
        var accounts = try store.connection.rows(
            "SELECT \(columns) FROM accounts a WHERE a.id > ?\(conditions.sql) ORDER BY a.id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit)], account)
        for index in accounts.indices { try loadParts(store, into: &accounts[index]) }
        return accounts
    }

    /// Whether `ancestor` is `id` or one of its parents (guards against cycles).
    static func isAncestor(_ store: Store, _ ancestor: Int64, of id: Int64) throws -> Bool {
        var current: Int64? = id
        var steps = 0
        while let node = current, steps < 1000 {
            if node == ancestor { return true }
            current = try store.connection.integer("SELECT parent_account_id FROM accounts WHERE id = ?", [.integer(node)])
            steps += 1
        }
        return false
    }
}
