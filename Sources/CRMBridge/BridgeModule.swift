import CRMStore

/// Bridges to the books a shop already keeps: plain-text journals of
/// libcrm's postings for the host's ledger (ledger, hledger, beancount).
/// It reads other modules' records through the outbox and their commands,
/// never by importing them.
public enum BridgeModule {
    /// The module: its migrations (0500-0599) and commands.
    public static let module = Module(
        name: "bridge",
        migrationIDs: 500...599,
        migrations: BridgeSchema.migrations,
        commands: JournalCommands.all)
}
