#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CRMStore

/// How a cell's text becomes a command argument.
enum CSVFieldType: String, CaseIterable {
    case string, integer, minorUnits = "minor_units", date, boolean, list
}

/// The record kinds a CSV file can hold, each with the fields its rows map to
/// (the fields of the command that makes the record, and a few made from
/// cells: `account_ref`, `invoice_ref`, `address_*`).
enum CSVKind: String, CaseIterable {
    case accounts, contacts, invoices, payments

    /// The command each row goes through.
    var command: String {
        switch self {
        case .accounts: return "account.create"
        case .contacts: return "contact.create"
        case .invoices: return "invoice.record"
        case .payments: return "payment.record"
        }
    }

    /// The record type its references are claimed for.
    var recordType: String {
        switch self {
        case .accounts: return "account"
        case .contacts: return "contact"
        case .invoices: return "invoice"
        case .payments: return "payment"
        }
    }

    /// Every field a mapping may name, with the type its cells are read as.
    var fields: [(String, CSVFieldType)] {
        switch self {
        case .accounts:
            return [("external_ref", .string), ("name", .string), ("kind", .string), ("strategic", .boolean),
                    ("national", .boolean), ("size_band", .string), ("segment", .string), ("tags", .list),
                    ("region", .string), ("currency", .string), ("payment_terms_days", .integer),
                    ("credit_limit_minor", .minorUnits), ("owner", .string), ("status", .string),
                    ("tax_number", .string), ("email", .string), ("phone", .string), ("website", .string),
                    ("notes", .string)] + Self.addressFields.map { ($0, .string) }
        case .contacts:
            return [("external_ref", .string), ("account_ref", .string), ("account_id", .integer),
                    ("first_name", .string), ("last_name", .string), ("role", .string), ("email", .string),
                    ("phone", .string), ("mobile", .string), ("preferred_channel", .string)]
                + Self.addressFields.map { ($0, .string) }
        case .invoices:
            return [("external_ref", .string), ("account_ref", .string), ("account_id", .integer),
                    ("number", .string), ("issued_on", .date), ("due_on", .date), ("currency", .string),
                    ("total_minor", .minorUnits), ("tax_minor", .minorUnits), ("notes", .string)]
        case .payments:
            return [("external_ref", .string), ("account_ref", .string), ("account_id", .integer),
                    ("amount_minor", .minorUnits), ("method", .string), ("currency", .string),
                    ("received_on", .date), ("reference", .string), ("invoice_ref", .string)]
        }
    }

    /// The fields a row of this kind cannot do without.
    var requiredFields: [String] {
        switch self {
        case .accounts: return ["external_ref", "name"]
        case .contacts: return ["external_ref", "last_name"]
        case .invoices: return ["external_ref", "number", "issued_on", "total_minor"]
        case .payments: return ["external_ref", "amount_minor"]
        }
    }

    /// The cells of one address, gathered into `addresses` (accounts) or `address` (contacts).
    static let addressFields = ["address_line1", "address_line2", "address_city", "address_region",
                                "address_postal_code", "address_country"]
}

/// A mapping of a file's columns to a kind's fields, checked against the
/// file's header: `{"field": "Column header"}` or
/// `{"field": {"column": "...", "default": ..., "type": "..."}}`.
struct CSVMapping {
    /// What a mapped field is for, worked out once per file rather than per row.
    enum Role {
        case externalRef, currency, accountRef, accountID, invoiceRef
        /// A cell of the address: the address field's name ("line1").
        case address(String)
        /// A field handed to the command as it is.
        case plain
    }

    /// One mapped field.
    struct Entry {
        var field: String
        var role: Role
        /// The column's index in the header; nil when only a default is given.
        var column: Int?
        var columnName: String?
        /// The argument used when the cell is empty or there is no column.
        var defaultValue: JSONValue?
        var type: CSVFieldType
    }

    var entries: [Entry]

    /// Reads `mapping` (an object, or the path of a small JSON file holding one).
    static func read(_ value: JSONValue, kind: CSVKind, context: String) throws -> [(field: String, column: String?, defaultValue: JSONValue?, type: CSVFieldType)] {
        var mapping = value
        if case .string(let path) = value {
            mapping = try JSONParser.parse(try readSmallFile(path, context: context), what: "\(context): mapping file '\(path)'")
        }
        guard case .object(let fields) = mapping else {
            throw CRMError.invalid("\(context): mapping must be an object or the path of a JSON file holding one, got \(mapping.typeName)")
        }
        let known = Dictionary(uniqueKeysWithValues: kind.fields)
        var result: [(field: String, column: String?, defaultValue: JSONValue?, type: CSVFieldType)] = []
        for (field, spec) in fields {
            guard let defaultType = known[field] else {
                throw CRMError.invalid("\(context): mapping: unknown field '\(field.prefix(100))' for kind \(kind.rawValue) (known: \(kind.fields.map(\.0).joined(separator: ", ")))")
            }
            guard !result.contains(where: { $0.field == field }) else {
                throw CRMError.invalid("\(context): mapping: field '\(field)' is mapped twice")
            }
            switch spec {
            case .string(let column):
                guard !column.isEmpty else { throw CRMError.invalid("\(context): mapping.\(field): the column name is empty") }
                result.append((field, column, nil, defaultType))
            case .object:
                var entry = try Arguments(spec, context: "\(context): mapping.\(field)")
                let column = try entry.string("column", length: 1...200).value
                let defaultValue = entry.raw("default")
                let typeName = try entry.choice("type", CSVFieldType.allCases.map(\.rawValue)).value
                try entry.finish()
                guard column != nil || defaultValue != nil else {
                    throw CRMError.invalid("\(context): mapping.\(field): needs a column or a default")
                }
                result.append((field, column, defaultValue, typeName.flatMap(CSVFieldType.init(rawValue:)) ?? defaultType))
            default:
                throw CRMError.invalid("\(context): mapping.\(field) must be a column name or an object, got \(spec.typeName)")
            }
        }
        guard result.contains(where: { $0.field == "external_ref" }) else {
            throw CRMError.invalid("\(context): mapping: external_ref is required (the column holding the old system's reference)")
        }
        return result
    }

    /// The mapping matched to a file's header.
    /// - Throws: `.invalid` naming the mapped field whose column the header lacks.
    init(_ mapped: [(field: String, column: String?, defaultValue: JSONValue?, type: CSVFieldType)], header: [String], path: String, context: String) throws {
        let names = header.map { $0.trimmingWhitespace() }
        entries = try mapped.map { item in
            var index: Int?
            if let column = item.column {
                guard let found = names.firstIndex(of: column) else {
                    throw CRMError.invalid("\(context): mapping.\(item.field): column '\(column.prefix(100))' is not in the header of '\(path)'")
                }
                index = found
            }
            let role: Role
            switch item.field {
            case "external_ref": role = .externalRef
            case "currency": role = .currency
            case "account_ref": role = .accountRef
            case "account_id": role = .accountID
            case "invoice_ref": role = .invoiceRef
            case let name where name.hasPrefix("address_"): role = .address(String(name.dropFirst("address_".count)))
            default: role = .plain
            }
            return Entry(field: item.field, role: role, column: index, columnName: item.column, defaultValue: item.defaultValue, type: item.type)
        }
    }

    /// A small file's bytes (a mapping file: at most 1 MiB).
    static func readSmallFile(_ path: String, context: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            if errno == ENOENT { throw CRMError.notFound("\(context): mapping: no file '\(path)'") }
            throw CRMError(.io, "\(context): mapping: cannot read '\(path)'")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 14)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= 1 << 20 else { throw CRMError.range("\(context): mapping file '\(path)' is over 1 MiB") }
        }
        return bytes
    }
}
