import CRMStore

/// How a command names the record it works on: `{"id": N}` or the host's
/// `{"source": S, "external_ref": R}`, exactly one of the two.
enum RecordLocator {
    /// Reads the locator and returns the record's id.
    /// - Throws: `.invalid` when neither or both are given, `.notFound` for an
    ///   unknown reference (an unknown id is the caller's to report when loading).
    static func id(_ arguments: inout Arguments, recordType: String, store: Store, idField: String = "id") throws -> Int64 {
        let id = try arguments.id(idField).value
        let reference = try ExternalReference.read(&arguments)
        switch (id, reference) {
        case let (id?, nil):
            return id
        case let (nil, reference?):
            guard let found = try ExternalReferences.recordID(store, recordType: recordType, reference) else {
                throw CRMError.notFound("\(arguments.context): no \(recordType) has source '\(reference.source)' and external_ref '\(reference.externalRef)'")
            }
            return found
        case (nil, nil):
            throw CRMError.invalid("\(arguments.context): \(idField) (or source and external_ref) is required")
        case (_?, _?):
            throw CRMError.invalid("\(arguments.context): give \(idField) or source and external_ref, not both")
        }
    }
}

/// Reading `expected_version` and checking it against the stored version.
enum VersionCheck {
    /// Throws `.conflict` when the caller's expected version is stale.
    static func check(_ expected: Int64?, actual: Int64, record: String) throws {
        if let expected, expected != actual {
            throw CRMError.conflict("\(record): expected_version \(expected) is stale; the record is at version \(actual)")
        }
    }

    /// The version after one more change.
    static func next(_ version: Int64, record: String) throws -> Int64 {
        let (next, overflow) = version.addingReportingOverflow(1)
        guard !overflow else { throw CRMError.range("\(record): version overflows") }
        return next
    }
}

/// One page of a list: the items and the cursor of the next page.
struct Page {
    /// The default and the largest page size.
    static let defaultLimit: Int64 = 50
    static let maximumLimit: Int64 = 500

    /// Reads `limit` and `cursor` (the last id of the previous page, as text).
    static func read(_ arguments: inout Arguments) throws -> (limit: Int64, afterID: Int64) {
        let limit = try arguments.integer("limit", range: 1...maximumLimit).value ?? defaultLimit
        var afterID: Int64 = 0
        if let cursor = try arguments.string("cursor", length: 1...100).value {
            guard let id = Int64(cursor), id >= 0 else {
                throw CRMError.invalid("\(arguments.context): cursor '\(cursor.prefix(40))' is not a cursor this command returned")
            }
            afterID = id
        }
        return (limit, afterID)
    }

    /// `{"items": [...], "next_cursor": ...}` from up to limit + 1 rows.
    static func json(_ items: [JSONValue], ids: [Int64], limit: Int64) -> JSONValue {
        let more = items.count > Int(limit)
        let shown = Array(items.prefix(Int(limit)))
        let cursor: JSONValue = more ? .string(String(ids[Int(limit) - 1])) : .null
        return .object([("items", .array(shown)), ("next_cursor", cursor)])
    }
}
