import ArgumentParser
import CCRM
import Foundation

extension CRMHarness {
    /// `crm-harness import-gnucash`: a GnuCash SQLite book's customers,
    /// invoices, credit notes, payments and offsets brought in through
    /// `bridge.import_gnucash`, with its phases on stderr and a summary table.
    struct ImportGnuCash: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-gnucash",
            abstract: "Import a GnuCash SQLite book's customers, invoices, credit notes and payments (bridge.import_gnucash).",
            discussion: """
                The book is opened read-only. Customers become accounts, posted invoices and \
                credit notes recorded documents, payments payments allocated to the invoices \
                whose lots they settled, all as history (no postings: the ledger has them). \
                Every record carries --source and GnuCash's own id or guid, so importing the \
                same book again changes nothing, and importing it after it changed brings only \
                what is new. One run is one transaction.

                Examples:
                  crm-harness import-gnucash shop.gnucash --db crm.sqlite
                  crm-harness import-gnucash shop.gnucash --as-of 2025-12-31 --dry-run
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("as-of"), help: ArgumentHelp("Bring only what is dated on or before this day.", valueName: "YYYY-MM-DD"))
        var asOf: String?
        @Flag(name: .customLong("dry-run"), help: "Read and check the whole book; write nothing.")
        var dryRun = false
        @Option(help: "The source every imported record carries (default gnucash).")
        var source: String?
        @Option(name: .customLong("batch-size"), help: ArgumentHelp(
            "Records made or updated per committed batch (1..1000000); a dry run reads the whole book at once.", valueName: "n"))
        var batchSize: Int64 = 2000
        @Argument(help: "The GnuCash book (its SQLite file).")
        var file: String

        func validate() throws {
            guard (1...1_000_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1...1000000, got \(batchSize).") }
        }

        func run() throws {
            try global.withDatabase { database in
                var arguments: JSON = ["path": .string(file)]
                if let asOf { arguments = arguments.setting("as_of", .string(asOf)) }
                if dryRun { arguments = arguments.setting("dry_run", true) } else { arguments = arguments.setting("limit", .int(batchSize)) }
                if let source { arguments = arguments.setting("source", .string(source)) }
                if !global.json {
                    printError("reading \(file)\(asOf.map { " up to \($0)" } ?? "")\(dryRun ? " (dry run)" : ""): customers, invoices, credit notes, payments, offsets")
                }
                // Batch after batch, each committed on its own; every call passes over the whole
                // book, so what an earlier batch made comes back as replayed and is counted once.
                var answer: JSON = [:]
                var made: [String: [String: Int64]] = [:]
                var batch = 0
                while true {
                    batch += 1
                    let madeBefore = made
                    answer = try database.exec("bridge.import_gnucash", arguments)
                    let counts = answer["counts"]
                    var written = 0 as Int64
                    for kind in ImportGnuCash.kinds {
                        for column in ["created", "updated"] {
                            let value = counts?[kind]?[column]?.int ?? 0
                            made[kind, default: [:]][column, default: 0] += value
                            written += value
                        }
                    }
                    let finished = answer["done"]?.bool != false
                    if !global.json {
                        printError("batch \(batch): \(written) record\(written == 1 ? "" : "s") made or updated\(finished ? "; done" : "")")
                    }
                    if finished {
                        answer = ImportGnuCash.summed(answer, madeBefore: madeBefore, made: made)
                        break
                    }
                }
                if global.json { return print(answer) }
                let kinds = ImportGnuCash.kinds
                let columns = ["created", "replayed", "updated", "skipped", "errors"]
                print("\(dryRun ? "dry run: " : "")GnuCash book \(file) (source \(answer["source"]?.string ?? "gnucash"))")
                var table = TextTable(["kind"] + columns, rightAligned: Set(1...columns.count))
                for kind in kinds {
                    let counts = answer["counts"]?[kind]
                    table.add([kind.replacingOccurrences(of: "_", with: " ")] + columns.map { String(counts?[$0]?.int ?? 0) })
                }
                print(table.render(indent: "  "), terminator: "")
                for item in answer["skipped"]?.array ?? [] {
                    print("  skipped \(item["gnucash"]?.string ?? ""): \(item["reason"]?.string ?? "")")
                }
                for item in answer["warnings"]?.array ?? [] {
                    print("  warning \(item["gnucash"]?.string ?? ""): \(item["message"]?.string ?? "")")
                }
                for item in answer["errors"]?.array ?? [] {
                    print("  error \(item["gnucash"]?.string ?? "") [\(item["code"]?.string ?? "")]: \(item["message"]?.string ?? "")")
                }
            }
        }

        static let kinds = ["customers", "invoices", "credit_notes", "payments", "offsets"]

        /// The last batch's answer with the whole run's counts: created and
        /// updated summed over the batches; replayed less what earlier
        /// batches of this run made (the last batch replays those).
        static func summed(_ last: JSON, madeBefore: [String: [String: Int64]], made: [String: [String: Int64]]) -> JSON {
            var counts: JSON = [:]
            for kind in kinds {
                var count = last["counts"]?[kind] ?? [:]
                let earlier = (madeBefore[kind]?["created"] ?? 0) + (madeBefore[kind]?["updated"] ?? 0)
                count = count.setting("created", .int(made[kind]?["created"] ?? 0))
                count = count.setting("updated", .int(made[kind]?["updated"] ?? 0))
                count = count.setting("replayed", .int(max(0, (last["counts"]?[kind]?["replayed"]?.int ?? 0) - earlier)))
                counts = counts.setting(kind, count)
            }
            return last.setting("counts", counts)
        }
    }
}
