/// One capability of the library (accounts, leads, the document chain,
/// credit, bridges) as the library registers it: one value that says all
/// the whole library needs to know of the module.
///
/// - its schema steps, numbered inside its own range of migration ids;
/// - the commands it answers through `crm_exec`;
/// - the record types it makes, so `crm_find_by_ref` answers for them;
/// - what it keeps per account, so `account.merge` moves it to the survivor;
/// - what it keeps about a person, so `contact.export` hands it over and
///   `contact.erase` removes it, from its tables, the outbox and the replay
///   copies of its creates.
///
/// Migration id ranges (the number before the first "-" of the id):
///
/// | module    | ids       |
/// |-----------|-----------|
/// | store     | 0001-0099 |
/// | accounts  | 0100-0199 |
/// | leads     | 0200-0239 |
/// | pipeline  | 0240-0269 |
/// | activities | 0270-0299 |
/// | documents | 0300-0399 |
/// | credit    | 0400-0499 |
/// | bridge    | 0500-0599 |
/// | analytics | 0600-0699 |
///
/// `Modules.problems` finds a duplicate id, an id outside its module's
/// range, overlapping ranges, a command or record type declared twice; a
/// test holds the library's own list to it.
public struct Module: Sendable {
    /// "accounts".
    public let name: String
    /// The numbers this module's migration ids may carry.
    public let migrationIDs: ClosedRange<Int>
    /// Its schema steps, in the order they apply.
    public let migrations: [Migration]
    /// Its commands.
    public let commands: [Command]
    /// The record types it makes and claims host references for ("account").
    public let recordTypes: [String]
    /// What it keeps per account.
    public let accountLinks: [AccountLink]
    /// What it keeps about a person.
    public let personalData: [PersonalData]
    /// What it keeps current from other modules' changes, in their transaction.
    public let observers: [ChangeObserver]
    /// What it keeps per outbox consumer, dropped when `events.retire` retires one.
    public let consumerStates: [ConsumerState]

    public init(name: String, migrationIDs: ClosedRange<Int>, migrations: [Migration], commands: [Command] = [],
                recordTypes: [String] = [], accountLinks: [AccountLink] = [], personalData: [PersonalData] = [],
                observers: [ChangeObserver] = [], consumerStates: [ConsumerState] = []) {
        self.name = name
        self.migrationIDs = migrationIDs
        self.migrations = migrations
        self.commands = commands
        self.recordTypes = recordTypes
        self.accountLinks = accountLinks
        self.personalData = personalData
        self.observers = observers
        self.consumerStates = consumerStates
    }

    /// The store's own module: the outbox, sequences, consumers and host
    /// references every other module writes into, and the outbox's commands
    /// (known consumers, dead letters, retention: `OutboxCommands`). Always
    /// registered first.
    public static let store = Module(name: "store", migrationIDs: 1...99, migrations: Outbox.migrations, commands: OutboxCommands.all)
}

/// What a module keeps current from the changes other modules make: when
/// an event of one of `types` is recorded, `observe` runs with it inside the
/// same transaction, before the call commits. The credit module keeps each
/// account's payment experiences so, from the document chain's
/// `invoice.paid`, `invoice.credited` and `invoice.reopened`, without
/// importing it.
///
/// An observer may write and record events of its own (those reach the
/// observers in turn); when it throws, the change that woke it fails and
/// writes nothing. It must not run commands of the module that woke it.
public struct ChangeObserver: Sendable {
    /// The event types it hears: exact types or "entity.*" prefixes.
    public let types: [EventPattern]
    /// Runs with the store, the event's type and its record.
    public let observe: @Sendable (Store, _ type: String, _ record: JSONValue) throws -> Void

    /// - Precondition: every pattern parses (they are names in the module's code, never input).
    public init(_ types: [String], observe: @escaping @Sendable (Store, _ type: String, _ record: JSONValue) throws -> Void) {
        self.types = types.compactMap(EventPattern.init)
        self.observe = observe
    }

    /// Whether it hears events of `type`.
    public func hears(_ type: String) -> Bool { types.contains { $0.matches(type) } }
}

/// Rows a module keeps per outbox consumer (the bridge's journal state:
/// what each consumer's journal has declared and the balances its
/// assertions build on). `events.retire` drops them in its transaction: a
/// retired consumer never fetches again, so its state could only go stale.
public struct ConsumerState: Sendable {
    /// The key under which `events.retire` counts the dropped rows ("journal_states").
    public let name: String
    /// Deletes every row kept for the consumer; returns how many went.
    public let drop: @Sendable (Store, _ consumer: String) throws -> Int

    public init(_ name: String, drop: @escaping @Sendable (Store, _ consumer: String) throws -> Int) {
        self.name = name
        self.drop = drop
    }
}

/// Rows a module keeps per account, re-pointed at the surviving account
/// when `account.merge` folds a duplicate into it.
public struct AccountLink: Sendable {
    /// The key under which `account.merged` counts the moved rows ("contacts").
    public let name: String
    /// Re-points every row of account `from` at account `to`; returns how many moved.
    public let move: @Sendable (Store, _ from: Int64, _ to: Int64) throws -> Int

    public init(_ name: String, move: @escaping @Sendable (Store, _ from: Int64, _ to: Int64) throws -> Int) {
        self.name = name
        self.move = move
    }

    /// The usual link: the rows of `table` whose `column` holds the account id.
    /// Table and column are names in the module's code, never input.
    public static func column(_ name: String, table: StaticString, column: StaticString) -> AccountLink {
        let sql = "UPDATE \(table) SET \(column) = ? WHERE \(column) = ?"
        return AccountLink(name) { store, from, to in
            try store.connection.run(sql, [.integer(to), .integer(from)])
        }
    }
}

/// Whose personal data a part holds: a contact's (`contact.export`,
/// `contact.erase`), or an enquirer's who never became a contact (a lead's:
/// `lead.export`, `lead.erase`).
public enum PersonalSubject: String, Sendable {
    case contact, lead
}

/// What a module keeps about one person (a contact, or a lead): the
/// subject's export hands it over, its erasure removes it. The ids the
/// closures and queries take are the subject's (a contact's or a lead's).
///
/// Erasure reaches three places: the host references' replay copies of the
/// module's creates, the outbox events the module wrote, and the module's
/// own tables, in that order (the copies are found through the tables).
/// In the copies only the personal fields are blanked; every other field,
/// and the history of versions and changes, stays as it was.
public struct PersonalData: Sendable {
    /// The key of this part in the export's answer ("interactions").
    public let name: String
    /// Whose data it is: a contact's (the default) or a lead's.
    public let subject: PersonalSubject
    /// The part's records that concern the contact: a record, or an array
    /// of them oldest first.
    public let export: @Sendable (Store, _ contactID: Int64) throws -> JSONValue
    /// Removes the person's data from the module's tables: blanks fields or deletes rows.
    public let erase: @Sendable (Store, _ contactID: Int64) throws -> Void
    /// The outbox events that carry the person's data.
    public let events: [PersonalEvents]
    /// The replay copies that hold the person's data.
    public let references: [PersonalReferences]

    public init(_ name: String, subject: PersonalSubject = .contact, events: [PersonalEvents] = [],
                references: [PersonalReferences] = [],
                export: @escaping @Sendable (Store, _ contactID: Int64) throws -> JSONValue,
                erase: @escaping @Sendable (Store, _ contactID: Int64) throws -> Void) {
        self.name = name
        self.subject = subject
        self.events = events
        self.references = references
        self.export = export
        self.erase = erase
    }
}

/// A personal field of a copied record and what erasure leaves in it:
/// null, or a fixed text such as "erased".
public struct PersonalField: Sendable, ExpressibleByStringLiteral {
    /// The record field ("email").
    public let name: String
    /// The text left in its place; nil leaves null.
    public let erasedText: String?

    public init(_ name: String, erasedText: String? = nil) {
        self.name = name
        self.erasedText = erasedText
    }

    public init(stringLiteral name: String) { self.init(name) }
}

/// Outbox events that carry a person's data.
public struct PersonalEvents: Sendable {
    /// The event types ("interaction.logged").
    public let types: [String]
    /// The record field that holds the contact's id ("contact_id"; "id"
    /// for the contact's own events), or with `recordsOfContact` the
    /// field that holds the id of the module's record ("id").
    public let contactField: String
    /// The ids of the module's records that concern the contact: a query
    /// whose one parameter is the contact id, for events that do not name
    /// the contact themselves (a lead's events before it was converted into
    /// the contact). Written in the module's code, never input.
    public let recordsOfContact: StaticString?
    /// The personal fields of the event's record.
    public let fields: [PersonalField]

    public init(types: [String], contactField: String, fields: [PersonalField]) {
        self.types = types
        self.contactField = contactField
        self.recordsOfContact = nil
        self.fields = fields
    }

    /// Events found through the module's records: those whose record's
    /// `recordField` holds one of the ids `recordsOfContact` answers.
    public init(types: [String], recordField: String, recordsOfContact: StaticString, fields: [PersonalField]) {
        self.types = types
        self.contactField = recordField
        self.recordsOfContact = recordsOfContact
        self.fields = fields
    }
}

/// The replay copies (the create content kept with a host reference) of
/// records that hold a person's data.
public struct PersonalReferences: Sendable {
    /// The record type the references were claimed for ("interaction").
    public let recordType: String
    /// The ids of the contact's records of that type: a query whose one
    /// parameter is the contact id. Written in the module's code, never input.
    public let recordsOfContact: StaticString
    /// The personal fields of the copied content. Empty: the references
    /// themselves name the person (the contact's own), and are deleted.
    public let fields: [PersonalField]

    public init(recordType: String, recordsOfContact: StaticString, fields: [PersonalField]) {
        self.recordType = recordType
        self.recordsOfContact = recordsOfContact
        self.fields = fields
    }
}
