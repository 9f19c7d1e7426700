import CRMStore

/// The bridge's own tables (migrations 0500-0599; CSV imports 0510-0519,
/// journal state per consumer 0520-0529, the GnuCash import's offsets
/// 0530-0539). The journal's position is the consumer's in the outbox; what
/// its journal declared and the balances its assertions build on are kept
/// beside it.
public enum BridgeSchema {
    /// Every migration of the bridge, in order.
    public static let migrations: [Migration] = CSVSchema.migrations + JournalSchema.migrations + GnuCashSchema.migrations
}
