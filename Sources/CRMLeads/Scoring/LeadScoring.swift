import CRMStore

/// Lead scoring: a rule score (fit and engagement, weights configurable)
/// and a predictive conversion probability learned from this database's own
/// converted and disqualified leads, side by side, each with its reasons.
public enum LeadScoring {
    public static let commands: [Command] = [
        Command("lead.score", .read, score),
        Command("lead.train", .write, train),
        Command("lead.configure_scoring", .write, configure),
        Command("lead.scoring_weights", .read, weights),
    ]

    /// `lead.score {id | source+external_ref, as_of?}`: the lead's rule score
    /// and predictive probability. `as_of` (a timestamp, or a date meaning its
    /// end) is the "now" of recency, default the clock's now.
    static func score(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "lead", store: store)
        let asOf = try arguments.instant("as_of", dateMeans: .end) ?? store.clock.now()
        try arguments.finish()
        let lead = try LeadQueries.require(store, id: id, context: context)
        let engagement = try LeadEngagement.load(store, leadID: id, context: context)
        let rule = RuleScore(lead: lead, engagement: engagement, weights: try ScoringWeights.current(store), asOf: asOf)
        return .object([
            ("lead_id", .integer(id)),
            ("rule", rule.json),
            ("predictive", try ConversionModel.score(store, lead: lead)),
        ])
    }

    /// `lead.train {}`: counts the converted and disqualified leads per
    /// feature value and replaces the stored model. Event `lead.trained`.
    static func train(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        try arguments.finish()
        let (summary, values) = try ConversionModel.train(store, now: store.clock.now())
        let enough = summary.converted >= ConversionModel.minimumExamples && summary.disqualified >= ConversionModel.minimumExamples
        let result: JSONValue = .object([
            ("trained_at", .string(summary.trainedAt.description)),
            ("examples", summary.examplesJSON),
            ("trained", .bool(enough)),
            ("values", .object(values.map { ($0.0.rawValue, .integer($0.1)) })),
        ])
        try store.record(event: "lead.trained", result)
        return result
    }

    /// `lead.configure_scoring {weights: {factor: {value: points | null}}, reset?}`:
    /// changes the rule score's points (0..100); null puts a value's default
    /// back; `reset: true` first puts every default back. Event
    /// `lead.scoring_configured` when anything changed.
    static func configure(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let reset = try arguments.bool("reset").value ?? false
        let changes = try arguments.object("weights") { nested in try readWeights(&nested, context: context) }.value ?? []
        try arguments.finish()
        if changes.isEmpty && !reset {
            throw CRMError.invalid("\(context): weights is required (an object of factors, each an object of values and points)")
        }
        let current = try ScoringWeights.current(store)
        var updated = reset ? ScoringWeights.defaults : current
        for change in changes { updated.set(change.factor, change.value, change.points) }
        guard updated != current else { return settingsJSON(current) }
        // Checked; now written.
        try store.connection.run("DELETE FROM lead_scoring_points")
        for row in updated.overrides {
            try store.connection.run("INSERT INTO lead_scoring_points (factor, value, points) VALUES (?, ?, ?)",
                                     [.text(row.factor.rawValue), .text(row.value), .integer(row.points)])
        }
        var changed: [JSONValue] = []
        for factor in ScoringFactor.allCases {
            let values = Set((current.points[factor] ?? [:]).keys).union((updated.points[factor] ?? [:]).keys)
            for value in values.sorted() where current.points(factor, value) != updated.points(factor, value) {
                changed.append(.string("\(factor.rawValue).\(value)"))
            }
        }
        let settings = settingsJSON(updated)
        try store.record(event: "lead.scoring_configured", settings.adding("changed", .array(changed)))
        return settings
    }

    /// `lead.scoring_weights {}`: the points in force.
    static func weights(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        try arguments.finish()
        return settingsJSON(try ScoringWeights.current(store))
    }

    private static func settingsJSON(_ weights: ScoringWeights) -> JSONValue {
        .object([("weights", weights.json), ("max_points", .integer(weights.maxTotal))])
    }

    /// At most this many values in one `lead.configure_scoring`.
    static let maximumChanges = 500

    /// The `weights` object: factors by name, each an object of values and points.
    private static func readWeights(_ weights: inout Arguments, context: String)
        throws -> [(factor: ScoringFactor, value: String, points: Int64?)] {
        var changes: [(factor: ScoringFactor, value: String, points: Int64?)] = []
        for factor in ScoringFactor.allCases {
            _ = try weights.object(factor.rawValue) { values in
                for value in values.keys {
                    let field = "weights.\(factor.rawValue).\(value.prefix(100))"
                    let raw = values.raw(value) ?? .null
                    if factor.hasFixedValues {
                        guard factor.defaults.contains(where: { $0.value == value }) else {
                            throw CRMError.invalid("\(context): \(field) is not a \(factor.rawValue) value (one of "
                                + factor.defaults.map(\.value).joined(separator: ", ") + ")")
                        }
                    } else {
                        _ = try Arguments.text(.string(value), field: field, context: context, length: 1...100)
                    }
                    let points: Int64? = raw == .null ? nil : try Arguments.integer(raw, field: field, context: context, range: 0...100)
                    changes.append((factor, value, points))
                    guard changes.count <= maximumChanges else {
                        throw CRMError.range("\(context): weights sets more than \(maximumChanges) values")
                    }
                }
            }
        }
        return changes
    }
}
