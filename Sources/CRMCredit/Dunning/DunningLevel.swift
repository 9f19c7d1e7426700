import CRMStore

/// One step of dunning: how many days past due an invoice must be for its
/// letter, the template the host renders it with, an optional fee and
/// yearly interest recorded on the letter, and the channels tried in order.
public struct DunningLevel: Sendable, Equatable {
    /// A way a letter reaches a contact (the contact's channels).
    public enum Channel: String, Sendable, CaseIterable {
        case email, sms, phone, post
    }

    /// 1 first.
    public var level: Int64
    /// Days past the due date on which the level is reached (at least 1).
    public var daysOverdue: Int64
    /// "reminder".
    public var template: String
    /// A fee in the invoice currency's minor units, recorded on the letter.
    public var feeMinor: Int64 = 0
    /// Simple interest per year in basis points (0..10000), recorded on the letter.
    public var interestBpsPerYear: Int64 = 0
    /// The channels tried after the contact's preferred one.
    public var channelOrder: [Channel] = DunningLevel.defaultChannelOrder

    /// Email, then post, then SMS.
    public static let defaultChannelOrder: [Channel] = [.email, .post, .sms]

    /// Reminder at 7 days, second reminder at 21, final notice at 45; no fee or interest.
    public static let defaults: [DunningLevel] = [
        DunningLevel(level: 1, daysOverdue: 7, template: "reminder"),
        DunningLevel(level: 2, daysOverdue: 21, template: "second_reminder"),
        DunningLevel(level: 3, daysOverdue: 45, template: "final_notice"),
    ]

    public var json: JSONValue {
        .object([
            ("level", .integer(level)), ("days_overdue", .integer(daysOverdue)), ("template", .string(template)),
            ("fee_minor", .integer(feeMinor)), ("interest_bps_per_year", .integer(interestBpsPerYear)),
            ("channel_order", .array(channelOrder.map { .string($0.rawValue) })),
        ])
    }
}

/// The levels in force: `dunning.levels` reads them, `dunning.configure`
/// replaces them (versioned, event `dunning.configured`).
public enum DunningLevels {
    /// At most this many levels.
    static let maximumCount = 10
    /// The largest `days_overdue`: 100 years.
    static let maximumDays: Int64 = 36_500

    /// The levels in order and the configuration's version.
    static func current(_ store: Store) throws -> (levels: [DunningLevel], version: Int64, updatedAt: String?) {
        let levels = try store.connection.rows(
            "SELECT level, days_overdue, template, fee_minor, interest_bps_per_year, channel_order FROM dunning_levels ORDER BY level", []
        ) { row in
            DunningLevel(level: row.integer(0), daysOverdue: row.integer(1), template: row.text(2), feeMinor: row.integer(3),
                         interestBpsPerYear: row.integer(4),
                         channelOrder: row.text(5).split(separator: ",").compactMap { DunningLevel.Channel(rawValue: String($0)) })
        }
        let settings = try store.connection.row("SELECT version, updated_at FROM dunning_settings WHERE id = ?", [.integer(1)]) {
            ($0.integer(0), $0.optionalText(1))
        }
        return (levels, settings?.0 ?? 1, settings?.1 ?? nil)
    }

    static func json(_ levels: [DunningLevel], version: Int64, updatedAt: String?) -> JSONValue {
        .object([("levels", .array(levels.map(\.json))), ("version", .integer(version)), ("updated_at", .string(updatedAt))])
    }

    /// `dunning.levels {}` → `{levels, version, updated_at}`.
    static func read(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        try arguments.finish()
        let current = try current(store)
        return json(current.levels, version: current.version, updatedAt: current.updatedAt)
    }

    /// Reads one level object of `levels`.
    static func level(_ value: JSONValue, name: String, context: String) throws -> DunningLevel {
        guard case .object = value else { throw CRMError.invalid("\(context): \(name) must be an object, got \(value.typeName)") }
        var fields = try Arguments(value, context: "\(context): \(name)")
        let number = try fields.requiredInteger("level")
        let days = try fields.requiredInteger("days_overdue")
        guard (1...maximumDays).contains(days) else {
            throw CRMError.invalid("\(context): \(name).days_overdue must be between 1 and \(maximumDays) days; got \(days)")
        }
        let template = try fields.requiredString("template", length: 1...100)
        guard !template.trimmingWhitespace().isEmpty else {
            throw CRMError.invalid("\(context): \(name).template must not be blank")
        }
        let fee = try fields.integer("fee_minor").nonNull("fee_minor", context: "\(context): \(name)") ?? 0
        guard fee >= 0 else { throw CRMError.invalid("\(context): \(name).fee_minor must be 0 or more; got \(fee)") }
        let interest = try fields.integer("interest_bps_per_year").nonNull("interest_bps_per_year", context: "\(context): \(name)") ?? 0
        guard (0...10_000).contains(interest) else {
            throw CRMError.invalid("\(context): \(name).interest_bps_per_year must be between 0 and 10000 basis points a year; got \(interest)")
        }
        let order = try fields.array("channel_order", maximumCount: 4) { item, itemName -> DunningLevel.Channel in
            guard case .string(let text) = item, let channel = DunningLevel.Channel(rawValue: text) else {
                throw CRMError.invalid("\(context): \(name).\(itemName()) must be one of email, sms, phone, post")
            }
            return channel
        }.nonNull("channel_order", context: "\(context): \(name)") ?? DunningLevel.defaultChannelOrder
        if order.isEmpty { throw CRMError.invalid("\(context): \(name).channel_order must name at least one channel") }
        if Set(order).count != order.count {
            throw CRMError.invalid("\(context): \(name).channel_order names a channel twice")
        }
        try fields.finish()
        return DunningLevel(level: number, daysOverdue: days, template: template, feeMinor: fee, interestBpsPerYear: interest,
                            channelOrder: order)
    }

    /// `dunning.configure {levels: [{level, days_overdue, template, fee_minor?,
    /// interest_bps_per_year?, channel_order?}], expected_version?}`: replaces
    /// every level. Levels are numbered 1..n in order, with strictly
    /// increasing days. Event `dunning.configured` when anything changes.
    static func configure(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        let sent = try arguments.array("levels", maximumCount: maximumCount) { value, name in
            try level(value, name: name(), context: context)
        }.nonNull("levels", context: context)
        let expected = try arguments.integer("expected_version", range: 1...Int64.max).value
        try arguments.finish()
        guard let levels = sent, !levels.isEmpty else {
            throw CRMError.invalid("\(context): levels is required: [{\"level\", \"days_overdue\", \"template\"}], at least one")
        }
        for (index, level) in levels.enumerated() {
            if level.level != Int64(index + 1) {
                throw CRMError.invalid("\(context): levels[\(index)].level must be \(index + 1) (levels are numbered 1..n in order); got \(level.level)")
            }
            if index > 0, level.daysOverdue <= levels[index - 1].daysOverdue {
                throw CRMError.invalid("\(context): levels[\(index)].days_overdue must be greater than levels[\(index - 1)]'s (\(levels[index - 1].daysOverdue)); got \(level.daysOverdue)")
            }
        }
        let current = try current(store)
        try VersionCheck.check(expected, actual: current.version, record: "\(context): the dunning levels")
        guard levels != current.levels else { return json(current.levels, version: current.version, updatedAt: current.updatedAt) }
        let version = try VersionCheck.next(current.version, record: "\(context): the dunning levels")
        let now = store.clock.now().description
        // Checked; now written.
        try store.connection.run("DELETE FROM dunning_levels", [])
        for level in levels {
            try store.connection.run(
                "INSERT INTO dunning_levels (level, days_overdue, template, fee_minor, interest_bps_per_year, channel_order) VALUES (?, ?, ?, ?, ?, ?)",
                [.integer(level.level), .integer(level.daysOverdue), .text(level.template), .integer(level.feeMinor),
                 .integer(level.interestBpsPerYear), .text(level.channelOrder.map(\.rawValue).joined(separator: ","))])
        }
        try store.connection.run("UPDATE dunning_settings SET version = ?, updated_at = ? WHERE id = ?",
                                 [.integer(version), .text(now), .integer(1)])
        let result = json(levels, version: version, updatedAt: now)
        try store.record(event: "dunning.configured", result)
        return result
    }
}
