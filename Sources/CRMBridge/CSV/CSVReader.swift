#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CRMStore

/// A streaming RFC 4180 reader over a buffered file: quoted fields, doubled
/// quotes, CRLF or LF line ends, UTF-8 with an optional byte-order mark.
/// Only one record and a 64 KiB buffer are held at a time, so memory stays
/// flat whatever the file's size. Records are numbered by the physical line
/// they start on (the header is line 1), and each record's byte offset is
/// known so an import can seek back to where its last batch ended.
final class CSVReader {
    /// One record of the file.
    struct Record {
        /// The line the record starts on.
        var line: Int
        /// Its fields as text; nil when the record is not valid CSV or UTF-8.
        var fields: [String]
        /// Why the record could not be read, if it could not.
        var problem: String?
    }

    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8]
    private var position = 0
    private var filled = 0
    /// The byte offset of the buffer's first byte in the file.
    private var bufferStart: Int64 = 0
    /// The line the next record starts on.
    private(set) var line = 1
    /// The byte offset of the next record.
    var offset: Int64 { bufferStart + Int64(position) }

    /// Opens `path` for reading.
    /// - Throws: `.notFound` naming the path when there is no such file, `.io` when it cannot be read.
    init(path: String, context: String) throws {
        guard let file = fopen(path, "rb") else {
            let error = errno
            if error == ENOENT || error == ENOTDIR {
                throw CRMError.notFound("\(context): path: no file '\(path)'")
            }
            throw CRMError(.io, "\(context): path: cannot read '\(path)': \(String(cString: strerror(error)))")
        }
        var status = stat()
        if fstat(fileno(file), &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            fclose(file)
            throw CRMError(.io, "\(context): path: '\(path)' is a directory")
        }
        self.file = file
        self.buffer = [UInt8](repeating: 0, count: 1 << 16)
        skipByteOrderMark()
    }

    deinit { fclose(file) }

    /// The open file's descriptor (for reading its fingerprint with pread).
    var descriptor: Int32 { fileno(file) }

    private func skipByteOrderMark() {
        guard refill() else { return }
        if filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { position = 3 }
    }

    /// Moves to a record start recorded earlier (`offset`, on `line`).
    func seek(offset: Int64, line: Int) {
        fseeko(file, off_t(offset), SEEK_SET)
        bufferStart = offset
        position = 0
        filled = 0
        self.line = line
    }

    /// Reads more of the file when the buffer is used up; false at its end.
    private func refill() -> Bool {
        guard position >= filled else { return true }
        bufferStart += Int64(filled)
        position = 0
        filled = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        return filled > 0
    }

    /// The next byte, nil at the end of the file.
    @inline(__always)
    private func nextByte() -> UInt8? {
        if position >= filled && !refill() { return nil }
        let byte = buffer[position]
        position += 1
        return byte
    }

    /// The next byte without taking it.
    @inline(__always)
    private func peekByte() -> UInt8? {
        if position >= filled && !refill() { return nil }
        return buffer[position]
    }

    /// Whether no record is left (blank lines at the end are passed over).
    func atEnd() -> Bool {
        skipBlankLines()
        return peekByte() == nil
    }

    /// Passes over blank lines, counting them.
    private func skipBlankLines() {
        while let first = peekByte() {
            if first == 0x0A {
                position += 1
                line += 1
            } else if first == 0x0D {
                position += 1
                if peekByte() == 0x0A { position += 1 }
                line += 1
            } else {
                return
            }
        }
    }

    /// How many fields the last record had (the next one is likely the same).
    private var lastFieldCount = 8
    /// The bytes of the field being read (kept to reuse its storage).
    private var field: [UInt8] = []

    /// Appends to `field` the bytes from `position` up to the first byte
    /// `stop` matches (or the buffer's end), taking them; the bytes' high bits
    /// are OR-ed into `high` (non-zero when any is not ASCII). Used for the
    /// runs of plain bytes between the bytes that mean something.
    @inline(__always)
    private func takeRun(_ high: inout UInt8, until stop: (UInt8) -> Bool) {
        let end = filled
        let from = position
        var seen: UInt8 = 0
        let to = buffer.withUnsafeBufferPointer { bytes -> Int in
            var index = from
            while index < end {
                let byte = bytes[index]
                if stop(byte) { break }
                seen |= byte
                index += 1
            }
            if index > from { field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<index])) }
            return index
        }
        high |= seen & 0x80
        position = to
    }

    /// The next record, nil at the end of the file. Blank lines are skipped.
    func next() -> Record? {
        var fields: [String] = []
        fields.reserveCapacity(lastFieldCount)
        field.removeAll(keepingCapacity: true)
        var problem: String?
        // Blank lines between records count as lines but make no record.
        skipBlankLines()
        guard peekByte() != nil else { return nil }
        let startLine = line
        var quoted = false
        var afterQuote = false
        var fieldStart = true
        var high: UInt8 = 0
        func finishField() {
            if high == 0 {
                // ASCII: valid UTF-8 as it is.
                fields.append(String(decoding: field, as: UTF8.self))
            } else if let text = String(validating: field, as: UTF8.self) {
                fields.append(text)
            } else {
                if problem == nil { problem = "field \(fields.count + 1) is not valid UTF-8" }
                fields.append("")
            }
            field.removeAll(keepingCapacity: true)
            fieldStart = true
            afterQuote = false
            high = 0
        }
        func finishRecord() -> Record {
            lastFieldCount = fields.count
            return Record(line: startLine, fields: fields, problem: problem)
        }
        while true {
            // The plain bytes of a run go in whole: up to a quote inside a
            // quoted field (counting its line ends), up to a comma, quote or
            // line end outside one.
            if position < filled {
                if quoted {
                    let before = field.count
                    takeRun(&high) { $0 == 0x22 }
                    for index in before..<field.count where field[index] == 0x0A { line += 1 }
                } else if !afterQuote {
                    let before = field.count
                    takeRun(&high) { $0 == 0x2C || $0 == 0x0A || $0 == 0x0D || $0 == 0x22 }
                    if field.count > before { fieldStart = false }
                }
            }
            guard let byte = nextByte() else { break }
            if quoted {
                if byte == 0x22 {
                    if peekByte() == 0x22 {
                        position += 1
                        field.append(0x22)
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if byte == 0x0A { line += 1 }
                    high |= byte & 0x80
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case 0x2C:
                finishField()
            case 0x0A:
                line += 1
                finishField()
                return finishRecord()
            case 0x0D:
                if peekByte() == 0x0A { position += 1 }
                line += 1
                finishField()
                return finishRecord()
            case 0x22 where fieldStart:
                quoted = true
                fieldStart = false
            default:
                if afterQuote && problem == nil {
                    problem = "field \(fields.count + 1): text after a closing quote"
                }
                if byte == 0x22 && problem == nil {
                    problem = "field \(fields.count + 1): a quote inside an unquoted field"
                }
                fieldStart = false
                high |= byte & 0x80
                field.append(byte)
            }
        }
        if quoted && problem == nil { problem = "a quoted field is not closed before the end of the file" }
        finishField()
        return finishRecord()
    }
}
