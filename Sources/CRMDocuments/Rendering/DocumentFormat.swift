import CRMStore

/// How documents write figures: money as "1 450.00" (a space between
/// thousands, the currency's minor-unit digits after the point), quantities
/// in thousandths as "1.500", basis points as "15%" or "12.5%", dates as
/// "5 December 2026". Every function is total: no input traps.
public enum DocumentFormat {
    /// An amount in minor units with `digits` decimals: 145000 and 2 -> "1 450.00".
    public static func money(_ minor: Int64, digits: Int) -> String {
        decimal(minor, digits: max(0, min(digits, 18)), group: true)
    }

    /// Thousandths of a unit: 1500 -> "1.500".
    public static func quantity(_ milli: Int64) -> String {
        decimal(milli, digits: 3, group: false)
    }

    /// Thousandths without trailing zeros: 1500 -> "1.5", 120000 -> "120".
    public static func shortQuantity(_ milli: Int64) -> String {
        trimmed(decimal(milli, digits: 3, group: false))
    }

    /// Basis points as a percentage: 1500 -> "15%", 1250 -> "12.5%", 725 -> "7.25%".
    public static func percent(_ basisPoints: Int64) -> String {
        trimmed(decimal(basisPoints, digits: 2, group: false)) + "%"
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                             "August", "September", "October", "November", "December"]

    /// "2026-12-05" -> "5 December 2026"; nil for text that is not a date.
    public static func longDate(_ text: String) -> String? {
        guard let date = CalendarDate(text) else { return nil }
        let (year, month, day) = date.components
        guard (1...12).contains(month) else { return nil }
        return "\(day) \(monthNames[Int(month) - 1]) \(year)"
    }

    /// The digits of `value` with a decimal point `digits` from the right,
    /// and a space between groups of three in the whole part when `group`.
    static func decimal(_ value: Int64, digits: Int, group: Bool) -> String {
        var magnitude = String(value.magnitude)
        if magnitude.count <= digits {
            magnitude = String(repeating: "0", count: digits - magnitude.count + 1) + magnitude
        }
        let whole = magnitude.dropLast(digits)
        let fraction = magnitude.suffix(digits)
        var grouped = ""
        if group {
            for (index, character) in whole.enumerated() {
                if index > 0, (whole.count - index) % 3 == 0 { grouped.append(" ") }
                grouped.append(character)
            }
        } else {
            grouped = String(whole)
        }
        return (value < 0 ? "-" : "") + grouped + (digits > 0 ? "." + fraction : "")
    }

    /// "12.50" -> "12.5", "15.00" -> "15".
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = Substring(text)
        while result.last == "0" { result = result.dropLast() }
        if result.last == "." { result = result.dropLast() }
        return String(result)
    }
}
