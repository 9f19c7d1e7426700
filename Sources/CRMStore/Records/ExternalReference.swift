/// The host's own reference for a record: its customer code, contact number
/// or document number (`external_ref`) within a system (`source`).
///
/// A create that carries a reference claims it for its record type; sending
/// the same reference again with the same content replays the create
/// (returns the record already made); with different content it is a
/// conflict naming the first differing field.
public struct ExternalReference: Sendable, Equatable {
    /// The host system: "ledger", "pastel", "web-shop". 1..100 characters.
    public let source: String
    /// The host's identifier within that system. 1..200 characters.
    public let externalRef: String

    public init(source: String, externalRef: String) {
        self.source = source
        self.externalRef = externalRef
    }

    /// `{"source","external_ref"}`.
    public var json: JSONValue {
        var writer = JSONObjectWriter(capacity: 80)
        writer.field("source", source)
        writer.field("external_ref", externalRef)
        return writer.finish()
    }

    /// Reads `source` and `external_ref` from arguments: both or neither.
    public static func read(_ arguments: inout Arguments) throws -> ExternalReference? {
        let source = try arguments.string("source", length: 1...100).value
        let externalRef = try arguments.string("external_ref", length: 1...200).value
        switch (source, externalRef) {
        case let (source?, externalRef?): return ExternalReference(source: source, externalRef: externalRef)
        case (nil, nil): return nil
        case (nil, _): throw CRMError.invalid("\(arguments.context): source is required with external_ref")
        case (_, nil): throw CRMError.invalid("\(arguments.context): external_ref is required with source")
        }
    }
}

/// The `crm_external_refs` table: which record each host reference names.
public enum ExternalReferences {
    /// The record a reference was claimed by, and the content of the create that claimed it.
    public static func find(_ store: Store, recordType: String, _ reference: ExternalReference) throws -> (recordID: Int64, request: JSONValue)? {
        try store.connection.row(
            "SELECT record_id, request_json FROM crm_external_refs WHERE record_type = ? AND source = ? AND external_ref = ?",
            [.text(recordType), .text(reference.source), .text(reference.externalRef)]
        ) { row in
            (row.integer(0), (try? JSONParser.parse(Array(row.text(1).utf8), what: "request")) ?? .null)
        }
    }

    /// The id of the record a reference names, or nil.
    public static func recordID(_ store: Store, recordType: String, _ reference: ExternalReference) throws -> Int64? {
        try find(store, recordType: recordType, reference)?.recordID
    }

    /// Claims a reference for a new record, keeping the create's content for replays.
    public static func claim(_ store: Store, recordType: String, _ reference: ExternalReference, recordID: Int64, request: JSONValue) throws {
        try store.connection.run(
            "INSERT INTO crm_external_refs (record_type, source, external_ref, record_id, request_json, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [.text(recordType), .text(reference.source), .text(reference.externalRef), .integer(recordID),
             .text(JSONWriter.string(request)), .text(store.clock.now().description)])
    }

    /// Every reference that names a record, by source and reference.
    public static func references(_ store: Store, recordType: String, recordID: Int64) throws -> [ExternalReference] {
        try store.connection.rows(
            "SELECT source, external_ref FROM crm_external_refs WHERE record_type = ? AND record_id = ? ORDER BY source, external_ref",
            [.text(recordType), .integer(recordID)]
        ) { ExternalReference(source: $0.text(0), externalRef: $0.text(1)) }
    }

    /// The references of many records (a page of a list) in one query, by
    /// record id; a record without references has no entry.
    public static func references(_ store: Store, recordType: String, recordIDs: [Int64]) throws -> [Int64: [ExternalReference]] {
        guard let low = recordIDs.min(), let high = recordIDs.max() else { return [:] }
        let wanted = Set(recordIDs)
        var found: [Int64: [ExternalReference]] = [:]
        _ = try store.connection.rows(
            """
            SELECT record_id, source, external_ref FROM crm_external_refs
            WHERE record_type = ? AND record_id >= ? AND record_id <= ? ORDER BY record_id, source, external_ref
            """,
            [.text(recordType), .integer(low), .integer(high)]
        ) { row in
            let id = row.integer(0)
            if wanted.contains(id) { found[id, default: []].append(ExternalReference(source: row.text(1), externalRef: row.text(2))) }
        }
        return found
    }

    /// Points every reference of one record at another (used by merges).
    /// - Returns: how many references moved.
    @discardableResult
    public static func move(_ store: Store, recordType: String, from: Int64, to: Int64) throws -> Int {
        try store.connection.run("UPDATE crm_external_refs SET record_id = ? WHERE record_type = ? AND record_id = ?",
                                 [.integer(to), .text(recordType), .integer(from)])
    }

    /// The first field in which a replayed create's content differs from the
    /// one that claimed the reference, or nil when they are the same.
    public static func firstDifference(original: JSONValue, replay: JSONValue) -> String? {
        guard case .object(let old) = original.decoded, case .object(let new) = replay.decoded else {
            return original == replay ? nil : "arguments"
        }
        for (key, value) in new where old.first(where: { $0.0 == key })?.1 != value {
            return key
        }
        for (key, _) in old where !new.contains(where: { $0.0 == key }) {
            return key
        }
        return nil
    }
}
