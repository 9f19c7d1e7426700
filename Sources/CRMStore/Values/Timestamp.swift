/// An instant in UTC with one-second precision, written as RFC 3339
/// ("2026-12-01T09:30:00Z"). Stored as that text, which sorts in time order.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let secondsSinceEpoch: Int64

    /// The instant `secondsSinceEpoch` seconds after 1970-01-01T00:00:00Z, or nil
    /// outside `Timestamp.validSeconds` (the years 1..9999).
    public init?(secondsSinceEpoch: Int64) {
        guard Timestamp.validSeconds.contains(secondsSinceEpoch) else { return nil }
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// The instant, or the nearest end of `validSeconds` when outside it.
    public init(clamping secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = min(max(secondsSinceEpoch, Timestamp.earliest), Timestamp.latest)
    }

    /// For values already known to be inside `validSeconds`.
    private init(checked secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range libcrm reads and writes.
    static let earliest: Int64 = -62_135_596_800
    static let latest: Int64 = 253_402_300_799

    /// The seconds since the epoch a timestamp may hold: 0001-01-01T00:00:00Z
    /// (-62_135_596_800) through 9999-12-31T23:59:59Z (253_402_300_799).
    public static let validSeconds: ClosedRange<Int64> = earliest...latest

    /// 1970-01-01T00:00:00Z, the value of a timestamp not yet set.
    public static let epoch = Timestamp(checked: 0)

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }

    /// The first instant of a calendar day.
    public init(startOf date: CalendarDate) { self.init(checked: date.daysSinceEpoch * 86_400) }

    /// The last second of a calendar day (23:59:59Z).
    public init(endOf date: CalendarDate) { self.init(checked: date.daysSinceEpoch * 86_400 + 86_399) }

    /// The calendar day (UTC) this instant falls on.
    public var date: CalendarDate {
        CalendarDate(checked: secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400)
    }

    /// RFC 3339 text in UTC ("2026-12-01T09:30:00Z").
    public var description: String { withRFC3339 { String(decoding: $0, as: UTF8.self) } }

    /// Appends the RFC 3339 text.
    public func write(into bytes: inout [UInt8]) {
        withRFC3339 { bytes.append(contentsOf: $0) }
    }

    /// Calls `body` with the RFC 3339 text, built on the stack: libcrm
    /// writes several timestamps per record.
    public func withRFC3339<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let day = date
        let seconds = secondsSinceEpoch - day.daysSinceEpoch * 86_400
        let (year, month, dayOfMonth) = day.components
        var text: (UInt64, UInt64, UInt32) = (0, 0, 0)  // 20 bytes: "YYYY-MM-DDTHH:MM:SSZ"
        return withUnsafeMutableBytes(of: &text) { raw in
            let out = raw.bindMemory(to: UInt8.self)
            func put(_ value: Int64, _ at: Int, _ count: Int) {
                var rest = value
                for offset in stride(from: at + count - 1, through: at, by: -1) {
                    out[offset] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                    rest /= 10
                }
            }
            put(max(0, min(year, 9999)), 0, 4); out[4] = UInt8(ascii: "-"); put(month, 5, 2); out[7] = UInt8(ascii: "-")
            put(dayOfMonth, 8, 2); out[10] = UInt8(ascii: "T"); put(seconds / 3600, 11, 2); out[13] = UInt8(ascii: ":")
            put((seconds / 60) % 60, 14, 2); out[16] = UInt8(ascii: ":"); put(seconds % 60, 17, 2); out[19] = UInt8(ascii: "Z")
            if year >= 0 && year <= 9999 { return body(UnsafeBufferPointer(out)) }
            // Outside the years libcrm reads and writes: the year as it is.
            let whole = Array(String(year).utf8) + out[4...]
            return whole.withUnsafeBufferPointer(body)
        }
    }

    /// Parses RFC 3339 ("2026-12-01T09:30:00Z", "2026-12-01T11:30:00.250+02:00"):
    /// converted to UTC, fractions of a second dropped. Years 1..9999.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, let date = CalendarDate(bytes: bytes.prefix(10)),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
              let hour = number(bytes, 11, 2), bytes[13] == UInt8(ascii: ":"),
              let minute = number(bytes, 14, 2), bytes[16] == UInt8(ascii: ":"),
              let second = number(bytes, 17, 2),
              hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset: Int64 = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, let offsetHour = number(bytes, index + 1, 2),
                  bytes[index + 3] == UInt8(ascii: ":"), let offsetMinute = number(bytes, index + 4, 2),
                  offsetHour < 24, offsetMinute < 60 else { return nil }
            offset = (offsetHour * 3600 + offsetMinute * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        // An offset must not carry the instant out of the years 1..9999.
        guard Timestamp.validSeconds.contains(seconds) else { return nil }
        secondsSinceEpoch = seconds
    }
}

/// A calendar date without time zone, written "YYYY-MM-DD".
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let daysSinceEpoch: Int64

    /// The day `daysSinceEpoch` days after 1970-01-01, or nil outside
    /// `CalendarDate.validDays` (the years 1..9999).
    public init?(daysSinceEpoch: Int64) {
        guard CalendarDate.validDays.contains(daysSinceEpoch) else { return nil }
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// For values already known to be inside `validDays`.
    fileprivate init(checked daysSinceEpoch: Int64) { self.daysSinceEpoch = daysSinceEpoch }

    /// The days since the epoch a date may hold: 0001-01-01 (-719_162)
    /// through 9999-12-31 (2_932_896).
    public static let validDays: ClosedRange<Int64> = -719_162...2_932_896

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    /// The date of a year, month and day, or nil if no such day exists.
    public init?(year: Int64, month: Int64, day: Int64) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= CalendarDate.daysIn(month: month, year: year) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        daysSinceEpoch = era * 146_097 + dayOfEra - 719_468
    }

    /// Parses "YYYY-MM-DD".
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, let date = CalendarDate(bytes: bytes[...]) else { return nil }
        self = date
    }

    init?(bytes: ArraySlice<UInt8>) {
        let bytes = Array(bytes)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Year, month and day (civil_from_days).
    public var components: (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public var description: String {
        let (year, month, day) = components
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-" + pad2(month) + "-" + pad2(day)
    }

    /// The date `days` later (or earlier, when negative); nil outside the years 1..9999.
    public func adding(days: Int64) -> CalendarDate? {
        let (result, overflow) = daysSinceEpoch.addingReportingOverflow(days)
        guard !overflow else { return nil }
        return CalendarDate(daysSinceEpoch: result)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

private func pad2(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

/// The decimal number in `count` ASCII digits at `start`, or nil.
private func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int64? {
    guard start >= 0, start + count <= bytes.count else { return nil }
    var value: Int64 = 0
    for byte in bytes[start..<(start + count)] {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int64(byte - UInt8(ascii: "0"))
    }
    return value
}
