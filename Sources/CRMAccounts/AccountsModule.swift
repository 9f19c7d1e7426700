import CRMStore

/// Accounts, contacts and interactions as one module of the library: the
/// value `Library` lists.
public enum AccountsModule {
    public static let module = Module(
        name: "accounts",
        migrationIDs: 100...199,
        migrations: AccountsSchema.migrations,
        commands: AccountCommands.all + ContactCommands.all + InteractionCommands.all,
        recordTypes: ["account", "contact", "interaction"],
        accountLinks: [
            .column("contacts", table: "contacts", column: "account_id"),
            .column("interactions", table: "interactions", column: "account_id"),
        ],
        personalData: ContactPersonalData.parts)
}
