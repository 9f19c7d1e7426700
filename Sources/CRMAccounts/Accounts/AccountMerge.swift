import CRMStore

/// `account.merge`: folds a duplicate account into the one that survives.
/// What any module keeps per account (its `AccountLink`s) moves with it.
enum AccountMerge {
    static func merge(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let survivorID = try arguments.id("survivor_id").value else { throw CRMError.invalid("\(context): survivor_id is required") }
        guard let mergedID = try arguments.id("merged_id").value else { throw CRMError.invalid("\(context): merged_id is required") }
        try arguments.finish()
        guard survivorID != mergedID else { throw CRMError.invalid("\(context): survivor_id and merged_id are the same account") }
        var survivor = try AccountQueries.require(store, id: survivorID, context: context)
        var merged = try AccountQueries.require(store, id: mergedID, context: context)
        try AccountCommands.requireOpen(survivor, context: context)
        try AccountCommands.requireOpen(merged, context: context)
        let connection = store.connection
        let now = store.clock.now()

        // Every module's rows of the merged account (contacts, interactions,
        // and whatever later modules declare) move to the survivor.
        let moved = try store.moveAccountData(from: mergedID, to: survivorID)
        let references = try ExternalReferences.move(store, recordType: "account", from: mergedID, to: survivorID)
        // A survivor below the merged account in the group takes its place,
        // so moving the merged account's children cannot make a cycle.
        if try AccountQueries.isAncestor(store, mergedID, of: survivorID) {
            survivor.parentAccountID = merged.parentAccountID
            try connection.run("UPDATE accounts SET parent_account_id = ? WHERE id = ?",
                               [.integer(merged.parentAccountID), .integer(survivorID)])
        }
        let children = try connection.run(
            "UPDATE accounts SET parent_account_id = ?, updated_at = ? WHERE parent_account_id = ? AND id <> ?",
            [.integer(survivorID), .text(now.description), .integer(mergedID), .integer(survivorID)])

        // The survivor keeps its own values and takes the merged one's where it has none.
        survivor.tags = Array(Set(survivor.tags + merged.tags)).sorted()
        survivor.sizeBand = survivor.sizeBand ?? merged.sizeBand
        survivor.segment = survivor.segment ?? merged.segment
        survivor.region = survivor.region ?? merged.region
        // A limit means something only in its own currency.
        if survivor.currency == merged.currency {
            survivor.creditLimitMinor = survivor.creditLimitMinor ?? merged.creditLimitMinor
        }
        survivor.owner = survivor.owner ?? merged.owner
        survivor.parentAccountID = survivor.parentAccountID ?? merged.parentAccountID
        if survivor.parentAccountID == survivorID || survivor.parentAccountID == mergedID { survivor.parentAccountID = nil }
        survivor.taxNumber = survivor.taxNumber ?? merged.taxNumber
        survivor.email = survivor.email ?? merged.email
        survivor.phone = survivor.phone ?? merged.phone
        survivor.website = survivor.website ?? merged.website
        survivor.notes = survivor.notes ?? merged.notes
        if survivor.addresses.isEmpty { survivor.addresses = merged.addresses }
        survivor.strategic = survivor.strategic || merged.strategic
        survivor.national = survivor.national || merged.national
        survivor.version = try VersionCheck.next(survivor.version, record: survivor.label)
        survivor.updatedAt = now

        merged.mergedIntoID = survivorID
        merged.archivedAt = now
        merged.updatedAt = now
        merged.version = try VersionCheck.next(merged.version, record: merged.label)
        merged.tags = []
        merged.addresses = []
        try AccountQueries.update(store, &merged)
        try AccountQueries.update(store, &survivor)
        survivor = try AccountQueries.require(store, id: survivorID, context: context)

        try store.record(event: "account.merged", .object([
            ("survivor", survivor.json),
            ("merged_id", .integer(mergedID)),
            ("moved", .object(moved.map { ($0.name, .integer(Int64($0.moved))) } + [
                ("external_refs", .integer(Int64(references))),
                ("child_accounts", .integer(Int64(children))),
            ])),
        ]))
        return survivor.json
    }
}
