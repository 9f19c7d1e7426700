import Foundation
import Testing

@Suite("crm-harness jobcard")
struct JobCardCommandTests {
    @Test("jobcard ID prints a work order; --list the job cards; --json the records")
    func workOrderAndList() throws {
        let db = try TemporaryDatabase()
        defer { db.remove() }
        let setup: [(String, String)] = [
            ("account.create", #"{"name": "Karoo Irrigation"}"#),
            ("product.create", #"{"code": "PUMP-075", "name": "Borehole pump 0.75 kW", "kind": "part", "unit_price_minor": 125000, "tax_rate_bp": 1500}"#),
            ("product.create", #"{"code": "LAB-FIT", "name": "Fitter, per hour", "kind": "labour", "unit": "hour", "unit_price_minor": 45000, "tax_rate_bp": 1500}"#),
            ("jobcard.create", #"{"account_id": 1, "site": "Plot 12, Graaff-Reinet", "asset_description": "Borehole pump", "serial_number": "GRF-99812", "warranty": true, "tasks": [{"description": "Replace the capacitor"}]}"#),
            ("jobcard.schedule", #"{"id": 1, "scheduled_on": "2026-12-03", "technicians": ["Sipho Dlamini"]}"#),
            ("jobcard.start", #"{"id": 1}"#),
            ("jobcard.log_labour", #"{"id": 1, "technician": "Sipho Dlamini", "minutes": 90, "product_id": 2, "worked_on": "2026-12-03"}"#),
            ("jobcard.use_part", #"{"id": 1, "product_id": 1, "quantity_milli": 1000}"#),
            ("jobcard.create", #"{"account_id": 1}"#),
        ]
        for (command, arguments) in setup {
            let result = try db.run(["exec", command, arguments])
            #expect(result.status == CRMCode.ok, "\(command): \(result)")
        }

        let order = try db.run(["jobcard", "1"])
        #expect(order.status == CRMCode.ok, "\(order)")
        for text in ["J-000001", "in_progress", "Karoo Irrigation", "Plot 12, Graaff-Reinet", "serial GRF-99812",
                     "(warranty repair)", "Sipho Dlamini", "Replace the capacitor", "Borehole pump 0.75 kW", "1.5",
                     "R 675.00", "R 1 250.00"] {
            #expect(order.stdout.contains(text), "\(text) in \(order)")
        }
        // 1250.00 + 675.00 = 1925.00; tax 187.50 + 101.25 = 288.75; total 2213.75.
        #expect(order.stdout.contains("subtotal R 1 925.00") && order.stdout.contains("tax R 288.75")
                && order.stdout.contains("total R 2 213.75"), "\(order)")

        let json = try db.run(["jobcard", "1", "--json"])
        #expect(try json.jsonObject()["total_minor"] as? Int == 221_375, "\(json)")

        let list = try db.run(["jobcard", "--list"])
        #expect(list.status == CRMCode.ok, "\(list)")
        #expect(list.stdout.contains("J-000002") && list.stdout.contains("2 job cards"), "\(list)")
        let open = try db.run(["jobcard", "--list", "--status", "open", "--json"])
        #expect((try open.jsonObject()["items"] as? [[String: Any]])?.count == 1, "\(open)")

        let bad = try db.run(["jobcard", "--list", "--status", "finished"])
        #expect(bad.status == CRMCode.invalid, "\(bad)")
        #expect(bad.stderr.contains("status must be one of"), "\(bad)")
        let missing = try db.run(["jobcard", "7"])
        #expect(missing.status == CRMCode.notFound, "\(missing)")
        let neither = try db.run(["jobcard"])
        #expect(neither.status == CRMCode.usage, "\(neither)")
    }
}
