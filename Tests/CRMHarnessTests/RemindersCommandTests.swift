import Foundation
import Testing

@Suite("crm-harness reminders")
struct RemindersCommandTests {
    @Test("reminders --run makes what is due once, the table lists it, --json the library's answers")
    func remindersRunAndList() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let create = try db.run(["exec", "lead.create", #"{"company": "Ndlovu Roofing", "owner": "Lerato"}"#, "--json"])
        #expect(create.status == CRMCode.ok, "\(create)")

        let first = try db.run(["reminders", "--run", "--as-of", "2999-12-31"])
        #expect(first.status == CRMCode.ok, "\(first)")
        #expect(first.stdout.contains("1 new follow-up"), "\(first)")
        #expect(first.stdout.contains("lead_untouched"), "\(first)")
        #expect(first.stdout.contains("lead 1"), "\(first)")
        #expect(first.stdout.contains("Lerato"), "\(first)")
        #expect(first.stdout.contains("1 follow-up due"), "\(first)")

        let again = try db.run(["reminders", "--run", "--as-of", "2999-12-31", "--json"])
        let answer = try again.jsonObject()
        #expect((answer["created"] as? [Any])?.count == 0, "\(again)")

        let mine = try db.run(["reminders", "--owner", "Lerato", "--as-of", "2999-12-31", "--json"])
        #expect((try mine.jsonObject()["items"] as? [[String: Any]])?.count == 1, "\(mine)")
        let others = try db.run(["reminders", "--owner", "Thabo", "--as-of", "2999-12-31"])
        #expect(others.stdout.contains("0 follow-ups due"), "\(others)")

        let bad = try db.run(["reminders", "--as-of", "31/12/2999"])
        #expect(bad.status == CRMCode.invalid, "\(bad)")
        #expect(bad.stderr.contains("date must be a date"), "\(bad)")
    }
}
