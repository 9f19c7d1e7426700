import CRMStore

/// The `account.*` commands.
public enum AccountCommands {
    public static let all: [Command] = [
        Command("account.create", .write, create),
        Command("account.get", .read, get),
        Command("account.update", .write, update),
        Command("account.archive", .write, archive),
        Command("account.list", .read, list),
        Command("account.search", .read, AccountSearch.search),
        Command("account.duplicates", .read, AccountDuplicates.find),
        Command("account.merge", .write, AccountMerge.merge),
    ]

    static func create(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let reference = try ExternalReference.read(&arguments)
        let changes = try AccountChanges.read(&arguments)
        try arguments.finish()
        var account = Account()
        _ = try changes.apply(to: &account, context: arguments.context)
        guard !account.name.isEmpty else { throw CRMError.invalid("\(arguments.context): name is required") }
        return try store.create("account", event: "account.created", reference: reference, content: account.json,
                                context: arguments.context, update: "account.update", load: {
            try AccountQueries.require(store, id: $0, context: arguments.context).json
        }) {
            try checkParent(store, account.parentAccountID, of: account.id, context: arguments.context)
            account.id = try store.nextID("accounts")
            account.createdAt = store.clock.now()
            account.updatedAt = account.createdAt
            try AccountQueries.insert(store, &account)
            return account.id
        } record: { references in
            account.externalRefs = references
            return account.json
        }
    }

    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "account", store: store)
        try arguments.finish()
        return try AccountQueries.require(store, id: id, context: arguments.context).json
    }

    static func update(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "account", store: store)
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        let changes = try AccountChanges.read(&arguments)
        try arguments.finish()
        var account = try AccountQueries.require(store, id: id, context: arguments.context)
        try VersionCheck.check(expectedVersion, actual: account.version, record: account.label)
        try requireOpen(account, context: arguments.context)
        let changed = try changes.apply(to: &account, context: "\(arguments.context): \(account.label)")
        guard !changed.isEmpty else { return account.json }
        if changed.contains("parent_account_id") { try checkParent(store, account.parentAccountID, of: account.id, context: arguments.context) }
        account.version = try VersionCheck.next(account.version, record: account.label)
        account.updatedAt = store.clock.now()
        try AccountQueries.update(store, &account)
        try store.record(event: "account.updated", account.json.adding("changed", .array(changed.map { .string($0) })))
        return account.json
    }

    static func archive(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let id = try RecordLocator.id(&arguments, recordType: "account", store: store)
        try arguments.finish()
        var account = try AccountQueries.require(store, id: id, context: arguments.context)
        try requireOpen(account, context: arguments.context)
        account.archivedAt = store.clock.now()
        account.updatedAt = account.archivedAt ?? account.updatedAt
        account.version = try VersionCheck.next(account.version, record: account.label)
        try AccountQueries.update(store, &account)
        try store.record(event: "account.archived", account.json)
        return account.json
    }

    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let (limit, afterID) = try Page.read(&arguments)
        var filter = AccountQueries.ListFilter()
        filter.status = try arguments.choice("status", Account.Status.self).value?.rawValue
        filter.kind = try arguments.choice("kind", Account.Kind.self).value?.rawValue
        filter.segment = try arguments.string("segment", length: 1...100).value
        filter.region = try arguments.string("region", length: 1...100).value
        filter.owner = try arguments.string("owner", length: 1...100).value
        filter.tag = try arguments.string("tag", length: 1...50).value
        filter.parentAccountID = try arguments.id("parent_account_id").value
        filter.strategic = try arguments.bool("strategic").value
        filter.source = try arguments.string("source", length: 1...100).value
        filter.includeArchived = try arguments.bool("include_archived").value ?? false
        try arguments.finish()
        let accounts = try AccountQueries.list(store, filter, afterID: afterID, limit: limit + 1)
        return Page.json(accounts.map(\.json), ids: accounts.map(\.id), limit: limit)
    }

    /// An archived or merged account takes no more changes.
    static func requireOpen(_ account: Account, context: String) throws {
        if let survivor = account.mergedIntoID {
            throw CRMError.constraint("\(context): \(account.label) was merged into account \(survivor)")
        }
        if account.archivedAt != nil {
            throw CRMError.constraint("\(context): \(account.label) is archived")
        }
    }

    /// The parent must exist, be open, and not be the account or one of its children.
    static func checkParent(_ store: Store, _ parentAccountID: Int64?, of accountID: Int64, context: String) throws {
        guard let parentID = parentAccountID else { return }
        guard let parent = try AccountQueries.load(store, id: parentID) else {
            throw CRMError.notFound("\(context): parent_account_id \(parentID) is not an account")
        }
        if parent.mergedIntoID != nil || parent.archivedAt != nil {
            throw CRMError.constraint("\(context): parent_account_id \(parentID) is archived or merged")
        }
        if accountID != 0, try AccountQueries.isAncestor(store, accountID, of: parentID) {
            throw CRMError.invalid("\(context): parent_account_id \(parentID) would make the account its own ancestor")
        }
    }
}
