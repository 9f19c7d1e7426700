import CRMStore

/// The sales pipeline as one module of the library: opportunities, the
/// stages they move through, and the reports over them.
public enum PipelineModule {
    public static let module = Module(
        name: "pipeline",
        migrationIDs: 240...269,
        migrations: PipelineSchema.migrations,
        commands: OpportunityCommands.all + PipelineStages.commands,
        recordTypes: ["opportunity"],
        accountLinks: [.column("opportunities", table: "opportunities", column: "account_id")])
}
