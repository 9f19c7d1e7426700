import CRMStore

/// The bridge's own tables (migrations 0500-0599; CSV imports 0510-0519,
/// the GnuCash import's offsets 0520-0529).
/// The journal export keeps nothing of its own: its position is the
/// consumer's in the outbox.
public enum BridgeSchema {
    /// Every migration of the bridge, in order.
    public static let migrations: [Migration] = CSVSchema.migrations + GnuCashSchema.migrations
}
