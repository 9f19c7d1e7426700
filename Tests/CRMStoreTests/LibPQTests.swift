import Foundation
import Testing
@testable import CRMStore

/// The server the PostgreSQL tests use: `CRM_TEST_POSTGRES_URL` (see README.md,
/// "Testing against PostgreSQL"); nil skips them.
let testPostgresURL: String? = {
    guard let url = ProcessInfo.processInfo.environment["CRM_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
    return url
}()


@Suite("libpq loading")
struct LibPQTests {
    @Test func aMissingLibraryIsAnIOErrorSayingWhatToInstall() {
        expectCRMError(.io, "libpq-crm-test-missing.so.5 is not installed", "apt-get install libpq5", "dnf install libpq") {
            try LibPQ.load("libpq-crm-test-missing.so.5")
        }
    }

    @Test func aLibraryWithoutLibpqsFunctionsIsRefused() {
        // libsqlite3 loads but is not libpq.
        expectCRMError(.io, "libsqlite3.so.0 has no function PQconnectdb", "libpq5") {
            try LibPQ.load("libsqlite3.so.0")
        }
    }

    // A live server: CRM_TEST_POSTGRES_URL (set by .ci/run, which starts a
    // throw-away cluster with Tests/postgres/cluster.sh). Without it the test
    // is skipped, never failed: a developer without a server runs the rest.
    @Test(.enabled(if: testPostgresURL != nil, "CRM_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against"))
    func connectsAndRoundTripsAParameter() throws {
        let libpq = try LibPQ.shared()
        #expect(try LibPQ.shared() === libpq)   // loaded once
        let url = try #require(testPostgresURL)
        guard let connection = libpq.PQconnectdb(url) else {
            Issue.record("PQconnectdb returned NULL (out of memory)")
            return
        }
        defer { libpq.PQfinish(connection) }
        try #require(libpq.PQstatus(connection) == LibPQ.ConnStatus.ok,
                     "\(PostgreSQLConnectionInfo.redacted(url)): \(LibPQ.string(libpq.PQerrorMessage(connection)) ?? "")")
        #expect(libpq.PQserverVersion(connection) >= 100000)
        #expect(LibPQ.string(libpq.PQparameterStatus(connection, "server_encoding")) == "UTF8")
        #expect(libpq.PQtransactionStatus(connection) == LibPQ.TransactionStatus.idle)

        let parameter = "Bester Hardware, 'Pty' Ltd — ñ"
        let result = parameter.withCString { value -> OpaquePointer? in
            var values: [UnsafePointer<CChar>?] = [value]
            return values.withUnsafeMutableBufferPointer { buffer in
                libpq.PQexecParams(connection, "SELECT 1 AS one, $1::text AS echoed", 1, nil,
                                   UnsafePointer(buffer.baseAddress), nil, nil, 0)
            }
        }
        defer { libpq.PQclear(result) }
        try #require(libpq.PQresultStatus(result) == LibPQ.ExecStatus.tuplesOK,
                     "\(LibPQ.string(libpq.PQresultErrorMessage(result)) ?? "")")
        #expect(libpq.PQntuples(result) == 1)
        #expect(libpq.PQnfields(result) == 2)
        #expect(LibPQ.string(libpq.PQgetvalue(result, 0, 0)) == "1")
        #expect(libpq.PQgetisnull(result, 0, 1) == 0)
        #expect(LibPQ.string(libpq.PQgetvalue(result, 0, 1)) == parameter)
        #expect(libpq.PQgetlength(result, 0, 1) == CInt(parameter.utf8.count))
    }

    @Test(.enabled(if: testPostgresURL != nil, "CRM_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against"))
    func aServerErrorCarriesItsSQLState() throws {
        let libpq = try LibPQ.shared()
        let url = try #require(testPostgresURL)
        let connection = try #require(libpq.PQconnectdb(url))
        defer { libpq.PQfinish(connection) }
        try #require(libpq.PQstatus(connection) == LibPQ.ConnStatus.ok)
        let result = libpq.PQexec(connection, "SELECT * FROM crm_test_no_such_table")
        defer { libpq.PQclear(result) }
        #expect(libpq.PQresultStatus(result) == LibPQ.ExecStatus.fatalError)
        #expect(LibPQ.string(libpq.PQresultErrorField(result, LibPQ.DiagField.sqlState)) == "42P01")
        let done = libpq.PQexec(connection, "CREATE TEMPORARY TABLE crm_test_t (n int); INSERT INTO crm_test_t VALUES (1), (2)")
        defer { libpq.PQclear(done) }
        #expect(libpq.PQresultStatus(done) == LibPQ.ExecStatus.commandOK)
        #expect(LibPQ.string(libpq.PQcmdTuples(done)) == "2")
    }
}
