import CRMStore

/// Payment-speed creditworthiness, receivables ageing and credit control as
/// one module of the library. It reads the document chain's invoices,
/// payments and credit notes, and the document chain asks it
/// (`credit.authorize`) at quote acceptance, job card creation and invoice issue.
public enum CreditModule {
    public static let module = Module(
        name: "credit",
        migrationIDs: 400...499,
        migrations: CreditSchema.migrations,
        commands: AgeingCommands.all + CreditScoreCommands.all + MetricsCommands.all + StatementCommands.all
            + RankingCommands.all + PolicyCommands.all + CreditControlCommands.all + CreditHolds.all + DunningCommands.all,
        accountLinks: [
            .column("credit_experiences", table: "credit_experiences", column: "account_id"),
            .column("credit_settlements", table: "credit_settlements", column: "account_id"),
            .column("credit_open_invoices", table: "credit_open_invoices", column: "account_id"),
            .column("credit_holds", table: "credit_holds", column: "account_id"),
            .column("credit_overrides", table: "credit_overrides", column: "account_id"),
            .column("dunning_letters", table: "dunning_letters", column: "account_id"),
        ],
        personalData: [DunningResolution.personalData],
        // Experiences first: a hold's minimum-score rule reads the score they make.
        // The kept scores follow the experiences (and an account's currency and merges).
        observers: [ExperienceRows.observer, CreditScoreSummaries.accountObserver, CreditHolds.observer, DunningResolution.observer])
}
