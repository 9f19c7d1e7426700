/// The operations whose SQL differs between the engines, each as one
/// fragment a module puts into its statement: the module writes its SQL
/// once and asks the connection (`store.connection.dialect`) for these.
///
/// Column names passed in are names in the module's code, never input;
/// every value still goes through a `?`.
public struct SQLDialect: Sendable {
    /// The engine the fragments are for.
    public let kind: EngineKind

    /// A condition true when the JSON array of strings stored as text in
    /// `column` holds the string bound to the fragment's one `?`.
    public func jsonArrayContains(_ column: String) -> String {
        switch kind {
        case .sqlite: return "EXISTS (SELECT 1 FROM json_each(\(column)) WHERE value = ?)"
        case .postgresql: return "jsonb_exists(CAST(\(column) AS jsonb), CAST(? AS TEXT))"
        }
    }

    /// A condition true when the top-level field of the JSON object stored
    /// as text in `column` is the integer given; bind `jsonFieldEquals(field:value:)`'s values.
    public func jsonIntegerFieldEquals(_ column: String) -> String {
        switch kind {
        case .sqlite: return "json_extract(\(column), ?) = ?"
        case .postgresql: return "(CAST(\(column) AS jsonb) ->> CAST(? AS TEXT)) = CAST(CAST(? AS BIGINT) AS TEXT)"
        }
    }

    /// The seconds since 1970-01-01T00:00:00Z (a BIGINT; negative before
    /// it) of the stored timestamp text `expression` evaluates to, as
    /// `Timestamp(rfc3339:)` reads it: "2026-12-01T09:30:00Z" is
    /// 1796117400 on both engines, whatever the session's time zone. NULL
    /// for NULL (SQLite also gives NULL for text it cannot read).
    public func epochSeconds(_ expression: String) -> String {
        switch kind {
        case .sqlite: return "CAST(strftime('%s', \(expression)) AS INTEGER)"
        case .postgresql: return "CAST(EXTRACT(EPOCH FROM CAST(\(expression) AS TIMESTAMPTZ)) AS BIGINT)"
        }
    }

    /// The two values of `jsonIntegerFieldEquals`: the field and the integer.
    public func jsonIntegerFieldEqualsValues(field: String, value: Int64) -> [SQLValue] {
        switch kind {
        case .sqlite: return [.text("$." + field), .integer(value)]
        case .postgresql: return [.text(field), .integer(value)]
        }
    }
}

extension Connection {
    /// The SQL fragments of this connection's engine.
    public var dialect: SQLDialect { SQLDialect(kind: kind) }
}
