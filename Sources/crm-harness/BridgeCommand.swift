import ArgumentParser
import Foundation

extension CRMHarness {
    /// `crm-harness bridge`: bridges to the books the host already keeps.
    /// Each bridge is a subcommand (`journal`; the outbox runner joins them).
    struct Bridge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bridges to the host's books: plain-text journals of libcrm's postings.",
            discussion: """
                docs/COMMANDS.md "Plain-text journals" defines the journal.

                Examples:
                  crm-harness bridge journal --format hledger --db crm.sqlite
                  crm-harness bridge journal --format beancount --consumer books --out books.beancount --db crm.sqlite
                """,
            subcommands: [Journal.self])

        /// `crm-harness bridge journal`: bridge.export_journal, the journal
        /// text on standard output or appended to a file.
        struct Journal: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "The postings of the money-moving events as a ledger, hledger or beancount journal (bridge.export_journal).",
                discussion: """
                    Without --consumer every event after --after-seq (default all); with it, only what \
                    that consumer has not acknowledged, and the consumer's position moves past what \
                    was written. --out appends to the file (so a consumer's journal grows one export \
                    at a time) and prints a summary; without it the journal goes to standard output.
                    """)

            @OptionGroup var global: GlobalOptions

            @Option(help: ArgumentHelp("ledger, hledger or beancount.", valueName: "format"))
            var format: String
            @Option(help: ArgumentHelp("Export only what this consumer has not acknowledged, and acknowledge it.", valueName: "name"))
            var consumer: String?
            @Option(name: .customLong("after-seq"), help: ArgumentHelp("Start after this event (without --consumer).", valueName: "seq"))
            var afterSeq: Int64?
            @Option(help: ArgumentHelp("At most this many events (default 10000).", valueName: "count"))
            var limit: Int64?
            @Option(help: ArgumentHelp("Append the journal to this file instead of printing it.", valueName: "file"))
            var out: String?

            func run() throws {
                try global.withDatabase { database in
                    var arguments: JSON = ["format": .string(format)]
                    if let consumer { arguments = arguments.setting("consumer", .string(consumer)) }
                    if let afterSeq { arguments = arguments.setting("after_seq", .int(afterSeq)) }
                    if let limit { arguments = arguments.setting("limit", .int(limit)) }
                    let answer = try database.exec("bridge.export_journal", arguments)
                    let text = answer["text"]?.string ?? ""
                    if let out {
                        try Journal.append(text, to: out)
                    } else if !global.json {
                        print(text, terminator: "")
                    }
                    if global.json { return print(answer) }
                    if out != nil {
                        let count = answer["transactions"]?.int ?? 0
                        print("\(count) transaction\(count == 1 ? "" : "s") (events \((answer["from_seq"]?.int ?? 0) + 1) to \(answer["to_seq"]?.int ?? 0)) appended to \(out ?? "")")
                    }
                }
            }

            /// Appends the text to a file, making it when it is not there.
            static func append(_ text: String, to path: String) throws {
                if !FileManager.default.fileExists(atPath: path) {
                    guard FileManager.default.createFile(atPath: path, contents: nil) else {
                        throw HarnessFailure(message: "bridge journal: cannot create \(path)")
                    }
                }
                guard let handle = FileHandle(forWritingAtPath: path) else {
                    throw HarnessFailure(message: "bridge journal: cannot write to \(path)")
                }
                defer { try? handle.close() }
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(text.utf8))
            }
        }
    }
}
