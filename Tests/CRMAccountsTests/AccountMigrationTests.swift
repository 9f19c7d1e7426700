import Foundation
import Testing
@testable import CRMAccounts
import CRMStore

/// A file written before tags and addresses moved into the account row
/// (migrations up to 0103) opens with every account's tags and addresses.
@Suite("Account migrations")
struct AccountMigrationTests {
    @Test func tagsAndAddressesMoveIntoTheAccountRow() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("old.db").path
            do {
                let old = try Store(path: path, readOnly: false, clock: FixedClock(epoch),
                                    migrations: Array(AccountsSchema.migrations.prefix(3)), libraryVersion: "0.0.9")
                defer { old.close() }
                _ = try old.write("seed") {
                    for (id, name) in [(1, "Tagged Traders"), (2, "Plain Traders")] {
                        try old.connection.run(
                            """
                            INSERT INTO accounts (id, name, name_key, kind, currency, payment_terms_days, status, version, created_at, updated_at)
                            VALUES (?, ?, ?, 'business', 'ZAR', 30, 'active', 1, ?, ?)
                            """, [.integer(Int64(id)), .text(name), .text(Normalization.nameKey(name)), .text(epochText), .text(epochText)])
                    }
                    for tag in ["wholesale", "coastal"] {
                        try old.connection.run("INSERT INTO account_tags (account_id, tag) VALUES (1, ?)", [.text(tag)])
                    }
                    try old.connection.run(
                        """
                        INSERT INTO account_addresses (account_id, position, kind, line1, line2, city, region, postal_code, country)
                        VALUES (1, 1, 'shipping', '9 Dock Road', NULL, 'Durban', NULL, '4001', 'ZA'),
                               (1, 0, 'billing', 'PO Box 12', 'Suite "4"', 'Durban', 'KZN', '4000', 'ZA')
                        """)
                    try old.connection.run("INSERT INTO crm_sequences (name, last_value) VALUES ('accounts', 2)")
                }
            }

            let f = try Fixture(path: path)
            let tagged = try f.run("account.get", #"{"id": 1}"#)
            #expect(tagged["tags"] == .array([.string("coastal"), .string("wholesale")]))
            guard case .array(let addresses)? = tagged["addresses"] else {
                Issue.record("no addresses")
                return
            }
            #expect(addresses.map { $0["kind"] } == [.string("billing"), .string("shipping")])
            #expect(addresses[0]["line2"] == .string(#"Suite "4""#))
            #expect(addresses[0]["region"] == .string("KZN"))
            #expect(addresses[1]["line2"] == .null)
            #expect(try f.run("account.get", #"{"id": 2}"#)["tags"] == .array([]))
            #expect(try f.store.connection.tableExists("account_tags") == false)
            #expect(try f.store.connection.tableExists("account_addresses") == false)

            // The moved values are live: filtered on, updated, written back.
            guard case .array(let coastal)? = try f.run("account.list", #"{"tag": "coastal"}"#)["items"] else {
                Issue.record("no items")
                return
            }
            #expect(coastal.map { $0["id"] } == [.integer(1)])
            let updated = try f.run("account.update", #"{"id": 1, "tags": ["coastal", "retail"]}"#)
            #expect(updated["tags"] == .array([.string("coastal"), .string("retail")]))
            #expect(updated["addresses"] == tagged["addresses"])
            #expect(try f.run("account.get", #"{"id": 1}"#)["tags"] == updated["tags"])
            #expect(try f.run("account.create", #"{"name": "New After Migration"}"#)["id"] == .integer(3))
        }
    }
}
