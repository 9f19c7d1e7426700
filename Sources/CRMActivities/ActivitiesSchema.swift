import CRMStore

/// The schema of activities, follow-up reminders and call lists:
/// migrations 0270-0299.
public enum ActivitiesSchema {
    public static let migrations: [Migration] = []
}
