import CRMTestSupport
@testable import crm_harness
import Foundation
import Testing

@Suite("crm-harness result codes against Include/crm.h")
struct ResultCodeTests {
    @Test("crmCodeName names every header code by its header name, and no other code")
    func codeNamesMatchHeader() throws {
        let header = try Header.resultCodes()
        for (name, value) in header {
            #expect(crmCodeName(value) == name, "crm.h: \(name) = \(value)")
        }
        let known = Set(header.map(\.value))
        for value in Int32(-300)...300 where !known.contains(value) {
            #expect(crmCodeName(value) == "code \(value)", "a code crm.h does not define")
        }
    }

    @Test("--help's EXIT STATUS lists every header code with its value, and no other")
    func helpExitStatusMatchesHeader() throws {
        let header = try Header.resultCodes()
        let run = try Harness.run(["--help"])
        #expect(run.status == 0, "\(run)")
        var listed: [String: Int32] = [:]
        for line in run.stdout.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 2, let value = Int32(words[0]), words[1].hasPrefix("CRM_") else { continue }
            #expect(listed[String(words[1])] == nil, "\(words[1]) listed twice")
            listed[String(words[1])] = value
        }
        var expected = Dictionary(header.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        expected["CRM_OK"] = nil  // success is listed as plain 0
        #expect(listed == expected, "\(run.stdout)")
        // The harness's own statuses never collide with a library code.
        let values = Set(header.map(\.value))
        #expect(!values.contains(HarnessFailure.exitCode) && !values.contains(CRMCode.usage))
    }

    @Test("the codes these tests expect are the header's")
    func testCodesMatchHeader() throws {
        let values = Dictionary(try Header.resultCodes().map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(values["CRM_OK"] == CRMCode.ok)
        #expect(values["CRM_INVALID"] == CRMCode.invalid)
        #expect(values["CRM_NOTFOUND"] == CRMCode.notFound)
        #expect(values["CRM_CONFLICT"] == CRMCode.conflict)
    }
}
