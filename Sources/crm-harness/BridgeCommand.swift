#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CCRM
import Foundation

extension CRMHarness {
    /// `crm-harness bridge`: bridges to the books the host already keeps.
    /// Each bridge is a subcommand: `journal` and the outbox runner `run`.
    struct Bridge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bridges to the host's books: plain-text journals of libcrm's postings, and the outbox runner.",
            discussion: """
                docs/COMMANDS.md "Plain-text journals" defines the journal.

                Examples:
                  crm-harness bridge journal --format hledger --db crm.sqlite
                  crm-harness bridge journal --format beancount --consumer books --out books.beancount --db crm.sqlite
                  crm-harness bridge run --consumer erp --exec ./post-to-erp.sh --db crm.sqlite
                  crm-harness bridge run --consumer archive --jsonl events.jsonl --once --db crm.sqlite
                """,
            subcommands: [Journal.self, Run.self])

        /// `crm-harness bridge journal`: bridge.export_journal, the journal
        /// text on standard output or appended to a file.
        struct Journal: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "The postings of the money-moving events as a ledger, hledger or beancount journal (bridge.export_journal).",
                discussion: """
                    Without --consumer every event after --after-seq (default all); with it, only what \
                    that consumer has not acknowledged, and the consumer's position moves past what \
                    was written (--after-seq is then refused). A consumer's journal stands on the \
                    state the bridge keeps for it (declarations, receivable balances): only new events \
                    are read, and events.prune does not upset it. Where balances cannot be known \
                    (events pruned before any state was kept) no balance assertion is written and \
                    the summary says so. --out appends to the file (so a consumer's journal grows one export \
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
                    // What could not be asserted, and earlier assertions a backdated movement upsets.
                    let omitted = answer["assertions_omitted"]?.int ?? 0
                    if omitted > 0 {
                        printError("bridge journal: \(omitted) balance assertion\(omitted == 1 ? "" : "s") left out: the balance is not known "
                            + (answer["state"]?.string == "unknown" ? "(earlier events were pruned before a journal state was kept)" : "(payments dated before movements already exported)"))
                    }
                    for warning in answer["warnings"]?.array ?? [] {
                        if let text = warning.string { printError("bridge journal: warning: \(text)") }
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

extension CRMHarness.Bridge {
    /// `crm-harness bridge run`: delivers a consumer's outbox events to a
    /// command or a JSONL file, acknowledging each after it was delivered,
    /// parking an event that keeps failing as a dead letter.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver a consumer's outbox events to a command or a JSONL file, parking failures as dead letters.",
            discussion: """
                Polls crm_events_fetch for the consumer and hands each event, in seq order, \
                to CMD (run with /bin/sh -c, the event's JSON on its standard input; exit \
                status 0 is success) or appends it as one line to FILE (then fsync). Each \
                event is acknowledged (crm_events_ack) only after it was delivered. A failed \
                delivery is retried with backoff (--backoff-ms, doubling, at most 5 s); every \
                failed attempt is recorded with events.fail, and the attempt that reaches \
                --max-attempts parks the event as a dead letter: the runner acknowledges it \
                and goes on, so one bad event never blocks the rest and is never skipped \
                silently (events.dead_letters lists it; events.replay sends it again). \
                A command still running after --timeout seconds (default 30) is killed with \
                its whole process group (SIGKILL) and the attempt counts as failed, with the \
                reason "timed out after N s". \
                Dead letters marked for replay are delivered first and settled \
                (events.settle) once delivered. The consumer is registered at its first \
                run (crm_events_ack of 0), so events.prune keeps what it has not had.

                --once drains what is there and exits; otherwise it polls every --poll-ms, \
                and a CRM_BUSY (the host holding the write lock) is waited out rather than \
                ending the run. \
                Progress and a summary (delivered, failed attempts, parked, replayed) go to \
                stderr; with --json the summary is printed as JSON on stdout.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("The consumer whose position is used and moved (1..100 characters).", valueName: "name"))
        var consumer: String

        @Option(name: .customLong("exec"), help: ArgumentHelp("Deliver each event to this shell command, as JSON on its standard input.", valueName: "cmd"))
        var command: String?

        @Option(help: ArgumentHelp("Append each event as one JSON line to this file (created 0600 if missing).", valueName: "file"))
        var jsonl: String?

        @Option(name: .customLong("max-attempts"), help: ArgumentHelp("Failed attempts that park an event as a dead letter (1..100).", valueName: "n"))
        var maxAttempts: Int = 5

        @Flag(help: "Deliver what is there now and exit.")
        var once = false

        @Option(name: .customLong("poll-ms"), help: ArgumentHelp("How long to wait between polls when the outbox is drained.", valueName: "ms"))
        var pollMilliseconds: Int = 1000

        @Option(help: ArgumentHelp("Events fetched per poll (1..1000).", valueName: "n"))
        var batch: Int32 = 100

        @Option(name: .customLong("backoff-ms"), help: ArgumentHelp("The first retry's delay; it doubles per failure, at most 5000 ms.", valueName: "ms"))
        var backoffMilliseconds: Int = 100

        @Option(help: ArgumentHelp("Kill a delivery command (its whole process group) after this many seconds: a failed attempt (1..86400).", valueName: "seconds"))
        var timeout: Int = 30

        func validate() throws {
            guard !consumer.isEmpty else { throw ValidationError("--consumer must not be empty.") }
            guard (command == nil) != (jsonl == nil) else { throw ValidationError("Give exactly one of --exec CMD and --jsonl FILE.") }
            if let command, command.isEmpty { throw ValidationError("--exec must not be empty.") }
            if let jsonl, jsonl.isEmpty { throw ValidationError("--jsonl must name a file.") }
            guard (1...100).contains(maxAttempts) else { throw ValidationError("--max-attempts must be 1...100, got \(maxAttempts).") }
            guard (1...1000).contains(batch) else { throw ValidationError("--batch must be 1...1000, got \(batch).") }
            guard pollMilliseconds >= 0 else { throw ValidationError("--poll-ms must be 0 or more, got \(pollMilliseconds).") }
            guard (1...86_400).contains(timeout) else { throw ValidationError("--timeout must be 1...86400 seconds, got \(timeout).") }
            guard (0...60_000).contains(backoffMilliseconds) else { throw ValidationError("--backoff-ms must be 0...60000, got \(backoffMilliseconds).") }
        }

        func run() throws {
            signal(SIGPIPE, SIG_IGN)  // a command that exits without reading its input must not end the runner
            let target: DeliveryTarget = command.map { .command($0, timeoutSeconds: timeout) } ?? .file(jsonl ?? "")
            try global.withDatabase { database in
                var runner = OutboxRunner(database: database, consumer: consumer, target: target, maxAttempts: maxAttempts,
                                          batch: batch, backoffMilliseconds: backoffMilliseconds)
                try runner.start()
                while true {
                    let worked: Int
                    do {
                        worked = try runner.deliverReplays() + runner.deliverBatch()
                    } catch let failure as CRMFailure where failure.code == CRM_BUSY && !once {
                        // The host held the write lock past the busy timeout: wait and go on.
                        // An event delivered but not yet acknowledged comes again (at least once).
                        printError("bridge run: \(failure.description); retrying after \(max(pollMilliseconds, 100)) ms")
                        OutboxRunner.sleep(milliseconds: max(pollMilliseconds, 100))
                        continue
                    }
                    if worked == 0 {
                        if once { break }
                        OutboxRunner.sleep(milliseconds: pollMilliseconds)
                    }
                }
                runner.finishProgress()
                let tally = runner.tally
                printError("bridge run: consumer '\(consumer)': delivered \(tally.delivered), failed attempts \(tally.failedAttempts), "
                    + "parked \(tally.parked), replayed \(tally.replayed), last acked seq \(tally.lastAcked)")
                if global.json {
                    let summary: JSON = [
                        "consumer": .string(consumer), "delivered": .int(tally.delivered), "failed_attempts": .int(tally.failedAttempts),
                        "parked": .int(tally.parked), "replayed": .int(tally.replayed), "last_acked_seq": .int(tally.lastAcked),
                    ]
                    print(summary.description)
                }
            }
        }
    }
}

/// Where the runner delivers events.
enum DeliveryTarget {
    /// A shell command, one run per event, the event's JSON on standard
    /// input, killed (its process group) when it runs past the timeout.
    case command(String, timeoutSeconds: Int)
    /// A JSONL file, one line per event, fsync'd.
    case file(String)
}

/// The outbox runner's loop, one event at a time: deliver, acknowledge,
/// or record the failure and retry, parking after the last attempt.
struct OutboxRunner {
    struct Tally {
        var delivered = 0
        var failedAttempts = 0
        var parked = 0
        var replayed = 0
        var lastAcked: Int64 = 0
    }

    let database: CRMDatabase
    let consumer: String
    let target: DeliveryTarget
    let maxAttempts: Int
    let batch: Int32
    let backoffMilliseconds: Int
    /// No progress lines and no parking notes on stderr (the demo's own walk-through says what happened).
    var quiet = false
    private(set) var tally = Tally()
    /// Events waiting when the run began (the progress bar's whole).
    private var backlog: Int64 = 0
    private var handled: Int64 = 0
    private let interactive = isatty(2) != 0
    private var lastProgress = Date.distantPast

    init(database: CRMDatabase, consumer: String, target: DeliveryTarget, maxAttempts: Int, batch: Int32, backoffMilliseconds: Int) {
        self.database = database
        self.consumer = consumer
        self.target = target
        self.maxAttempts = maxAttempts
        self.batch = batch
        self.backoffMilliseconds = backoffMilliseconds
    }

    /// Registers the consumer (an ack of 0 moves nothing) and reads its backlog.
    mutating func start() throws {
        try database.ackEvents(consumer: consumer, upTo: 0)
        let consumers = try database.exec("events.consumers")
        let me = consumers["consumers"]?.array?.first { $0["name"]?.string == consumer }
        backlog = me?["lag"]?.int ?? 0
        tally.lastAcked = me?["acked_seq"]?.int ?? 0
    }

    /// Delivers the dead letters marked for replay; answers how many it handled.
    mutating func deliverReplays() throws -> Int {
        let letters = try database.exec("events.dead_letters", ["consumer": .string(consumer), "state": "replay", "limit": 1000])
        var handledNow = 0
        for letter in letters["dead_letters"]?.array ?? [] {
            guard let seq = letter["seq"]?.int else { continue }
            handledNow += 1
            if try deliverWithRetries(letter["event"] ?? .null, seq: seq) {
                _ = try database.exec("events.settle", ["consumer": .string(consumer), "seq": .int(seq)])
                tally.replayed += 1
            }
        }
        return handledNow
    }

    /// Delivers one batch of new events; answers how many it handled.
    mutating func deliverBatch() throws -> Int {
        let page = try database.fetchEvents(consumer: consumer, afterSeq: 0, limit: batch)
        let events = page["events"]?.array ?? []
        for event in events {
            guard let seq = event["seq"]?.int else { throw HarnessFailure(message: "crm_events_fetch returned an event without a seq") }
            let delivered = try deliverWithRetries(event, seq: seq)
            // A parked event is acknowledged too: it waits in the dead letters, not in the way.
            try database.ackEvents(consumer: consumer, upTo: seq)
            tally.lastAcked = seq
            if delivered { tally.delivered += 1 }
            handled += 1
            showProgress(seq: seq)
        }
        return events.count
    }

    /// Delivers until it succeeds (true) or the event is parked (false).
    private mutating func deliverWithRetries(_ event: JSON, seq: Int64) throws -> Bool {
        var delay = backoffMilliseconds
        while true {
            guard let failure = deliver(event.description) else { return true }
            tally.failedAttempts += 1
            let answer = try database.exec("events.fail", [
                "consumer": .string(consumer), "seq": .int(seq), "error": .string(OutboxRunner.clipped(failure)),
                "max_attempts": .int(maxAttempts),
            ])
            if answer["parked"]?.bool == true {
                tally.parked += 1
                finishProgress()
                if !quiet { printError("bridge run: event \(seq) parked as a dead letter after \(answer["attempts"]?.int ?? Int64(maxAttempts)) attempts: \(OutboxRunner.clipped(failure, 200))") }
                return false
            }
            OutboxRunner.sleep(milliseconds: delay)
            delay = min(max(delay * 2, 1), 5000)
        }
    }

    /// One delivery; nil on success, else what went wrong.
    private func deliver(_ line: String) -> String? {
        switch target {
        case .command(let command, let timeout): return OutboxRunner.runCommand(command, input: line + "\n", timeoutSeconds: timeout)
        case .file(let path): return OutboxRunner.append(line + "\n", to: path)
        }
    }

    /// Runs `/bin/sh -c command` with `input` on its standard input; nil
    /// when it exits 0, else its status and the end of its output. A command
    /// still running after `timeoutSeconds` is killed with its whole process
    /// group (Foundation starts it as the leader of a group of its own), and
    /// the answer is "timed out after N s".
    static func runCommand(_ command: String, input: String, timeoutSeconds: Int) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let stdin = Pipe()
        let output = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = output
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            return "could not start /bin/sh: \(error)"
        }
        let pid = process.processIdentifier
        // The output is read on its own thread, so a command that writes
        // much before it reads its input cannot block on a full pipe; the
        // input is written on another, so a command that never reads it
        // cannot block the runner past the timeout.
        let collected = OutputCollector()
        let reader = Thread {
            collected.data = output.fileHandleForReading.readDataToEndOfFile()
            collected.finished()
        }
        reader.start()
        let writer = Thread {
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        var timedOut = false
        let deadline = DispatchTime.now() + .seconds(timeoutSeconds)
        if exited.wait(timeout: deadline) == .timedOut {
            timedOut = true
            // The shell and everything it started: the group is the shell's pid.
            if getpgid(pid) == pid { kill(-pid, SIGKILL) } else { kill(pid, SIGKILL) }
            exited.wait()
        }
        // A child that left the group may still hold the output open: wait a little, not forever.
        let gotOutput = collected.wait(until: timedOut ? .now() + .seconds(1) : max(deadline, .now() + .seconds(1)))
        if timedOut { return "timed out after \(timeoutSeconds) s" }
        if process.terminationReason == .exit && process.terminationStatus == 0 { return nil }
        let how = process.terminationReason == .exit ? "exit status \(process.terminationStatus)" : "killed by signal \(process.terminationStatus)"
        let text = gotOutput ? String(decoding: collected.data.suffix(1500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        return text.isEmpty ? how : "\(how): \(text)"
    }

    /// Appends `line` to the file at `path` and fsyncs it; nil on success.
    static func append(_ line: String, to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return "\(path): \(String(cString: strerror(errno)))" }
        defer { close(descriptor) }
        let bytes = Array(line.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                return "\(path): \(String(cString: strerror(errno)))"
            }
            written += result
        }
        guard fsync(descriptor) == 0 else { return "\(path): fsync: \(String(cString: strerror(errno)))" }
        return nil
    }

    /// A failure text as events.fail takes it: 1..2000 characters, the end kept.
    static func clipped(_ text: String, _ limit: Int = 1900) -> String {
        let scalars = text.unicodeScalars
        let kept = scalars.count <= limit ? text : "…" + String(String.UnicodeScalarView(scalars.suffix(limit)))
        return kept.isEmpty ? "failed" : kept
    }

    static func sleep(milliseconds: Int) {
        guard milliseconds > 0 else { return }
        usleep(useconds_t(min(milliseconds, 3_600_000) * 1000))
    }

    /// The progress line on stderr: a bar on a terminal, else a line now and then.
    private mutating func showProgress(seq: Int64) {
        guard !quiet else { return }
        let now = Date()
        guard now.timeIntervalSince(lastProgress) >= (interactive ? 0.1 : 5) else { return }
        lastProgress = now
        let whole = max(backlog, handled)
        let done = whole > 0 ? Int(handled * 30 / whole) : 30
        let bar = String(repeating: "=", count: done) + String(repeating: " ", count: 30 - done)
        let line = "bridge run: [\(bar)] \(handled)/\(whole) events, seq \(seq), failed attempts \(tally.failedAttempts), parked \(tally.parked)"
        if interactive {
            FileHandle.standardError.write(Data(("\r" + line).utf8))
        } else {
            printError(line)
        }
    }

    /// Ends a progress bar's line on a terminal.
    func finishProgress() {
        if interactive && handled > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// The output of a delivery command, read on another thread.
private final class OutputCollector: @unchecked Sendable {
    var data = Data()
    private let done = DispatchSemaphore(value: 0)
    func finished() { done.signal() }
    /// Whether the output was read to its end by `deadline`.
    func wait(until deadline: DispatchTime) -> Bool { done.wait(timeout: deadline) == .success }
}
