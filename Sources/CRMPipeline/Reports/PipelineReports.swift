import CRMStore

/// The pipeline reports: read-only commands that answer figures (integers
/// and exact ratios) over opportunities, their stage history and leads.
/// docs/COMMANDS.md ("Pipeline reports") defines every figure.
public enum PipelineReports {
    public static let commands: [Command] = [
        Command("report.forecast", .read, ForecastReport.run),
        Command("report.funnel", .read, FunnelReport.run),
        Command("report.cycle", .read, CycleReport.run),
        Command("report.win_loss", .read, WinLossReport.run),
        Command("report.lead_conversion", .read, LeadConversionReport.run),
    ]
}

/// One stage of the pipeline as the reports see it.
struct ReportStage {
    let code: String
    let position: Int64
    let outcome: String

    var isOpen: Bool { outcome == "open" }

    /// Every stage, in position order.
    static func all(_ store: Store) throws -> [ReportStage] {
        try store.connection.rows("SELECT code, position, outcome FROM pipeline_stages ORDER BY position, code") {
            ReportStage(code: $0.text(0), position: $0.integer(1), outcome: $0.text(2))
        }
    }
}

/// A group's key: one value (nil for NULL) per grouping dimension, in the
/// order of `group_by`.
struct GroupKey: Hashable {
    var values: [String?]

    /// The key's fields for a result row: `"owner": "thabo"` (or null).
    func fields(_ dimensions: [String]) -> [(String, JSONValue)] {
        zip(dimensions, values).map { ($0, $1.map(JSONValue.string) ?? .null) }
    }

    /// Orders keys dimension by dimension, each by `order` (NULL last).
    static func sorted(_ keys: [GroupKey], order: [(String?, String?) -> Bool]) -> [GroupKey] {
        keys.sorted { a, b in
            for (index, less) in order.enumerated() where a.values[index] != b.values[index] {
                return less(a.values[index], b.values[index])
            }
            return false
        }
    }

    /// Text order with NULL last.
    static func textOrder(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case let (x?, y?): return x < y
        case (.some, nil): return true
        default: return false
        }
    }
}
