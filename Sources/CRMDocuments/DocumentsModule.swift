import CRMStore

/// The document chain as one module of the library: the product catalogue,
/// the line arithmetic every document shares, quotes and job cards
/// (invoices, credit notes and payments build on them).
public enum DocumentsModule {
    public static let module = Module(
        name: "documents",
        migrationIDs: 300...399,
        migrations: DocumentsSchema.migrations,
        commands: ProductCommands.all + QuoteCommands.all + JobCardCommands.all + LedgerMapping.commands
            + DocumentRendering.commands,
        recordTypes: ["product", "quote", "jobcard"],
        accountLinks: [
            .column("quotes", table: "quotes", column: "account_id"),
            .column("jobcards", table: "jobcards", column: "account_id"),
        ])
}
