/// How a command names the record it works on: `{"id": N}` or the host's
/// `{"source": S, "external_ref": R}`, exactly one of the two.
public enum RecordLocator {
    /// Reads the locator and returns the record's id.
    /// - Throws: `.invalid` when neither or both are given, `.notFound` for an
    ///   unknown reference (an unknown id is the caller's to report when loading).
    public static func id(_ arguments: inout Arguments, recordType: String, store: Store, idField: String = "id") throws -> Int64 {
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
