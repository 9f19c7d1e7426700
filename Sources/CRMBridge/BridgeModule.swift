import CRMStore

/// Bridges to the books a shop already keeps: a GnuCash book's customers,
/// invoices, credit notes and payments imported (`bridge.import_gnucash`), CSV import and export of
/// accounts, contacts, invoices and payments (history brought in on day one,
/// replay-safe by `source` + `external_ref`), and plain-text journals of
/// libcrm's postings for the host's ledger (ledger, hledger, beancount).
/// It reaches other modules through their commands and the outbox, never by
/// importing them.
public enum BridgeModule {
    /// The module: its migrations (0500-0599) and commands.
    public static let module = Module(
        name: "bridge",
        migrationIDs: 500...599,
        migrations: BridgeSchema.migrations,
        commands: CSVCommands.all + JournalCommands.all + GnuCashCommands.all,
        consumerStates: [ConsumerState("journal_states", drop: { store, consumer in try JournalSchema.drop(store, consumer: consumer) })])
}
