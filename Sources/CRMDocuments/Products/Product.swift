import CRMStore

/// Something the business sells: a part, an hour of labour, a service or
/// goods, with the price and tax rate a document line takes by default.
public struct Product: Sendable {
    /// What kind of thing it is.
    public enum Kind: String, Sendable, CaseIterable {
        case part, labour, service, goods
    }

    public var id: Int64 = 0
    /// The host's stock or service code ("IBR-053"), unique.
    public var code = ""
    public var name = ""
    public var kind = Kind.goods
    /// "each", "hour", "m", "m2", "kg" ...
    public var unit = "each"
    public var unitPriceMinor: Int64 = 0
    public var currency = CurrencyCode.zar
    public var taxRateBP: Int64 = 0
    /// The ledger's revenue account for sales of it ("4000").
    public var revenueAccount: String?
    public var warrantyMonths: Int64 = 0
    public var archivedAt: Timestamp?
    public var externalRefs: [ExternalReference] = []
    public var version: Int64 = 1
    public var createdAt = Timestamp.epoch
    public var updatedAt = Timestamp.epoch

    public init() {}

    var label: String { "product \(id) (\(code))" }

    /// The product as its documented JSON record.
    public var json: JSONValue {
        .object([
            ("id", .integer(id)),
            ("code", .string(code)),
            ("name", .string(name)),
            ("kind", .string(kind.rawValue)),
            ("unit", .string(unit)),
            ("unit_price_minor", .integer(unitPriceMinor)),
            ("currency", .string(currency.code)),
            ("tax_rate_bp", .integer(taxRateBP)),
            ("revenue_account", .string(revenueAccount)),
            ("warranty_months", .integer(warrantyMonths)),
            ("archived", .bool(archivedAt != nil)),
            ("archived_at", archivedAt.map { .string($0.description) } ?? .null),
            ("external_refs", .array(externalRefs.map(\.json))),
            ("version", .integer(version)),
            ("created_at", .string(createdAt.description)),
            ("updated_at", .string(updatedAt.description)),
        ])
    }
}

/// The editable fields of a product as a create or update sent them.
struct ProductChanges {
    var code: Presence<String> = .absent
    var name: Presence<String> = .absent
    var kind: Presence<Product.Kind> = .absent
    var unit: Presence<String> = .absent
    var unitPriceMinor: Presence<Int64> = .absent
    var currency: Presence<String> = .absent
    var taxRateBP: Presence<Int64> = .absent
    var revenueAccount: Presence<String> = .absent
    var warrantyMonths: Presence<Int64> = .absent

    static func read(_ arguments: inout Arguments) throws -> ProductChanges {
        var changes = ProductChanges()
        changes.code = try arguments.string("code", length: 1...40)
        changes.name = try arguments.string("name", length: 1...200)
        changes.kind = try arguments.choice("kind", Product.Kind.self)
        changes.unit = try arguments.string("unit", length: 1...20)
        changes.unitPriceMinor = try arguments.integer("unit_price_minor", range: 0...Int64.max)
        changes.currency = try arguments.string("currency", length: 3...3)
        changes.taxRateBP = try arguments.integer("tax_rate_bp", range: 0...10_000)
        changes.revenueAccount = try arguments.string("revenue_account", length: 1...40)
        changes.warrantyMonths = try arguments.integer("warranty_months", range: 0...600)
        return changes
    }

    /// Applies the changes; returns the names of the fields that changed.
    /// - Throws: `.invalid` naming the field.
    func apply(to product: inout Product, context: String) throws -> [String] {
        var changed: [String] = []
        func set<T: Equatable>(_ field: String, _ current: inout T, _ value: T?) {
            if let value, value != current { current = value; changed.append(field) }
        }
        for (field, presence) in [("code", code), ("name", name), ("unit", unit)] {
            if let text = try presence.nonNull(field, context: context), text.trimmingWhitespace().isEmpty {
                throw CRMError.invalid("\(context): \(field) must not be blank")
            }
        }
        set("code", &product.code, try code.nonNull("code", context: context)?.trimmingWhitespace())
        set("name", &product.name, try name.nonNull("name", context: context)?.trimmingWhitespace())
        set("kind", &product.kind, try kind.nonNull("kind", context: context))
        set("unit", &product.unit, try unit.nonNull("unit", context: context)?.trimmingWhitespace())
        set("unit_price_minor", &product.unitPriceMinor, try unitPriceMinor.nonNull("unit_price_minor", context: context))
        if let code = try currency.nonNull("currency", context: context) {
            guard let known = Currency(code: code) else {
                throw CRMError.invalid("\(context): currency '\(code)' is not an active ISO 4217 currency code such as ZAR")
            }
            set("currency", &product.currency, known.currencyCode)
        }
        set("tax_rate_bp", &product.taxRateBP, try taxRateBP.nonNull("tax_rate_bp", context: context))
        revenueAccount.apply(to: &product.revenueAccount, field: "revenue_account", changed: &changed)
        set("warranty_months", &product.warrantyMonths, try warrantyMonths.nonNull("warranty_months", context: context))
        return changed
    }
}
