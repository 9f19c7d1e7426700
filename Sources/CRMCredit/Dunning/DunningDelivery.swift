import CRMStore

/// Who a letter goes to and by which channel, read through the accounts
/// module's `contact.get` and `account.get` (no import of that module).
///
/// The contact is the invoice's own when it is active, else the account's
/// active contact whose role names "accounts" or "billing", else its oldest
/// active contact. The channel is the contact's preferred one when allowed,
/// else the first allowed in the level's `channel_order`. A channel is
/// allowed when the contact's latest consent for it is `opted_in` (no answer
/// or `opted_out` never is) and the contact can be reached by it: `email`
/// needs an e-mail address, `sms` a mobile, `phone` a phone or mobile,
/// `post` an address (the contact's, else the account's billing or postal one).
struct DunningDelivery {
    var contactID: Int64?
    var contactName: String?
    var channel: DunningLevel.Channel?
    /// The address, e-mail or number the channel needs; the others null.
    var email: String?
    var phone: String?
    var address: JSONValue = .null

    /// The event fields the host sends the letter with.
    var eventFields: [(String, JSONValue)] {
        [("delivery", .string(channel == nil ? "no_channel" : "send")), ("contact_name", .string(contactName)),
         ("email", .string(email)), ("phone", .string(phone)), ("address", address)]
    }

    /// The contact of an invoice, as described above; nil when there is none.
    static func contact(_ store: Store, invoiceContactID: Int64?, accountID: Int64) throws -> Int64? {
        if let invoiceContactID,
           try store.connection.integer("SELECT id FROM contacts WHERE id = ? AND archived_at IS NULL AND erased_at IS NULL",
                                        [.integer(invoiceContactID)]) != nil {
            return invoiceContactID
        }
        let contacts = try store.connection.rows(
            "SELECT id, role FROM contacts WHERE account_id = ? AND archived_at IS NULL AND erased_at IS NULL ORDER BY id",
            [.integer(accountID)]) { ($0.integer(0), $0.optionalText(1)?.lowercased() ?? "") }
        let billing = contacts.first { $0.1.contains("accounts") || $0.1.contains("billing") }
        return (billing ?? contacts.first)?.0
    }

    /// The delivery of one letter of `level` for an invoice.
    static func choose(_ store: Store, invoiceContactID: Int64?, accountID: Int64, level: DunningLevel) throws -> DunningDelivery {
        guard store.hasCommand("contact.get"),
              let contactID = try contact(store, invoiceContactID: invoiceContactID, accountID: accountID) else {
            return DunningDelivery()
        }
        let contact = try store.invoke("contact.get", .object([("id", .integer(contactID))]))
        var delivery = DunningDelivery(contactID: contactID)
        let first = contact["first_name"]?.textValue, last = contact["last_name"]?.textValue
        delivery.contactName = [first, last].compactMap { $0 }.joined(separator: " ")
        func consented(_ channel: DunningLevel.Channel) -> Bool {
            contact["consent"]?[channel.rawValue]?["status"]?.textValue == "opted_in"
        }
        func reach(_ channel: DunningLevel.Channel) throws -> DunningDelivery? {
            guard consented(channel) else { return nil }
            var chosen = delivery
            chosen.channel = channel
            switch channel {
            case .email:
                guard let email = contact["email"]?.textValue else { return nil }
                chosen.email = email
            case .sms:
                guard let mobile = contact["mobile"]?.textValue else { return nil }
                chosen.phone = mobile
            case .phone:
                guard let phone = contact["phone"]?.textValue ?? contact["mobile"]?.textValue else { return nil }
                chosen.phone = phone
            case .post:
                guard let address = try postalAddress(store, contact: contact, accountID: accountID) else { return nil }
                chosen.address = address
            }
            return chosen
        }
        var order = level.channelOrder
        if let preferred = contact["preferred_channel"]?.textValue.flatMap(DunningLevel.Channel.init(rawValue:)) {
            order.removeAll { $0 == preferred }
            order.insert(preferred, at: 0)
        }
        for channel in order {
            if let chosen = try reach(channel) { return chosen }
        }
        return delivery
    }

    /// The contact's address, else the account's first billing, else postal address.
    static func postalAddress(_ store: Store, contact: JSONValue, accountID: Int64) throws -> JSONValue? {
        if let address = contact["address"], case .object = address.decoded { return address.decoded }
        guard store.hasCommand("account.get") else { return nil }
        let account = try store.invoke("account.get", .object([("id", .integer(accountID))]))
        guard case .array(let addresses)? = account["addresses"]?.decoded else { return nil }
        for kind in ["billing", "postal"] {
            if let address = addresses.first(where: { $0["kind"]?.textValue == kind }) { return address }
        }
        return nil
    }
}

extension JSONValue {
    /// The text of a string value; nil otherwise.
    var textValue: String? { if case .string(let text) = self { return text } else { return nil } }
}
