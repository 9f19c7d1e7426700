import CRMStore

/// One thing the rule score gives points for: a field of the lead (fit) or
/// a measure of the work done with it (engagement), and the values it takes.
public enum ScoringFactor: String, Sendable, CaseIterable {
    /// Fit: where the lead came from.
    case sourceChannel = "source_channel"
    /// Fit: what sort of customer it would be.
    case kind
    /// Fit: how many people its business employs.
    case sizeBand = "size_band"
    /// Fit: its region (any region name; a region without points gets 0).
    case region
    /// Engagement: how many activities with the lead were completed.
    case activities
    /// Engagement: days from the last completed activity to the score's `as_of`.
    case recency

    /// The values the factor takes, in order, with their default points;
    /// empty for `region`, whose values are the regions a user gave points.
    var defaults: [(value: String, points: Int64)] {
        switch self {
        case .sourceChannel:
            return [("web", 10), ("phone_in", 20), ("walk_in", 20), ("telemarketing", 10), ("email", 15),
                    ("referral", 30), ("partner", 30), ("campaign", 15), ("social", 5), ("other", 0)]
        case .kind:
            return [("business", 10), ("consumer", 5), ("dealer", 15), ("distributor", 15)]
        case .sizeBand:
            return [("micro", 4), ("small", 8), ("medium", 12), ("large", 15), ("enterprise", 15)]
        case .region:
            return []
        case .activities:
            return [("0", 0), ("1", 5), ("2-3", 10), ("4-6", 15), ("7+", 20)]
        case .recency:
            return [("none", 0), ("0-7", 20), ("8-30", 12), ("31-90", 6), ("91+", 0)]
        }
    }

    /// Whether the factor's values are a fixed set (all but `region`).
    var hasFixedValues: Bool { self != .region }

    /// The activities value for a count of completed activities.
    static func activitiesValue(_ count: Int64) -> String {
        switch count {
        case ...0: return "0"
        case 1: return "1"
        case 2...3: return "2-3"
        case 4...6: return "4-6"
        default: return "7+"
        }
    }

    /// The recency value for the days since the last completed activity
    /// (nil: none was completed).
    static func recencyValue(days: Int64?) -> String {
        guard let days else { return "none" }
        switch days {
        case ...7: return "0-7"
        case 8...30: return "8-30"
        case 31...90: return "31-90"
        default: return "91+"
        }
    }
}

/// The points the rule score gives each factor's values: the defaults of
/// `ScoringFactor`, changed where `lead.configure_scoring` set others
/// (kept in `lead_scoring_points`, only where they differ from the default).
struct ScoringWeights: Equatable {
    /// Points per factor and value.
    private(set) var points: [ScoringFactor: [String: Int64]]

    static let defaults = ScoringWeights(points: Dictionary(uniqueKeysWithValues: ScoringFactor.allCases.map { factor in
        (factor, Dictionary(uniqueKeysWithValues: factor.defaults.map { ($0.value, $0.points) }))
    }))

    /// The weights in force.
    static func current(_ store: Store) throws -> ScoringWeights {
        var weights = defaults
        let stored = try store.connection.rows("SELECT factor, value, points FROM lead_scoring_points ORDER BY factor, value", []) {
            ($0.text(0), $0.text(1), $0.integer(2))
        }
        for (name, value, points) in stored {
            // Only what lead.configure_scoring writes counts: a known factor and, but for regions, a known value.
            guard let factor = ScoringFactor(rawValue: name),
                  !factor.hasFixedValues || factor.defaults.contains(where: { $0.value == value }) else { continue }
            weights.set(factor, value, points)
        }
        return weights
    }

    /// Sets one value's points; nil puts back the default (0 for a region).
    mutating func set(_ factor: ScoringFactor, _ value: String, _ newPoints: Int64?) {
        let fallback = factor.defaults.first(where: { $0.value == value })?.points
        if factor.hasFixedValues {
            points[factor, default: [:]][value] = newPoints ?? fallback ?? 0
        } else if let newPoints, newPoints != 0 {
            points[factor, default: [:]][value] = newPoints
        } else {
            points[factor, default: [:]][value] = nil
        }
    }

    /// The points of a value; 0 for none (nil) or a value without points.
    func points(_ factor: ScoringFactor, _ value: String?) -> Int64 {
        guard let value else { return 0 }
        return points[factor]?[value] ?? 0
    }

    /// The most a factor can give.
    func maxPoints(_ factor: ScoringFactor) -> Int64 {
        points[factor]?.values.max() ?? 0
    }

    /// The most all factors together can give: the score's 100.
    var maxTotal: Int64 {
        ScoringFactor.allCases.reduce(0) { $0 + maxPoints($1) }
    }

    /// The values that differ from their default, as stored.
    var overrides: [(factor: ScoringFactor, value: String, points: Int64)] {
        var rows: [(factor: ScoringFactor, value: String, points: Int64)] = []
        for factor in ScoringFactor.allCases {
            let table = points[factor] ?? [:]
            for (value, points) in table.sorted(by: { $0.key < $1.key }) {
                let fallback = factor.defaults.first(where: { $0.value == value })?.points ?? 0
                if points != fallback { rows.append((factor, value, points)) }
            }
        }
        return rows
    }

    /// `{"source_channel": {"web": 10, ...}, ..., "region": {"Gauteng": 10}}`:
    /// fixed values in their order, regions by name.
    var json: JSONValue {
        .object(ScoringFactor.allCases.map { factor in
            let table = points[factor] ?? [:]
            let values = factor.hasFixedValues ? factor.defaults.map(\.value) : table.keys.sorted()
            return (factor.rawValue, .object(values.map { ($0, .integer(table[$0] ?? 0)) }))
        })
    }

    static func == (lhs: ScoringWeights, rhs: ScoringWeights) -> Bool { lhs.points == rhs.points }
}
