import CRMStore

/// A record's JSON turned into what a Mustache template needs (documented in
/// docs/COMMANDS.md, "Rendering documents"). The rules apply at every level,
/// so a document type added later gets the same fields for the same suffixes:
///
/// - `X_minor` (money): `X_minor` the raw integer as text, `X` formatted
///   with the currency's decimals ("1 450.00"), `has_X` whether it is not zero;
/// - `X_milli` (thousandths): `X_milli` raw, `X` "1.500", `X_short` "1.5";
/// - `X_bp` (basis points): `X_bp` raw, `X` "15%";
/// - dates (any "2026-12-05" value): `X` as it is, `X_long` "5 December 2026";
/// - `X_at` (timestamps): `X_at` RFC 3339, `X_at_date` its day, `X_at_long` "5 December 2026";
/// - other integers as text, strings as they are, booleans as booleans;
///   null fields are left out (so `{{#notes}}...{{/notes}}` tests for them);
/// - arrays: each object in it gets `number` (1, 2, ...), `first` and
///   `last`; `has_X` says whether the array has elements; an array of
///   strings also gives `X_list`, its items joined by ", ".
///
/// Integers are given as text, never as numbers, so a template sees the
/// same digits whatever renders it.
public struct DocumentViewModel {
    /// Decimals of the document's currency.
    public var digits: Int

    public init(digits: Int) { self.digits = digits }

    /// The view model of a JSON object (a record); a value that is not an
    /// object gives an empty model.
    public func object(_ value: JSONValue) -> [String: Any] {
        guard case .object(let fields) = value.decoded else { return [:] }
        var model: [String: Any] = [:]
        for (key, field) in fields { add(key, field.decoded, to: &model) }
        return model
    }

    private func add(_ key: String, _ value: JSONValue, to model: inout [String: Any]) {
        switch value {
        case .null:
            return
        case .bool(let flag):
            model[key] = flag
        case .integer(let number):
            model[key] = String(number)
            if let name = key.strippingSuffix("_minor") {
                model[name] = DocumentFormat.money(number, digits: digits)
                model["has_" + name] = number != 0
            } else if let name = key.strippingSuffix("_milli") {
                model[name] = DocumentFormat.quantity(number)
                model[name + "_short"] = DocumentFormat.shortQuantity(number)
            } else if let name = key.strippingSuffix("_bp") {
                model[name] = DocumentFormat.percent(number)
            }
        case .bigInteger(let text):
            model[key] = text
        case .double(let number):
            model[key] = String(number)
        case .string(let text):
            model[key] = text
            if text.utf8.count == 10, let long = DocumentFormat.longDate(text) {
                model[key + "_long"] = long
            } else if key.hasSuffix("_at"), text.utf8.count >= 10 {
                let day = String(text.prefix(10))
                if let long = DocumentFormat.longDate(day) {
                    model[key + "_date"] = day
                    model[key + "_long"] = long
                }
            }
        case .array(let items):
            model["has_" + key] = !items.isEmpty
            var strings: [String] = []
            var converted: [Any] = []
            for (index, item) in items.enumerated() {
                let item = item.decoded
                if case .object = item {
                    var element = object(item)
                    element["number"] = String(index + 1)
                    element["first"] = index == 0
                    element["last"] = index == items.count - 1
                    converted.append(element)
                } else {
                    var scalar: [String: Any] = [:]
                    add("value", item, to: &scalar)
                    if let text = scalar["value"] as? String { strings.append(text) }
                    if let value = scalar["value"] { converted.append(value) }
                }
            }
            model[key] = converted
            if !strings.isEmpty, strings.count == converted.count { model[key + "_list"] = strings.joined(separator: ", ") }
        case .object:
            model[key] = object(value)
        case .encoded:
            model[key] = object(value)
        }
    }

    /// An address object's lines for printing: line1, line2, city, region
    /// and postal code on one line, the country.
    static func addressLines(_ address: JSONValue?) -> [String] {
        guard let address, case .object = address.decoded else { return [] }
        func text(_ key: String) -> String? {
            if case .string(let value)? = address[key]?.decoded, !value.isEmpty { return value }
            return nil
        }
        let place = [text("city"), text("region"), text("postal_code")].compactMap { $0 }.joined(separator: " ")
        return [text("line1"), text("line2"), place.isEmpty ? nil : place, text("country")].compactMap { $0 }
    }
}

extension String {
    func strippingSuffix(_ suffix: String) -> String? {
        guard hasSuffix(suffix), utf8.count > suffix.utf8.count else { return nil }
        return String(dropLast(suffix.count))
    }
}
