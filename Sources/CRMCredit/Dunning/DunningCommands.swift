import CRMStore

/// Dunning: `dunning.levels`, `dunning.configure`, `dunning.run`,
/// `dunning.get` and `dunning.list`.
public enum DunningCommands {
    public static let all: [Command] = [
        Command("dunning.levels", .read, DunningLevels.read),
        Command("dunning.configure", .write, DunningLevels.configure),
        Command("dunning.run", .write, run),
        Command("dunning.get", .read, get),
        Command("dunning.list", .read, list),
    ]

    /// Simple interest on `outstanding` for `days` at `bpsPerYear` basis
    /// points a year (365 days), rounded half away from zero; 128-bit
    /// integer arithmetic only.
    /// - Throws: `.range` when it does not fit in 64 bits.
    static func interest(outstanding: Int64, bpsPerYear: Int64, days: Int64, context: String) throws -> Int64 {
        let numerator = Int128(outstanding) * Int128(bpsPerYear) * Int128(days)
        let denominator = Int128(10_000 * 365)
        let magnitude = (2 * (numerator < 0 ? -numerator : numerator) + denominator) / (2 * denominator)
        guard let result = Int64(exactly: numerator < 0 ? -magnitude : magnitude) else {
            throw CRMError.range("\(context): the interest on \(outstanding) for \(days) days does not fit in 64 bits")
        }
        return result
    }

    /// `dunning.run {as_of}`: one letter per open invoice that reached a
    /// level higher than any it was sent, at the highest level reached (the
    /// levels skipped are not sent). Event `dunning.letter` per letter.
    static func run(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let asOf = try arguments.requiredDate("as_of")
        try arguments.finish()
        let levels = try DunningLevels.current(store).levels
        var letters: [JSONValue] = []
        var counts: [Int64: Int64] = [:]
        if let first = levels.first, let dueBy = asOf.adding(days: -first.daysOverdue) {
            let now = store.clock.now().description
            for invoice in try DunningQueries.openInvoices(store, asOf: asOf, dueBy: dueBy) {
                let days = asOf.daysSinceEpoch - invoice.dueOn.daysSinceEpoch
                guard let level = levels.last(where: { $0.daysOverdue <= days }), level.level > invoice.highestLevelSent else { continue }
                let delivery = try DunningDelivery.choose(store, invoiceContactID: invoice.contactID, accountID: invoice.accountID,
                                                          level: level)
                var letter = DunningLetter()
                letter.id = try store.nextID("dunning_letters")
                letter.invoiceID = invoice.id
                letter.invoiceNumber = invoice.number
                letter.accountID = invoice.accountID
                letter.contactID = delivery.contactID
                letter.level = level.level
                letter.template = level.template
                letter.channel = delivery.channel
                letter.daysOverdue = days
                letter.outstandingMinor = invoice.outstandingMinor
                letter.feeMinor = level.feeMinor
                letter.interestMinor = try interest(outstanding: invoice.outstandingMinor, bpsPerYear: level.interestBpsPerYear,
                                                    days: days, context: context)
                letter.currency = invoice.currency
                letter.dueOn = invoice.dueOn.description
                letter.sentOn = asOf.description
                letter.createdAt = now
                letter.updatedAt = now
                guard letter.totalDueMinor != nil else {
                    throw CRMError.range("\(context): what invoice \(invoice.id)'s letter asks for does not fit in 64 bits")
                }
                try DunningQueries.insert(store, letter)
                var event = letter.json
                for (key, value) in [("invoice_total_minor", JSONValue.integer(invoice.totalMinor))] + delivery.eventFields {
                    event = event.adding(key, value)
                }
                try store.record(event: "dunning.letter", event)
                letters.append(letter.json)
                counts[level.level, default: 0] += 1
            }
        }
        let countsJSON = JSONValue.array(levels.map { level in
            .object([("level", .integer(level.level)), ("template", .string(level.template)),
                     ("count", .integer(counts[level.level] ?? 0))])
        })
        return .object([("as_of", .string(asOf.description)), ("letters", .array(letters)), ("counts", countsJSON)])
    }

    /// `dunning.get {id}` → the letter.
    static func get(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let id = try arguments.id("id").value else { throw CRMError.invalid("\(context): id is required") }
        try arguments.finish()
        guard let letter = try DunningQueries.get(store, id: id) else {
            throw CRMError.notFound("\(context): id \(id) is not a dunning letter")
        }
        return letter.json
    }

    /// `dunning.list {account_id?, invoice_id?, status?, level?, limit?, cursor?}`: a page of letters, oldest first.
    static func list(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let accountID = try arguments.id("account_id").value
        let invoiceID = try arguments.id("invoice_id").value
        let status = try arguments.choice("status", DunningLetter.Status.self).value
        let level = try arguments.integer("level", range: 1...Int64(DunningLevels.maximumCount)).value
        let (limit, afterID) = try Page.read(&arguments)
        try arguments.finish()
        let letters = try DunningQueries.list(store, accountID: accountID, invoiceID: invoiceID, status: status?.rawValue,
                                              level: level, afterID: afterID, limit: limit)
        return Page.json(letters.map(\.json), ids: letters.map(\.id), limit: limit)
    }
}
