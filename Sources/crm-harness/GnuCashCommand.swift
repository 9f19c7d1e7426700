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
        @Argument(help: "The GnuCash book (its SQLite file).")
        var file: String

        func run() throws {
            try global.withDatabase { database in
                var arguments: JSON = ["path": .string(file)]
                if let asOf { arguments = arguments.setting("as_of", .string(asOf)) }
                if dryRun { arguments = arguments.setting("dry_run", true) }
                if let source { arguments = arguments.setting("source", .string(source)) }
                if !global.json {
                    printError("reading \(file)\(asOf.map { " up to \($0)" } ?? "")\(dryRun ? " (dry run)" : ""): customers, invoices, credit notes, payments, offsets")
                }
                let answer = try database.exec("bridge.import_gnucash", arguments)
                if global.json { return print(answer) }
                let kinds = ["customers", "invoices", "credit_notes", "payments", "offsets"]
                let columns = ["created", "replayed", "updated", "skipped", "errors"]
                print("\(dryRun ? "dry run: " : "")GnuCash book \(file) (source \(answer["source"]?.string ?? "gnucash"))")
                print("  " + "kind".padding(toLength: 14, withPad: " ", startingAt: 0)
                      + columns.map { $0.leftPadded(9) }.joined())
                for kind in kinds {
                    let counts = answer["counts"]?[kind]
                    print("  " + kind.replacingOccurrences(of: "_", with: " ").padding(toLength: 14, withPad: " ", startingAt: 0)
                          + columns.map { String(counts?[$0]?.int ?? 0).leftPadded(9) }.joined())
                }
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
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}
