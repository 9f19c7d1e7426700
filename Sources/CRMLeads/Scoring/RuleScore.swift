import CRMStore

/// What the activities module says about the work done with a lead:
/// completed activities and when the last one was completed.
struct LeadEngagement {
    var completedActivities: Int64
    var lastCompletedAt: Timestamp?

    /// The command of the activities module that answers it.
    static let command = "activity.summary"

    /// The lead's engagement through `activity.summary`, or nil when no
    /// module answers that command (the activities module is not loaded).
    /// The leads module never reads the activities' tables itself.
    static func load(_ store: Store, leadID: Int64, context: String) throws -> LeadEngagement? {
        guard store.hasCommand(command) else { return nil }
        let summary = try store.invoke(command, .object([("lead_id", .integer(leadID))]))
        guard case .integer(let count)? = summary["count"], count >= 0 else {
            throw CRMError(.internal, "\(context): \(command) answered no count of completed activities")
        }
        switch summary["last_completed_at"] {
        case .null?, nil:
            return LeadEngagement(completedActivities: count, lastCompletedAt: nil)
        case .string(let text)?:
            guard let last = Timestamp(rfc3339: text) else {
                throw CRMError(.internal, "\(context): \(command) answered last_completed_at that is not an RFC 3339 timestamp")
            }
            return LeadEngagement(completedActivities: count, lastCompletedAt: last)
        default:
            throw CRMError(.internal, "\(context): \(command) answered last_completed_at that is not a string")
        }
    }
}

/// The rule score of a lead: points for fit (source channel, kind, size
/// band, region) and engagement (completed activities, recency of the last
/// one) from `ScoringWeights`, scaled to 0..100 over the most points all
/// factors can give.
struct RuleScore {
    /// One factor's part of the score.
    struct Factor {
        var factor: ScoringFactor
        /// The lead's value for the factor; nil when it has none (or,
        /// for engagement, when no activities module answers).
        var value: String?
        var points: Int64
        var maxPoints: Int64

        var json: JSONValue {
            .object([
                ("factor", .string(factor.rawValue)), ("value", .string(value)),
                ("points", .integer(points)), ("max_points", .integer(maxPoints)),
            ])
        }
    }

    var factors: [Factor]
    /// The sum of the factors' points.
    var points: Int64
    /// The sum of the factors' most points.
    var maxPoints: Int64
    /// 0..100: `points` over `maxPoints`, rounded half up; 0 when no factor gives points.
    var score: Int64
    /// Whether engagement came from the activities module.
    var engagementKnown: Bool
    var asOf: Timestamp

    init(lead: Lead, engagement: LeadEngagement?, weights: ScoringWeights, asOf: Timestamp) {
        var days: Int64?
        if let last = engagement?.lastCompletedAt {
            // Both inside the years 1..9999: the difference cannot overflow.
            days = max(0, asOf.secondsSinceEpoch - last.secondsSinceEpoch) / 86_400
        }
        let values: [(ScoringFactor, String?)] = [
            (.sourceChannel, lead.sourceChannel.rawValue),
            (.kind, lead.kind?.rawValue),
            (.sizeBand, lead.sizeBand?.rawValue),
            (.region, lead.region),
            (.activities, engagement.map { ScoringFactor.activitiesValue($0.completedActivities) }),
            (.recency, engagement.map { _ in ScoringFactor.recencyValue(days: days) }),
        ]
        factors = values.map { factor, value in
            Factor(factor: factor, value: value, points: weights.points(factor, value), maxPoints: weights.maxPoints(factor))
        }
        // At most six factors of at most 100 points each.
        points = factors.reduce(0) { $0 + $1.points }
        maxPoints = factors.reduce(0) { $0 + $1.maxPoints }
        score = maxPoints == 0 ? 0 : min(100, (200 * points + maxPoints) / (2 * maxPoints))
        engagementKnown = engagement != nil
        self.asOf = asOf
    }

    var json: JSONValue {
        .object([
            ("score", .integer(score)),
            ("points", .integer(points)),
            ("max_points", .integer(maxPoints)),
            ("as_of", .string(asOf.description)),
            ("engagement", .string(engagementKnown
                ? "from \(LeadEngagement.command)"
                : "unknown: no activities module answers \(LeadEngagement.command), so engagement gives 0 points")),
            ("factors", .array(factors.map(\.json))),
        ])
    }
}
