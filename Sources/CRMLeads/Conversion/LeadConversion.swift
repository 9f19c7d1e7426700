import CRMStore

/// `lead.convert` and `lead.referrals`: a qualified lead becomes a customer.
///
/// Converting makes (or matches) the account, makes the contact and the
/// opportunity through their own modules' commands (`Store.invoke`), in the
/// one transaction of the call: all of it is written or none of it. The lead
/// keeps its links in `lead_conversions`, which also credits the referring
/// account. Sending the same conversion again returns the same records with
/// `"replayed": true`; another conversion of a converted lead is `CRM_CONFLICT`.
public enum LeadConversion {
    public static let commands: [Command] = [
        Command("lead.convert", .write, convert),
        Command("lead.referrals", .read, referrals),
    ]

    /// The records a conversion made or used.
    struct Links {
        var accountID: Int64
        var contactID: Int64?
        var opportunityID: Int64?
        var accountCreated: Bool
        var convertedAt: Timestamp

        var json: JSONValue {
            .object([
                ("account_id", .integer(accountID)),
                ("contact_id", contactID.map { .integer($0) } ?? .null),
                ("opportunity_id", opportunityID.map { .integer($0) } ?? .null),
                ("account_created", .bool(accountCreated)),
                ("converted_at", .string(convertedAt.description)),
            ])
        }
    }

    /// `lead.convert {id, account_id? | match_account? | account?, contact_id? | contact?, opportunity?, performed_by?, expected_version?}`.
    ///
    /// - `account_id`: an existing open account (a matched customer);
    ///   `match_account: true`: the one open account the lead's duplicate
    ///   check finds (several: `CRM_CONFLICT`), else a new one; or
    ///   `account`: fields for `account.create`, over defaults from the lead
    ///   (name = company, else the person; its kind, else business with a
    ///   company and consumer without; size band, e-mail, phone, region,
    ///   currency, owner).
    /// - `contact_id`: an existing contact of that account; or `contact`:
    ///   fields for `contact.create` over the lead's person; `"contact": null`
    ///   makes none. Without either, a lead with a last name gets a contact.
    /// - `opportunity`: fields for `opportunity.create` over the lead's
    ///   interest, estimated value, owner, source channel and campaign;
    ///   `"opportunity": null` makes none.
    static func convert(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let id = try RecordLocator.id(&arguments, recordType: "lead", store: store)
        var accountID = try arguments.id("account_id").value
        let matchAccount = try arguments.bool("match_account").value ?? false
        let accountFields = try object(&arguments, "account")
        let contactID = try arguments.id("contact_id").value
        let contactFields = try object(&arguments, "contact")
        let opportunityFields = try object(&arguments, "opportunity")
        let performedBy = try arguments.string("performed_by", length: 1...100).value
        let expectedVersion = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        if accountID != nil, case .value = accountFields {
            throw CRMError.invalid("\(context): send account_id (an existing account) or account (fields for a new one), not both")
        }
        if matchAccount && accountID != nil {
            throw CRMError.invalid("\(context): send account_id or match_account, not both")
        }
        if contactID != nil, case .value = contactFields {
            throw CRMError.invalid("\(context): send contact_id (an existing contact) or contact (fields for a new one), not both")
        }
        // What this conversion asks for, as a replay compares it.
        let request: JSONValue = .object([
            ("account_id", accountID.map { .integer($0) } ?? .null), ("match_account", .bool(matchAccount)),
            ("account", accountFields.json), ("contact_id", contactID.map { .integer($0) } ?? .null),
            ("contact", contactFields.json), ("opportunity", opportunityFields.json),
        ])

        var lead = try LeadQueries.require(store, id: id, context: context)
        if lead.status == .converted {
            return try replay(store, lead, request: request, context: context)
        }
        if lead.erasedAt != nil { throw CRMError.constraint("\(context): \(lead.label) was erased") }
        try VersionCheck.check(expectedVersion, actual: lead.version, record: lead.label)
        guard lead.status == .qualified else {
            throw CRMError.constraint("\(context): \(lead.label) cannot go from \(lead.status.rawValue) to converted; only a qualified lead is converted")
        }
        // match_account: the one open account the lead looks like (by e-mail,
        // phone or company name), else a new one; several is a conflict.
        if matchAccount {
            let accounts = try LeadDuplicates.find(store, lead).filter { $0.recordType == "account" }
            if accounts.count > 1 {
                let named = accounts.prefix(5).map { "account \($0.id) (\($0.reasons.joined(separator: ", ")))" }.joined(separator: "; ")
                throw CRMError.conflict("\(context): \(lead.label) matches more than one account: \(named); send account_id")
            }
            accountID = accounts.first?.id
        }
        return try store.savepoint {
            let now = store.clock.now()
            // The account: the one named, or a new one.
            let account: JSONValue
            if let accountID {
                account = try run(store, "account.get", .object([("id", .integer(accountID))]), context: context)
                if account["archived_at"] != .null || account["merged_into_id"] != .null {
                    throw CRMError.constraint("\(context): account \(accountID) is archived or merged")
                }
            } else {
                account = try run(store, "account.create", overlay(accountDefaults(lead), accountFields.value), context: context)
            }
            guard case .integer(let madeAccountID)? = account["id"] else { throw CRMError(.internal, "\(context): account without id") }
            // The contact: the one named, a new one, or none.
            var madeContactID: Int64?
            if let contactID {
                let contact = try run(store, "contact.get", .object([("id", .integer(contactID))]), context: context)
                guard contact["account_id"] == .integer(madeAccountID) else {
                    throw CRMError.invalid("\(context): contact_id \(contactID) is not a contact of account \(madeAccountID)")
                }
                madeContactID = contactID
            } else if case .null = contactFields {
                madeContactID = nil
            } else if case .value(let fields) = contactFields {
                madeContactID = try run(store, "contact.create", overlay(contactDefaults(lead, accountID: madeAccountID), fields), context: context)["id"]?.integerValue
            } else if lead.lastName != nil {
                madeContactID = try run(store, "contact.create", .object(contactDefaults(lead, accountID: madeAccountID)), context: context)["id"]?.integerValue
            }
            // The opportunity, unless asked for none.
            var madeOpportunityID: Int64?
            if case .null = opportunityFields {
                madeOpportunityID = nil
            } else {
                var defaults = opportunityDefaults(lead, accountID: madeAccountID, contactID: madeContactID)
                if let performedBy { defaults.append(("performed_by", .string(performedBy))) }
                madeOpportunityID = try run(store, "opportunity.create", overlay(defaults, opportunityFields.value), context: context)["id"]?.integerValue
            }
            let links = Links(accountID: madeAccountID, contactID: madeContactID, opportunityID: madeOpportunityID,
                              accountCreated: accountID == nil, convertedAt: now)
            try store.connection.run(
                """
                INSERT INTO lead_conversions (lead_id, account_id, contact_id, opportunity_id, account_created,
                    referred_by_account_id, request, performed_by, converted_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.integer(lead.id), .integer(madeAccountID), .integer(madeContactID), .integer(madeOpportunityID),
                 .integer(links.accountCreated ? 1 : 0), .integer(lead.referredByAccountID), .text(JSONWriter.string(request)),
                 .text(performedBy), .text(now.description)])
            let from = lead.status
            lead.status = .converted
            lead.statusReason = nil
            lead.statusChangedAt = now
            lead.conversion = links.json
            lead.version = try VersionCheck.next(lead.version, record: lead.label)
            lead.updatedAt = now
            try LeadQueries.update(store, lead, context: context)
            try store.connection.run(
                "INSERT INTO lead_transitions (id, lead_id, from_status, to_status, reason, performed_by, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.integer(try store.nextID("lead_transitions")), .integer(lead.id), .text(from.rawValue),
                 .text(LeadStatus.converted.rawValue), .text(nil), .text(performedBy), .text(now.description)])
            try store.record(event: "lead.converted", lead.json.adding("transition", .object([
                ("from", .string(from.rawValue)), ("to", .string(LeadStatus.converted.rawValue)),
                ("performed_by", .string(performedBy)),
            ])))
            return try result(store, lead, links, context: context).adding("replayed", .bool(false))
        }
    }

    /// A converted lead asked again: the same request returns what it made.
    private static func replay(_ store: Store, _ lead: Lead, request: JSONValue, context: String) throws -> JSONValue {
        guard let (links, original) = try stored(store, leadID: lead.id) else {
            throw CRMError.constraint("\(context): \(lead.label) is converted but its conversion is not recorded")
        }
        if let field = ExternalReferences.firstDifference(original: original, replay: request) {
            throw CRMError.conflict("\(context): \(lead.label) was converted already (to account \(links.accountID)) with a different \(field)")
        }
        return try result(store, lead, links, context: context).adding("replayed", .bool(true))
    }

    private static func result(_ store: Store, _ lead: Lead, _ links: Links, context: String) throws -> JSONValue {
        .object([
            ("lead", lead.json),
            ("account", try run(store, "account.get", .object([("id", .integer(links.accountID))]), context: context)),
            ("contact", try links.contactID.map { try run(store, "contact.get", .object([("id", .integer($0))]), context: context) } ?? .null),
            ("opportunity", try links.opportunityID.map {
                try run(store, "opportunity.get", .object([("id", .integer($0))]), context: context)
            } ?? .null),
            ("account_created", .bool(links.accountCreated)),
        ])
    }

    /// The conversion of a lead and the request that made it.
    static func stored(_ store: Store, leadID: Int64) throws -> (Links, JSONValue)? {
        try store.connection.row(
            """
            SELECT account_id, contact_id, opportunity_id, account_created, converted_at, request
            FROM lead_conversions WHERE lead_id = ?
            """, [.integer(leadID)]
        ) { row in
            (Links(accountID: row.integer(0), contactID: row.optionalInteger(1), opportunityID: row.optionalInteger(2),
                   accountCreated: row.integer(3) == 1, convertedAt: Timestamp(rfc3339: row.text(4)) ?? .epoch),
             (try? JSONParser.parse(Array(row.text(5).utf8), what: "request")) ?? .null)
        }
    }

    /// The conversions of a page of leads in one query, by lead id.
    static func stored(_ store: Store, leadIDs: [Int64]) throws -> [Int64: Links] {
        guard let low = leadIDs.min(), let high = leadIDs.max() else { return [:] }
        var found: [Int64: Links] = [:]
        _ = try store.connection.rows(
            """
            SELECT lead_id, account_id, contact_id, opportunity_id, account_created, converted_at
            FROM lead_conversions WHERE lead_id >= ? AND lead_id <= ?
            """, [.integer(low), .integer(high)]
        ) { row in
            found[row.integer(0)] = Links(accountID: row.integer(1), contactID: row.optionalInteger(2), opportunityID: row.optionalInteger(3),
                                          accountCreated: row.integer(4) == 1, convertedAt: Timestamp(rfc3339: row.text(5)) ?? .epoch)
        }
        return found
    }

    /// `lead.referrals {account_id}`: the leads an account referred, how
    /// many became customers, and the list (newest first, at most 100).
    static func referrals(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let accountID = try RecordLocator.id(&arguments, recordType: "account", store: store, idField: "account_id")
        try arguments.finish()
        guard try store.connection.integer("SELECT count(*) FROM accounts WHERE id = ?", [.integer(accountID)]) ?? 0 > 0 else {
            throw CRMError.notFound("\(context): account \(accountID) not found")
        }
        let referred = try store.connection.integer(
            "SELECT count(*) FROM leads WHERE referred_by_account_id = ?", [.integer(accountID)]) ?? 0
        let converted = try store.connection.integer(
            "SELECT count(*) FROM lead_conversions WHERE referred_by_account_id = ?", [.integer(accountID)]) ?? 0
        let items = try store.connection.rows(
            """
            SELECT l.id, l.status, c.account_id, c.converted_at FROM leads l
            LEFT JOIN lead_conversions c ON c.lead_id = l.id
            WHERE l.referred_by_account_id = ? ORDER BY l.id DESC LIMIT 100
            """, [.integer(accountID)]
        ) { row -> JSONValue in
            .object([
                ("lead_id", .integer(row.integer(0))), ("status", .string(row.text(1))),
                ("customer_account_id", row.optionalInteger(2).map { .integer($0) } ?? .null),
                ("converted_at", .string(row.optionalText(3))),
            ])
        }
        return .object([
            ("account_id", .integer(accountID)), ("referred", .integer(referred)), ("converted", .integer(converted)),
            ("items", .array(items)),
        ])
    }

    // MARK: Defaults from the lead

    private static func accountDefaults(_ lead: Lead) -> [(String, JSONValue)] {
        let person = [lead.firstName, lead.lastName].compactMap { $0 }.joined(separator: " ")
        var fields: [(String, JSONValue)] = [
            ("name", .string(lead.company ?? (person.isEmpty ? lead.email ?? lead.phone ?? lead.label : person))),
            ("kind", .string(lead.kind?.rawValue ?? (lead.company == nil ? "consumer" : "business"))),
            ("currency", .string(lead.currency.code)),
        ]
        if let band = lead.sizeBand { fields.append(("size_band", .string(band.rawValue))) }
        if let email = lead.email { fields.append(("email", .string(email))) }
        if let phone = lead.phone { fields.append(("phone", .string(phone))) }
        if let region = lead.region { fields.append(("region", .string(region))) }
        if let owner = lead.owner { fields.append(("owner", .string(owner))) }
        return fields
    }

    private static func contactDefaults(_ lead: Lead, accountID: Int64) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [("account_id", .integer(accountID))]
        if let first = lead.firstName { fields.append(("first_name", .string(first))) }
        if let last = lead.lastName { fields.append(("last_name", .string(last))) }
        if let email = lead.email { fields.append(("email", .string(email))) }
        if let phone = lead.phone { fields.append(("phone", .string(phone))) }
        return fields
    }

    private static func opportunityDefaults(_ lead: Lead, accountID: Int64, contactID: Int64?) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [
            ("account_id", .integer(accountID)), ("lead_id", .integer(lead.id)),
            ("title", .string(lead.interest.map { String($0.prefix(200)) } ?? "Opportunity from \(lead.label)")),
            ("currency", .string(lead.currency.code)), ("source_channel", .string(lead.sourceChannel.rawValue)),
        ]
        if let contactID { fields.append(("contact_id", .integer(contactID))) }
        if let value = lead.estimatedValueMinor { fields.append(("amount_minor", .integer(value))) }
        if let owner = lead.owner { fields.append(("owner", .string(owner))) }
        if let campaign = lead.campaign { fields.append(("campaign", .string(campaign))) }
        return fields
    }

    // MARK: Plumbing

    /// An object argument: absent, null, or its fields.
    private static func object(_ arguments: inout Arguments, _ key: String) throws -> Presence<[(String, JSONValue)]> {
        switch arguments.raw(key) {
        case nil: return .absent
        case .null?: return .null
        case .object(let fields)?: return .value(fields)
        case let other?: throw CRMError.invalid("\(arguments.context): \(key) must be an object or null, got \(other.typeName)")
        }
    }

    /// The fields sent over the defaults: a sent field replaces the default
    /// of the same name, a sent null removes it.
    private static func overlay(_ defaults: [(String, JSONValue)], _ sent: [(String, JSONValue)]?) -> JSONValue {
        guard let sent else { return .object(defaults) }
        var fields = defaults.filter { field in !sent.contains(where: { $0.0 == field.0 }) }
        fields.append(contentsOf: sent.filter { $0.1 != .null })
        return .object(fields)
    }

    /// Runs another module's command; its errors name this call and the part.
    private static func run(_ store: Store, _ command: String, _ arguments: JSONValue, context: String) throws -> JSONValue {
        do {
            return try store.invoke(command, arguments)
        } catch let error as CRMError {
            throw CRMError(error.code, "\(context): \(error.message)")
        }
    }
}

private extension Presence where Value == [(String, JSONValue)] {
    /// As the request records it.
    var json: JSONValue {
        switch self {
        case .absent: return .string("default")
        case .null: return .null
        case .value(let fields): return .object(fields)
        }
    }
}

private extension JSONValue {
    var integerValue: Int64? { if case .integer(let value) = self { return value } else { return nil } }
}
