import Foundation
import Testing
@testable import CRMAccounts
import CRMStore
@_exported import CRMTestSupport

// Shared helpers for the CRMAccounts suites: a store over the accounts schema
// with a fixed clock, the command table a host reaches through crm_exec, JSON
// built from text, and checks on thrown CRMErrors.

/// 2026-12-01T09:30:00Z.
let epoch = Timestamp(secondsSinceEpoch: 1_796_117_400)!
let epochText = "2026-12-01T09:30:00Z"

/// Every command of the accounts module, as the C layer gathers them.
/// The accounts module with the store's own, as the library registers them.
let accountsModules = Modules([AccountsModule.module])
/// Every command of the accounts module.
let commands = accountsModules.commands

/// A JSON string literal for `text` (quotes and escapes included).
func quoted(_ text: String) -> String { JSONWriter.string(.string(text)) }

/// One open store with the accounts module (or the modules given) and a fixed clock.
final class Fixture: CommandFixture {
    override init(path: String? = nil, clock: FixedClock = FixedClock(epoch), modules: Modules = accountsModules) throws {
        try super.init(path: path, clock: clock, modules: modules)
    }

    /// Creates an account named `name` with extra JSON fields ("\"email\": \"a@b.c\""); returns its id.
    @discardableResult
    func account(_ name: String = "Acme Trading", _ extra: String = "") throws -> Int64 {
        let result = try run("account.create", "{\"name\": \(quoted(name))\(extra.isEmpty ? "" : ", " + extra)}")
        return try #require(result["id"]?.int)
    }

    /// Creates a contact of `accountID`; returns its id.
    @discardableResult
    func contact(_ accountID: Int64, _ lastName: String = "Naidoo", _ extra: String = "") throws -> Int64 {
        let result = try run("contact.create",
                             "{\"account_id\": \(accountID), \"last_name\": \(quoted(lastName))\(extra.isEmpty ? "" : ", " + extra)}")
        return try #require(result["id"]?.int)
    }

    /// Logs an interaction on `accountID`; returns its id.
    @discardableResult
    func interaction(_ accountID: Int64, kind: String = "call", at occurredAt: String = epochText, _ extra: String = "") throws -> Int64 {
        let result = try run("interaction.log",
                             "{\"account_id\": \(accountID), \"kind\": \(quoted(kind)), \"occurred_at\": \(quoted(occurredAt))\(extra.isEmpty ? "" : ", " + extra)}")
        return try #require(result["id"]?.int)
    }

    /// Every committed event, oldest first.
    func events() throws -> [Event] {
        try store.fetchEvents(consumer: "accounts-tests", afterSeq: 0, limit: 100_000).events
    }

    /// The types of every committed event, oldest first.
    func eventTypes() throws -> [String] { try events().map(\.type) }

    /// Rows in the outbox table, read straight from SQL.
    func outboxCount() throws -> Int64 {
        try store.connection.integer("SELECT count(*) FROM crm_events") ?? -1
    }

    /// The ids of the items of a page or search result.
    func ids(_ command: String, _ text: String = "{}") throws -> [Int64] {
        try run(command, text).items.compactMap { $0["id"]?.int }
    }
}
