import CRMStore

/// A create that carries the host's reference: the first time it claims the
/// reference; again with the same content it replays (returns the record
/// made then, `"replayed": true`); with other content it is a conflict
/// naming the first differing field.
///
/// "Content" is the record the create would make, normalized, not the text
/// that was sent: defaults spelled out or left out, tags in another order or
/// a timestamp in another offset are the same content.
enum Replay {
    /// The record fields that are the content of a create: its JSON without
    /// what libcrm assigns itself (ids, versions, timestamps, references).
    static func content(of record: JSONValue) -> JSONValue {
        record.removingFields(assigned)
    }

    private static let assigned = JSONFieldNames([
        "id", "version", "created_at", "updated_at", "archived", "archived_at", "merged_into_id", "external_refs",
        "consent", "preferences", "erased", "erased_at",
    ])

    /// The replayed record, or nil when the reference is new (or absent).
    /// - Parameter update: the command that changes such records, named in the conflict.
    static func previous(_ store: Store, recordType: String, reference: ExternalReference?, content: JSONValue,
                         context: String, update: String?, load: (Int64) throws -> JSONValue) throws -> JSONValue? {
        guard let reference, let (recordID, original) = try ExternalReferences.find(store, recordType: recordType, reference) else {
            return nil
        }
        if let field = ExternalReferences.firstDifference(original: original, replay: content) {
            let advice = update.map { "; change it with \($0)" } ?? ""
            throw CRMError.conflict(
                "\(context): source '\(reference.source)' external_ref '\(reference.externalRef)' already made \(recordType) \(recordID) with a different \(field)\(advice)")
        }
        return try load(recordID).adding("replayed", .bool(true))
    }

    /// Claims the reference for the record just made, keeping its content.
    static func claim(_ store: Store, recordType: String, reference: ExternalReference?, recordID: Int64, content: JSONValue) throws {
        guard let reference else { return }
        try ExternalReferences.claim(store, recordType: recordType, reference, recordID: recordID, request: content)
    }
}
