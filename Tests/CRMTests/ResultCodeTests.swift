import CCRM
@testable import CRM
import CRMStore
import CRMTestSupport
import Testing

@Suite("Result codes against Include/crm.h")
struct ResultCodeTests {
    @Test("ResultCode and cCode know every header code with its value, and nothing else")
    func resultCodesMatchHeader() throws {
        let header = try Header.resultCodes()
        let values = Dictionary(header.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(values.count == header.count, "a name defined twice in crm.h: \(header)")
        #expect(values["CRM_OK"] == 0, "CRM_OK is 0")

        var swift: [String: Int32] = ["CRM_OK": CRM_OK]
        for code in ResultCode.allCases {
            let name = code.headerName
            #expect(swift[name] == nil, "\(name) named twice")
            swift[name] = code.rawValue
            #expect(cCode(code) == code.rawValue, "cCode(.\(code)) is \(cCode(code)), its rawValue \(code.rawValue)")
            #expect(values[name] == code.rawValue, ".\(code) is \(code.rawValue); crm.h says \(name) is \(values[name].map(String.init) ?? "missing")")
        }
        #expect(swift == values, "Swift's codes differ from crm.h's")
        #expect(Set(ResultCode.allCases.map(cCode)).count == ResultCode.allCases.count, "two cases share a C code")
    }

    @Test("crm_errstr has its own phrase for every header code and 'unknown error' past them")
    func errstrKnowsEveryHeaderCode() throws {
        let header = try Header.resultCodes()
        var phrases: [String: String] = [:]
        for (name, value) in header {
            let phrase = String(cString: crm_errstr(value))
            #expect(phrase != "unknown error" && !phrase.isEmpty, "crm_errstr(\(name)) is '\(phrase)'")
            #expect(phrases[phrase] == nil, "\(name) and \(phrases[phrase] ?? "") share '\(phrase)'")
            phrases[phrase] = name
        }
        let last = try #require(header.map(\.value).max())
        #expect(String(cString: crm_errstr(last + 1)) == "unknown error")
        #expect(String(cString: crm_errstr(-1)) == "unknown error")
    }
}
