import CRMStore

/// The `product.*` commands: the catalogue document lines are priced from.
public enum ProductCommands {
    public static let all: [Command] = [
        Command("product.create", .write, create),
        Command("product.get", .read, get),
        Command("product.update", .write, update),
        Command("product.archive", .write, archive),
        Command("product.list", .read, list),
    ]

    /// `product.create`: a product with a code no other product has (in any case).
    static func create(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reference = try ExternalReference.read(&arguments)
        let changes = try ProductChanges.read(&arguments)
        try arguments.finish()
        guard changes.code.value != nil else { throw CRMError.invalid("\(context): code is required") }
        guard changes.name.value != nil else { throw CRMError.invalid("\(context): name is required") }
        guard changes.unitPriceMinor.value != nil else { throw CRMError.invalid("\(context): unit_price_minor is required") }
        var product = Product()
        _ = try changes.apply(to: &product, context: context)
        return try store.create("product", event: "product.created", reference: reference, content: product.json,
                                context: context, update: "product.update", load: {
            try ProductQueries.require(store, id: $0, context: context).json
        }) {
            if let other = try ProductQueries.id(store, code: product.code) {
                throw CRMError.conflict("\(context): code '\(product.code)' belongs to product \(other)")
            }
            product.id = try store.nextID("products")
            product.createdAt = store.clock.now()
            product.updatedAt = product.createdAt
            try ProductQueries.insert(store, product)
            return product.id
        } record: { references in
            product.externalRefs = references
            return product.json
        }
    }

    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "product", store: store)
        try arguments.finish()
        return try ProductQueries.require(store, id: id, context: arguments.context).json
    }

    /// `product.update`: new prices apply to lines made from now on; the
    /// documents made before keep theirs.
    static func update(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "product", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        let changes = try ProductChanges.read(&arguments)
        try arguments.finish()
        var product = try ProductQueries.require(store, id: id, context: context)
        try VersionCheck.check(expectedVersion, actual: product.version, record: product.label)
        if product.archivedAt != nil { throw CRMError.constraint("\(context): \(product.label) is archived") }
        let changed = try changes.apply(to: &product, context: "\(context): \(product.label)")
        guard !changed.isEmpty else { return product.json }
        if changed.contains("code"), let other = try ProductQueries.id(store, code: product.code, except: id) {
            throw CRMError.conflict("\(context): code '\(product.code)' belongs to product \(other)")
        }
        product.version = try VersionCheck.next(product.version, record: product.label)
        product.updatedAt = store.clock.now()
        try ProductQueries.update(store, product)
        try store.record(event: "product.updated", product.json.adding("changed", .array(changed.map { .string($0) })))
        return product.json
    }

    /// `product.archive`: no new line takes it; the documents that have it keep it.
    static func archive(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "product", store: store)
        try arguments.finish()
        var product = try ProductQueries.require(store, id: id, context: context)
        if product.archivedAt != nil { throw CRMError.constraint("\(context): \(product.label) is archived already") }
        product.archivedAt = store.clock.now()
        product.updatedAt = product.archivedAt ?? product.updatedAt
        product.version = try VersionCheck.next(product.version, record: product.label)
        try ProductQueries.update(store, product)
        try store.record(event: "product.archived", product.json)
        return product.json
    }

    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (limit, afterID) = try Page.read(&arguments)
        let kind = try arguments.choice("kind", Product.Kind.self).value?.rawValue
        let archived = try arguments.bool("archived").value
        try arguments.finish()
        let products = try ProductQueries.list(store, kind: kind, archived: archived, afterID: afterID, limit: limit + 1)
        return Page.json(products, limit: limit, record: \.json, cursor: { String($0.id) })
    }
}
