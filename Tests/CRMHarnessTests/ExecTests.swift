import Foundation
import Testing

@Suite("crm-harness exec")
struct ExecTests {
    @Test("account.create then account.get round-trips the record")
    func createThenGet() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }

        let create = try db.run([
            "exec", "account.create",
            #"{"name": "Highveld Roofing & Timber (Pty) Ltd", "kind": "dealer", "credit_limit_minor": 2500000, "tags": ["roofing", "contractor"], "source": "ledger", "external_ref": "HVR001"}"#,
            "--json",
        ])
        #expect(create.status == CRMCode.ok, "\(create)")
        #expect(create.stderr.isEmpty, "\(create)")
        let created = try create.jsonObject()
        let id = try #require(created["id"] as? Int, "\(create)")
        #expect(created["replayed"] as? Bool == false)
        #expect(created["name"] as? String == "Highveld Roofing & Timber (Pty) Ltd")
        #expect(created["currency"] as? String == "ZAR")
        #expect(created["tags"] as? [String] == ["contractor", "roofing"], "tags are kept sorted")

        let get = try db.run(["exec", "account.get", #"{"id": \#(id)}"#, "--json"])
        #expect(get.status == CRMCode.ok, "\(get)")
        let fetched = try get.jsonObject()
        #expect(fetched["id"] as? Int == id)
        #expect(fetched["name"] as? String == "Highveld Roofing & Timber (Pty) Ltd")
        #expect(fetched["kind"] as? String == "dealer")
        #expect(fetched["credit_limit_minor"] as? Int == 2_500_000)
        #expect(fetched["version"] as? Int == 1)
        let refs = try #require(fetched["external_refs"] as? [[String: Any]], "\(get)")
        #expect(refs.count == 1)
        #expect(refs.first?["source"] as? String == "ledger")
        #expect(refs.first?["external_ref"] as? String == "HVR001")

        // By the host's reference, pretty-printed: the same record.
        let byRef = try db.run(["exec", "account.get", #"{"source": "ledger", "external_ref": "HVR001"}"#])
        #expect(byRef.status == CRMCode.ok, "\(byRef)")
        #expect(byRef.stdout.contains("\n  \"name\": \"Highveld Roofing & Timber (Pty) Ltd\""), "pretty output is indented: \(byRef)")
        let pretty = try byRef.jsonObject()
        #expect(try canonical(pretty) == canonical(fetched), "pretty and --json output differ: \(byRef)")
    }

    @Test("--json prints exactly the library's JSON: one line that parses")
    func jsonOutputParses() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        _ = try db.run(["exec", "account.create", #"{"name": "Karoo Plumbing"}"#])
        let list = try db.run(["exec", "account.list", "--json"])
        #expect(list.status == CRMCode.ok, "\(list)")
        #expect(list.stdout.nonEmptyLines.count == 1, "--json output is one line of JSON: \(list)")
        let page = try list.jsonObject()
        let items = try #require(page["items"] as? [[String: Any]], "\(list)")
        #expect(items.map { $0["name"] as? String } == ["Karoo Plumbing"])
        #expect(page.keys.contains("next_cursor"))
    }

    @Test("'-' reads the arguments from stdin")
    func argumentsFromStdin() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let run = try db.run(["exec", "account.create", "-", "--json"], stdin: #"{"name": "Sunset Paint & Décor", "kind": "dealer"}"#)
        #expect(run.status == CRMCode.ok, "\(run)")
        let account = try run.jsonObject()
        #expect(account["name"] as? String == "Sunset Paint & Décor")
        #expect(account["kind"] as? String == "dealer")
    }

    @Test("an unknown command exits with CRM_INVALID (1) and names the command")
    func unknownCommand() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let run = try db.run(["exec", "account.frobnicate", "{}"])
        #expect(run.status == CRMCode.invalid, "\(run)")
        #expect(run.stdout.isEmpty, "\(run)")
        #expect(run.stderr.hasPrefix("error: "), "\(run)")
        #expect(run.stderr.contains("account.frobnicate"), "\(run)")
        #expect(run.stderr.nonEmptyLines.count == 1, "one line: error: <errstr>: <errmsg>: \(run)")
        #expect(run.stderr.firstMatch(#"^error: ([^:]+): .+$"#) != nil, "\(run)")
    }

    @Test("an unknown field exits 1 and names the field; nothing is written")
    func unknownField() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let run = try db.run(["exec", "account.create", #"{"name": "Mthembu Hardware", "nmae": "typo"}"#])
        #expect(run.status == CRMCode.invalid, "\(run)")
        #expect(run.stderr.hasPrefix("error: "), "\(run)")
        #expect(run.stderr.contains("nmae"), "\(run)")

        let list = try db.run(["exec", "account.list", "--json"])
        #expect(list.status == CRMCode.ok, "\(list)")
        #expect((try list.jsonObject()["items"] as? [Any])?.isEmpty == true, "a failed call wrote nothing: \(list)")
    }

    @Test("a mistyped field exits 1 and names the field")
    func mistypedField() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let run = try db.run(["exec", "account.create", #"{"name": "Cape Coastal", "payment_terms_days": "thirty"}"#])
        #expect(run.status == CRMCode.invalid, "\(run)")
        #expect(run.stderr.contains("payment_terms_days"), "\(run)")
    }

    @Test("malformed JSON exits 1")
    func malformedJSON() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let run = try db.run(["exec", "account.create", #"{"name": "#])
        #expect(run.status == CRMCode.invalid, "\(run)")
        #expect(run.stderr.hasPrefix("error: "), "\(run)")
    }

    @Test("a record that does not exist exits with CRM_NOTFOUND (2)")
    func notFound() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let run = try db.run(["exec", "account.get", #"{"id": 424242}"#])
        #expect(run.status == CRMCode.notFound, "\(run)")
        #expect(run.stdout.isEmpty, "\(run)")
        #expect(run.stderr.hasPrefix("error: "), "\(run)")

        let byRef = try db.run(["exec", "account.get", #"{"source": "ledger", "external_ref": "NOPE01"}"#])
        #expect(byRef.status == CRMCode.notFound, "\(byRef)")
    }

    @Test("a replay with other content and a stale expected_version exit with CRM_CONFLICT (3)")
    func conflicts() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let first = try db.run(["exec", "account.create", #"{"name": "Eastern Cape Brick", "source": "ledger", "external_ref": "ECB001"}"#, "--json"])
        #expect(first.status == CRMCode.ok, "\(first)")
        let id = try #require(try first.jsonObject()["id"] as? Int)

        let replay = try db.run(["exec", "account.create", #"{"name": "Eastern Cape Brick", "source": "ledger", "external_ref": "ECB001"}"#, "--json"])
        #expect(replay.status == CRMCode.ok, "\(replay)")
        let replayed = try replay.jsonObject()
        #expect(replayed["id"] as? Int == id, "a replay answers the same id: \(replay)")
        #expect(replayed["replayed"] as? Bool == true, "\(replay)")

        let different = try db.run(["exec", "account.create", #"{"name": "EC Brick & Block", "source": "ledger", "external_ref": "ECB001"}"#])
        #expect(different.status == CRMCode.conflict, "\(different)")
        #expect(different.stderr.contains("name"), "the conflict names the differing field: \(different)")

        let update = try db.run(["exec", "account.update", #"{"id": \#(id), "expected_version": 1, "region": "Eastern Cape"}"#, "--json"])
        #expect(update.status == CRMCode.ok, "\(update)")
        #expect(try update.jsonObject()["version"] as? Int == 2, "\(update)")
        let stale = try db.run(["exec", "account.update", #"{"id": \#(id), "expected_version": 1, "region": "Western Cape"}"#])
        #expect(stale.status == CRMCode.conflict, "\(stale)")
    }

    @Test("usage errors keep ArgumentParser's status 64")
    func usageErrors() throws {
        let noCommand = try Harness.run(["exec"])
        #expect(noCommand.status == CRMCode.usage, "\(noCommand)")
        let badOption = try Harness.run(["exec", "account.list", "--no-such-option"])
        #expect(badOption.status == CRMCode.usage, "\(badOption)")
    }

    @Test("--help documents the subcommands and the exit status")
    func help() throws {
        let run = try Harness.run(["--help"])
        #expect(run.status == 0, "\(run)")
        for word in ["demo", "exec", "events", "version", "EXIT STATUS", "CRM_INVALID", "CRM_NOTFOUND", "64"] {
            #expect(run.stdout.contains(word), "--help names \(word): \(run)")
        }
    }
}
