/// One page of a list, `{"items": [...], "next_cursor": ...}`: the one way
/// every list command pages.
///
/// A cursor is opaque text to the caller: the key of the last item shown.
/// Lists ordered by id use the id; lists ordered by something else use
/// their own key (`interaction.list`: "<occurred_at>/<id>"). A command reads
/// one more row than the limit, so it knows whether a next page exists.
public enum Page {
    /// The default page size.
    public static let defaultLimit: Int64 = 50
    /// The largest page size.
    public static let maximumLimit: Int64 = 500

    /// Reads `limit` and `cursor` (the cursor as sent, not yet parsed).
    /// - Throws: `.range` for a limit outside 1...500, `.invalid` for a mistyped field.
    public static func readCursor(_ arguments: inout Arguments) throws -> (limit: Int64, cursor: String?) {
        let limit = try arguments.integer("limit", range: 1...maximumLimit).value ?? defaultLimit
        let cursor = try arguments.string("cursor", length: 1...100).value
        return (limit, cursor)
    }

    /// Reads `limit` and `cursor` of a list ordered by id (the cursor is the
    /// last id of the previous page).
    /// - Throws: as `readCursor`; `.invalid` for a cursor that is not an id.
    public static func read(_ arguments: inout Arguments) throws -> (limit: Int64, afterID: Int64) {
        let (limit, cursor) = try readCursor(&arguments)
        guard let cursor else { return (limit, 0) }
        guard let id = Int64(cursor), id >= 0 else { throw badCursor(cursor, context: arguments.context) }
        return (limit, id)
    }

    /// The error for a cursor this command did not hand out.
    public static func badCursor(_ cursor: String, context: String) -> CRMError {
        CRMError.invalid("\(context): cursor '\(cursor.prefix(40))' is not a cursor this command returned")
    }

    /// The page from up to limit + 1 rows: the first `limit` as records, and
    /// the key of the last one shown as the cursor when more rows follow.
    public static func json<Row>(_ rows: [Row], limit: Int64, record: (Row) -> JSONValue, cursor: (Row) -> String) -> JSONValue {
        let shown = rows.prefix(Int(limit))
        let next: JSONValue = rows.count > Int(limit) ? shown.last.map { .string(cursor($0)) } ?? .null : .null
        return .object([("items", .array(shown.map(record))), ("next_cursor", next)])
    }

    /// The page of a list ordered by id, from up to limit + 1 records.
    public static func json(_ items: [JSONValue], ids: [Int64], limit: Int64) -> JSONValue {
        json(Array(zip(items, ids)), limit: limit, record: { $0.0 }, cursor: { String($0.1) })
    }
}
