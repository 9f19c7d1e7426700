import Foundation
import Testing

@Suite("crm-harness bridge run")
struct BridgeRunTests {
    /// The seqs of the events in a JSONL file, in file order.
    static func seqs(_ path: String) throws -> [Int] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(event["seq"] as? Int)
        }
    }

    @Test("a consumer command that fails for one event type: it is parked, every other event delivered in order; replay delivers it")
    func failingEventIsParkedAndReplayed() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let first = try db.run(["exec", "account.create", #"{"name": "Highveld Roofing"}"#, "--json"])
        let accountID = try #require(try first.jsonObject()["id"] as? Int, "\(first)")
        #expect(try db.run(["exec", "account.create", #"{"name": "Mthembu Hardware"}"#]).status == 0)
        #expect(try db.run(["exec", "contact.create", #"{"account_id": \#(accountID), "first_name": "Naledi", "last_name": "Khumalo"}"#]).status == 0)
        #expect(try db.run(["exec", "account.create", #"{"name": "Karoo Irrigation"}"#]).status == 0)

        let directory = db.directory.path
        let script = db.directory.appendingPathComponent("ledger.sh").path
        try """
            input=$(cat)
            case "$input" in
              *contact.created*) if [ ! -f '\(directory)/fixed' ]; then echo "ledger refused the contact" >&2; exit 3; fi ;;
            esac
            printf '%s\\n' "$input" >> '\(directory)/delivered.jsonl'
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let delivered = directory + "/delivered.jsonl"
        let arguments = ["bridge", "run", "--consumer", "ledger", "--exec", "sh '\(script)'", "--once", "--max-attempts", "3", "--backoff-ms", "1", "--json"]

        let run = try db.run(arguments)
        #expect(run.status == 0, "\(run)")
        let summary = try run.jsonObject()
        #expect(summary["delivered"] as? Int == 3, "\(run)")
        #expect(summary["failed_attempts"] as? Int == 3, "\(run)")
        #expect(summary["parked"] as? Int == 1, "\(run)")
        #expect(summary["last_acked_seq"] as? Int == 4, "\(run)")
        #expect(run.stderr.contains("delivered 3, failed attempts 3, parked 1"), "\(run)")
        #expect(run.stderr.contains("event 3 parked"), "\(run)")
        #expect(try Self.seqs(delivered) == [1, 2, 4])

        let letters = try db.run(["exec", "events.dead_letters", #"{"consumer": "ledger"}"#, "--json"])
        let parked = try #require(try letters.jsonObject()["dead_letters"] as? [[String: Any]], "\(letters)")
        #expect(parked.count == 1 && parked.first?["seq"] as? Int == 3, "\(letters)")
        #expect(parked.first?["attempts"] as? Int == 3, "\(letters)")
        let error = parked.first?["last_error"] as? String ?? ""
        #expect(error.contains("exit status 3") && error.contains("ledger refused the contact"), "\(letters)")
        #expect((parked.first?["event"] as? [String: Any])?["type"] as? String == "contact.created", "\(letters)")
        let consumers = try db.run(["exec", "events.consumers", "{}", "--json"])
        let ledger = (try consumers.jsonObject()["consumers"] as? [[String: Any]])?.first
        #expect(ledger?["acked_seq"] as? Int == 4 && ledger?["dead_letters"] as? Int == 1, "\(consumers)")

        // Nothing new: a second run delivers nothing and the dead letter stays parked.
        let idle = try db.run(arguments)
        let idleSummary = try idle.jsonObject()
        #expect(idle.status == 0 && idleSummary["delivered"] as? Int == 0, "\(idle)")
        #expect(try Self.seqs(delivered) == [1, 2, 4])

        // The ledger is fixed; the dead letter is replayed and delivered once.
        #expect(FileManager.default.createFile(atPath: directory + "/fixed", contents: Data()))
        let replay = try db.run(["exec", "events.replay", #"{"consumer": "ledger", "seq": 3}"#, "--json"])
        #expect(replay.status == 0, "\(replay)")
        let again = try db.run(arguments)
        #expect(again.status == 0, "\(again)")
        #expect(try again.jsonObject()["replayed"] as? Int == 1, "\(again)")
        #expect(try Self.seqs(delivered) == [1, 2, 4, 3])
        let none = try db.run(["exec", "events.dead_letters", #"{"consumer": "ledger"}"#, "--json"])
        #expect((try none.jsonObject()["dead_letters"] as? [Any])?.isEmpty == true, "\(none)")
        #expect(try Self.seqs(delivered) == [1, 2, 4, 3])
    }

    @Test("--jsonl appends every event once across two runs")
    func jsonlAppendsEachEventOnce() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let file = db.directory.appendingPathComponent("outbox.jsonl").path
        #expect(try db.run(["exec", "account.create", #"{"name": "Highveld Roofing"}"#]).status == 0)
        #expect(try db.run(["exec", "account.create", #"{"name": "Mthembu Hardware"}"#]).status == 0)
        let arguments = ["bridge", "run", "--consumer", "archive", "--jsonl", file, "--once", "--batch", "1"]
        let first = try db.run(arguments)
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr.contains("delivered 2, failed attempts 0, parked 0"), "\(first)")
        #expect(try Self.seqs(file) == [1, 2])
        #expect(try db.run(["exec", "account.create", #"{"name": "Karoo Irrigation"}"#]).status == 0)
        let second = try db.run(arguments)
        #expect(second.status == 0, "\(second)")
        #expect(try Self.seqs(file) == [1, 2, 3])
        let third = try db.run(arguments)
        #expect(third.stderr.contains("delivered 0"), "\(third)")
        #expect(try Self.seqs(file) == [1, 2, 3])
        let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
    }

    @Test("a JSONL file that cannot be written parks every event after its attempts, in order, without blocking")
    func unwritableFileParks() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        #expect(try db.run(["exec", "account.create", #"{"name": "Highveld Roofing"}"#]).status == 0)
        #expect(try db.run(["exec", "account.create", #"{"name": "Mthembu Hardware"}"#]).status == 0)
        let run = try db.run(["bridge", "run", "--consumer", "archive", "--jsonl", db.directory.path, "--once",
                              "--max-attempts", "2", "--backoff-ms", "0", "--json"])
        #expect(run.status == 0, "\(run)")
        let summary = try run.jsonObject()
        #expect(summary["parked"] as? Int == 2 && summary["failed_attempts"] as? Int == 4 && summary["delivered"] as? Int == 0, "\(run)")
        let letters = try db.run(["exec", "events.dead_letters", #"{"consumer": "archive"}"#, "--json"])
        let parked = try #require(try letters.jsonObject()["dead_letters"] as? [[String: Any]], "\(letters)")
        #expect(parked.compactMap { $0["seq"] as? Int } == [1, 2], "\(letters)")
        #expect((parked.first?["last_error"] as? String)?.contains("Is a directory") == true, "\(letters)")
    }

    @Test("a missing or doubled target is a usage error; a retired consumer is refused")
    func usageAndRetired() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let neither = try db.run(["bridge", "run", "--consumer", "ledger", "--once"])
        #expect(neither.status == 64 && neither.stderr.contains("exactly one of --exec"), "\(neither)")
        let both = try db.run(["bridge", "run", "--consumer", "ledger", "--exec", "true", "--jsonl", "x", "--once"])
        #expect(both.status == 64, "\(both)")
        let attempts = try db.run(["bridge", "run", "--consumer", "ledger", "--exec", "true", "--max-attempts", "0"])
        #expect(attempts.status == 64 && attempts.stderr.contains("--max-attempts"), "\(attempts)")
        #expect(try db.run(["bridge", "run", "--consumer", "old", "--exec", "true", "--once"]).status == 0)
        #expect(try db.run(["exec", "events.retire", #"{"consumer": "old"}"#]).status == 0)
        let retired = try db.run(["bridge", "run", "--consumer", "old", "--exec", "true", "--once"])
        #expect(retired.status == 4 && retired.stderr.contains("retired"), "\(retired)")
    }
}

@Suite("crm-harness bridge run --timeout")
struct BridgeRunTimeoutTests {
    @Test("a command that hangs past --timeout is killed with its process group and parked as 'timed out after 1 s'; the next events still go through")
    func hangingCommandTimesOut() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        #expect(try db.run(["exec", "account.create", #"{"name": "Highveld Roofing"}"#]).status == 0)
        #expect(try db.run(["exec", "account.create", #"{"name": "Mthembu Hardware"}"#]).status == 0)
        #expect(try db.run(["exec", "account.create", #"{"name": "Karoo Irrigation"}"#]).status == 0)
        let directory = db.directory.path
        let script = db.directory.appendingPathComponent("slow-ledger.sh").path
        // Event 2 hangs in a child of the shell (a grandchild of the runner):
        // only a kill of the whole group ends it; its pid is kept to check.
        try """
            input=$(cat)
            case "$input" in
              *Mthembu*) sleep 30 & echo $! >> '\(directory)/sleepers'; wait ;;
            esac
            printf '%s\\n' "$input" >> '\(directory)/delivered.jsonl'
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let started = Date()
        let run = try db.run(["bridge", "run", "--consumer", "ledger", "--exec", "sh '\(script)'", "--once",
                              "--timeout", "1", "--max-attempts", "2", "--backoff-ms", "1", "--json"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(run.status == 0, "\(run)")
        let summary = try run.jsonObject()
        #expect(summary["delivered"] as? Int == 2 && summary["failed_attempts"] as? Int == 2 && summary["parked"] as? Int == 1, "\(run)")
        #expect(summary["last_acked_seq"] as? Int == 3, "\(run)")
        #expect(elapsed < 20, "two 1 s timeouts took \(elapsed) s")
        #expect(try BridgeRunTests.seqs(directory + "/delivered.jsonl") == [1, 3])

        let letters = try db.run(["exec", "events.dead_letters", #"{"consumer": "ledger"}"#, "--json"])
        let parked = try #require(try letters.jsonObject()["dead_letters"] as? [[String: Any]], "\(letters)")
        #expect(parked.count == 1 && parked.first?["seq"] as? Int == 2 && parked.first?["attempts"] as? Int == 2, "\(letters)")
        #expect(parked.first?["last_error"] as? String == "timed out after 1 s", "\(letters)")

        // The sleepers were killed with their group, not left behind.
        let pids = try String(contentsOfFile: directory + "/sleepers", encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(pids.count == 2)
        for pid in pids {
            // Gone, or a zombie waiting for init to reap it.
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            #expect(status.isEmpty || status.contains("State:\tZ") || !status.contains("Name:\tsleep"), "sleep \(pid) still runs: \(status.prefix(80))")
        }
    }

    @Test("a command that finishes within --timeout is delivered")
    func commandWithinTimeout() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        #expect(try db.run(["exec", "account.create", #"{"name": "Highveld Roofing"}"#]).status == 0)
        let delivered = db.directory.appendingPathComponent("delivered.jsonl").path
        let run = try db.run(["bridge", "run", "--consumer", "ledger", "--exec", "sleep 0.2; cat >> '\(delivered)'", "--once",
                              "--timeout", "5", "--json"])
        #expect(run.status == 0, "\(run)")
        let summary = try run.jsonObject()
        #expect(summary["delivered"] as? Int == 1 && summary["failed_attempts"] as? Int == 0, "\(run)")
        #expect(try BridgeRunTests.seqs(delivered) == [1])
        let bad = try db.run(["bridge", "run", "--consumer", "ledger", "--exec", "true", "--timeout", "0"])
        #expect(bad.status == 64 && bad.stderr.contains("--timeout"), "\(bad)")
        let help = try db.run(["bridge", "run", "--help"])
        #expect(help.stdout.contains("--timeout") && help.stdout.contains("(default: 30)") && help.stdout.contains("timed out"), "\(help)")
    }
}
