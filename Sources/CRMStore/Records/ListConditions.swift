/// The optional filters of a query, as SQL: one condition for each filter
/// that was given and none for one left out, so the engine can use the
/// index the filter has. Lists use it, and so do the figures that are of
/// one account or of the whole book (ageing, metrics). (`? IS NULL OR
/// account_id = ?` reads the same but keeps both engines from using any
/// index for it: a page of one account's invoices would read every invoice
/// in the book.)
///
/// Columns and conditions are written in the module's code, never taken
/// from input; the values are always bound.
///
///     var filter = ListConditions()
///     filter.equal("account_id", accountID)
///     filter.equal("status", status?.rawValue)
///     try store.connection.rows("SELECT ... WHERE id > ?\(filter.sql) ORDER BY id LIMIT ?",
///                               [.integer(afterID)] + filter.values + [.integer(limit)], ...)
public struct ListConditions {
    /// " AND a = ? AND b = ?" for the filters given ("" for none).
    public private(set) var sql = ""
    /// Their values, in order.
    public private(set) var values: [SQLValue] = []

    public init() {}

    /// `column = value`, when there is a value.
    public mutating func equal(_ column: StaticString, _ value: Int64?) {
        guard let value else { return }
        add("\(column) = ?", [.integer(value)])
    }

    /// `column = value`, when there is a value.
    public mutating func equal(_ column: StaticString, _ value: String?) {
        guard let value else { return }
        add("\(column) = ?", [.text(value)])
    }

    /// A condition of the module's own with its values, when `when` holds.
    public mutating func add(_ condition: String, _ values: [SQLValue] = [], when: Bool = true) {
        guard when else { return }
        sql += " AND " + condition
        self.values += values
    }
}
