#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CRMStore

/// A field of a lead the predictive score learns from, as a category.
public enum ConversionFeature: String, Sendable, CaseIterable {
    case sourceChannel = "source_channel"
    case campaign, region, kind
    case sizeBand = "size_band"
    case owner
    case hasEmail = "has_email"
    case hasPhone = "has_phone"
    /// `estimated_value_minor` in bands of minor units (see `valueBand`).
    case valueBand = "value_band"
    case hasCompany = "has_company"

    /// The feature's value as SQL over `leads` ('' for none); code, never input.
    var sql: String {
        switch self {
        case .sourceChannel: return "source_channel"
        case .campaign: return "COALESCE(campaign, '')"
        case .region: return "COALESCE(region, '')"
        case .kind: return "COALESCE(kind, '')"
        case .sizeBand: return "COALESCE(size_band, '')"
        case .owner: return "COALESCE(owner, '')"
        case .hasEmail: return "CASE WHEN email IS NULL THEN 'no' ELSE 'yes' END"
        case .hasPhone: return "CASE WHEN phone IS NULL THEN 'no' ELSE 'yes' END"
        case .valueBand:
            return """
                CASE WHEN estimated_value_minor IS NULL THEN 'none' WHEN estimated_value_minor < 1000000 THEN '<1000000'
                WHEN estimated_value_minor < 10000000 THEN '1000000-9999999'
                WHEN estimated_value_minor < 100000000 THEN '10000000-99999999' ELSE '>=100000000' END
                """
        case .hasCompany: return "CASE WHEN company IS NULL THEN 'no' ELSE 'yes' END"
        }
    }

    /// The lead's value, as `sql` computes it ('' for none).
    func value(of lead: Lead) -> String {
        switch self {
        case .sourceChannel: return lead.sourceChannel.rawValue
        case .campaign: return lead.campaign ?? ""
        case .region: return lead.region ?? ""
        case .kind: return lead.kind?.rawValue ?? ""
        case .sizeBand: return lead.sizeBand?.rawValue ?? ""
        case .owner: return lead.owner ?? ""
        case .hasEmail: return lead.email == nil ? "no" : "yes"
        case .hasPhone: return lead.phone == nil ? "no" : "yes"
        case .valueBand: return Self.valueBand(lead.estimatedValueMinor)
        case .hasCompany: return lead.company == nil ? "no" : "yes"
        }
    }

    /// The band of an estimated value in minor units.
    static func valueBand(_ minor: Int64?) -> String {
        guard let minor else { return "none" }
        switch minor {
        case ..<1_000_000: return "<1000000"
        case ..<10_000_000: return "1000000-9999999"
        case ..<100_000_000: return "10000000-99999999"
        default: return ">=100000000"
        }
    }
}

/// The predictive score: naive Bayes over `ConversionFeature`s, learned by
/// `lead.train` from the leads that were converted and those disqualified,
/// with Laplace (add-one) smoothing, as Odoo's predictive lead scoring does.
///
/// P(converted | features) comes from the log odds
/// log((C+1)/(D+1)) + Σ log(P(v|converted) / P(v|disqualified)), where
/// P(v|class) = (count of v in the class + 1) / (examples of the class + K)
/// and K is the number of values the feature took in training, plus one when
/// the lead's value is new. The counts are stored, so scoring is a read.
enum ConversionModel {
    /// The fewest examples of each class before the model answers: with fewer
    /// than 10 converted or 10 disqualified leads the probability is null.
    static let minimumExamples: Int64 = 10

    /// The name of the one model kept in `lead_scoring_model`.
    static let name = "conversion"

    /// How many examples the stored model learned from, and when.
    struct Summary {
        var converted: Int64
        var disqualified: Int64
        var trainedAt: Timestamp

        var examplesJSON: JSONValue {
            .object([("converted", .integer(converted)), ("disqualified", .integer(disqualified))])
        }
    }

    static func summary(_ store: Store) throws -> Summary? {
        try store.connection.row(
            "SELECT converted, disqualified, trained_at FROM lead_scoring_model WHERE model = ?", [.text(name)]
        ) { Summary(converted: $0.integer(0), disqualified: $0.integer(1), trainedAt: Timestamp(rfc3339: $0.text(2)) ?? .epoch) }
    }

    /// Counts converted and disqualified leads per feature value and
    /// replaces the stored model (the caller's transaction makes it whole).
    /// - Returns: the summary and, per feature, how many values it took.
    static func train(_ store: Store, now: Timestamp) throws -> (Summary, [(ConversionFeature, Int64)]) {
        let statuses: [SQLValue] = [.text(LeadStatus.converted.rawValue), .text(LeadStatus.disqualified.rawValue)]
        try store.connection.run("DELETE FROM lead_scoring_counts")
        var converted: Int64 = 0
        var disqualified: Int64 = 0
        var values: [(ConversionFeature, Int64)] = []
        for feature in ConversionFeature.allCases {
            let rows = try store.connection.rows(
                """
                SELECT \(feature.sql), sum(CASE WHEN status = ? THEN 1 ELSE 0 END), sum(CASE WHEN status = ? THEN 1 ELSE 0 END)
                FROM leads WHERE status = ? OR status = ? GROUP BY \(feature.sql) ORDER BY 1
                """, statuses + statuses
            ) { ($0.text(0), $0.integer(1), $0.integer(2)) }
            for (value, yes, no) in rows {
                try store.connection.run(
                    "INSERT INTO lead_scoring_counts (feature, value, converted, disqualified) VALUES (?, ?, ?, ?)",
                    [.text(feature.rawValue), .text(value), .integer(yes), .integer(no)])
            }
            if feature == .sourceChannel {
                // Every lead has a source channel: its counts are the classes'.
                converted = rows.reduce(0) { $0 + $1.1 }
                disqualified = rows.reduce(0) { $0 + $1.2 }
            }
            values.append((feature, Int64(rows.count)))
        }
        let summary = Summary(converted: converted, disqualified: disqualified, trainedAt: now)
        try store.connection.run(
            """
            INSERT INTO lead_scoring_model (model, converted, disqualified, trained_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (model) DO UPDATE SET converted = excluded.converted, disqualified = excluded.disqualified,
                trained_at = excluded.trained_at
            """, [.text(name), .integer(converted), .integer(disqualified), .text(now.description)])
        return (summary, values)
    }

    /// The predictive part of `lead.score`.
    static func score(_ store: Store, lead: Lead) throws -> JSONValue {
        guard let summary = try summary(store) else {
            return untrained(nil, reason: "the model was never trained: run lead.train")
        }
        guard summary.converted >= minimumExamples, summary.disqualified >= minimumExamples else {
            return untrained(summary, reason: "too few examples: lead.train found \(summary.converted) converted and "
                + "\(summary.disqualified) disqualified leads, at least \(minimumExamples) of each are needed")
        }
        let converted = Double(summary.converted)
        let disqualified = Double(summary.disqualified)
        var logOdds = log((converted + 1) / (disqualified + 1))
        var factors: [JSONValue] = []
        for feature in ConversionFeature.allCases {
            let value = feature.value(of: lead)
            let seen = try store.connection.integer(
                "SELECT count(*) FROM lead_scoring_counts WHERE feature = ?", [.text(feature.rawValue)]) ?? 0
            let counts = try store.connection.row(
                "SELECT converted, disqualified FROM lead_scoring_counts WHERE feature = ? AND value = ?",
                [.text(feature.rawValue), .text(value)]) { ($0.integer(0), $0.integer(1)) }
            let values = Double(seen + (counts == nil ? 1 : 0))
            let yes = Double(counts?.0 ?? 0)
            let no = Double(counts?.1 ?? 0)
            let ratio = ((yes + 1) / (converted + values)) / ((no + 1) / (disqualified + values))
            logOdds += log(ratio)
            factors.append(.object([
                ("field", .string(feature.rawValue)),
                ("value", value.isEmpty ? .null : .string(value)),
                ("likelihood_ratio", .double(rounded(ratio, places: 3))),
                ("converted", .integer(counts?.0 ?? 0)),
                ("disqualified", .integer(counts?.1 ?? 0)),
            ]))
        }
        let probability = 1 / (1 + exp(-logOdds))
        return .object([
            ("probability", .double(rounded(probability, places: 4))),
            ("trained", .bool(true)),
            ("reason", .null),
            ("trained_at", .string(summary.trainedAt.description)),
            ("examples", summary.examplesJSON),
            ("factors", .array(factors)),
        ])
    }

    private static func untrained(_ summary: Summary?, reason: String) -> JSONValue {
        .object([
            ("probability", .null),
            ("trained", .bool(false)),
            ("reason", .string(reason)),
            ("trained_at", .string(summary?.trainedAt.description)),
            ("examples", summary?.examplesJSON ?? .object([("converted", .integer(0)), ("disqualified", .integer(0))])),
            ("factors", .array([])),
        ])
    }

    /// `value` rounded half away from zero to `places` decimals.
    static func rounded(_ value: Double, places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (value * scale).rounded() / scale
    }
}
