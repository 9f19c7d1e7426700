import CRMStore

/// Gapless number series of issued documents ("INV-000001", "CN-000001"):
/// one row per series in `number_series`. A number is taken inside the write
/// that issues the document; the store serializes writers (SQLite's write
/// lock, PostgreSQL's advisory lock), so no two writes take the same number,
/// and a write that rolls back gives its number back with everything else
/// it wrote: the issued numbers are 1, 2, 3, ... without gaps or duplicates.
public enum NumberSeries {
    /// One series as stored.
    public struct Series: Sendable, Equatable {
        public var series: String
        public var prefix: String
        public var nextNumber: Int64
        public var width: Int64

        public var json: JSONValue {
            .object([("series", .string(series)), ("prefix", .string(prefix)), ("next_number", .integer(nextNumber)),
                      ("width", .integer(width))])
        }

        /// The number `value` in this series: the prefix and the value zero-padded to `width` digits.
        public func format(_ value: Int64) -> String {
            let digits = String(value)
            return prefix + String(repeating: "0", count: max(0, Int(width) - digits.count)) + digits
        }
    }

    /// The series libcrm numbers.
    public static let names = ["invoice", "credit_note"]

    public static func load(_ store: Store, _ series: String) throws -> Series? {
        try store.connection.row("SELECT series, prefix, next_number, width FROM number_series WHERE series = ?", [.text(series)]) {
            Series(series: $0.text(0), prefix: $0.text(1), nextNumber: $0.integer(2), width: $0.integer(3))
        }
    }

    /// Takes the next number of `series` and moves the series on, inside the
    /// current write (`.internal` outside one).
    /// - Throws: `.range` when the series has no numbers left.
    public static func take(_ store: Store, _ series: String) throws -> String {
        guard store.connection.inTransaction else { throw CRMError(.internal, "internal: number of \(series) taken outside a write") }
        guard let current = try load(store, series) else {
            throw CRMError(.internal, "internal: number series \(series) does not exist")
        }
        let (next, overflow) = current.nextNumber.addingReportingOverflow(1)
        if overflow { throw CRMError.range("\(series): the number series has no numbers left") }
        try store.connection.run("UPDATE number_series SET next_number = ? WHERE series = ?", [.integer(next), .text(series)])
        return current.format(current.nextNumber)
    }

    public static let commands: [Command] = [
        Command("invoice.series", .read, list),
        Command("invoice.configure_series", .write, configure),
    ]

    /// `invoice.series {}`: the series with their prefix and next number.
    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        try arguments.finish()
        let all = try store.connection.rows("SELECT series, prefix, next_number, width FROM number_series ORDER BY series", []) {
            Series(series: $0.text(0), prefix: $0.text(1), nextNumber: $0.integer(2), width: $0.integer(3))
        }
        return .object([("items", .array(all.map(\.json)))])
    }

    /// `invoice.configure_series {series, prefix?, next_number?, width?}`:
    /// where a host's numbering goes on from (the number after the last one
    /// its old system issued). `next_number` may not go back to a number the
    /// series already gave (`CRM_CONSTRAINT`): that would duplicate it.
    static func configure(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let name = try arguments.requiredString("series", length: 1...40)
        let prefix = try arguments.string("prefix", length: 0...20).value
        let nextNumber = try arguments.integer("next_number", range: 1...999_999_999_999).value
        let width = try arguments.integer("width", range: 1...12).value
        try arguments.finish()
        guard var series = try load(store, name) else {
            throw CRMError.notFound("\(context): series '\(name)' is not a number series (\(names.joined(separator: ", ")))")
        }
        var changed: [String] = []
        if let prefix, prefix != series.prefix {
            if prefix.contains(where: { $0.isWhitespace || $0.isNewline }) {
                throw CRMError.invalid("\(context): prefix must not contain white space")
            }
            series.prefix = prefix
            changed.append("prefix")
        }
        if let nextNumber, nextNumber != series.nextNumber {
            if nextNumber < series.nextNumber, try issuedCount(store, name) > 0 {
                throw CRMError.constraint("\(context): next_number \(nextNumber) is below \(series.nextNumber), which the \(name) series has reached; going back would repeat numbers")
            }
            series.nextNumber = nextNumber
            changed.append("next_number")
        }
        if let width, width != series.width {
            series.width = width
            changed.append("width")
        }
        guard !changed.isEmpty else { return series.json }
        try store.connection.run("UPDATE number_series SET prefix = ?, next_number = ?, width = ? WHERE series = ?",
                                 [.text(series.prefix), .integer(series.nextNumber), .integer(series.width), .text(name)])
        try store.record(event: "invoice.series_configured", series.json.adding("changed", .array(changed.map { .string($0) })))
        return series.json
    }

    /// How many documents of the series libcrm numbered.
    private static func issuedCount(_ store: Store, _ series: String) throws -> Int64 {
        let table = series == "invoice" ? "invoices" : "credit_notes"
        return try store.connection.integer("SELECT COUNT(*) FROM \(table) WHERE number IS NOT NULL AND recorded = 0", []) ?? 0
    }
}
