import Testing
@testable import CRMStore

/// The dialect's fragments run on the test engine (SQLite in memory, or
/// the PostgreSQL server of `CRM_TEST_ENGINE=postgresql`).
@Suite("SQL dialect")
struct SQLDialectTests {
    /// Stored timestamp text turns into the seconds `Timestamp` reads from
    /// it, across the years libcrm stores, in any session time zone.
    @Test func epochSecondsOfStoredTimestamps() throws {
        let connection = try Connection(path: try TestEngine.freshTarget(), readOnly: false)
        defer { connection.close() }
        if connection.kind == .postgresql { try connection.execute("SET TIME ZONE 'Africa/Johannesburg'") }
        let sql = "SELECT \(connection.dialect.epochSeconds("CAST(? AS TEXT)"))"
        for text in ["1970-01-01T00:00:00Z", "2026-12-01T09:30:00Z", "2024-02-29T23:59:59Z", "1969-12-31T23:59:59Z",
                     "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"] {
            let expected = try #require(Timestamp(rfc3339: text)).secondsSinceEpoch
            #expect(try connection.integer(sql, [.text(text)]) == expected, "\(text)")
        }
        #expect(try connection.integer("SELECT \(connection.dialect.epochSeconds("CAST(NULL AS TEXT)"))") == nil)
    }
}
