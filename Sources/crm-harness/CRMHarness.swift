// crm-harness: the bundled test-harness CLI of libcrm. It drives the library
// through the C ABI only (Include/crm.h as module CCRM), so every run is also a
// test of that ABI.
import ArgumentParser
import CCRM
import Foundation

@main
struct CRMHarness: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crm-harness",
        abstract: "Drive libcrm through its C ABI: sample data, single commands, events.",
        discussion: """
            Every subcommand opens the database given with --db (default ./crm.sqlite, \
            created if missing; ':memory:' for a private in-memory database), makes its \
            calls through the C functions of crm.h and closes the handle again.

            With --json a subcommand prints exactly the library's JSON on stdout and \
            nothing else (demo prints a JSON summary, version a small JSON object).

            EXIT STATUS
              0   success
              1   CRM_INVALID      bad argument: malformed JSON, unknown command or field,
                                   invalid UTF-8 (on stdin or in a command-line argument)
              2   CRM_NOTFOUND     the record, command target or hook does not exist
              3   CRM_CONFLICT     a conflicting replay, a stale expected_version
              4   CRM_CONSTRAINT   a business rule refused the change
              5   CRM_BUSY         another connection holds the write lock
              6   CRM_IO           the file could not be read or written
              7   CRM_CORRUPT      the file is not a libcrm database or is damaged
              8   CRM_RANGE        a value outside its range
              9   CRM_MISUSE       the API used out of order
              10  CRM_VERSION_ERR  the file was written by a newer libcrm
              11  CRM_READONLY     a write on a read-only handle
              12  CRM_CREDIT_HOLD  the account is on credit hold
              13  CRM_INTERNAL     a bug in libcrm
              64  usage error (bad or missing options or arguments)
              70  the harness itself failed (the library's answer was not JSON)
            On a library failure (1..13) the status is the CRM_* result code itself and \
            stderr has one line: error: <crm_errstr>: <crm_errmsg>
            """,
        subcommands: [Demo.self, Exec.self, Events.self, Version.self]
    )

    /// Refuses a command-line argument that is not valid UTF-8 (CRM_INVALID)
    /// before anything is parsed, opened or written, then runs the command.
    static func main() {
        if let failure = invalidUTF8Argument(CommandLine.argc, CommandLine.unsafeArgv) {
            printError(failure.description)
            Foundation.exit(failure.code)
        }
        main(nil)
    }
}

/// Options every subcommand shares (@OptionGroup).
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The libcrm database file, created if missing (':memory:' for a private in-memory one).",
            valueName: "path"))
    var db: String = "./crm.sqlite"

    @Flag(name: .long, help: "Machine-readable output: only JSON on stdout (for exec and events exactly the library's JSON).")
    var json = false

    func validate() throws {
        if db.isEmpty { throw ValidationError("--db must name a file (or ':memory:').") }
    }

    /// Opens the database, runs `body`, and closes the handle on every path.
    /// A library failure is printed as `error: <errstr>: <errmsg>` on stderr and
    /// ends the process with the CRM_* code as its status.
    func withDatabase<T>(_ body: (CRMDatabase) throws -> T) throws -> T {
        try reportingFailures {
            let database = try CRMDatabase(path: db)
            defer { database.close() }
            return try body(database)
        }
    }
}

/// Runs `body`, turning library and harness failures into their message on
/// stderr and the documented exit status.
func reportingFailures<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let failure as CRMFailure {
        printError(failure.description)
        throw ExitCode(failure.code)
    } catch let failure as HarnessFailure {
        printError(failure.description)
        throw ExitCode(HarnessFailure.exitCode)
    }
}

/// Writes one line on stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
