import CRMStore

/// The document chain as one module of the library: the product catalogue,
/// the line arithmetic every document shares, and quotes (job cards,
/// invoices, credit notes and payments build on them).
public enum DocumentsModule {
    public static let module = Module(
        name: "documents",
        migrationIDs: 300...399,
        migrations: DocumentsSchema.migrations,
        commands: ProductCommands.all + QuoteCommands.all + LedgerMapping.commands,
        recordTypes: ["product", "quote"],
        accountLinks: [.column("quotes", table: "quotes", column: "account_id")])
}
