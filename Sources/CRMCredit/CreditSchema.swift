import CRMStore

/// The schema of credit control: payment-speed scores, ageing and policies.
/// Migrations 0400-0499.
public enum CreditSchema {
    public static let migrations: [Migration] = ExperienceSchema.migrations + PolicySchema.migrations + DunningSchema.migrations
}
