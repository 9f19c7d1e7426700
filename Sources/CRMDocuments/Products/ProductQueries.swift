import CRMStore

/// The SQL of the product catalogue, in the subset both engines share.
enum ProductQueries {
    static let columns = """
        id, code, name, kind, unit, unit_price_minor, currency, tax_rate_bp, revenue_account, warranty_months,
        archived_at, version, created_at, updated_at
        """

    static func product(_ row: Row) -> Product {
        var product = Product()
        product.id = row.integer(0)
        product.code = row.text(1)
        product.name = row.text(2)
        product.kind = Product.Kind(rawValue: row.text(3)) ?? .goods
        product.unit = row.text(4)
        product.unitPriceMinor = row.integer(5)
        product.currency = Currency(code: row.text(6))?.currencyCode ?? .zar
        product.taxRateBP = row.integer(7)
        product.revenueAccount = row.optionalText(8)
        product.warrantyMonths = row.integer(9)
        product.archivedAt = row.optionalText(10).flatMap { Timestamp(rfc3339: $0) }
        product.version = row.integer(11)
        product.createdAt = Timestamp(rfc3339: row.text(12)) ?? .epoch
        product.updatedAt = Timestamp(rfc3339: row.text(13)) ?? .epoch
        return product
    }

    static func load(_ store: Store, id: Int64) throws -> Product? {
        guard var product = try store.connection.row("SELECT \(columns) FROM products WHERE id = ?", [.integer(id)], product) else {
            return nil
        }
        product.externalRefs = try ExternalReferences.references(store, recordType: "product", recordID: id)
        return product
    }

    static func require(_ store: Store, id: Int64, context: String) throws -> Product {
        guard let product = try load(store, id: id) else { throw CRMError.notFound("\(context): product \(id) not found") }
        return product
    }

    /// The product that has this code (in any case), other than `except`.
    static func id(_ store: Store, code: String, except: Int64 = 0) throws -> Int64? {
        try store.connection.row("SELECT id FROM products WHERE code_key = ? AND id <> ?",
                                 [.text(code.uppercased()), .integer(except)]) { $0.integer(0) }
    }

    private static func values(_ product: Product) -> [SQLValue] {
        [
            .text(product.code), .text(product.code.uppercased()), .text(product.name), .text(product.kind.rawValue),
            .text(product.unit), .integer(product.unitPriceMinor), .text(product.currency.code), .integer(product.taxRateBP),
            .text(product.revenueAccount), .integer(product.warrantyMonths), .text(product.archivedAt?.description),
            .integer(product.version), .text(product.updatedAt.description),
        ]
    }

    static func insert(_ store: Store, _ product: Product) throws {
        try store.connection.run(
            """
            INSERT INTO products (code, code_key, name, kind, unit, unit_price_minor, currency, tax_rate_bp, revenue_account,
                warranty_months, archived_at, version, updated_at, id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, values(product) + [.integer(product.id), .text(product.createdAt.description)])
    }

    static func update(_ store: Store, _ product: Product) throws {
        try store.connection.run(
            """
            UPDATE products SET code = ?, code_key = ?, name = ?, kind = ?, unit = ?, unit_price_minor = ?, currency = ?,
                tax_rate_bp = ?, revenue_account = ?, warranty_months = ?, archived_at = ?, version = ?, updated_at = ?
            WHERE id = ?
            """, values(product) + [.integer(product.id)])
    }

    /// Up to `limit` products with an id above `afterID`, by id.
    static func list(_ store: Store, kind: String?, archived: Bool?, afterID: Int64, limit: Int64) throws -> [Product] {
        var conditions = ListConditions()
        conditions.equal("kind", kind)
        conditions.add("archived_at IS NOT NULL", when: archived == true)
        conditions.add("archived_at IS NULL", when: archived == false)
        var products = try store.connection.rows(
            "SELECT \(columns) FROM products WHERE id > ?\(conditions.sql) ORDER BY id LIMIT ?",
            [.integer(afterID)] + conditions.values + [.integer(limit)], product)
        let references = try ExternalReferences.references(store, recordType: "product", recordIDs: products.map(\.id))
        for index in products.indices { products[index].externalRefs = references[products[index].id] ?? [] }
        return products
    }
}
