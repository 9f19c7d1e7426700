import CRMStore

/// A create that carries the host's reference: the first time it claims the
/// reference; again with the same content it replays (returns the record
/// made then, `"replayed": true`); with other content it is a conflict
/// naming the first differing field.
enum Replay {
    /// The replayed record, or nil when the reference is new (or absent).
    static func previous(_ store: Store, recordType: String, reference: ExternalReference?, arguments: Arguments,
                         load: (Int64) throws -> JSONValue) throws -> JSONValue? {
        guard let reference, let (recordID, original) = try ExternalReferences.find(store, recordType: recordType, reference) else {
            return nil
        }
        let request = ExternalReferences.request(from: arguments.json)
        if let field = ExternalReferences.firstDifference(original: original, replay: request) {
            throw CRMError.conflict(
                "\(arguments.context): source '\(reference.source)' external_ref '\(reference.externalRef)' already made \(recordType) \(recordID) with a different \(field); change it with \(recordType).update")
        }
        return try load(recordID).adding("replayed", .bool(true))
    }

    /// Claims the reference for the record just made.
    static func claim(_ store: Store, recordType: String, reference: ExternalReference?, recordID: Int64, arguments: Arguments) throws {
        guard let reference else { return }
        try ExternalReferences.claim(store, recordType: recordType, reference, recordID: recordID,
                                     request: ExternalReferences.request(from: arguments.json))
    }
}
