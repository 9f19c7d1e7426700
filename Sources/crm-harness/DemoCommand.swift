import ArgumentParser
import CCRM

extension CRMHarness {
    /// `crm-harness demo`: sample data for a building-supplies wholesaler and a
    /// walk-through of what the library did with it.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill the database with sample customers and walk through what libcrm does.",
            discussion: """
                The customer ledger of a South African building-supplies wholesaler goes in \
                through crm_exec: 12 accounts of every kind (business, consumer, dealer, \
                distributor, a strategic national group with a branch) with the ledger's \
                customer codes as external_ref, 2-3 contacts each with consent per channel \
                and preferences, and 30 interactions (calls, visits, complaints, e-mails) \
                with their own dates. Then: a replayed import, searches, duplicates found and \
                merged, an update with expected_version, one customer's history, leads worked \
                and converted, the pipeline, activities and a call list, the document chain \
                from quote to payment, the old books brought in (a branch's GnuCash book and a \
                till's CSV export), credit control, the ledger's journal and the outbox runner \
                (its files beside the database, in DB.bridge/), the events a hook \
                (crm_hook_register) heard, the events a consumer fetches and acks, and what \
                the CRM holds about one person.

                The demo writes into --db (default ./crm.sqlite) and may be run again on the \
                same file: every import then comes back as a replay with the same id, \
                consent already recorded is not recorded again, the near-duplicate already \
                merged is neither recreated nor merged twice, and the update finds nothing \
                left to change. A record changed since its import (merged into, updated) may \
                be refused as a conflicting replay; the demo then keeps the stored record and \
                says so. Use a new file name (or --db :memory:) for a clean run.

                With --json a JSON summary of the run is printed instead of the walk-through.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("gnucash-book"), help: ArgumentHelp(
            "The GnuCash book section 14 brings in (default: the checkout's Tests/fixtures/gnucash/shop.gnucash).", valueName: "file"))
        var gnuCashBook: String?

        func run() throws {
            try global.withDatabase(create: true) { database in
                let run = DemoRun(database: database, prose: !global.json, gnuCashBookPath: gnuCashBook ?? DemoRun.bundledBook)
                try run.perform()
                if global.json { print(run.summary.pretty) }
            }
        }
    }
}

/// The outcome of one create in the demo's import.
enum ImportOutcome: String {
    case created
    case replayed
    /// The reference exists but the library refused the replay as a conflict
    /// (the record was changed after its import); the stored record is kept.
    case changedSince = "changed since import"
}

/// Counts of one kind of import.
struct ImportTally {
    var created = 0
    var replayed = 0
    var changedSince = 0

    mutating func add(_ outcome: ImportOutcome) {
        switch outcome {
        case .created: created += 1
        case .replayed: replayed += 1
        case .changedSince: changedSince += 1
        }
    }

    var total: Int { created + replayed + changedSince }

    var json: JSON {
        ["created": .int(created), "replayed": .int(replayed), "changed_since_import": .int(changedSince)]
    }

    var prose: String {
        var parts = ["\(created) created", "\(replayed) replayed"]
        if changedSince > 0 { parts.append("\(changedSince) changed since import") }
        return parts.joined(separator: ", ")
    }
}

/// One run of the demo against an open database.
final class DemoRun {
    let database: CRMDatabase
    let prose: Bool
    private let hook = HookListener()

    private var accountIDs: [String: Int64] = [:]
    private var accountOutcomes: [String: ImportOutcome] = [:]
    var contactIDs: [String: Int64] = [:]
    private var contactNames: [Int64: String] = [:]
    private var conflictNotes: [String] = []
    private var accountTally = ImportTally()
    private var contactTally = ImportTally()
    private var interactionTally = ImportTally()
    private var consentChanges = 0

    /// The JSON summary (--json), filled in as the run goes.
    private(set) var summary: JSON = [:]

    /// The GnuCash book section 14 brings in.
    let gnuCashBookPath: String?

    init(database: CRMDatabase, prose: Bool, gnuCashBookPath: String? = nil) {
        self.database = database
        self.prose = prose
        self.gnuCashBookPath = gnuCashBookPath
    }

    // MARK: Output

    func say(_ line: String = "") {
        if prose { print(line) }
    }

    func heading(_ number: Int, _ title: String) {
        say()
        say("== \(number). \(title) ==")
        say()
    }

    func show(_ table: TextTable) {
        if prose { print(table.render(indent: "  "), terminator: "") }
    }

    func remember(_ key: String, _ value: JSON) {
        summary = summary.setting(key, value)
    }

    // MARK: The run

    func perform() throws {
        let hookID = try database.registerHook(pattern: "*", listener: hook)
        defer { try? database.unregisterHook(hookID) }

        say("libcrm demo: the customer ledger of \(DemoData.company),")
        say("a building-supplies wholesaler in Midrand, Gauteng.")
        say("database \(database.isServer ? "on the PostgreSQL server given by --db" : database.path), libcrm \(LibraryVersion.library) (ABI \(LibraryVersion.abi))")
        say("hook \(hookID) registered for \"*\": it hears every event the demo causes, as it commits.")
        remember("database", .string(database.isServer ? "postgresql" : database.path))
        remember("library_version", .string(LibraryVersion.library))

        try importLedger()
        try listCustomers()
        try importContacts()
        try logInteractions()
        try showReplay()
        try search()
        try duplicatesAndMerge()
        try updateWithExpectedVersion()
        try customerHistory()
        try leads()
        try pipeline()
        try activities()
        try documents()
        try oldBooks()
        try credit()
        try bridges()
        showHookEvents(hookID: hookID)
        try consumeEvents()
        try personalData()

        say()
        say("Done. Run the demo again on the same database: the imports replay with the same ids.")
        if database.isServer { say("(Below, CRM_DB is the --db URL you gave.)") }
        say("Explore: crm-harness exec account.get '{\"source\": \"ledger\", \"external_ref\": \"\(DemoData.focusCode)\"}' --db \(database.shownPath)")
        if database.isServer {
            say("Back it up with the server's tools while it is in use: pg_dump \"$CRM_DB\" > crm-backup.sql")
        } else {
            say("Back it up while it is in use: crm-harness backup demo-backup.sqlite --db \(database.path)")
        }
    }

    /// A create with source + external_ref. A replay answers the same record; a
    /// conflicting replay of a record changed since its import keeps the stored one.
    func importRecord(
        _ command: String, type: String, source: String, ref: String, arguments: JSON
    ) throws -> (record: JSON, outcome: ImportOutcome) {
        let arguments = arguments.setting("source", .string(source)).setting("external_ref", .string(ref))
        do {
            let record = try database.exec(command, arguments)
            return (record, record["replayed"]?.bool == true ? .replayed : .created)
        } catch let failure as CRMFailure where failure.code == CRM_CONFLICT {
            guard let id = try database.lookUpRef(type, source: source, externalRef: ref) else { throw failure }
            conflictNotes.append("\(source):\(ref): \(failure.message)")
            return (try database.exec("\(type).get", ["id": .int(id)]), .changedSince)
        }
    }

    func accountID(_ code: String) throws -> Int64 {
        guard let id = accountIDs[code] else { throw HarnessFailure(message: "demo: no account for \(code)") }
        return id
    }

    // MARK: 1. Import

    private func importLedger() throws {
        heading(1, "Importing the customer ledger")
        say("Each ledger customer goes in with account.create, source \"ledger\" and its customer code as external_ref.")
        say()
        var table = TextTable(["code", "id", "name", "kind", "import"])
        for account in DemoData.accounts {
            var arguments = account.fields
            if let parent = account.parentCode {
                arguments = arguments.setting("parent_account_id", .int(try accountID(parent)))
            }
            let (record, outcome) = try importRecord(
                "account.create", type: "account", source: DemoData.source, ref: account.code, arguments: arguments)
            guard let id = record["id"]?.int else { throw HarnessFailure(message: "account.create: no id") }
            accountIDs[account.code] = id
            accountOutcomes[account.code] = outcome
            accountTally.add(outcome)
            table.add([account.code, String(id), record["name"]?.string ?? "", record["kind"]?.string ?? "", outcome.rawValue])
        }
        show(table)

        // The trade counter's hand-keyed near-duplicate of Mthembu Hardware.
        say()
        let dup = DemoData.duplicate
        let survivorID = try accountID("MTH001")
        let known = try database.lookUpRef("account", source: DemoData.duplicateSource, externalRef: dup.code)
        if let known, known == survivorID {
            say("The trade counter's walk-in customer \(DemoData.duplicateSource):\(dup.code) was merged into account \(survivorID) in an earlier run;")
            say("its reference now leads to the survivor, so it is not keyed in again.")
            remember("duplicate_already_merged", true)
        } else {
            let (record, outcome) = try importRecord(
                "account.create", type: "account", source: DemoData.duplicateSource, ref: dup.code, arguments: dup.fields)
            guard let id = record["id"]?.int else { throw HarnessFailure(message: "account.create: no id") }
            accountIDs[dup.code] = id
            accountOutcomes[dup.code] = outcome
            accountTally.add(outcome)
            say("Meanwhile the Pietermaritzburg trade counter keyed in a walk-in customer by hand:")
            say("  \(DemoData.duplicateSource):\(dup.code) -> account \(id) \"\(record["name"]?.string ?? "")\" (\(outcome.rawValue))")
            remember("duplicate_already_merged", false)
        }
        say()
        say("Accounts: \(accountTally.prose).")
        reportConflictNotes()
        remember("accounts", accountTally.json.setting("ids", .object(
            accountIDs.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSON.int($0.value)) })))
    }

    private func reportConflictNotes() {
        guard !conflictNotes.isEmpty else { return }
        say("Changed since their import, so the library refused the replay (CRM_CONFLICT) and the stored record stays:")
        for note in conflictNotes { say("  \(note)") }
        conflictNotes.removeAll()
    }

    // MARK: 2. Customers

    private func listCustomers() throws {
        heading(2, "Who the customers are")
        let page = try database.exec("account.list", ["limit": 100])
        var table = TextTable(
            ["id", "ref", "name", "kind", "key", "region", "terms", "credit limit", "status", "tags"],
            rightAligned: [0, 6, 7])
        let items = page["items"]?.array ?? []
        for account in items {
            var flags: [String] = []
            if account["strategic"]?.bool == true { flags.append("strategic") }
            if account["national"]?.bool == true { flags.append("national") }
            if let parent = account["parent_account_id"]?.int { flags.append("branch of \(parent)") }
            let currency = account["currency"]?.string ?? "ZAR"
            table.add([
                EventSummary.text(account["id"]),
                DemoRun.firstRef(account),
                EventSummary.clip(account["name"]?.string ?? "", 42),
                account["kind"]?.string ?? "",
                flags.joined(separator: ", "),
                account["region"]?.string ?? "",
                account["payment_terms_days"]?.int.map { $0 == 0 ? "cash" : "\($0) d" } ?? "",
                DemoRun.money(account["credit_limit_minor"]?.int, currency),
                account["status"]?.string ?? "",
                (account["tags"]?.array ?? []).compactMap(\.string).joined(separator: ","),
            ])
        }
        show(table)
        if page["next_cursor"]?.string != nil { say("  (more on the next page)") }
        say()
        say("\(items.count) open accounts; credit limits are integer cents of their currency (credit_limit_minor).")
        remember("customers_listed", .int(items.count))
    }

    /// The account's ledger reference, or else its first one.
    static func firstRef(_ record: JSON) -> String {
        let refs = record["external_refs"]?.array ?? []
        guard let ref = refs.first(where: { $0["source"]?.string == DemoData.source }) ?? refs.first else { return "" }
        return "\(ref["source"]?.string ?? ""):\(ref["external_ref"]?.string ?? "")"
    }

    /// Minor units as "R 250 000.00" (ZAR) or "USD 1 200.00"; nil as "none".
    static func money(_ minor: Int64?, _ currency: String) -> String {
        guard let minor else { return "none" }
        let negative = minor < 0
        let magnitude = minor.magnitude
        let cents = magnitude % 100
        var whole = String(magnitude / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = " " + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        grouped = whole + grouped
        let symbol = currency == "ZAR" ? "R" : currency
        return "\(negative ? "-" : "")\(symbol) \(grouped).\(cents < 10 ? "0" : "")\(cents)"
    }

    // MARK: 3. Contacts

    private func importContacts() throws {
        heading(3, "Contacts, consent and preferences")
        say("contact.create per person, contact.consent per channel (with where it was given), contact.preferences.")
        say()
        var table = TextTable(["account", "id", "contact", "role", "prefers", "consent", "preferences"])
        var accounts = DemoData.accounts
        if accountIDs[DemoData.duplicate.code] != nil { accounts.append(DemoData.duplicate) }
        for account in accounts {
            let accountID = try accountID(account.code)
            let source = account.code == DemoData.duplicate.code ? DemoData.duplicateSource : DemoData.source
            for contact in account.contacts {
                var (record, outcome) = try importRecord(
                    "contact.create", type: "contact", source: source, ref: contact.ref,
                    arguments: contact.fields.setting("account_id", .int(accountID)))
                guard let id = record["id"]?.int else { throw HarnessFailure(message: "contact.create: no id") }
                contactTally.add(outcome)
                contactIDs[contact.ref] = id
                contactNames[id] = [record["first_name"]?.string, record["last_name"]?.string]
                    .compactMap { $0 }.joined(separator: " ")

                // Consent already on record (an earlier run) is left as it is.
                let recorded = Set(contact.consent.map(\.channel).filter { !(record["consent"]?[$0]?.isNull ?? true) })
                for consent in contact.consent where !recorded.contains(consent.channel) {
                    let before = hook.heard.count
                    record = try database.exec("contact.consent", [
                        "contact_id": .int(id), "channel": .string(consent.channel), "status": .string(consent.status),
                        "recorded_at": .string(consent.recordedAt), "source": .string(consent.source),
                    ])
                    if hook.heard.count > before { consentChanges += 1 }
                }
                if !contact.preferences.isEmpty {
                    let set = JSON.object(contact.preferences.map { (key: $0.key, value: JSON.string($0.value)) })
                    record = try database.exec("contact.preferences", ["contact_id": .int(id), "set": set])
                }
                table.add([
                    account.code, String(id), contactNames[id] ?? "", record["role"]?.string ?? "",
                    record["preferred_channel"]?.string ?? "", DemoRun.consentSummary(record["consent"]),
                    String(record["preferences"]?.members?.count ?? 0),
                ])
            }
        }
        show(table)
        say()
        say("Contacts: \(contactTally.prose); \(consentChanges) consent changes recorded in this run.")
        reportConflictNotes()

        // One contact's consent history: every change is kept.
        if let naledi = contactIDs["HVR001-2"] {
            say()
            say("Consent history of \(contactNames[naledi] ?? "contact \(naledi)") (contact.consent_history):")
            let history = try database.exec("contact.consent_history", ["contact_id": .int(naledi)])
            var historyTable = TextTable(["recorded_at", "channel", "status", "source"])
            for item in history["items"]?.array ?? [] {
                historyTable.add([
                    item["recorded_at"]?.string ?? "", item["channel"]?.string ?? "",
                    item["status"]?.string ?? "", item["source"]?.string ?? "",
                ])
            }
            show(historyTable)
            remember("consent_history_entries", .int(history["items"]?.array?.count ?? 0))
        }
        remember("contacts", contactTally.json)
        remember("consent_changes", .int(consentChanges))
    }

    static func consentSummary(_ consent: JSON?) -> String {
        var parts: [String] = []
        for channel in ["email", "sms", "phone", "post"] {
            guard let status = consent?[channel]?["status"]?.string else { continue }
            parts.append("\(channel) \(status == "opted_in" ? "yes" : status == "opted_out" ? "no" : status)")
        }
        return parts.isEmpty ? "none recorded" : parts.joined(separator: ", ")
    }

    // MARK: 4. Interactions

    private func logInteractions() throws {
        heading(4, "Logging the interaction history")
        say("interaction.log for each call, visit, complaint, e-mail... with when it happened (occurred_at).")
        say()
        var interactions = DemoData.interactions
        if accountIDs[DemoData.duplicate.code] != nil { interactions.append(DemoData.duplicateInteraction) }
        var perAccount: [String: (count: Int, last: String)] = [:]
        var kinds: [String: Int] = [:]
        for interaction in interactions {
            var arguments = interaction.fields.setting("account_id", .int(try accountID(interaction.accountCode)))
            if let contactRef = interaction.contactRef, let contactID = contactIDs[contactRef] {
                arguments = arguments.setting("contact_id", .int(contactID))
            }
            let source = interaction.accountCode == DemoData.duplicate.code ? DemoData.duplicateSource : DemoData.source
            let (record, outcome) = try importRecord(
                "interaction.log", type: "interaction", source: source, ref: interaction.ref, arguments: arguments)
            interactionTally.add(outcome)
            let when = record["occurred_at"]?.string ?? ""
            let previous = perAccount[interaction.accountCode] ?? (0, "")
            perAccount[interaction.accountCode] = (previous.count + 1, max(previous.last, when))
            kinds[record["kind"]?.string ?? "?", default: 0] += 1
        }
        var table = TextTable(["account", "interactions", "last contact"], rightAligned: [1])
        for code in perAccount.keys.sorted() {
            guard let entry = perAccount[code] else { continue }
            table.add([code, String(entry.count), String(entry.last.prefix(10))])
        }
        show(table)
        say()
        say("By kind: " + kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ".")
        say("Interactions: \(interactionTally.prose).")
        reportConflictNotes()
        remember("interactions", interactionTally.json)
    }

    // MARK: 5. Replay

    private func showReplay() throws {
        heading(5, "A replayed import")
        guard let account = DemoData.accounts.first(where: { $0.code == DemoData.focusCode }) else { return }
        let firstID = try accountID(account.code)
        say("The ledger sends \(account.code) again, exactly as before (a feed replayed after a crash):")
        let replay = try database.exec(
            "account.create",
            account.fields.setting("source", .string(DemoData.source)).setting("external_ref", .string(account.code)))
        let replayID = replay["id"]?.int ?? -1
        let replayed = replay["replayed"]?.bool ?? false
        var table = TextTable(["", "external_ref", "id", "replayed"])
        table.add(["first import", "\(DemoData.source):\(account.code)", String(firstID),
                   accountOutcomes[account.code] == .created ? "false" : "true (an earlier run)"])
        table.add(["sent again", "\(DemoData.source):\(account.code)", String(replayID), String(replayed)])
        show(table)
        say()
        say(replayID == firstID && replayed
            ? "Same id \(replayID), replayed: true: no duplicate was made."
            : "UNEXPECTED: the replay answered id \(replayID), replayed \(replayed) (first id \(firstID)).")

        let found = try database.findByRef("account", source: DemoData.source, externalRef: account.code)
        say("crm_find_by_ref(\"account\", \"\(DemoData.source)\", \"\(account.code)\") -> \(found)")

        say()
        say("The same reference with different content is refused, naming the field:")
        var changedCode: Int32 = CRM_OK
        do {
            _ = try database.exec(
                "account.create",
                account.fields.setting("credit_limit_minor", 99_900_000)
                    .setting("source", .string(DemoData.source)).setting("external_ref", .string(account.code)))
            say("  UNEXPECTED: accepted (expected CRM_CONFLICT)")
        } catch let failure as CRMFailure {
            changedCode = failure.code
            say("  \(crmCodeName(failure.code)) (\(failure.code)): \(failure.message)")
        }
        remember("replay", [
            "external_ref": .string(account.code), "first_id": .int(firstID), "replay_id": .int(replayID),
            "replayed": .bool(replayed), "same_id": .bool(replayID == firstID), "find_by_ref_id": .int(found),
            "changed_content_code": .int(Int(changedCode)),
        ])
    }

    // MARK: 6. Search

    private func search() throws {
        heading(6, "Searching")
        var results: [JSON] = []
        for (query, why) in [("mthembu", "a name, any case"), ("033-342-1187", "a phone number, digits only"),
                             ("decor", "accents do not matter"), ("4790112233", "a VAT number")] {
            let answer = try database.exec("account.search", ["query": .string(query)])
            let items = answer["items"]?.array ?? []
            say("account.search \"\(query)\" (\(why)): \(items.count) found")
            var table = TextTable(["id", "name", "matched_on"])
            for item in items {
                table.add([EventSummary.text(item["id"]), item["name"]?.string ?? "", item["matched_on"]?.string ?? ""])
            }
            if !items.isEmpty { show(table) }
            say()
            results.append(["query": .string(query), "ids": .array(items.compactMap { $0["id"] })])
        }
        remember("search", .array(results))
    }

    // MARK: 7. Duplicates and merge

    private func duplicatesAndMerge() throws {
        heading(7, "Duplicates found and merged")
        let survivorID = try accountID("MTH001")
        let answer = try database.exec("account.duplicates", [:])
        let pairs = answer["items"]?.array ?? []
        say("account.duplicates across the book: \(pairs.count) pair\(pairs.count == 1 ? "" : "s")")
        var table = TextTable(["account", "duplicate", "reasons", "name similarity"])
        for pair in pairs {
            table.add([
                EventSummary.text(pair["account_id"]), EventSummary.text(pair["duplicate_id"]),
                (pair["reasons"]?.array ?? []).compactMap(\.string).joined(separator: ", "),
                EventSummary.text(pair["name_similarity"]),
            ])
        }
        if !pairs.isEmpty { show(table) }
        say()

        guard let dupID = accountIDs[DemoData.duplicate.code] else {
            say("The walk-in duplicate was merged into account \(survivorID) in an earlier run: nothing to merge.")
            remember("merge", ["already_merged": true, "survivor_id": .int(survivorID), "pairs_found": .int(pairs.count)])
            return
        }
        let current = try database.exec("account.get", ["id": .int(dupID)])
        if let into = current["merged_into_id"]?.int {
            say("Account \(dupID) was already merged into \(into): nothing to merge.")
            remember("merge", ["already_merged": true, "survivor_id": .int(into), "pairs_found": .int(pairs.count)])
            return
        }
        let pairFound = pairs.contains { pair in
            let ids = Set([pair["account_id"]?.int, pair["duplicate_id"]?.int].compactMap { $0 })
            return ids == [survivorID, dupID]
        }
        say(pairFound
            ? "Accounts \(survivorID) (ledger) and \(dupID) (trade counter) are the same dealer: merge \(dupID) into \(survivorID)."
            : "NOTE: the library did not pair \(survivorID) and \(dupID); they are the same dealer, so merge anyway.")
        hook.echo = { [prose] heard in
            if prose { print("    hook heard seq \(heard.seq.map(String.init) ?? "?") \(heard.type)") }
        }
        let survivor = try database.exec("account.merge", ["survivor_id": .int(survivorID), "merged_id": .int(dupID)])
        hook.echo = nil
        let mergedEvent = hook.heard.last(where: { $0.type == "account.merged" })?.event?["record"]
        let moved = mergedEvent?["moved"] ?? .null
        say("account.merge -> survivor \(EventSummary.text(survivor["id"])) \"\(survivor["name"]?.string ?? "")\", version \(EventSummary.text(survivor["version"]))")
        if let members = moved.members {
            say("  moved: " + members.map { "\($0.key) \(EventSummary.text($0.value))" }.joined(separator: ", "))
        }
        say("  filled from the duplicate: website \(survivor["website"]?.string ?? "-"), e-mail \(survivor["email"]?.string ?? "-")")
        say("  tags now: " + (survivor["tags"]?.array ?? []).compactMap(\.string).joined(separator: ", "))
        let merged = try database.exec("account.get", ["id": .int(dupID)])
        say("  account \(dupID): archived \(EventSummary.text(merged["archived"])), merged_into_id \(EventSummary.text(merged["merged_into_id"]))")
        let leadsTo = try database.findByRef("account", source: DemoData.duplicateSource, externalRef: DemoData.duplicate.code)
        say("  crm_find_by_ref(\"account\", \"\(DemoData.duplicateSource)\", \"\(DemoData.duplicate.code)\") -> \(leadsTo) (the survivor)")
        let after = try database.exec("account.duplicates", ["account_id": .int(survivorID)])
        say("  account.duplicates for \(survivorID) afterwards: \(after["items"]?.array?.count ?? 0) pairs")
        remember("merge", [
            "already_merged": false, "survivor_id": .int(survivorID), "merged_id": .int(dupID),
            "pair_found": .bool(pairFound), "pairs_found": .int(pairs.count), "moved": moved,
            "find_by_ref_after": .int(leadsTo),
        ])
    }

    // MARK: 8. Update

    private func updateWithExpectedVersion() throws {
        heading(8, "An update with expected_version")
        let id = try accountID(DemoData.updateCode)
        let before = try database.exec("account.get", ["id": .int(id)])
        let versionBefore = before["version"]?.int ?? 0
        say("\(before["name"]?.string ?? "") won its tender: raise the credit limit and make it active.")
        say("account.get -> version \(versionBefore), status \(before["status"]?.string ?? ""), limit \(DemoRun.money(before["credit_limit_minor"]?.int, before["currency"]?.string ?? "ZAR"))")
        let heardBefore = hook.heard.count
        hook.echo = { [prose] heard in
            if prose { print("    hook heard seq \(heard.seq.map(String.init) ?? "?") \(heard.type)") }
        }
        let after = try database.exec(
            "account.update", DemoData.updateFields.setting("id", .int(id)).setting("expected_version", .int(versionBefore)))
        hook.echo = nil
        let versionAfter = after["version"]?.int ?? 0
        let event = hook.heard.count > heardBefore ? hook.heard.last?.event?["record"] : nil
        let changed = (event?["changed"]?.array ?? []).compactMap(\.string)
        if versionAfter == versionBefore {
            say("account.update with expected_version \(versionBefore): nothing left to change (applied in an earlier run), no event.")
        } else {
            say("account.update with expected_version \(versionBefore) -> version \(versionAfter), status \(after["status"]?.string ?? ""), limit \(DemoRun.money(after["credit_limit_minor"]?.int, after["currency"]?.string ?? "ZAR"))")
            if !changed.isEmpty { say("  changed: " + changed.joined(separator: ", ")) }
        }

        let stale = max(versionAfter - 1, 0)
        say()
        say("A second clerk still holding version \(stale) tries to set another limit:")
        var staleCode: Int32 = CRM_OK
        do {
            _ = try database.exec("account.update", [
                "id": .int(id), "expected_version": .int(stale), "credit_limit_minor": 350_000_000,
            ])
            say("  UNEXPECTED: accepted (expected CRM_CONFLICT)")
        } catch let failure as CRMFailure {
            staleCode = failure.code
            say("  \(crmCodeName(failure.code)) (\(failure.code)): \(failure.message)")
            say("  no lost update: the clerk re-reads the account and decides again.")
        }
        remember("update", [
            "account_id": .int(id), "version_before": .int(versionBefore), "version_after": .int(versionAfter),
            "changed": .array(changed.map(JSON.string)), "stale_version": .int(stale),
            "stale_code": .int(Int(staleCode)),
        ])
    }

    // MARK: 9. History

    private func customerHistory() throws {
        heading(9, "The history of one customer")
        let id = try accountID(DemoData.focusCode)
        let account = try database.exec("account.get", ["id": .int(id)])
        let currency = account["currency"]?.string ?? "ZAR"
        say("\(account["name"]?.string ?? "") (\(DemoData.source):\(DemoData.focusCode), account \(id))")
        say("  \(account["kind"]?.string ?? "") / \(account["segment"]?.string ?? "-") / \(account["region"]?.string ?? "-"), rep \(account["owner"]?.string ?? "-"), terms \(EventSummary.text(account["payment_terms_days"])) days, limit \(DemoRun.money(account["credit_limit_minor"]?.int, currency))")
        let contacts = try database.exec("contact.list", ["account_id": .int(id)])
        let names = (contacts["items"]?.array ?? []).map {
            "\([$0["first_name"]?.string, $0["last_name"]?.string].compactMap { $0 }.joined(separator: " ")) (\($0["role"]?.string ?? "-"))"
        }
        say("  contacts: " + names.joined(separator: ", "))
        say()
        let history = try database.exec("interaction.list", ["account_id": .int(id), "limit": 100])
        let items = history["items"]?.array ?? []
        var table = TextTable(["when (UTC)", "kind", "direction", "with", "by", "subject", "links"])
        for item in items {
            let when = (item["occurred_at"]?.string ?? "").replacingFirst("T", with: " ").prefix(16)
            let contact = item["contact_id"]?.int.map { contactNames[$0] ?? "contact \($0)" } ?? ""
            let links = (item["links"]?.array ?? []).compactMap { $0["record_id"]?.string }.joined(separator: ", ")
            table.add([
                String(when), item["kind"]?.string ?? "", item["direction"]?.string ?? "", contact,
                item["performed_by"]?.string ?? "", EventSummary.clip(item["subject"]?.string ?? "", 48), links,
            ])
        }
        show(table)
        say()
        say("\(items.count) interactions, oldest first (interaction.list by account_id).")

        let complaints = try database.exec("interaction.list", ["kind": "complaint", "limit": 100])
        let complaintItems = complaints["items"]?.array ?? []
        say()
        say("Complaints across the book (interaction.list by kind):")
        var complaintTable = TextTable(["when", "account", "subject"])
        for item in complaintItems {
            complaintTable.add([
                String((item["occurred_at"]?.string ?? "").prefix(10)), EventSummary.text(item["account_id"]),
                item["subject"]?.string ?? "",
            ])
        }
        show(complaintTable)
        remember("history", [
            "account_id": .int(id), "interactions": .int(items.count), "complaints": .int(complaintItems.count),
        ])
    }

    // MARK: 11. Hook

    private func showHookEvents(hookID: Int32) {
        heading(17, "Events the hook heard")
        let counts = hook.countsByType
        var table = TextTable(["event type", "count"], rightAligned: [1])
        for entry in counts { table.add([entry.type, String(entry.count)]) }
        table.add(["total", String(hook.heard.count)])
        show(table)
        let seqs = hook.heard.compactMap(\.seq)
        say()
        if let first = seqs.first, let last = seqs.last {
            say("Hook \(hookID) heard \(hook.heard.count) events, seq \(first) to \(last), each right after its commit.")
        } else {
            say("Hook \(hookID) heard nothing: this run changed nothing.")
        }
        remember("hook", [
            "hook_id": .int(Int(hookID)), "events": .int(hook.heard.count),
            "by_type": .object(counts.map { (key: $0.type, value: JSON.int($0.count)) }),
            "first_seq": .optional(seqs.first), "last_seq": .optional(seqs.last),
        ])
    }

    // MARK: 12. Consumer

    private func consumeEvents() throws {
        heading(18, "Events a consumer fetches and acks")
        let consumer = "demo-ledger-sync"
        say("A ledger bridge polls the outbox as consumer \"\(consumer)\" (crm_events_fetch), pages of 200:")
        var events: [JSON] = []
        var after: Int64 = 0
        while true {
            let page = try database.fetchEvents(consumer: consumer, afterSeq: after, limit: 200)
            let items = page["events"]?.array ?? []
            if items.isEmpty { break }
            events += items
            guard let last = items.last?["seq"]?.int, last > after else { break }
            after = last
            if events.count > 100_000 { break }
        }
        var table = TextTable(["seq", "type", "occurred_at", "record"])
        let shown = events.count <= 8 ? events : Array(events.prefix(5)) + Array(events.suffix(3))
        for (index, event) in shown.enumerated() {
            if events.count > 8 && index == 5 { table.add(["...", "", "", "(\(events.count - 8) more)"]) }
            let type = event["type"]?.string ?? "?"
            table.add([
                EventSummary.text(event["seq"]), type, event["occurred_at"]?.string ?? "",
                EventSummary.clip(EventSummary.summarize(type: type, record: event["record"] ?? .null), 70),
            ])
        }
        if !events.isEmpty { show(table) }
        say()
        let lastSeq = events.last?["seq"]?.int
        say("Fetched \(events.count) events not yet acknowledged by \(consumer) (the hook heard \(hook.heard.count) in this run).")
        if let first = events.first, let key = first["idempotency_key"]?.string {
            say("Each carries an idempotency_key such as \(key), so a redelivery can be dropped.")
        }
        var afterAck = -1
        if let lastSeq {
            try database.ackEvents(consumer: consumer, upTo: lastSeq)
            say("crm_events_ack(\"\(consumer)\", \(lastSeq)): acknowledged.")
            let next = try database.fetchEvents(consumer: consumer, afterSeq: 0, limit: 200)
            afterAck = next["events"]?.array?.count ?? -1
            say("Fetching again from after_seq 0 resumes after the ack: \(afterAck) events.")
        } else {
            say("Nothing to acknowledge.")
        }
        remember("consumer", [
            "name": .string(consumer), "fetched": .int(events.count),
            "first_seq": .optional(events.first?["seq"]?.int), "acked_seq": .optional(lastSeq),
            "after_ack": afterAck >= 0 ? .int(afterAck) : .null,
        ])
    }
}

extension DemoRun {
    // MARK: 13. Personal data

    /// A data subject's request (POPIA, GDPR): what the CRM holds about one
    /// person. Read only, so a second run of the demo still writes nothing.
    fileprivate func personalData() throws {
        heading(19, "What the CRM holds about one person")
        let account = try accountID(DemoData.focusCode)
        guard let contact = try database.exec("contact.list", ["account_id": .int(account)])["items"]?.array?.first,
              let id = contact["id"]?.int else {
            say("The focus account has no contacts.")
            return
        }
        let export = try database.exec("contact.export", ["id": .int(id)])
        let person = export["contact"] ?? .null
        let name = [person["first_name"]?.string, person["last_name"]?.string].compactMap { $0 }.joined(separator: " ")
        let interactions = export["interactions"]?.array?.count ?? 0
        let events = export["events"]?.array?.count ?? 0
        let history = export["consent_history"]?.array?.count ?? 0
        say("\(name) (contact \(id)) asks what is held about them: contact.export answers")
        say("  the contact record (e-mail \(person["email"]?.string ?? "-"), phone \(person["phone"]?.string ?? "-")),")
        say("  \(history) consent answers, \(interactions) interactions naming them, and \(events) outbox events carrying their data;")
        let documents = export["documents"]
        let documentCount = ["quotes", "jobcards", "invoices"].reduce(0) { $0 + (documents?[$1]?.array?.count ?? 0) }
        func count(_ n: Int, _ one: String, _ many: String) -> String { n == 0 ? "no \(many)" : n == 1 ? "1 \(one)" : "\(n) \(many)" }
        say("  and from the other modules: \(count(export["activities"]?.array?.count ?? 0, "activity", "activities")), \(count(export["leads"]?.array?.count ?? 0, "lead they were converted from", "leads they were converted from")),")
        say("  \(count(export["dunning_letters"]?.array?.count ?? 0, "dunning letter", "dunning letters")) and \(count(documentCount, "document", "documents")) naming them (quotes, job cards and invoices are kept")
        say("  on erasure: the business must keep its accounting records).")
        say("Asked to be forgotten, contact.erase removes all of it, outbox copies included, and")
        say("announces contact.erased for the bridges (not run here, so the demo can run again):")
        say("  crm-harness exec contact.erase '{\"id\": \(id)}' --db \(database.shownPath)")
        // Someone who enquired and never became a customer has the same right.
        let enquiry = try database.exec("lead.export", ["source": .string(DemoData.leadSource), "external_ref": "WF-2027-0104"])
        let lead = enquiry["lead"] ?? .null
        say()
        say("Lindiwe Mahlangu phoned in once and was sent to the retail counter (lead \(EventSummary.text(lead["id"])), disqualified). lead.export")
        say("answers for her: the lead (phone \(lead["phone"]?.string ?? "-")), its \(count(enquiry["history"]?.array?.count ?? 0, "status", "statuses")), \(count(enquiry["activities"]?.array?.count ?? 0, "activity", "activities")) and \(count(enquiry["events"]?.array?.count ?? 0, "event", "events")).")
        say("lead.erase blanks her name and phone there, in the activities' notes and in every outbox copy:")
        say("  crm-harness exec lead.erase '{\"source\": \"\(DemoData.leadSource)\", \"external_ref\": \"WF-2027-0104\"}' --db \(database.shownPath)")
        remember("personal_data", [
            "contact_id": .int(Int(id)), "consent_answers": .int(history), "interactions": .int(interactions),
            "events": .int(events),
        ])
    }
}

extension DemoRun {
    // MARK: 10. Leads

    /// Web-form and phone enquiries captured as leads, checked for duplicates
    /// at capture and worked along their lifecycle. A rerun replays the
    /// captures and makes no transition a lead has had already.
    fileprivate func leads() throws {
        heading(10, "Leads: enquiries captured, checked for duplicates and worked")
        let territory = try database.exec("territory.set", ["region": "Gauteng", "reps": ["Lerato Molefe", "Sipho Dube"]])
        let reps = (territory["reps"]?.array ?? []).compactMap(\.string).joined(separator: ", ")
        say("territory.set: Gauteng's leads go in turn to \(reps); a lead captured without an owner takes the next.")
        say("lead.create with source \"\(DemoData.leadSource)\" and the form number; \"duplicates\" lists what the lead looks like.")
        say()
        var captured = TextTable(["form", "id", "lead", "channel", "owner", "value", "looks like", "import"])
        var ids: [Int64] = []
        for lead in DemoData.leads {
            var fields = lead.fields
            if let code = lead.referrerCode { fields = fields.setting("referred_by_account_id", .int(try accountID(code))) }
            let (record, outcome) = try importRecord("lead.create", type: "lead", source: DemoData.leadSource, ref: lead.ref, arguments: fields)
            guard let id = record["id"]?.int else { throw HarnessFailure(message: "lead.create: no id") }
            ids.append(id)
            let duplicates = (record["duplicates"]?.array ?? []).map {
                "\($0["record_type"]?.string ?? "") \($0["id"]?.int ?? 0) (\(($0["reasons"]?.array ?? []).compactMap(\.string).joined(separator: ", ")))"
            }
            let person = [record["first_name"]?.string, record["last_name"]?.string].compactMap { $0 }.joined(separator: " ")
            captured.add([lead.ref, String(id), "\(person), \(record["company"]?.string ?? "-")", record["source_channel"]?.string ?? "",
                          record["owner"]?.string ?? "-",
                          record["estimated_value_minor"]?.int.map { DemoRun.money($0, "ZAR") } ?? "-",
                          duplicates.isEmpty ? "-" : duplicates.joined(separator: "; "), outcome.rawValue])
        }
        show(captured)
        say()
        say("lead.transition moves each along new -> contacted -> qualified, or disqualifies it with a reason:")
        var moved = 0
        for (lead, id) in zip(DemoData.leads, ids) {
            for step in lead.steps {
                let history = try database.exec("lead.history", ["id": .int(id)])["items"]?.array ?? []
                guard !history.contains(where: { $0["to"]?.string == step.to }) else { continue }
                var arguments: JSON = ["id": .int(id), "to": .string(step.to), "performed_by": "Lerato Molefe"]
                if let reason = step.reason { arguments = arguments.setting("reason", .string(reason)) }
                let record = try database.exec("lead.transition", arguments)
                moved += 1
                say("  lead \(id) -> \(record["status"]?.string ?? "")\(step.reason.map { " (\($0))" } ?? "")")
            }
        }
        if moved == 0 { say("  (each lead has made its moves already: nothing to do on this run)") }
        do {
            _ = try database.exec("lead.transition", ["id": .int(ids[0]), "to": "new"])
        } catch let failure as CRMFailure {
            say("An illegal move is refused and writes nothing: \(failure.message)")
        }
        if let first = ids.first {
            say()
            say("lead.history of lead \(first):")
            var table = TextTable(["when", "from", "to", "by", "reason"])
            for item in try database.exec("lead.history", ["id": .int(first)])["items"]?.array ?? [] {
                table.add([item["occurred_at"]?.string ?? "", item["from"]?.string ?? "(captured)", item["to"]?.string ?? "",
                           item["performed_by"]?.string ?? "", item["reason"]?.string ?? ""])
            }
            show(table)
        }
        say()
        say("The lead book (crm-harness leads --db ...):")
        var book = TextTable(["id", "status", "lead", "channel", "owner"], rightAligned: [0])
        let page = try database.exec("lead.list", ["limit": 50])
        for lead in page["items"]?.array ?? [] {
            let person = [lead["first_name"]?.string, lead["last_name"]?.string].compactMap { $0 }.joined(separator: " ")
            book.add([String(lead["id"]?.int ?? 0), lead["status"]?.string ?? "", person, lead["source_channel"]?.string ?? "",
                      lead["owner"]?.string ?? "-"])
        }
        show(book)
        remember("leads", ["captured": .int(ids.count), "moved": .int(moved)])
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: Character, with replacement: String) -> String {
        guard let index = firstIndex(of: target) else { return self }
        return String(self[..<index]) + replacement + String(self[self.index(after: index)...])
    }
}
