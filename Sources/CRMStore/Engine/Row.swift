import CSQLite

/// The current row of a query. Valid only inside the closure it is handed to.
///
/// Columns are read by position. An integer column of either engine reads
/// as Int64; text as String; a boolean is an integer 0 or 1.
///
/// A trivial value (two pointers, nothing counted): rows are read in every
/// call, and on SQLite the row is the stepping statement itself.
public struct Row {
    /// The stepping SQLite statement, or nil.
    private let statement: OpaquePointer?
    /// Otherwise the column values as text, as the PostgreSQL engine
    /// receives them (nil is NULL), owned by the engine for the closure's length.
    private let texts: UnsafeBufferPointer<String?>

    init(statement: OpaquePointer) {
        self.statement = statement
        self.texts = UnsafeBufferPointer(start: nil, count: 0)
    }

    init(texts: UnsafeBufferPointer<String?>) {
        self.statement = nil
        self.texts = texts
    }

    /// The column as an integer; NULL reads as 0.
    public func integer(_ column: Int32) -> Int64 {
        if let statement { return sqlite3_column_int64(statement, column) }
        return optionalInteger(column) ?? 0
    }

    /// The column as an integer, or nil for NULL.
    public func optionalInteger(_ column: Int32) -> Int64? {
        if let statement {
            return sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
        }
        guard let text = value(column) else { return nil }
        return Int64(text) ?? (text == "t" ? 1 : 0)
    }

    /// The column as a boolean (non-zero is true).
    public func bool(_ column: Int32) -> Bool { integer(column) != 0 }

    /// The column as text, or nil for NULL.
    public func optionalText(_ column: Int32) -> String? {
        if let statement {
            guard let bytes = sqlite3_column_text(statement, column) else { return nil }
            let count = Int(sqlite3_column_bytes(statement, column))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }
        return value(column)
    }

    /// The column as text; NULL reads as "".
    public func text(_ column: Int32) -> String { optionalText(column) ?? "" }

    private func value(_ column: Int32) -> String? {
        guard column >= 0, Int(column) < texts.count else { return nil }
        return texts[Int(column)]
    }
}
