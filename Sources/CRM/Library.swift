import CCRM
import CRMAccounts
import CRMBridge
import CRMCredit
import CRMActivities
import CRMDocuments
import CRMLeads
import CRMPipeline
import CRMStore

/// What this build of the library is made of: its version and its modules.
/// A new capability adds its `Module` to `modules`, and nothing else in the
/// C layer: its migrations, commands, record types (for `crm_find_by_ref`),
/// account links (for `account.merge`) and personal data (for
/// `contact.export` and `contact.erase`) come with it.
enum Library {
    /// "MAJOR.MINOR.PATCH", the same as CRM_VERSION in crm.h.
    static let version = CRM_VERSION

    /// Every module, in the order their migrations apply (the store's own first).
    static let modules = Modules([
        AccountsModule.module,
        LeadsModule.module,
        PipelineModule.module,
        ActivitiesModule.module,
        DocumentsModule.module,
        CreditModule.module,
        BridgeModule.module,
    ])

    /// Every command of every module.
    static let commands = modules.commands
}
