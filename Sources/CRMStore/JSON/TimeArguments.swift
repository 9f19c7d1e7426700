/// Dates and times in command arguments, read and checked one way in every
/// module: a date is "2026-12-01", a timestamp RFC 3339
/// ("2026-12-01T09:30:00Z" or with an offset); the error names the field,
/// the form it wants and what came.
extension Arguments {
    /// Which second of its day a date sent for a timestamp field stands for.
    public enum DayEdge: Sendable {
        /// 00:00:00Z: a range's start, "before that day".
        case start
        /// 23:59:59Z: a range's end, "as of that day".
        case end
    }

    /// A date field.
    /// - Throws: `.invalid` naming the field when it is not a date.
    public mutating func date(_ key: String) throws -> Presence<CalendarDate> {
        let context = self.context
        return try string(key, length: 1...40).map { text in
            guard let date = CalendarDate(text) else {
                throw CRMError.invalid("\(context): \(key) must be a date (YYYY-MM-DD); got '\(text.prefix(40))'")
            }
            return date
        }
    }

    /// A required date field.
    /// - Throws: `.invalid` naming the field when it is missing or not a date.
    public mutating func requiredDate(_ key: String) throws -> CalendarDate {
        guard let date = try date(key).value else {
            throw CRMError.invalid("\(context): \(key) is required (a date, YYYY-MM-DD)")
        }
        return date
    }

    /// A timestamp field.
    /// - Throws: `.invalid` naming the field when it is not an RFC 3339 timestamp.
    public mutating func timestamp(_ key: String) throws -> Presence<Timestamp> {
        let context = self.context
        return try string(key, length: 1...40).map { text in
            guard let time = Timestamp(rfc3339: text) else {
                throw CRMError.invalid("\(context): \(key) must be an RFC 3339 timestamp such as 2026-12-01T09:30:00Z; got '\(text.prefix(40))'")
            }
            return time
        }
    }

    /// A field that takes a timestamp or a date, the date standing for the
    /// first or the last second of its day; nil when absent or null.
    /// - Throws: `.invalid` naming the field when it is neither.
    public mutating func instant(_ key: String, dateMeans edge: DayEdge) throws -> Timestamp? {
        guard let text = try string(key, length: 1...40).value else { return nil }
        if let date = CalendarDate(text) {
            return edge == .start ? Timestamp(startOf: date) : Timestamp(endOf: date)
        }
        guard let time = Timestamp(rfc3339: text) else {
            throw CRMError.invalid("\(context): \(key) must be a date (YYYY-MM-DD) or an RFC 3339 timestamp; got '\(text.prefix(40))'")
        }
        return time
    }
}

extension Presence {
    /// The value transformed, absent and null kept.
    @inlinable
    public func map<T>(_ transform: (Value) throws -> T) rethrows -> Presence<T> {
        switch self {
        case .absent: return .absent
        case .null: return .null
        case .value(let value): return .value(try transform(value))
        }
    }
}
