import Foundation
import Testing

@Suite("crm-harness import-csv and export-csv")
struct CSVCommandTests {
    @Test("import-csv imports in batches with a progress line each, lists refused rows by line, and changes nothing the second time; export-csv writes them out")
    func importAndExport() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let csv = db.directory.appendingPathComponent("customers.csv").path
        try Data("Code,Customer,Limit\r\nK1,\"Karoo, Irrigation\",\"1 500.00\"\r\nK2,Bad Limit,1.5.0\r\nK3,Third,7\r\n".utf8)
            .write(to: URL(fileURLWithPath: csv))
        let map = db.directory.appendingPathComponent("map.json").path
        try Data(#"{"external_ref": "Code", "name": "Customer", "credit_limit_minor": "Limit"}"#.utf8).write(to: URL(fileURLWithPath: map))

        let run = try db.run(["import-csv", "--kind", "accounts", "--mapping", map, "--source", "legacy", "--batch-size", "2", csv])
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("batch 1: 2 rows read, 1 created, 0 replayed, 1 refused; next line 4"), "\(run)")
        #expect(run.stderr.contains("batch 2: 3 rows read, 2 created, 0 replayed, 1 refused; done"), "\(run)")
        #expect(run.stdout.firstMatch(#"created\s+(2)"#) != nil, "\(run)")
        #expect(run.stdout.contains("line 3 [credit_limit_minor]"), "\(run)")

        let again = try db.run(["import-csv", "--kind", "accounts", "--mapping", map, "--source", "legacy", "--json", csv])
        #expect(again.status == 0, "\(again)")
        let summary = try again.jsonObject()
        #expect(summary["created"] as? Int == 0)
        #expect(summary["replayed"] as? Int == 2)
        #expect(summary["error_count"] as? Int == 1)

        let out = db.directory.appendingPathComponent("out.csv").path
        let exported = try db.run(["export-csv", "--kind", "accounts", "--columns", "external_ref,name,credit_limit", out])
        #expect(exported.status == 0, "\(exported)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "external_ref,name,credit_limit\r\nK1,\"Karoo, Irrigation\",1500.00\r\nK3,Third,7.00\r\n")
        let refused = try db.run(["export-csv", "--kind", "accounts", out])
        #expect(refused.status == CRMCode.conflict, "\(refused)")

        let missing = try db.run(["import-csv", "--kind", "accounts", "--mapping", map, "--source", "legacy", csv + ".nope"])
        #expect(missing.status == CRMCode.notFound, "\(missing)")
    }
}
