import Foundation
import Testing
import CRMAccounts
import CRMBridge
import CRMCredit
import CRMDocuments
import CRMStore
import CSQLite

/// The committed GnuCash books (Tests/fixtures/gnucash, made by make_book.py
/// with GnuCash's own engine) and a store to import them into.
final class GnuCashFixture: CommandFixture {
    /// Tests/fixtures/gnucash.
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.appendingPathComponent("fixtures/gnucash").path
    }()

    /// The book with GnuCash 4.x's dates ("YYYY-MM-DD HH:MM:SS").
    static let book = directory + "/shop.gnucash"
    /// The same book with the older stored date form ("YYYYMMDDHHMMSS").
    static let oldDatesBook = directory + "/shop-old-dates.gnucash"

    init() throws {
        try super.init(clock: FixedClock(epoch), modules: Modules([AccountsModule.module, DocumentsModule.module, CreditModule.module, BridgeModule.module]))
    }

    @discardableResult
    func importBook(_ fields: String) throws -> JSONValue {
        try run("bridge.import_gnucash", "{\(fields)}")
    }

    func quoted(_ text: String) -> String { JSONWriter.string(.string(text)) }
}

/// Plain SQL over a GnuCash book, read with SQLite directly: the figures the
/// import must reproduce, worked out from GnuCash's own lots and splits.
final class GnuCashLedger {
    private var db: OpaquePointer?

    init(_ path: String) throws {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { throw CRMError(.io, "cannot open \(path)") }
    }

    deinit { sqlite3_close(db) }

    /// Runs statements on a SQLite file (made if missing): the test's own edits of a copy.
    static func write(_ path: String, _ statements: [String]) throws {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw CRMError(.io, "cannot open \(path)") }
        defer { sqlite3_close(db) }
        for statement in statements where sqlite3_exec(db, statement, nil, nil, nil) != SQLITE_OK {
            throw CRMError(.io, String(cString: sqlite3_errmsg(db)))
        }
    }

    /// Rows of text columns (NULL as nil).
    func query(_ sql: String, _ values: [String] = []) -> [[String?]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return [] }
        defer { sqlite3_finalize(statement) }
        for (index, value) in values.enumerated() {
            sqlite3_bind_text(statement, Int32(index + 1), value, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
        var rows: [[String?]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append((0..<sqlite3_column_count(statement)).map { column in
                sqlite3_column_text(statement, column).map { String(cString: $0) }
            })
        }
        return rows
    }
}
