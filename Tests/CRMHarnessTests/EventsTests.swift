import Foundation
import Testing

@Suite("crm-harness events")
struct EventsTests {
    @Test("events lists the created events and --ack makes the next fetch empty")
    func listAndAck() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let account = try db.run(["exec", "account.create", #"{"name": "Highveld Roofing", "source": "ledger", "external_ref": "HVR001"}"#, "--json"])
        #expect(account.status == 0, "\(account)")
        let accountID = try #require(try account.jsonObject()["id"] as? Int)
        let second = try db.run(["exec", "account.create", #"{"name": "Mthembu Hardware"}"#])
        #expect(second.status == 0, "\(second)")
        let contact = try db.run(["exec", "contact.create", #"{"account_id": \#(accountID), "first_name": "Naledi", "last_name": "Khumalo"}"#])
        #expect(contact.status == 0, "\(contact)")

        let list = try db.run(["events"])
        #expect(list.status == 0, "\(list)")
        let eventLines = list.stdout.nonEmptyLines.filter { $0.firstMatch(#"^(\d+)\s+[a-z]+\.[a-z_]+\s"#) != nil }
        #expect(eventLines.count == 3, "one line per event: \(list)")
        #expect(eventLines.filter { $0.contains("account.created") }.count == 2, "\(list)")
        #expect(eventLines.filter { $0.contains("contact.created") }.count == 1, "\(list)")
        #expect(list.stdout.contains("Highveld Roofing"), "the line summarizes the record: \(list)")
        #expect(list.stdout.contains("Naledi Khumalo"), "\(list)")

        // --json: exactly the library's {"events": [...], "last_seq": N}.
        let json = try db.run(["events", "--json"])
        #expect(json.status == 0, "\(json)")
        let page = try json.jsonObject()
        let events = try #require(page["events"] as? [[String: Any]], "\(json)")
        #expect(events.map { $0["type"] as? String } == ["account.created", "account.created", "contact.created"])
        let seqs = events.compactMap { $0["seq"] as? Int }
        #expect(seqs.count == 3 && seqs == seqs.sorted() && Set(seqs).count == 3, "\(json)")
        #expect(page["last_seq"] as? Int == seqs.last, "\(json)")
        for event in events {
            #expect(event["occurred_at"] is String && event["idempotency_key"] is String && event["record"] is [String: Any], "\(event)")
        }

        // Not acknowledged: it comes again. --after filters.
        let after = try db.run(["events", "--after", String(seqs[0]), "--json"])
        #expect((try after.jsonObject()["events"] as? [Any])?.count == 2, "\(after)")

        let ack = try db.run(["events", "--ack"])
        #expect(ack.status == 0, "\(ack)")
        #expect(ack.stdout.contains("acked up to seq \(seqs[2])"), "\(ack)")

        let empty = try db.run(["events"])
        #expect(empty.status == 0, "\(empty)")
        #expect(empty.stdout.contains("no events"), "\(empty)")
        #expect(empty.stdout.nonEmptyLines.filter { $0.firstMatch(#"^(\d+)\s+[a-z]+\.[a-z_]+\s"#) != nil }.isEmpty, "\(empty)")
        let emptyJSON = try db.run(["events", "--json"])
        #expect((try emptyJSON.jsonObject()["events"] as? [Any])?.isEmpty == true, "\(emptyJSON)")

        // The ack is per consumer: another one still sees everything.
        let other = try db.run(["events", "--consumer", "ledger-sync", "--json"])
        #expect((try other.jsonObject()["events"] as? [Any])?.count == 3, "\(other)")
    }

    @Test("--limit out of range is a usage error")
    func limitOutOfRange() throws {
        let run = try Harness.run(["events", "--limit", "0", "--db", ":memory:"])
        #expect(run.status == CRMCode.usage, "\(run)")
        let big = try Harness.run(["events", "--limit", "1001", "--db", ":memory:"])
        #expect(big.status == CRMCode.usage, "\(big)")
    }
}
