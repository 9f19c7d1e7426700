import CCRM
import CRMAccounts
import CRMStore

/// What this build of the library is made of: its version, every module's
/// migrations and every module's commands. A new capability adds its
/// migrations and its command list here, and nothing else in the C layer.
enum Library {
    /// "MAJOR.MINOR.PATCH", the same as CRM_VERSION in crm.h.
    static let version = CRM_VERSION

    /// Every module's schema steps, in the order they apply.
    static let migrations: [Migration] = AccountMigrations.all

    /// Every command of every module.
    static let commands = CommandTable([
        AccountCommands.all,
        ContactCommands.all,
        InteractionCommands.all,
    ])
}
