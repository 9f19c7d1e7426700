import ArgumentParser
import Foundation

extension CRMHarness {
    /// `crm-harness exec COMMAND [JSON]`: one crm_exec call.
    struct Exec: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one library command (crm_exec) and print its result.",
            discussion: """
                Prints the result record as indented JSON, or exactly the library's JSON \
                text with --json. On failure prints 'error: <crm_errstr>: <crm_errmsg>' on \
                stderr and exits with the CRM_* code; a refusal that hands out a record \
                (CRM_CREDIT_HOLD's credit decision) prints it on stdout first. \
                docs/COMMANDS.md lists the commands.

                Examples:
                  crm-harness exec account.create '{"name": "Highveld Roofing (Pty) Ltd"}' --create
                  crm-harness exec account.get '{"id": 1}'
                  echo '{"query": "roofing"}' | crm-harness exec account.search -
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("The command, entity.verb (account.create, interaction.list, ...).", valueName: "command"))
        var command: String

        @Argument(help: ArgumentHelp("The arguments as a JSON object; '-' reads them from stdin.", valueName: "json"))
        var arguments: String = "{}"

        func validate() throws {
            if command.isEmpty { throw ValidationError("The command must not be empty.") }
        }

        func run() throws {
            // The bytes go to the library untouched: it judges malformed JSON itself.
            let bytes: [UInt8]
            if arguments == "-" {
                bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
            } else {
                bytes = Array(arguments.utf8)
            }
            try global.withDatabase { database in
                let answer: String?
                do {
                    answer = try database.execRaw(command, arguments: bytes)
                } catch let failure as CRMFailure {
                    // A refusal that hands out its record (CRM_CREDIT_HOLD's decision)
                    // prints it on stdout, as a result would be, before the error.
                    if let detail = failure.detail { print(global.json ? detail.description : detail.pretty) }
                    throw failure
                }
                guard let result = answer else { return }
                if global.json {
                    print(result)
                } else {
                    do {
                        print(try JSON.parse(result).pretty)
                    } catch {
                        throw HarnessFailure(message: "\(command) returned \(error): \(result.prefix(200))")
                    }
                }
            }
        }
    }
}
