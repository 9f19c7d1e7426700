import CRMStore

/// The bridges to the books a shop already keeps: CSV import and export of
/// accounts, contacts, invoices and payments (history brought in on day one,
/// replay-safe by `source` + `external_ref`), as one module of the library.
public enum BridgeModule {
    public static let module = Module(
        name: "bridge",
        migrationIDs: 500...599,
        migrations: BridgeSchema.migrations,
        commands: CSVCommands.all)
}
