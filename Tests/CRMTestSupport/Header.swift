import Foundation

/// Include/crm.h, read by the tests that hold another table to it.
public enum Header {
    /// The package root: the first directory above this file holding Package.swift.
    public static let packageRoot: URL? = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    /// The text of Include/crm.h.
    public static func text() throws -> String {
        guard let root = packageRoot else { throw HeaderError("no Package.swift above \(#filePath)") }
        return try String(contentsOf: root.appendingPathComponent("Include/crm.h"), encoding: .utf8)
    }

    /// Every `#define CRM_<NAME> <value>` of the RESULT CODES block, in order.
    public static func resultCodes() throws -> [(name: String, value: Int32)] {
        let text = try text()
        guard let start = text.range(of: "RESULT CODES"),
            let end = text.range(of: "crm_errstr(int code)", range: start.upperBound..<text.endIndex)
        else { throw HeaderError("crm.h has no RESULT CODES block ending at crm_errstr") }
        var codes: [(name: String, value: Int32)] = []
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 3, words[0] == "#define", words[1].hasPrefix("CRM_") else { continue }
            guard let value = Int32(words[2]) else { throw HeaderError("\(words[1]) is not a number: \(line)") }
            codes.append((String(words[1]), value))
        }
        guard !codes.isEmpty else { throw HeaderError("no CRM_* code in the RESULT CODES block") }
        return codes
    }
}

public struct HeaderError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
