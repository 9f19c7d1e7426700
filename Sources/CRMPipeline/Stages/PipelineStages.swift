import CRMStore

/// One step of the sales pipeline and the chance of winning an opportunity in it.
public struct PipelineStage: Sendable, Equatable {
    /// Which stages close an opportunity.
    public enum Outcome: String, Sendable {
        case open, won, lost
    }

    /// "proposal".
    public var code: String
    /// "Proposal".
    public var name: String
    /// Its place in the pipeline, 1 first.
    public var position: Int64
    /// 0-100: what an opportunity entering it is given as its probability.
    public var probability: Int64
    public var outcome: Outcome

    var json: JSONValue {
        .object([
            ("code", .string(code)), ("name", .string(name)), ("position", .integer(position)),
            ("probability", .integer(probability)), ("outcome", .string(outcome.rawValue)),
        ])
    }
}

/// The stages of the pipeline: `pipeline.stages` and `pipeline.configure`.
///
/// The pipeline always ends in `won` (probability 100) and `lost` (0); the
/// open stages before them are configurable. The defaults are prospecting 10,
/// qualification 20, proposal 50, negotiation 70.
public enum PipelineStages {
    public static let commands: [Command] = [
        Command("pipeline.stages", .read, stages),
        Command("pipeline.configure", .write, configure),
    ]

    /// Every stage in pipeline order.
    static func all(_ store: Store) throws -> [PipelineStage] {
        try store.connection.rows(
            "SELECT code, name, position, probability, outcome FROM pipeline_stages ORDER BY position", []
        ) { row in
            PipelineStage(code: row.text(0), name: row.text(1), position: row.integer(2), probability: row.integer(3),
                          outcome: PipelineStage.Outcome(rawValue: row.text(4)) ?? .open)
        }
    }

    /// The stage of that code.
    /// - Throws: `.invalid` naming the field and the stages there are.
    static func require(_ store: Store, code: String, field: String, context: String) throws -> PipelineStage {
        let stages = try all(store)
        guard let stage = stages.first(where: { $0.code == code }) else {
            throw CRMError.invalid("\(context): \(field) '\(code.prefix(60))' is not a stage of the pipeline (\(stages.map(\.code).joined(separator: ", ")))")
        }
        return stage
    }

    static func stages(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        try arguments.finish()
        return .object([("items", .array(try all(store).map(\.json)))])
    }

    /// `pipeline.configure {stages: [{code, name?, probability}]}`: the open
    /// stages in order, replacing the ones there are; `won` and `lost` stay
    /// last. A stage that open opportunities are in cannot be dropped.
    static func configure(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let wanted = try arguments.array("stages", maximumCount: 20, { value, name -> PipelineStage in
            guard case .object = value else { throw CRMError.invalid("\(context): \(name()) must be an object") }
            var fields = try Arguments(value, context: "\(context): \(name())")
            let code = try fields.requiredString("code", length: 1...40)
            guard code.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) else {
                throw CRMError.invalid("\(context): \(name()).code must be lower-case letters, digits and _")
            }
            if code == "won" || code == "lost" {
                throw CRMError.invalid("\(context): \(name()).code '\(code)' is the closing stage; list only the open stages")
            }
            let stageName = try fields.string("name", length: 1...100).value ?? code.prefix(1).uppercased() + code.dropFirst().replacingUnderscores()
            let probability = try fields.requiredInteger("probability", range: 0...100)
            try fields.finish()
            return PipelineStage(code: code, name: stageName, position: 0, probability: probability, outcome: .open)
        }).value, !wanted.isEmpty else {
            throw CRMError.invalid("\(context): stages is required: the open stages in order, [{\"code\", \"name\", \"probability\"}]")
        }
        try arguments.finish()
        var seen = Set<String>()
        for stage in wanted where !seen.insert(stage.code).inserted {
            throw CRMError.invalid("\(context): stage '\(stage.code)' is listed twice")
        }
        let current = try all(store)
        var next = wanted.enumerated().map { offset, stage in
            var stage = stage
            stage.position = Int64(offset + 1)
            return stage
        }
        for closing in current where closing.outcome != .open {
            var stage = closing
            stage.position = Int64(next.count + 1)
            next.append(stage)
        }
        guard next != current else { return .object([("items", .array(current.map(\.json)))]) }
        for dropped in current where dropped.outcome == .open && !seen.contains(dropped.code) {
            let inIt = try store.connection.integer(
                "SELECT count(*) FROM opportunities WHERE stage = ? AND status = 'open'", [.text(dropped.code)]) ?? 0
            if inIt > 0 {
                throw CRMError.constraint("\(context): stage '\(dropped.code)' still holds \(inIt) open opportunities; move them before dropping it")
            }
        }
        // Checked; now written.
        try store.connection.run("DELETE FROM pipeline_stages", [])
        for stage in next {
            try store.connection.run(
                "INSERT INTO pipeline_stages (code, name, position, probability, outcome) VALUES (?, ?, ?, ?, ?)",
                [.text(stage.code), .text(stage.name), .integer(stage.position), .integer(stage.probability), .text(stage.outcome.rawValue)])
        }
        let result: JSONValue = .object([("items", .array(next.map(\.json)))])
        try store.record(event: "pipeline.configured", result)
        return result
    }
}

private extension Substring {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
