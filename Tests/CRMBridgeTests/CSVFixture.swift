import Foundation
import Testing
import CRMAccounts
import CRMBridge
import CRMCredit
import CRMDocuments
import CRMStore
@_exported import CRMTestSupport

// `epoch` (2026-12-01T09:30:00Z), the suite's fixed clock, is declared in JournalFixture.swift.

/// A store with accounts, documents, credit and the bridge on the engine the
/// suites run on, a fixed clock, and a temporary directory for CSV files.
final class CSVFixture: CommandFixture {
    let directory: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/crm-csv-XXXXXX").utf8CString)
        directory = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        try super.init(clock: FixedClock(epoch), modules: Modules([AccountsModule.module, DocumentsModule.module, CreditModule.module, BridgeModule.module]))
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `text` (bytes exactly as given) to a file in the directory; returns its path.
    @discardableResult
    func file(_ name: String, _ text: String, byteOrderMark: Bool = false) throws -> String {
        let path = directory + "/" + name
        let bytes = (byteOrderMark ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs bridge.import_csv with JSON fields (without braces).
    @discardableResult
    func importCSV(_ fields: String) throws -> JSONValue {
        try run("bridge.import_csv", "{\(fields)}")
    }

    /// Calls bridge.import_csv batch by batch until done; returns every answer.
    func importAll(_ fields: String) throws -> [JSONValue] {
        var answers = [try importCSV(fields)]
        while let next = answers.last?["next_line"]?.int {
            answers.append(try importCSV(fields + #", "resume_from_line": \#(next), "resume_from_offset": \#(answers.last?["next_offset"]?.int ?? 0)"#))
        }
        return answers
    }

    /// A JSON string literal of `text`.
    func quoted(_ text: String) -> String { JSONWriter.string(.string(text)) }
}

extension JSONValue {
    /// The `line` and `field` of each reported error.
    var errorLines: [(Int64, String?)] {
        (self["errors"]?.array ?? []).map { ($0["line"]?.int ?? -1, $0["field"]?.text) }
    }
}
