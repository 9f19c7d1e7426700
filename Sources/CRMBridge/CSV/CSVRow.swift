import CRMStore

/// One row of a CSV file made into the arguments of its kind's command and
/// run through it (`store.invoke`), in a savepoint of its own.
struct CSVRow {
    /// What became of a row.
    enum Outcome {
        case created
        case replayed
        /// A record the duplicate rules say exists already: the open
        /// account's (or the account's contact's) id and why (`email`,
        /// `phone`, `tax_number`, `name`).
        case duplicate(Int64, [String])
    }

    let store: Store
    let kind: CSVKind
    let mapping: CSVMapping
    let source: String
    let context: String
    /// The external reference of the row read last.
    var lastExternalRef = ""
    /// Account currencies looked up in this batch.
    private var accountCurrencies: [Int64: String] = [:]

    init(store: Store, kind: CSVKind, mapping: CSVMapping, source: String, context: String) {
        self.store = store
        self.kind = kind
        self.mapping = mapping
        self.source = source
        self.context = context
    }

    /// Makes the record of one row.
    /// - Parameter isolated: the command runs in a savepoint of its own, undone
    ///   when it fails (and after it for a dry run); otherwise in the caller's
    ///   (`Store.inEnclosingSavepoint`, SQLite only).
    /// - Throws: `CSVImport.RowFailure` for a row refused (nothing of it is
    ///   written); `Store.WroteBeforeFailing` when not isolated and the
    ///   command failed after a write: the caller must undo its savepoint.
    mutating func importRow(_ record: CSVReader.Record, dryRun: Bool, isolated: Bool = true) throws -> Outcome {
        let line = record.line
        let arguments = try self.arguments(record)
        let reference = ExternalReference(source: source, externalRef: lastExternalRef)
        do {
            // A row whose reference is claimed already replays (or conflicts)
            // whatever the duplicate rules say: the reference is looked up
            // only when they find something, so the usual row costs one query less.
            if let duplicate = try kind == .accounts ? duplicateAccount(arguments) : kind == .contacts ? duplicateContact(arguments) : nil,
               try ExternalReferences.recordID(store, recordType: kind.recordType, reference) == nil {
                return .duplicate(duplicate.0, duplicate.1)
            }
            if !isolated {
                let before = store.connection.totalChanges
                _ = try store.inEnclosingSavepoint { try store.invoke(kind.command, arguments) }
                return store.connection.totalChanges != before ? .created : .replayed
            }
            var wrote = false
            do {
                try store.savepoint {
                    // A replay writes nothing; a create always writes.
                    let before = store.connection.totalChanges
                    _ = try store.invoke(kind.command, arguments)
                    wrote = store.connection.totalChanges != before
                    if dryRun { throw CSVImport.DryRunUndo() }
                }
            } catch is CSVImport.DryRunUndo {}
            return wrote ? .created : .replayed
        } catch let error as CSVImport.RowFailure {
            throw error
        } catch let wrote as Store.WroteBeforeFailing {
            throw wrote
        } catch {
            let failure = CRMError(error)
            throw CSVImport.RowFailure(field: fieldNamed(in: failure.message), code: failure.code,
                                       message: "\(context): line \(line): \(failure.message)")
        }
    }

    /// The mapped field a command's message names, as the mapping calls it.
    private func fieldNamed(in message: String) -> String? {
        var best: String?
        // The reference itself is named by every replay's message: a field
        // only when no other is.
        for entry in mapping.entries where entry.field != "external_ref" {
            var names = [entry.field]
            if entry.field == "account_ref" { names.append("account_id") }
            if entry.field == "invoice_ref" { names.append("allocations") }
            if entry.field.hasPrefix("address_") { names.append(entry.field.replacingPrefix("address_", with: "address")) }
            for name in names where Self.mentions(message, name) {
                if best == nil || entry.field.count > best!.count { best = entry.field }
            }
        }
        if best == nil && Self.mentions(message, "external_ref") { return "external_ref" }
        return best
    }

    /// Whether `message` names `field` as a word of its own.
    static func mentions(_ message: String, _ field: String) -> Bool {
        let text = Array(message.utf8), word = Array(field.utf8)
        guard word.count <= text.count else { return false }
        func isNamePart(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
        }
        var start = 0
        while start + word.count <= text.count {
            if text[start..<(start + word.count)].elementsEqual(word)
                && (start == 0 || !isNamePart(text[start - 1]))
                && (start + word.count == text.count || !isNamePart(text[start + word.count])) {
                return true
            }
            start += 1
        }
        return false
    }

    private func failure(_ field: String, _ message: String, code: ResultCode = .invalid) -> CSVImport.RowFailure {
        CSVImport.RowFailure(field: field, code: code, message: "\(context): line \(currentLine): \(field): \(message)")
    }

    private var currentLine = 0

    /// The command's arguments from the row's cells.
    private mutating func arguments(_ record: CSVReader.Record) throws -> JSONValue {
        currentLine = record.line
        var fields: [(String, JSONValue)] = []
        var address: [(String, JSONValue)] = []
        var money: [(String, String)] = []
        var currency: String?
        var accountID: Int64?
        var invoiceID: Int64?
        lastExternalRef = ""
        for entry in mapping.entries {
            var cell: String?
            if let column = entry.column, column < record.fields.count {
                let raw = record.fields[column]
                // Trimmed only when an end is not plainly printable ASCII (the usual cell is not).
                let first = raw.utf8.first ?? 0, last = raw.utf8.last ?? 0
                let text = first <= 0x20 || first >= 0x7F || last <= 0x20 || last >= 0x7F ? raw.trimmingWhitespace() : raw
                if !text.isEmpty { cell = text }
            }
            var value: JSONValue
            if let cell {
                value = try convert(cell, entry: entry, money: &money)
            } else if let defaultValue = entry.defaultValue {
                if case .string(let text) = defaultValue, entry.type != .string {
                    value = try convert(text, entry: entry, money: &money)
                } else {
                    value = defaultValue
                }
            } else {
                if kind.requiredFields.contains(entry.field) {
                    throw failure(entry.field, "is required, and column '\(entry.columnName ?? "")' is empty")
                }
                continue
            }
            if case .null = value { continue }
            switch entry.role {
            case .externalRef:
                guard case .string(let text) = value, (1...200).contains(text.unicodeScalars.count) else {
                    throw failure("external_ref", "must be text of 1..200 characters")
                }
                lastExternalRef = text
            case .currency:
                if case .string(let code) = value { currency = code }
                fields.append(("currency", value))
            case .accountRef:
                guard case .string(let text) = value else { throw failure("account_ref", "must be text") }
                guard let id = try ExternalReferences.recordID(store, recordType: "account", ExternalReference(source: source, externalRef: text)) else {
                    throw failure("account_ref", "no account has source '\(source)' and external_ref '\(text.prefix(200))'", code: .notFound)
                }
                accountID = id
            case .accountID:
                guard case .integer(let id) = value else { throw failure("account_id", "must be a whole number") }
                if accountID == nil { accountID = id }
            case .invoiceRef:
                guard case .string(let text) = value else { throw failure("invoice_ref", "must be text") }
                guard let id = try ExternalReferences.recordID(store, recordType: "invoice", ExternalReference(source: source, externalRef: text)) else {
                    throw failure("invoice_ref", "no invoice has source '\(source)' and external_ref '\(text.prefix(200))'", code: .notFound)
                }
                invoiceID = id
            case .address(let name):
                address.append((name, value))
            case .plain:
                if entry.type == .minorUnits, case .string = value {
                    continue  // converted below, once the currency is known
                }
                fields.append((entry.field, value))
            }
        }
        if let accountID { fields.insert(("account_id", .integer(accountID)), at: 0) }
        if !address.isEmpty {
            let item = JSONValue.object(kind == .accounts ? [("kind", .string("billing"))] + address : address)
            fields.append(kind == .accounts ? ("addresses", .array([item])) : ("address", item))
        }
        if !money.isEmpty {
            let code = try currency ?? defaultCurrency(accountID)
            guard let digits = Currency(code: code)?.minorUnitDigits else {
                throw failure("currency", "'\(code.prefix(20))' is not an ISO 4217 currency with a minor unit")
            }
            for (field, text) in money {
                switch DecimalAmount.minorUnits(text, digits: digits) {
                case .success(let minor):
                    fields.append((field, .integer(minor)))
                    if field == "amount_minor", let invoiceID {
                        fields.append(("allocations", .array([.object([("invoice_id", .integer(invoiceID)), ("amount_minor", .integer(minor))])])))
                    }
                case .failure(let error):
                    throw failure(field, "\(error.message) (\(code))", code: error.code)
                }
            }
        }
        fields.append(("source", .string(source)))
        fields.append(("external_ref", .string(lastExternalRef)))
        return .object(fields)
    }

    /// A cell's text as the argument its field takes.
    private func convert(_ text: String, entry: CSVMapping.Entry, money: inout [(String, String)]) throws -> JSONValue {
        switch entry.type {
        case .string, .date:
            if entry.type == .date && !Self.looksLikeDate(text) {
                throw failure(entry.field, "'\(text.prefix(40))' is not a date (YYYY-MM-DD)")
            }
            return .string(text)
        case .integer:
            guard let number = Int64(text) else { throw failure(entry.field, "'\(text.prefix(40))' is not a whole number") }
            return .integer(number)
        case .minorUnits:
            money.append((entry.field, text))
            return .string(text)
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "y", "1", "t": return .bool(true)
            case "false", "no", "n", "0", "f": return .bool(false)
            default: throw failure(entry.field, "'\(text.prefix(40))' is not true or false")
            }
        case .list:
            return .array(Self.listItems(text).map { .string($0) })
        }
    }

    /// The items of a `a;b` cell, each trimmed, empty ones left out. Split
    /// on the UTF-8 bytes (";" is never part of another character); an item
    /// is trimmed only when an end is not plainly printable ASCII.
    static func listItems(_ text: String) -> [String] {
        var items: [String] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        func take(_ end: String.Index) {
            guard start < end else { return }
            let piece = utf8[start..<end]
            let first = piece.first ?? 0, last = piece.last ?? 0
            var item = String(Substring(piece))
            if first <= 0x20 || first >= 0x7F || last <= 0x20 || last >= 0x7F { item = item.trimmingWhitespace() }
            if !item.isEmpty { items.append(item) }
        }
        var index = start
        while index < utf8.endIndex {
            if utf8[index] == 0x3B {
                take(index)
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        take(utf8.endIndex)
        return items
    }

    /// YYYY-MM-DD in digits (the command checks the calendar).
    static func looksLikeDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return false }
        return bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || ($0.element >= 0x30 && $0.element <= 0x39) }
    }

    /// The currency amounts of a row are in when it names none: an account's
    /// own default (ZAR), or the account's currency for its documents.
    private mutating func defaultCurrency(_ accountID: Int64?) throws -> String {
        guard kind != .accounts, let accountID else { return "ZAR" }
        if let known = accountCurrencies[accountID] { return known }
        guard let code = try store.connection.row("SELECT currency FROM accounts WHERE id = ?", [.integer(accountID)], { $0.text(0) }) else {
            throw failure(mapping.entries.contains { $0.field == "account_ref" } ? "account_ref" : "account_id", "no account \(accountID)", code: .notFound)
        }
        accountCurrencies[accountID] = code
        return code
    }

    /// An open contact of the same account with the same normalized e-mail
    /// or phone: the same person entered twice.
    private func duplicateContact(_ arguments: JSONValue) throws -> (Int64, [String])? {
        guard case .integer(let accountID)? = arguments["account_id"] else { return nil }
        func text(_ key: String) -> String? {
            if case .string(let value)? = arguments[key] { return value }
            return nil
        }
        let email = text("email").map(Normalization.email).flatMap { $0.count >= 3 ? $0 : nil }
        let phone = text("phone").map(Normalization.phone).flatMap { $0.count >= 7 ? $0 : nil }
        guard email != nil || phone != nil else { return nil }
        return try store.connection.row(
            """
            SELECT id, email_key, phone_key FROM contacts
            WHERE account_id = ? AND archived_at IS NULL AND (email_key = ? OR phone_key = ?)
            ORDER BY id LIMIT 1
            """,
            [.integer(accountID), .text(email), .text(phone)]) { row in
            var reasons: [String] = []
            if email != nil && row.optionalText(1) == email { reasons.append("email") }
            if phone != nil && row.optionalText(2) == phone { reasons.append("phone") }
            return (row.integer(0), reasons)
        }
    }

    /// An open account the duplicate rules of `account.duplicates` match
    /// (the same normalized e-mail, phone or tax number, or the same name key).
    private func duplicateAccount(_ arguments: JSONValue) throws -> (Int64, [String])? {
        func text(_ key: String) -> String? {
            if case .string(let value)? = arguments[key] { return value }
            return nil
        }
        let name = text("name").map(Normalization.nameKey)
        let email = text("email").map(Normalization.email).flatMap { $0.count >= 3 ? $0 : nil }
        let phone = text("phone").map(Normalization.phone).flatMap { $0.count >= 7 ? $0 : nil }
        let tax = text("tax_number").map(Normalization.taxNumber).flatMap { $0.count >= 4 ? $0 : nil }
        // Every match, the oldest picked here: without ORDER BY ... LIMIT 1
        // SQLite reads the four indexes without sorting what they find (the
        // usual row finds nothing, a duplicate one or a few).
        let matches = try store.connection.rows(
            """
            SELECT id, name_key, email_key, phone_key, tax_number_key FROM accounts
            WHERE archived_at IS NULL AND merged_into_id IS NULL
              AND (name_key = ? OR email_key = ? OR phone_key = ? OR tax_number_key = ?)
            """,
            [.text(name), .text(email), .text(phone), .text(tax)]) { row in
            var reasons: [String] = []
            if tax != nil && row.optionalText(4) == tax { reasons.append("tax_number") }
            if email != nil && row.optionalText(2) == email { reasons.append("email") }
            if phone != nil && row.optionalText(3) == phone { reasons.append("phone") }
            if name != nil && row.optionalText(1) == name { reasons.append("name") }
            return (row.integer(0), reasons)
        }
        return matches.min { $0.0 < $1.0 }
    }
}

extension String {
    /// The text with `prefix` replaced, or unchanged when it does not start with it.
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
