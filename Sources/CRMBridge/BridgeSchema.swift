import CRMStore

/// The schema of the bridges. Migrations 0500-0599 (CSV imports: 0510-0519).
public enum BridgeSchema {
    public static let migrations: [Migration] = CSVSchema.migrations
}
