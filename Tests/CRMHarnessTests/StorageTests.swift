import Foundation
import Testing

@Suite("crm-harness files: --create, --busy-timeout, backup")
struct StorageTests {
    private func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
    }

    @Test("a missing --db is CRM_NOTFOUND naming the file, and nothing is created")
    func missingFileIsNotCreated() throws {
        let db = try TemporaryDatabase(create: false)
        defer { db.remove() }
        for arguments in [["exec", "account.list"], ["exec", "account.create", #"{"name": "Typo Traders"}"#],
                          ["events"], ["backup", db.directory.appendingPathComponent("b.sqlite").path]] {
            let run = try db.run(arguments)
            #expect(run.status == CRMCode.notFound, "\(run)")
            #expect(run.stderr.contains("'\(db.path)'"), "the message names the file: \(run)")
            #expect(run.stderr.contains("--create"), "the message says how to start a new file: \(run)")
            #expect(!FileManager.default.fileExists(atPath: db.path), "\(run)")
        }
    }

    @Test("--create starts a new owner-only file; demo creates one without it")
    func createMakesAnOwnerOnlyFile() throws {
        let db = try TemporaryDatabase(create: false)
        defer { db.remove() }
        let run = try db.run(["exec", "account.create", #"{"name": "First Customer"}"#, "--create", "--json"])
        #expect(run.status == CRMCode.ok, "\(run)")
        #expect(mode(db.path) == 0o600)
        let again = try db.run(["exec", "account.list", "--json"])
        #expect((try again.jsonObject()["items"] as? [Any])?.count == 1, "\(again)")

        let demo = try TemporaryDatabase(create: false)
        defer { demo.remove() }
        let demoRun = try demo.run(["demo", "--json"])
        #expect(demoRun.status == CRMCode.ok, "\(demoRun)")
        #expect(mode(demo.path) == 0o600)
    }

    @Test("backup writes a new owner-only copy and never overwrites")
    func backup() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        _ = try db.run(["exec", "account.create", #"{"name": "Backed Up Ltd"}"#])
        let destination = db.directory.appendingPathComponent("backup.sqlite").path
        let run = try db.run(["backup", destination, "--json"])
        #expect(run.status == CRMCode.ok, "\(run)")
        #expect(try run.jsonObject()["backup"] as? String == destination)
        #expect(mode(destination) == 0o600)
        let list = try Harness.run(["exec", "account.list", "--json", "--db", destination])
        #expect(list.stdout.contains("Backed Up Ltd"), "\(list)")
        let again = try db.run(["backup", destination])
        #expect(again.status == CRMCode.conflict, "\(again)")
        #expect(again.stderr.contains("already exists"), "\(again)")
    }

    @Test("--busy-timeout is passed to crm_busy_timeout and checked")
    func busyTimeout() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let run = try db.run(["exec", "account.list", "--busy-timeout", "0", "--json"])
        #expect(run.status == CRMCode.ok, "\(run)")
        let bad = try db.run(["exec", "account.list", "--busy-timeout=-1"])
        #expect(bad.status == CRMCode.usage, "\(bad)")
        let help = try Harness.run(["--help"])
        #expect(help.stdout.contains("--create") || help.stdout.contains("CRM_OPEN_EXISTING"), "\(help)")
    }
}
