/// A create that carries the host's reference: the first time it claims the
/// reference; again with the same content it replays (returns the record
/// made then, `"replayed": true`); with other content it is a conflict
/// naming the first differing field.
///
/// "Content" is the record the create would make, normalized, not the text
/// that was sent: defaults spelled out or left out, tags in another order or
/// a timestamp in another offset are the same content.
///
/// Modules call `Store.create`, which runs the whole sequence; the parts
/// are public for a command that makes several records at once.
public enum Replay {
    /// The record fields that are the content of a create: its JSON without
    /// what libcrm assigns itself (ids, versions, timestamps, references,
    /// states that only later commands set).
    public static func content(of record: JSONValue) -> JSONValue {
        record.removingFields(assigned)
    }

    private static let assigned = JSONFieldNames([
        "id", "version", "created_at", "updated_at", "archived", "archived_at", "merged_into_id", "external_refs",
        "consent", "preferences", "erased", "erased_at",
    ])

    /// The replayed record, or nil when the reference is new (or absent).
    /// - Parameter update: the command that changes such records, named in the conflict.
    /// - Throws: `.conflict` naming the first field whose content differs.
    public static func previous(_ store: Store, recordType: String, reference: ExternalReference?, content: JSONValue,
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
    public static func claim(_ store: Store, recordType: String, reference: ExternalReference?, recordID: Int64, content: JSONValue) throws {
        guard let reference else { return }
        try ExternalReferences.claim(store, recordType: recordType, reference, recordID: recordID, request: content)
    }
}

extension Store {
    /// The one sequence every create follows, for a record that may carry
    /// the host's `source` + `external_ref`:
    ///
    /// 1. a reference already claimed with the same content replays: the
    ///    record made then, `"replayed": true`, nothing written;
    /// 2. the same reference with other content is `.conflict` naming the field;
    /// 3. otherwise `insert` checks what it must against stored records,
    ///    takes an id and writes the record; the reference is claimed for
    ///    it, `record` gives its JSON (with the references it now has), that
    ///    JSON goes to the outbox as `event`, and comes back with
    ///    `"replayed": false`.
    ///
    /// - Parameters:
    ///   - recordType: the record type the reference is claimed for ("account").
    ///   - content: the record as the create would make it (its JSON before
    ///     it has an id); only read when a reference was sent.
    ///   - update: the command that changes such records, named in a conflict.
    ///   - load: the stored record of an id, for a replay.
    ///   - insert: checks, takes the id and writes; returns the id.
    ///   - record: the made record's JSON, given its references.
    /// - Throws: what `load` and `insert` throw, `.conflict`; check everything
    ///   in `insert` before its first write (check, then write).
    @inlinable
    public func create(_ recordType: String, event: String, reference: ExternalReference?, content: @autoclosure () -> JSONValue,
                       context: String, update: String?, load: (Int64) throws -> JSONValue,
                       insert: () throws -> Int64, record: ([ExternalReference]) -> JSONValue) throws -> JSONValue {
        let replayContent = reference == nil ? JSONValue.null : Replay.content(of: content())
        if let replayed = try Replay.previous(self, recordType: recordType, reference: reference, content: replayContent,
                                              context: context, update: update, load: load) {
            return replayed
        }
        let id = try insert()
        try Replay.claim(self, recordType: recordType, reference: reference, recordID: id, content: replayContent)
        // Written once: the outbox and the result carry the same text.
        let made = record(reference.map { [$0] } ?? [])
        try self.record(event: event, made)
        return made.adding("replayed", .bool(false))
    }
}
