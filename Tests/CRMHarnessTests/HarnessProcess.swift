// Runs the built crm-harness executable as a subprocess, as
// swift-argument-parser's MathExampleTests runs `math`: the tests see exactly
// what a user sees (stdout, stderr, exit status).
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// What one run of crm-harness produced.
struct HarnessRun: CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let stdout: String
    let stderr: String

    var description: String {
        "crm-harness \(arguments.joined(separator: " ")) -> status \(status)\n--- stdout ---\n\(stdout.prefix(4000))\n--- stderr ---\n\(stderr.prefix(2000))"
    }

    /// stdout parsed as JSON (Foundation's parser: independent of the harness's own).
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
    }

    func jsonObject() throws -> [String: Any] {
        try #require(try json() as? [String: Any], "stdout is not a JSON object: \(self)")
    }
}

enum Harness {
    /// The package root, from this file's path (Tests/CRMHarnessTests/<file>).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The crm-harness built beside the test bundle: the build products
    /// directory of whatever scratch path `swift test` used (.build or
    /// --scratch-path). CRM_HARNESS_PATH overrides it.
    static let executable: URL? = locate()

    private static func locate() -> URL? {
        let fileManager = FileManager.default
        func usable(_ url: URL) -> URL? {
            fileManager.isExecutableFile(atPath: url.path) ? url.standardizedFileURL : nil
        }
        if let override = ProcessInfo.processInfo.environment["CRM_HARNESS_PATH"], !override.isEmpty {
            return usable(URL(fileURLWithPath: override))
        }
        var directories: [URL] = []
        // The test runner (libcrmPackageTests.xctest, or a .xctest bundle) lives in the products directory.
        let mainURL = Bundle.main.bundleURL
        directories.append(mainURL.pathExtension == "xctest" ? mainURL.deletingLastPathComponent() : mainURL)
        directories.append(Bundle.main.executableURL?.deletingLastPathComponent() ?? mainURL)
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        for directory in directories {
            if let found = usable(directory.appendingPathComponent("crm-harness")) { return found }
        }
        // Last resort: the newest crm-harness under any scratch directory of the package.
        var newest: (url: URL, date: Date)?
        let roots = (try? fileManager.contentsOfDirectory(atPath: packageRoot.path)) ?? []
        for root in roots where root.hasPrefix(".build") {
            let scratch = packageRoot.appendingPathComponent(root)
            let triples = (try? fileManager.contentsOfDirectory(atPath: scratch.path)) ?? []
            for triple in ["."] + triples {
                let candidate = scratch.appendingPathComponent(triple).appendingPathComponent("debug/crm-harness")
                guard let url = usable(candidate),
                    let date = (try? fileManager.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
                else { continue }
                if newest == nil || date > newest!.date { newest = (url, date) }
            }
        }
        return newest?.url
    }

    /// Runs crm-harness with `arguments` (and `stdin`, if given) and waits for it.
    static func run(_ arguments: [String], stdin: String? = nil) throws -> HarnessRun {
        let executable = try #require(Harness.executable, "no crm-harness executable beside the test bundle; build it first")
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("crm-harness-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = outHandle
        process.standardError = errHandle
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()

        return HarnessRun(
            arguments: arguments,
            status: process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

extension Harness {
    /// Runs crm-harness with `arguments` given as raw bytes (Foundation's
    /// Process takes only Strings, so it could not pass invalid UTF-8) and
    /// `stdin` as raw bytes, through posix_spawn.
    static func runRaw(_ arguments: [[UInt8]], stdin: [UInt8] = []) throws -> HarnessRun {
        let executable = try #require(Harness.executable, "no crm-harness executable beside the test bundle; build it first")
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("crm-harness-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inPath = scratch.appendingPathComponent("stdin").path
        let outPath = scratch.appendingPathComponent("stdout").path
        let errPath = scratch.appendingPathComponent("stderr").path
        try Data(stdin).write(to: URL(fileURLWithPath: inPath))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv: [UnsafeMutablePointer<CChar>?] = ([Array(executable.path.utf8)] + arguments).map { bytes in
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            for (index, byte) in bytes.enumerated() { copy[index] = CChar(bitPattern: byte) }
            copy[bytes.count] = 0
            return copy
        } + [nil]
        defer { for pointer in argv { pointer?.deallocate() } }

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        try #require(spawned == 0, "posix_spawn failed: \(spawned)")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let signal = status & 0x7f

        return HarnessRun(
            arguments: arguments.map { String(decoding: $0, as: UTF8.self) },
            status: signal == 0 ? (status >> 8) & 0xff : 128 + signal,
            stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self))
    }
}

/// A temporary directory with a database in it, removed by `remove()`.
/// The database is made as a user starts one (`exec account.list --create`),
/// since every subcommand but demo opens only an existing file;
/// `TemporaryDatabase(create: false)` leaves the path free.
struct TemporaryDatabase {
    let directory: URL
    let path: String

    init(create: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("crm-harness-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("crm.sqlite").path
        if create {
            let made = try Harness.run(["exec", "account.list", "--create", "--db", path])
            #expect(made.status == 0, "\(made)")
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs crm-harness with `--db <this database>` appended.
    func run(_ arguments: [String], stdin: String? = nil) throws -> HarnessRun {
        try Harness.run(arguments + ["--db", path], stdin: stdin)
    }
}

/// A JSON value as sorted-key JSON text, to compare two parsed values.
func canonical(_ value: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
}

/// The CRM_* codes the tests expect, from Include/crm.h.
enum CRMCode {
    static let ok: Int32 = 0
    static let invalid: Int32 = 1
    static let notFound: Int32 = 2
    static let conflict: Int32 = 3
    static let creditHold: Int32 = 12
    static let usage: Int32 = 64
}

extension String {
    /// The lines of the text that are not empty.
    var nonEmptyLines: [String] {
        split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }

    /// The first capture group of `pattern` in the text.
    func firstMatch(_ pattern: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]),
            let match = regex.firstMatch(in: self, range: NSRange(startIndex..., in: self)),
            match.numberOfRanges > 1, let range = Range(match.range(at: 1), in: self)
        else { return nil }
        return String(self[range])
    }
}
