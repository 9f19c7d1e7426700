import CRMStore

/// Leads as one module of the library: the value `Library` lists.
public enum LeadsModule {
    public static let module = Module(
        name: "leads",
        migrationIDs: 200...239,
        migrations: LeadsSchema.migrations,
        commands: LeadCommands.all + Territories.commands + LeadConversion.commands + LeadScoring.commands + LeadPersonalData.commands,
        recordTypes: ["lead"],
        accountLinks: [
            .column("referred_leads", table: "leads", column: "referred_by_account_id"),
            .column("lead_conversions", table: "lead_conversions", column: "account_id"),
            .column("credited_referrals", table: "lead_conversions", column: "referred_by_account_id"),
        ],
        personalData: [LeadPersonalData.leads, LeadPersonalData.lead, LeadPersonalData.history])
}
