/// A value bound to a statement parameter. Every value reaches SQL through a
/// binding; no statement is built by pasting input into its text.
public enum SQLValue: Sendable, Equatable {
    case integer(Int64)
    case text(String)
    case null

    /// Text, or NULL for nil.
    public static func text(_ value: String?) -> SQLValue {
        guard let value else { return .null }
        return .text(value)
    }

    /// An integer, or NULL for nil.
    public static func integer(_ value: Int64?) -> SQLValue {
        guard let value else { return .null }
        return .integer(value)
    }

    /// A boolean stored as 0 or 1.
    public static func bool(_ value: Bool) -> SQLValue { .integer(value ? 1 : 0) }
}
