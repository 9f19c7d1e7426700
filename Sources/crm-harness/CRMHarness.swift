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
            Every subcommand opens the database given with --db (default ./crm.sqlite; \
            ':memory:' for a private in-memory database), makes its calls through the C \
            functions of crm.h and closes the handle again. Only demo creates a missing \
            file; every other subcommand opens only a file that exists (CRM_OPEN_EXISTING), \
            so a mistyped --db is an error (status 2, CRM_NOTFOUND) rather than a new \
            empty database, unless --create is given (exec account.create --create starts \
            a new file). A new file is created owner-only (0600).

            When another connection holds the file's write lock for longer than \
            --busy-timeout (default 5000 ms), the call fails with status 5 (CRM_BUSY): it \
            did nothing, so running it again is safe (a create carrying source + \
            external_ref is an idempotent retry).

            With --json a subcommand prints exactly the library's JSON on stdout and \
            nothing else (demo prints a JSON summary, version a small JSON object).

            EXIT STATUS
              0   success
              1   CRM_INVALID      bad argument: malformed JSON, unknown command or field,
                                   invalid UTF-8 (on stdin or in a command-line argument)
              2   CRM_NOTFOUND     the record, command target or hook does not exist; no --db file
              3   CRM_CONFLICT     a conflicting replay, a stale expected_version, a backup file that exists
              4   CRM_CONSTRAINT   a business rule refused the change
              5   CRM_BUSY         another connection holds the write lock (retrying is safe)
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
        subcommands: [Demo.self, Exec.self, Events.self, Leads.self, Pipeline.self, Funnel.self, Forecast.self, Report.self, Reminders.self, Quote.self, JobCard.self, Invoice.self, Pay.self, Ageing.self, Credit.self, ImportCSV.self, ExportCSV.self, ImportGnuCash.self, Bridge.self, Backup.self, Version.self]
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
            "The libcrm database file; it must exist unless --create (or demo) is given (':memory:' for a private in-memory one).",
            valueName: "path"))
    var db: String = "./crm.sqlite"

    @Flag(name: .long, help: "Machine-readable output: only JSON on stdout (for exec and events exactly the library's JSON).")
    var json = false

    @Flag(name: .long, help: "Create the --db file (owner-only, 0600) if it is missing; without it only demo creates one.")
    var create = false

    @Option(
        name: .customLong("busy-timeout"),
        help: ArgumentHelp(
            "How long a call waits for another connection's write lock before CRM_BUSY (crm_busy_timeout; 0 fails at once).",
            valueName: "ms"))
    var busyTimeout: Int32?

    func validate() throws {
        if db.isEmpty { throw ValidationError("--db must name a file (or ':memory:').") }
        if let busyTimeout, busyTimeout < 0 { throw ValidationError("--busy-timeout must be 0 or more, got \(busyTimeout).") }
    }

    /// Opens the database, runs `body`, and closes the handle on every path.
    /// The file must exist (CRM_OPEN_EXISTING) unless `create` or --create says
    /// otherwise. A library failure is printed as `error: <errstr>: <errmsg>` on
    /// stderr and ends the process with the CRM_* code as its status.
    func withDatabase<T>(create alwaysCreate: Bool = false, _ body: (CRMDatabase) throws -> T) throws -> T {
        try reportingFailures {
            let mayCreate = alwaysCreate || create
            let database: CRMDatabase
            do {
                database = try CRMDatabase(path: db, flags: mayCreate ? 0 : CRM_OPEN_EXISTING)
            } catch let failure as CRMFailure where failure.code == CRM_NOTFOUND && !mayCreate {
                throw CRMFailure(code: failure.code, message: failure.message + "; pass --create to start a new database")
            }
            defer { database.close() }
            if let busyTimeout { try database.setBusyTimeout(milliseconds: busyTimeout) }
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
