import CRMStore

/// Payment-speed creditworthiness, receivables ageing and credit control as
/// one module of the library. It reads the document chain's invoices,
/// payments and credit notes.
public enum CreditModule {
    public static let module = Module(
        name: "credit",
        migrationIDs: 400...499,
        migrations: CreditSchema.migrations,
        commands: AgeingCommands.all + MetricsCommands.all + StatementCommands.all + RankingCommands.all + DunningCommands.all,
        accountLinks: [AccountLink.column("dunning_letters", table: "dunning_letters", column: "account_id")],
        personalData: [DunningResolution.personalData],
        observers: [DunningResolution.observer])
}
