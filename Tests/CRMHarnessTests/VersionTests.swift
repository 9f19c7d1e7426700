import Foundation
import Testing

@Suite("crm-harness version")
struct VersionTests {
    /// CRM_VERSION and CRM_ABI_VERSION as Include/crm.h defines them.
    static func headerVersion() throws -> (version: String, abi: String) {
        let header = try String(contentsOf: Harness.packageRoot.appendingPathComponent("Include/crm.h"), encoding: .utf8)
        let version = try #require(header.firstMatch(#"^#define CRM_VERSION "([^"]+)""#))
        let abi = try #require(header.firstMatch(#"^#define CRM_ABI_VERSION (\d+)"#))
        return (version, abi)
    }

    @Test("version prints the header's version and ABI")
    func version() throws {
        let (version, abi) = try VersionTests.headerVersion()
        let run = try Harness.run(["version"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.nonEmptyLines.contains("libcrm \(version) (ABI \(abi))"), "the loaded library: \(run)")
        #expect(run.stdout.nonEmptyLines.contains("header crm.h \(version) (ABI \(abi))"), "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")

        let json = try Harness.run(["version", "--json"])
        #expect(json.status == 0, "\(json)")
        let object = try json.jsonObject()
        #expect(object["version"] as? String == version)
        #expect(object["abi_version"] as? Int == Int(abi))
        #expect(object["header_version"] as? String == version)
    }
}
