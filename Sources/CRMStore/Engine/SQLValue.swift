/// A value bound to a statement parameter. Every value reaches SQL through a
/// binding; no statement is built by pasting input into its text.
///
/// A NULL keeps the type of the value it stands for (`.integer(nil)` is an
/// integer NULL): PostgreSQL needs a type for every parameter, also in
/// `(? IS NULL OR account_id = ?)`, and SQLite binds a plain NULL either way.
public enum SQLValue: Sendable, Equatable {
    case integer(Int64)
    case text(String)
    /// A NULL of a known type.
    case typedNull(SQLType)
    /// A NULL whose type the statement decides.
    case null

    /// The two types values are bound as.
    public enum SQLType: Sendable, Equatable {
        case integer
        case text
    }

    /// Text, or a text NULL for nil.
    public static func text(_ value: String?) -> SQLValue {
        guard let value else { return .typedNull(.text) }
        return .text(value)
    }

    /// An integer, or an integer NULL for nil.
    public static func integer(_ value: Int64?) -> SQLValue {
        guard let value else { return .typedNull(.integer) }
        return .integer(value)
    }

    /// A boolean stored as 0 or 1.
    public static func bool(_ value: Bool) -> SQLValue { .integer(value ? 1 : 0) }
}
