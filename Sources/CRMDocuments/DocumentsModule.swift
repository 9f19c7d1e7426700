import CRMStore

/// The document chain as one module of the library: the product catalogue,
/// the line arithmetic every document shares, quotes, job cards, invoices
/// with their gapless number series, credit notes, and payments with their allocations.
public enum DocumentsModule {
    public static let module = Module(
        name: "documents",
        migrationIDs: 300...399,
        migrations: DocumentsSchema.migrations,
        commands: ProductCommands.all + QuoteCommands.all + JobCardCommands.all + LedgerMapping.commands
            + NumberSeries.commands + InvoiceCommands.all + CreditNoteCommands.all + PaymentCommands.all
            + DocumentRendering.commands,
        recordTypes: ["product", "quote", "jobcard", "invoice", "credit_note", "payment"],
        accountLinks: [
            .column("quotes", table: "quotes", column: "account_id"),
            .column("jobcards", table: "jobcards", column: "account_id"),
            .column("invoices", table: "invoices", column: "account_id"),
            .column("credit_notes", table: "credit_notes", column: "account_id"),
            .column("payments", table: "payments", column: "account_id"),
        ],
        personalData: [DocumentsPersonalData.documents])
}
