import CRMStore

/// The arguments every pipeline report shares, read and checked the same
/// way: a date range, a currency, a grouping.
enum ReportArguments {
    /// A range of calendar days, both ends included.
    struct DateRange {
        let from: CalendarDate
        let to: CalendarDate

        /// The first second of `from` as stored text ("2026-12-01T00:00:00Z").
        var startTimestamp: String { Timestamp(startOf: from).description }
        /// The last second of `to` as stored text ("2026-12-31T23:59:59Z").
        var endTimestamp: String { Timestamp(endOf: to).description }

        var json: [(String, JSONValue)] { [("from", .string(from.description)), ("to", .string(to.description))] }
    }

    /// `from` and `to`, both required dates (YYYY-MM-DD), `from` not after `to`.
    static func dateRange(_ arguments: inout Arguments) throws -> DateRange {
        let from = try arguments.requiredDate("from")
        let to = try arguments.requiredDate("to")
        guard from <= to else {
            throw CRMError.invalid("\(arguments.context): from \(from) is after to \(to)")
        }
        return DateRange(from: from, to: to)
    }

    /// `currency`: required, an active ISO 4217 code; the report sums money
    /// of that currency only.
    static func currency(_ arguments: inout Arguments) throws -> Currency {
        guard let code = try arguments.string("currency", length: 1...3).value else {
            throw CRMError.invalid("\(arguments.context): currency is required (the report covers opportunities in one currency)")
        }
        guard let currency = Currency(code: code) else {
            throw CRMError.invalid("\(arguments.context): currency '\(code)' is not an active ISO 4217 currency code such as ZAR")
        }
        return currency
    }

    /// `group_by`: one dimension name or an array of them (each once), all
    /// from `allowed`; `fallback` when absent.
    static func groupBy(_ arguments: inout Arguments, allowed: [String], fallback: [String]) throws -> [String] {
        let context = arguments.context
        func check(_ value: JSONValue, _ field: String) throws -> String {
            guard case .string(let name) = value else {
                throw CRMError.invalid("\(context): \(field) must be a string, got \(value.typeName)")
            }
            guard allowed.contains(name) else {
                throw CRMError.invalid("\(context): \(field) must be one of \(allowed.joined(separator: ", ")); got '\(name.prefix(40))'")
            }
            return name
        }
        guard let value = arguments.raw("group_by") else { return fallback }
        switch value {
        case .null: return fallback
        case .string: return [try check(value, "group_by")]
        case .array(let items):
            guard !items.isEmpty else { throw CRMError.invalid("\(context): group_by must not be empty") }
            var names: [String] = []
            for (offset, item) in items.enumerated() {
                let name = try check(item, "group_by[\(offset)]")
                if names.contains(name) { throw CRMError.invalid("\(context): group_by names \(name) twice") }
                names.append(name)
            }
            return names
        default:
            throw CRMError.invalid("\(context): group_by must be a string or an array of strings, got \(value.typeName)")
        }
    }
}

/// Exact figures: a ratio is its numerator and denominator, with a rounded
/// value beside them for display (rounded half away from zero; null when
/// the denominator is 0 or the rounded value does not fit 64 bits).
enum ReportFigures {
    /// `numerator * scale / denominator` rounded half away from zero, or nil.
    static func scaled(_ numerator: Int64, _ denominator: Int64, scale: Int64) -> Int64? {
        guard denominator != 0 else { return nil }
        let negative = (numerator < 0) != (denominator < 0)
        guard numerator != Int64.min, denominator != Int64.min else { return nil }
        let n = numerator.magnitude, d = denominator.magnitude, s = UInt64(scale)
        // n*s/d = q*s + r*s/d with n = q*d + r, so nothing overflows early.
        let q = n / d, r = n % d
        let (whole, overflow1) = q.multipliedReportingOverflow(by: s)
        let (rs, overflow2) = r.multipliedReportingOverflow(by: s)
        guard !overflow1, !overflow2 else { return nil }
        var part = rs / d
        let rest = rs % d
        if rest >= d - rest { part += 1 }  // half or more: away from zero
        let (total, overflow3) = whole.addingReportingOverflow(part)
        guard !overflow3, total <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(total) : Int64(total)
    }

    /// A rate: `{"numerator", "denominator", "rate_bp"}`, rate_bp in basis
    /// points (1/100 of a percent), null when the denominator is 0.
    static func rate(_ numerator: Int64, _ denominator: Int64) -> JSONValue {
        .object([("numerator", .integer(numerator)), ("denominator", .integer(denominator)),
                 ("rate_bp", scaled(numerator, denominator, scale: 10_000).map(JSONValue.integer) ?? .null)])
    }

    /// A length of time in days, as seconds over `count` days of 86,400
    /// seconds: `{"numerator": seconds, "denominator": count * 86400,
    /// "hundredths": days * 100 rounded}`; hundredths null when count is 0.
    static func days(seconds: Int64, count: Int64) -> JSONValue {
        let (denominator, overflow) = count.multipliedReportingOverflow(by: 86_400)
        let d = overflow ? 0 : denominator
        return .object([("numerator", .integer(seconds)), ("denominator", .integer(d)),
                        ("hundredths", scaled(seconds, d, scale: 100).map(JSONValue.integer) ?? .null)])
    }

    /// The weighted amount of one opportunity: amount * probability / 100,
    /// rounded half away from zero (amounts are never negative).
    static func weighted(amountMinor: Int64, probability: Int64) -> Int64 {
        scaled(amountMinor, 100, scale: probability) ?? 0
    }

    /// The same as SQL over `amount` and `probability` columns, exact on
    /// both engines for any BIGINT amount: (a/100)*p + ((a%100)*p + 50)/100.
    static func weightedSQL(amount: String, probability: String) -> String {
        "((\(amount) / 100) * \(probability) + ((\(amount) % 100) * \(probability) + 50) / 100)"
    }

    /// A sum read from a row: an integer on SQLite, a numeric on
    /// PostgreSQL; a total past 64 bits is CRM_RANGE.
    static func sum(_ row: Row, _ column: Int32, context: String) throws -> Int64 {
        guard let text = row.optionalText(column) else { return 0 }
        guard let value = Int64(text) else {
            throw CRMError.range("\(context): a total does not fit in a 64-bit integer (\(text.prefix(40)))")
        }
        return value
    }
}
