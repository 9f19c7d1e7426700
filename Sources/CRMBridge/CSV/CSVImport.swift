import CRMStore

/// `bridge.import_csv`: one batch of a CSV file's rows made into records
/// through the commands that make them (`account.create`, `contact.create`,
/// `invoice.record`, `payment.record`), a refused row undone on its own
/// (`settle`), the batch and the position after it in one transaction, the
/// file's fingerprint kept with the position (`FileFingerprint`). The caller repeats
/// the call with `resume_from_line` = the answer's `next_line` until `done`.
enum CSVImport {
    /// A row refused before or by its command.
    struct RowFailure: Error {
        var field: String?
        var code: ResultCode
        var message: String
    }

    /// Thrown inside a dry run's savepoint to undo a row that went through.
    struct DryRunUndo: Error {}

    /// What a batch did.
    struct Tally {
        var linesRead = 0
        var created = 0
        var replayed = 0
        var duplicates = 0
        var conflicts = 0
        var errorCount = 0
        var errors: [JSONValue] = []
        var duplicateRows: [JSONValue] = []
        static let shownErrors = 100

        /// Counts one row's result.
        mutating func add(_ result: RowResult, line: Int) {
            switch result {
            case .failed(let failure):
                fail(line: line, failure)
            case .done(.created, _): created += 1
            case .done(.replayed, _): replayed += 1
            case .done(.duplicate(let id, let reasons), let externalRef):
                duplicates += 1
                if duplicateRows.count < Self.shownErrors {
                    duplicateRows.append(.object([
                        ("line", .integer(Int64(line))), ("external_ref", .string(externalRef)),
                        ("duplicate_of", .integer(id)), ("reasons", .array(reasons.map { .string($0) })),
                    ]))
                }
            }
        }

        mutating func fail(line: Int, _ failure: RowFailure) {
            errorCount += 1
            if failure.code == .conflict { conflicts += 1 }
            guard errors.count < Self.shownErrors else { return }
            var item: [(String, JSONValue)] = [("line", .integer(Int64(line)))]
            if let field = failure.field { item.append(("field", .string(field))) }
            item.append(("code", .string(failure.code.headerName)))
            item.append(("message", .string(failure.message)))
            errors.append(.object(item))
        }
    }

    /// The largest batch one call takes.
    static let maximumBatch: Int64 = 100_000

    /// Refuses (`CRM_CONFLICT` naming `path`) to resume at `offset` when the
    /// file is shorter than it or its bytes before it are not the ones the
    /// committed batches read: resuming would skip or double rows.
    static func checkUnchanged(_ reader: CSVReader, recorded: FileFingerprint, offset: Int64, line: Int, path: String, context: String) throws {
        let now = FileFingerprint.take(descriptor: reader.descriptor, offset: offset)
        let advice = "start again with restart: true (rows imported already replay and change nothing)"
        guard let now, now.size >= offset else {
            throw CRMError.conflict(
                "\(context): path: '\(path)' is \(now.map { "\($0.size) bytes" } ?? "unreadable") now, shorter than the \(offset) bytes "
                + "its import had read up to line \(line) (\(recorded.size) bytes, modified \(recorded.modifiedAt)): "
                + "it was rewritten; \(advice)")
        }
        guard now.headDigest == recorded.headDigest, now.beforeOffsetDigest == recorded.beforeOffsetDigest else {
            throw CRMError.conflict(
                "\(context): path: '\(path)' was rewritten since its import read up to line \(line) "
                + "(\(recorded.size) bytes, modified \(recorded.modifiedAt); now \(now.size) bytes, modified \(now.modifiedAt)): "
                + "the bytes before byte \(offset) differ, so resuming there would skip or double rows; \(advice)")
        }
    }

    /// How many rows share one savepoint (`settle`).
    static let chunkSize = 1000

    /// What one row came to, kept until its chunk's savepoint is released.
    enum RowResult {
        case done(CSVRow.Outcome, externalRef: String)
        case failed(RowFailure)
    }

    /// Thrown inside a chunk's savepoint to undo it when a row's command
    /// failed after writing.
    struct ChunkUndo: Error {
        var index: Int
    }

    /// Runs `chunk`'s rows, each through its command, and empties it.
    ///
    /// On SQLite every row of the chunk runs in one savepoint rather than one
    /// each (a savepoint per row costs SQLite a copy of every page the row
    /// touches). A row refused before its command wrote anything (a cell that
    /// does not convert, a duplicate, a replay's conflict, a command's check:
    /// commands check before they write) leaves nothing to undo, gives back
    /// any id it took (`Store.inEnclosingSavepoint`), and the others go on. A
    /// row whose command failed after a write undoes the chunk's savepoint;
    /// the rows before it and the row itself are then run again each in a
    /// savepoint of its own (the failed row writes nothing), and the rest of
    /// the chunk carries on in a new shared savepoint. A dry run, and every
    /// run on PostgreSQL (where a failed statement aborts the transaction
    /// until a rollback), gives every row its own savepoint. Either way each
    /// row goes through its command with the same checks, writes and events,
    /// and a refused row writes nothing.
    static func settle(_ chunk: inout [CSVReader.Record], store: Store, row: inout CSVRow, tally: inout Tally, dryRun: Bool) throws {
        defer { chunk.removeAll(keepingCapacity: true) }
        /// A failure that ended the transaction itself (SQLite gives up a
        /// transaction on a full disk or an I/O error) ends the call: nothing
        /// of the batch is kept.
        func requireTransaction(_ failure: RowFailure) throws {
            guard store.connection.inTransaction else { throw CRMError(failure.code, failure.message) }
        }
        func isolated(_ record: CSVReader.Record) throws -> RowResult {
            do {
                return .done(try row.importRow(record, dryRun: dryRun), externalRef: row.lastExternalRef)
            } catch let failure as RowFailure {
                try requireTransaction(failure)
                return .failed(failure)
            }
        }
        if dryRun || store.connection.kind != .sqlite {
            for record in chunk { tally.add(try isolated(record), line: record.line) }
            return
        }
        var start = 0
        while start < chunk.count {
            var results: [RowResult] = []
            results.reserveCapacity(chunk.count - start)
            do {
                try store.savepoint {
                    for index in start..<chunk.count {
                        do {
                            results.append(.done(try row.importRow(chunk[index], dryRun: false, isolated: false), externalRef: row.lastExternalRef))
                        } catch let failure as RowFailure {
                            results.append(.failed(failure))
                        } catch let wrote as Store.WroteBeforeFailing {
                            guard store.connection.inTransaction else { throw wrote.failure }
                            throw ChunkUndo(index: index)
                        }
                    }
                }
            } catch let undo as ChunkUndo {
                // Undone: run the rows before it and the failed row on their own.
                for index in start...undo.index { tally.add(try isolated(chunk[index]), line: chunk[index].line) }
                start = undo.index + 1
                continue
            }
            for (offset, result) in results.enumerated() { tally.add(result, line: chunk[start + offset].line) }
            start = chunk.count
        }
    }

    static func run(_ store: Store, _ arguments: inout Arguments) throws -> JSONValue {
        let context = arguments.context
        guard let kind = try arguments.choice("kind", CSVKind.self).value else {
            throw CRMError.invalid("\(context): kind is required (\(CSVKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let path = try arguments.requiredString("path", length: 1...4096)
        guard let mappingValue = arguments.raw("mapping"), mappingValue != .null else {
            throw CRMError.invalid("\(context): mapping is required")
        }
        let source = try arguments.requiredString("source", length: 1...100)
        let dryRun = try arguments.bool("dry_run").value ?? false
        let batchSize = Int(try arguments.integer("batch_size", range: 1...maximumBatch).value ?? 1000)
        let resumeFrom = try arguments.integer("resume_from_line", range: 2...Int64(Int32.max)).value
        let resumeOffset = try arguments.integer("resume_from_offset", range: 0...Int64.max).value
        let restart = try arguments.bool("restart").value ?? false
        try arguments.finish()
        if restart && resumeFrom != nil {
            throw CRMError.invalid("\(context): restart and resume_from_line exclude each other")
        }
        if resumeOffset != nil && resumeFrom == nil {
            throw CRMError.invalid("\(context): resume_from_offset goes with resume_from_line (both as the last answer gave them)")
        }

        let mapped = try CSVMapping.read(mappingValue, kind: kind, context: context)
        let reader = try CSVReader(path: path, context: context)
        guard let header = reader.next() else {
            throw CRMError.invalid("\(context): path: '\(path)' is empty: a header row is required")
        }
        if let problem = header.problem {
            throw CRMError.invalid("\(context): path: the header of '\(path)' cannot be read: \(problem)")
        }
        let mapping = try CSVMapping(mapped, header: header.fields, path: path, context: context)
        for field in kind.requiredFields where !mapping.entries.contains(where: { $0.field == field }) {
            throw CRMError.invalid("\(context): mapping: field '\(field)' is required for kind \(kind.rawValue)")
        }
        if kind != .accounts && !mapping.entries.contains(where: { $0.field == "account_ref" || $0.field == "account_id" }) {
            throw CRMError.invalid("\(context): mapping: field 'account_ref' (or 'account_id') is required for kind \(kind.rawValue)")
        }

        // Where this call starts.
        let firstLine = reader.line
        let progress = try store.connection.row(
            """
            SELECT kind, next_line, next_offset, done, file_size, file_modified_at, head_sha256, before_offset_sha256
            FROM bridge_csv_imports WHERE source = ? AND path = ?
            """,
            [.text(source), .text(path)]) { row in
            (kind: row.text(0), line: Int(row.integer(1)), offset: row.integer(2), done: row.bool(3),
             fingerprint: row.optionalText(6).map { head in
                 FileFingerprint(size: row.optionalInteger(4) ?? 0, modifiedAt: row.optionalText(5) ?? "",
                                 headDigest: head, beforeOffsetDigest: row.optionalText(7) ?? "")
             })
        }
        /// Seeks to the recorded position after checking the file still
        /// holds, before it, the bytes the committed batches read.
        func resumeAtRecordedPosition(_ progress: (kind: String, line: Int, offset: Int64, done: Bool, fingerprint: FileFingerprint?)) throws {
            if let recorded = progress.fingerprint {
                try checkUnchanged(reader, recorded: recorded, offset: progress.offset, line: progress.line, path: path, context: context)
            }
            reader.seek(offset: progress.offset, line: progress.line)
        }
        if let resumeFrom, let resumeOffset {
            guard resumeOffset >= reader.offset else {
                throw CRMError.range("\(context): resume_from_offset \(resumeOffset) is inside the header of '\(path)'")
            }
            if let progress, progress.line == Int(resumeFrom), progress.offset == resumeOffset, progress.kind == kind.rawValue {
                try resumeAtRecordedPosition(progress)
            } else {
                reader.seek(offset: resumeOffset, line: Int(resumeFrom))
            }
        } else if let resumeFrom {
            if let progress, progress.line == Int(resumeFrom), progress.kind == kind.rawValue {
                try resumeAtRecordedPosition(progress)
            } else {
                while reader.line < Int(resumeFrom) && !reader.atEnd() { _ = reader.next() }
            }
        } else if !restart, let progress, !progress.done, progress.kind == kind.rawValue, progress.line > firstLine {
            try resumeAtRecordedPosition(progress)
        }
        let startLine = reader.line

        var tally = Tally()
        var row = CSVRow(store: store, kind: kind, mapping: mapping, source: source, context: context)
        var chunk: [CSVReader.Record] = []
        chunk.reserveCapacity(min(batchSize, chunkSize))
        while tally.linesRead < batchSize, let record = reader.next() {
            tally.linesRead += 1
            if let problem = record.problem {
                // Reported in line order: the rows read before it are settled first.
                try settle(&chunk, store: store, row: &row, tally: &tally, dryRun: dryRun)
                tally.fail(line: record.line, RowFailure(field: nil, code: .invalid, message: "\(context): line \(record.line): \(problem)"))
                continue
            }
            chunk.append(record)
            if chunk.count >= chunkSize { try settle(&chunk, store: store, row: &row, tally: &tally, dryRun: dryRun) }
        }
        try settle(&chunk, store: store, row: &row, tally: &tally, dryRun: dryRun)
        let done = reader.atEnd()
        if !dryRun {
            let fingerprint = FileFingerprint.take(descriptor: reader.descriptor, offset: reader.offset)
            try store.connection.run(
                """
                INSERT INTO bridge_csv_imports (source, path, kind, next_line, next_offset, done, updated_at,
                    file_size, file_modified_at, head_sha256, before_offset_sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (source, path) DO UPDATE SET kind = excluded.kind, next_line = excluded.next_line,
                    next_offset = excluded.next_offset, done = excluded.done, updated_at = excluded.updated_at,
                    file_size = excluded.file_size, file_modified_at = excluded.file_modified_at,
                    head_sha256 = excluded.head_sha256, before_offset_sha256 = excluded.before_offset_sha256
                """,
                [.text(source), .text(path), .text(kind.rawValue), .integer(Int64(reader.line)), .integer(reader.offset),
                 .bool(done), .text(store.clock.now().description),
                 .integer(fingerprint?.size), .text(fingerprint?.modifiedAt),
                 .text(fingerprint?.headDigest), .text(fingerprint?.beforeOffsetDigest)])
        }
        return .object([
            ("kind", .string(kind.rawValue)),
            ("path", .string(path)),
            ("source", .string(source)),
            ("dry_run", .bool(dryRun)),
            ("first_line", .integer(Int64(startLine))),
            ("lines_read", .integer(Int64(tally.linesRead))),
            ("created", .integer(Int64(tally.created))),
            ("replayed", .integer(Int64(tally.replayed))),
            ("duplicates", .integer(Int64(tally.duplicates))),
            ("conflicts", .integer(Int64(tally.conflicts))),
            ("error_count", .integer(Int64(tally.errorCount))),
            ("errors", .array(tally.errors)),
            ("duplicate_rows", .array(tally.duplicateRows)),
            ("next_line", done ? .null : .integer(Int64(reader.line))),
            ("next_offset", done ? .null : .integer(reader.offset)),
            ("done", .bool(done)),
        ])
    }
}
