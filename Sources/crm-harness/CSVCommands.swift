import ArgumentParser
import CCRM
import Foundation

extension CRMHarness {
    /// `crm-harness import-csv`: a CSV file of accounts, contacts, invoices or
    /// payments brought in through `bridge.import_csv`, batch after batch,
    /// with a progress line per batch on stderr and a summary at the end.
    struct ImportCSV: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-csv",
            abstract: "Import a CSV file of accounts, contacts, invoices or payments (bridge.import_csv).",
            discussion: """
                Each batch is one call of bridge.import_csv, committed on its own; the file's \
                position after each batch is kept in the database, so after a crash the same \
                command continues where the last committed batch ended (--restart starts over). \
                Every row carries --source and its external_ref column, so importing the same \
                file again changes nothing. Rows that cannot be imported are listed with their \
                line number; the good ones land. The mapping is a JSON file (or inline JSON) \
                of {"field": "Column header"} or {"field": {"column", "default", "type"}}.

                Examples:
                  crm-harness import-csv --kind accounts --mapping map.json --source legacy customers.csv --db crm.sqlite
                  crm-harness import-csv --kind payments --mapping '{"external_ref": "Ref", "account_ref": "Customer", "amount_minor": "Amount"}' --source legacy bank.csv
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "accounts, contacts, invoices or payments.")
        var kind: String
        @Option(help: ArgumentHelp("A JSON mapping file, or the mapping as inline JSON.", valueName: "file|json"))
        var mapping: String
        @Option(help: "The system the rows come from (each record's source).")
        var source: String
        @Option(name: .customLong("batch-size"), help: "Rows per committed batch (1..100000).")
        var batchSize: Int64 = 1000
        @Flag(name: .customLong("dry-run"), help: "Read and check every row; write nothing.")
        var dryRun = false
        @Flag(help: "Start from the first row even when an earlier run stopped part-way.")
        var restart = false
        @Argument(help: "The CSV file (a header row, then one record per row).")
        var file: String

        func run() throws {
            let mappingValue: JSON
            if mapping.hasPrefix("{") {
                do {
                    mappingValue = try JSON.parse(mapping)
                } catch {
                    throw CRMFailure(code: CRM_INVALID, message: "import-csv: --mapping: \(error)")
                }
            } else {
                mappingValue = .string(mapping)
            }
            try global.withDatabase { database in
                var base: JSON = ["kind": .string(kind), "path": .string(file), "mapping": mappingValue, "source": .string(source),
                                  "batch_size": .int(batchSize)]
                if dryRun { base = base.setting("dry_run", true) }
                var totals: [String: Int64] = [:]
                var errors: [JSON] = []
                var duplicates: [JSON] = []
                var next: Int64?
                var nextOffset: Int64?
                var first = true
                var batches = 0
                repeat {
                    var arguments = base
                    if first && restart { arguments = arguments.setting("restart", true) }
                    if let next {
                        arguments = arguments.setting("resume_from_line", .int(next)).setting("resume_from_offset", .int(nextOffset ?? 0))
                    }
                    let answer = try database.exec("bridge.import_csv", arguments)
                    first = false
                    batches += 1
                    for key in ["lines_read", "created", "replayed", "duplicates", "conflicts", "error_count"] {
                        totals[key, default: 0] += answer[key]?.int ?? 0
                    }
                    errors += answer["errors"]?.array ?? []
                    duplicates += answer["duplicate_rows"]?.array ?? []
                    next = answer["next_line"]?.int
                    nextOffset = answer["next_offset"]?.int
                    if !global.json {
                        printError("batch \(batches): \(totals["lines_read"] ?? 0) rows read, \(totals["created"] ?? 0) created, "
                            + "\(totals["replayed"] ?? 0) replayed, \(totals["error_count"] ?? 0) refused"
                            + (next.map { "; next line \($0)" } ?? "; done"))
                    }
                } while next != nil
                if global.json {
                    var summary: JSON = ["kind": .string(kind), "path": .string(file), "source": .string(source), "dry_run": .bool(dryRun),
                                         "batches": .int(batches)]
                    for key in ["lines_read", "created", "replayed", "duplicates", "conflicts", "error_count"] {
                        summary = summary.setting(key, .int(totals[key] ?? 0))
                    }
                    summary = summary.setting("errors", .array(errors)).setting("duplicate_rows", .array(duplicates))
                    return print(summary)
                }
                print("\(dryRun ? "dry run: " : "")\(kind) from \(file): \(totals["lines_read"] ?? 0) rows in \(batches) batch\(batches == 1 ? "" : "es")")
                print("  created     \(totals["created"] ?? 0)")
                print("  replayed    \(totals["replayed"] ?? 0)")
                print("  duplicates  \(totals["duplicates"] ?? 0)")
                print("  conflicts   \(totals["conflicts"] ?? 0)")
                print("  refused     \(totals["error_count"] ?? 0)")
                for error in errors {
                    print("  line \(error["line"]?.int ?? 0)\(error["field"]?.string.map { " [\($0)]" } ?? ""): \(error["message"]?.string ?? "")")
                }
                for duplicate in duplicates {
                    print("  line \(duplicate["line"]?.int ?? 0): duplicate of account \(duplicate["duplicate_of"]?.int ?? 0)")
                }
            }
        }
    }

    /// `crm-harness export-csv`: the records of one kind written as a CSV file (bridge.export_csv).
    struct ExportCSV: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-csv",
            abstract: "Export accounts, contacts, invoices or payments as a CSV file (bridge.export_csv).",
            discussion: """
                Writes a header row and one row per record, money as decimal text in the \
                record's currency. An existing file is never overwritten (status 3, CRM_CONFLICT).

                Example:
                  crm-harness export-csv --kind accounts accounts.csv --db crm.sqlite
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "accounts, contacts, invoices or payments.")
        var kind: String
        @Option(help: ArgumentHelp("The columns to write, comma-separated (default: the kind's usual ones).", valueName: "a,b,c"))
        var columns: String?
        @Argument(help: "The CSV file to create.")
        var file: String

        func run() throws {
            try global.withDatabase { database in
                var arguments: JSON = ["kind": .string(kind), "path": .string(file)]
                if let columns {
                    arguments = arguments.setting("columns", .array(columns.split(separator: ",").map { .string(String($0)) }))
                }
                let answer = try database.exec("bridge.export_csv", arguments)
                if global.json { return print(answer) }
                print("\(answer["rows_written"]?.int ?? 0) \(kind) written to \(file)")
            }
        }
    }
}
