#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CRMStore

/// `bridge.export_csv`: the records of one kind as a CSV file with a header
/// row, read page by page through the kind's list command and written as
/// they come (memory stays flat), fields quoted where RFC 4180 needs it,
/// money as decimal text in the record's currency.
enum CSVExport {
    /// The columns written when none are asked for; a column named like a
    /// `*_minor` field without the suffix ("credit_limit") is that amount as decimal text.
    static func defaultColumns(_ kind: CSVKind) -> [String] {
        switch kind {
        case .accounts:
            return ["id", "external_ref", "name", "kind", "status", "currency", "payment_terms_days", "credit_limit",
                    "segment", "region", "owner", "tax_number", "email", "phone", "website", "tags",
                    "address_line1", "address_line2", "address_city", "address_region", "address_postal_code", "address_country"]
        case .contacts:
            return ["id", "external_ref", "account_id", "first_name", "last_name", "role", "email", "phone", "mobile", "preferred_channel"]
        case .invoices:
            return ["id", "external_ref", "number", "account_id", "status", "currency", "issued_on", "due_on",
                    "subtotal", "tax", "total", "credited", "paid", "balance_due"]
        case .payments:
            return ["id", "external_ref", "account_id", "currency", "received_on", "method", "reference",
                    "amount", "allocated", "refunded", "unallocated", "status"]
        }
    }

    /// The fields of each kind's records that make a column (what the list
    /// command answers, but for arrays of objects: lines, allocations,
    /// refunds, addresses, consent); besides these, `external_ref` and
    /// `source`, `address_<field>` (accounts and contacts) and each
    /// `*_minor` field without the suffix, as decimal text.
    static func recordFields(_ kind: CSVKind) -> [String] {
        switch kind {
        case .accounts:
            return ["id", "name", "kind", "strategic", "national", "size_band", "segment", "tags", "region", "currency",
                    "payment_terms_days", "credit_limit_minor", "owner", "status", "parent_account_id", "tax_number",
                    "email", "phone", "website", "notes", "archived", "archived_at", "merged_into_id",
                    "version", "created_at", "updated_at"]
        case .contacts:
            return ["id", "account_id", "first_name", "last_name", "role", "email", "phone", "mobile", "preferred_channel",
                    "archived", "archived_at", "erased", "erased_at", "version", "created_at", "updated_at"]
        case .invoices:
            return ["id", "number", "status", "account_id", "contact_id", "jobcard_id", "quote_id", "currency", "issued_on",
                    "due_on", "subtotal_minor", "tax_minor", "total_minor", "credited_minor", "paid_minor",
                    "balance_due_minor", "overdue", "as_of", "recorded", "notes", "issued_at", "version", "created_at", "updated_at"]
        case .payments:
            return ["id", "account_id", "amount_minor", "currency", "received_on", "method", "reference", "allocated_minor",
                    "refunded_minor", "unallocated_minor", "status", "reversed_on", "reversal_reason", "posted",
                    "version", "created_at", "updated_at"]
        }
    }

    /// Every column `bridge.export_csv` writes for a kind, in the order the
    /// refusal of an unknown one lists them.
    static func knownColumns(_ kind: CSVKind) -> [String] {
        var columns = recordFields(kind)
        columns += columns.filter { $0.hasSuffix("_minor") }.map { String($0.dropLast("_minor".count)) }
        columns += ["external_ref", "source"]
        switch kind {
        case .accounts: columns += ["address_kind"] + CSVKind.addressFields
        case .contacts: columns += CSVKind.addressFields
        case .invoices, .payments: break
        }
        return columns
    }

    /// Refuses (`CRM_INVALID` naming `columns`) a column the kind's records
    /// do not have, listing the known ones, and a column named twice.
    static func checkColumns(_ columns: [String], kind: CSVKind, context: String) throws {
        let known = knownColumns(kind)
        var seen = Set<String>()
        for (index, column) in columns.enumerated() {
            guard known.contains(column) else {
                throw CRMError.invalid(
                    "\(context): columns[\(index)]: unknown column '\(column)' for kind \(kind.rawValue) (known: \(known.joined(separator: ", ")))")
            }
            guard seen.insert(column).inserted else {
                throw CRMError.invalid("\(context): columns[\(index)]: column '\(column)' is named twice")
            }
        }
    }

    /// The list command of each kind.
    static func listCommand(_ kind: CSVKind) -> String {
        switch kind {
        case .accounts: return "account.list"
        case .contacts: return "contact.list"
        case .invoices: return "invoice.list"
        case .payments: return "payment.list"
        }
    }

    static func run(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let kind = try arguments.choice("kind", CSVKind.self).value else {
            throw CRMError.invalid("\(context): kind is required (\(CSVKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let path = try arguments.requiredString("path", length: 1...4096)
        let columns = try arguments.array("columns", maximumCount: 100) { value, name in
            try Arguments.text(value, field: name(), context: context, length: 1...100)
        }.value ?? defaultColumns(kind)
        let source = try arguments.string("source", length: 1...100).value
        try arguments.finish()
        guard !columns.isEmpty else { throw CRMError.invalid("\(context): columns must name at least one column") }
        try checkColumns(columns, kind: kind, context: context)

        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let error = errno
            if error == EEXIST { throw CRMError.conflict("\(context): path: '\(path)' exists; it is not overwritten") }
            if error == ENOENT { throw CRMError.notFound("\(context): path: no directory for '\(path)'") }
            throw CRMError(.io, "\(context): path: cannot create '\(path)': \(String(cString: strerror(error)))")
        }
        guard let file = fdopen(descriptor, "wb") else {
            close(descriptor)
            throw CRMError(.io, "\(context): path: cannot write '\(path)'")
        }
        var written = 0
        var complete = false
        defer {
            fclose(file)
            if !complete { unlink(path) }
        }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        func flush() throws {
            let count = out.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            guard count == out.count else { throw CRMError(.io, "\(context): path: writing '\(path)' failed") }
            out.removeAll(keepingCapacity: true)
        }
        writeRow(columns, into: &out)

        var cursor: JSONValue = .null
        repeat {
            var page: [(String, JSONValue)] = [("limit", .integer(Page.maximumLimit))]
            if cursor != .null { page.append(("cursor", cursor)) }
            if kind == .accounts || kind == .contacts { page.append(("include_archived", .bool(true))) }
            let answer = try store.invoke(listCommand(kind), .object(page))
            guard case .array(let items)? = answer["items"] else { break }
            for item in items {
                writeRow(columns.map { cell(item.decoded, column: $0, source: source) }, into: &out)
                written += 1
            }
            if out.count >= 1 << 16 { try flush() }
            cursor = answer["next_cursor"] ?? .null
        } while cursor != .null
        try flush()
        guard fflush(file) == 0 else { throw CRMError(.io, "\(context): path: writing '\(path)' failed") }
        complete = true
        return .object([
            ("kind", .string(kind.rawValue)), ("path", .string(path)),
            ("rows_written", .integer(Int64(written))), ("columns", .array(columns.map { .string($0) })),
        ])
    }

    /// One column of a record as text.
    static func cell(_ record: JSONValue, column: String, source: String?) -> String {
        switch column {
        case "external_ref", "source":
            guard case .array(let references)? = record["external_refs"] else { return "" }
            let chosen = references.first { source == nil || $0["source"] == .string(source!) }
            if case .string(let text)? = chosen?[column] { return text }
            return ""
        case let name where name.hasPrefix("address_"):
            var address = record["address"]
            if case .array(let addresses)? = record["addresses"] { address = addresses.first }
            return address.map { text($0[String(name.dropFirst("address_".count))]) } ?? ""
        default:
            if let value = record[column] { return text(value) }
            if case .integer(let minor)? = record["\(column)_minor"] {
                let code: String
                if case .string(let currency)? = record["currency"] { code = currency } else { code = "ZAR" }
                // A code off the list is written with two digits, as most currencies have.
                return (Currency(code: code) ?? Currency(code: "ZAR"))?.decimalText(minor: Int128(minor)) ?? String(minor)
            }
            return ""
        }
    }

    /// A JSON value as cell text: arrays joined with ";", null empty.
    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: return text
        case .integer(let number)?: return String(number)
        case .bool(let flag)?: return flag ? "true" : "false"
        case .array(let items)?: return items.map { text($0) }.joined(separator: ";")
        case .bigInteger(let digits)?: return digits
        case nil, .null?: return ""
        case let other?: return JSONWriter.string(other)
        }
    }

    /// One CSV record: fields quoted when they hold a comma, a quote, a line
    /// end or leading/trailing space; quotes doubled; lines end with CRLF.
    static func writeRow(_ fields: [String], into out: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(0x2C) }
            let bytes = Array(field.utf8)
            let needsQuotes = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
                || bytes.first == 0x20 || bytes.last == 0x20
            if needsQuotes {
                out.append(0x22)
                for byte in bytes {
                    if byte == 0x22 { out.append(0x22) }
                    out.append(byte)
                }
                out.append(0x22)
            } else {
                out.append(contentsOf: bytes)
            }
        }
        out.append(0x0D)
        out.append(0x0A)
    }
}

/// The commands of the CSV bridge.
public enum CSVCommands {
    public static let all: [Command] = [
        Command("bridge.import_csv", .write, CSVImport.run),
        Command("bridge.export_csv", .read, CSVExport.run),
    ]
}
