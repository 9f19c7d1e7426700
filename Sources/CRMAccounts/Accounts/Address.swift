import CRMStore

/// A postal or physical address of an account or contact.
public struct Address: Sendable, Equatable {
    /// What the address is for.
    public enum Kind: String, Sendable, CaseIterable {
        case billing, shipping, physical, postal
    }

    public var kind: Kind
    public var line1: String
    public var line2: String?
    public var city: String?
    public var region: String?
    public var postalCode: String?
    /// ISO 3166-1 alpha-2 ("ZA").
    public var country: String?

    /// Reads an address object; `context` names it in errors ("addresses[0]").
    static func read(_ value: JSONValue, context: String) throws -> Address {
        var arguments = try Arguments(value, context: context)
        let kind = try arguments.choice("kind", Kind.self).value ?? .billing
        let line1 = try arguments.requiredString("line1", length: 1...200)
        let country = try arguments.string("country", length: 1...20).value
        if let country, country.utf8.count != 2 || !country.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
            throw CRMError.invalid("\(context): country must be an ISO 3166 alpha-2 code such as ZA; got '\(country)'")
        }
        if let country, Country(code: country) == nil {
            throw CRMError.invalid("\(context): country '\(country)' is not an ISO 3166-1 alpha-2 country code")
        }
        let address = Address(
            kind: kind, line1: line1,
            line2: try arguments.string("line2", length: 1...200).value,
            city: try arguments.string("city", length: 1...200).value,
            region: try arguments.string("region", length: 1...200).value,
            postalCode: try arguments.string("postal_code", length: 1...20).value,
            country: country)
        try arguments.finish()
        return address
    }

    /// The address as its JSON record.
    var json: JSONValue {
        var writer = JSONObjectWriter(capacity: 160)
        writer.field("kind", kind.rawValue)
        writer.field("line1", line1)
        writer.field("line2", line2)
        writer.field("city", city)
        writer.field("region", region)
        writer.field("postal_code", postalCode)
        writer.field("country", country)
        return writer.finish()
    }
}

extension Address {
    /// An address as the library stored it (its JSON record); a field that
    /// is missing or of the wrong type reads as empty, never as a failure.
    init(stored value: JSONValue) {
        func text(_ key: String) -> String? { if case .string(let text)? = value[key] { text } else { nil } }
        self.init(kind: text("kind").flatMap(Kind.init(rawValue:)) ?? .billing, line1: text("line1") ?? "",
                  line2: text("line2"), city: text("city"), region: text("region"),
                  postalCode: text("postal_code"), country: text("country"))
    }
}
