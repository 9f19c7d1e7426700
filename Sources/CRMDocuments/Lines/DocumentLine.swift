import CRMStore

/// One line of a quote, job card, invoice or credit note: what, how many,
/// at what price, less what discount, with what tax, and the amounts the
/// rounding rule (`LineAmounts`) gives.
public struct DocumentLine: Sendable, Equatable {
    /// The catalogue product, or nil for a free-text line.
    public var productID: Int64?
    public var description: String
    /// Thousandths of a unit: 1500 is 1.5 hours.
    public var quantityMilli: Int64
    public var unitPriceMinor: Int64
    /// Basis points off the line: 1000 is 10%.
    public var discountBP: Int64
    /// Basis points of tax: 1500 is 15% VAT.
    public var taxRateBP: Int64
    public var netMinor: Int64
    public var taxMinor: Int64

    /// The line as its documented JSON object.
    public var json: JSONValue {
        .object([
            ("product_id", productID.map { .integer($0) } ?? .null),
            ("description", .string(description)),
            ("quantity_milli", .integer(quantityMilli)),
            ("unit_price_minor", .integer(unitPriceMinor)),
            ("discount_bp", .integer(discountBP)),
            ("tax_rate_bp", .integer(taxRateBP)),
            ("net_minor", .integer(netMinor)),
            ("tax_minor", .integer(taxMinor)),
        ])
    }

    /// The most lines one document may have.
    public static let maximumCount = 500

    /// A line as the host sent it: a product (whose name, price and tax rate
    /// are the defaults) or free text, and the figures it overrides.
    public struct Input: Sendable {
        public var productID: Int64?
        public var description: String?
        public var quantityMilli: Int64
        public var unitPriceMinor: Int64?
        public var discountBP: Int64
        public var taxRateBP: Int64?
    }

    /// Reads `lines`: `[{product_id?, description?, quantity_milli, unit_price_minor?,
    /// discount_bp?, tax_rate_bp?}]`, each checked and named (`lines[2].quantity_milli`).
    public static func read(_ arguments: inout Arguments, _ key: String = "lines") throws -> Presence<[Input]> {
        let context = arguments.context
        return try arguments.array(key, maximumCount: maximumCount) { value, name -> Input in
            guard case .object = value else { throw CRMError.invalid("\(context): \(name()) must be an object") }
            var fields = try Arguments(value, context: "\(context): \(name())")
            let input = Input(
                productID: try fields.id("product_id").value,
                description: try fields.string("description", length: 1...1000).value,
                quantityMilli: try fields.requiredInteger("quantity_milli", range: 1...1_000_000_000_000),
                unitPriceMinor: try fields.integer("unit_price_minor", range: 0...Int64.max).value,
                discountBP: try fields.integer("discount_bp", range: 0...10_000).value ?? 0,
                taxRateBP: try fields.integer("tax_rate_bp", range: 0...10_000).value)
            try fields.finish()
            return input
        }
    }

    /// The lines with the catalogue's defaults filled in and their amounts
    /// computed; a product must be active and priced in `currency`.
    /// - Throws: `.notFound` for an unknown product, `.invalid` for a line
    ///   without description or price, `.constraint` for an archived
    ///   product, `.range` when an amount does not fit; each names the line.
    public static func resolve(_ store: Store, _ inputs: [Input], currency: CurrencyCode, context: String) throws -> [DocumentLine] {
        var lines: [DocumentLine] = []
        lines.reserveCapacity(inputs.count)
        for (index, input) in inputs.enumerated() {
            let name = "\(context): lines[\(index)]"
            var description = input.description
            var price = input.unitPriceMinor
            var taxRate = input.taxRateBP
            if let productID = input.productID {
                guard let product = try ProductQueries.load(store, id: productID) else {
                    throw CRMError.notFound("\(name).product_id \(productID) is not a product")
                }
                if product.archivedAt != nil { throw CRMError.constraint("\(name).product_id \(productID) (\(product.code)) is archived") }
                if price == nil, product.currency != currency {
                    throw CRMError.invalid("\(name): product \(product.code) is priced in \(product.currency), the document is in \(currency); send unit_price_minor")
                }
                description = description ?? product.name
                price = price ?? product.unitPriceMinor
                taxRate = taxRate ?? product.taxRateBP
            }
            guard let description, !description.trimmingWhitespace().isEmpty else {
                throw CRMError.invalid("\(name).description is required for a line without a product")
            }
            guard let price else { throw CRMError.invalid("\(name).unit_price_minor is required for a line without a product") }
            let rate = taxRate ?? 0
            let (net, tax) = try LineAmounts.amounts(quantityMilli: input.quantityMilli, unitPriceMinor: price,
                                                     discountBP: input.discountBP, taxRateBP: rate, field: name)
            lines.append(DocumentLine(productID: input.productID, description: description, quantityMilli: input.quantityMilli,
                                      unitPriceMinor: price, discountBP: input.discountBP, taxRateBP: rate,
                                      netMinor: net, taxMinor: tax))
        }
        return lines
    }
}
