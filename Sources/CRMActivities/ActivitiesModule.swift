import CRMStore

/// Activities (calls, meetings, e-mails, tasks, visits), follow-up
/// reminders and telemarketing call lists as one module of the library.
public enum ActivitiesModule {
    public static let module = Module(
        name: "activities",
        migrationIDs: 270...299,
        migrations: ActivitiesSchema.migrations,
        commands: ActivityCommands.all + ReminderCommands.all + CallListCommands.all,
        recordTypes: ["activity", "call_list"],
        accountLinks: [
            .column("activities", table: "activities", column: "account_id"),
        ],
        personalData: [ActivityPersonalData.activities, ActivityPersonalData.leadActivities])
}
