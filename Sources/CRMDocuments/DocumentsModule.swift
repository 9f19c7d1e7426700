import CRMStore

/// The document chain as one module of the library: the product catalogue,
/// the line arithmetic every document shares (quotes, job cards, invoices,
/// credit notes and payments build on them) and job cards.
public enum DocumentsModule {
    public static let module = Module(
        name: "documents",
        migrationIDs: 300...399,
        migrations: DocumentsSchema.migrations,
        commands: ProductCommands.all + JobCardCommands.all,
        recordTypes: ["product", "jobcard"],
        accountLinks: [.column("jobcards", table: "jobcards", column: "account_id")])
}
