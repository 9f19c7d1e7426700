import CRMStore

/// Payment-speed creditworthiness, receivables ageing and credit control as
/// one module of the library. It reads the document chain's invoices,
/// payments and credit notes.
public enum CreditModule {
    public static let module = Module(
        name: "credit",
        migrationIDs: 400...499,
        migrations: CreditSchema.migrations,
        commands: AgeingCommands.all + CreditScoreCommands.all,
        accountLinks: [
            .column("credit_experiences", table: "credit_experiences", column: "account_id"),
            .column("credit_settlements", table: "credit_settlements", column: "account_id"),
            .column("credit_open_invoices", table: "credit_open_invoices", column: "account_id"),
        ],
        observers: [ExperienceRows.observer])
}
