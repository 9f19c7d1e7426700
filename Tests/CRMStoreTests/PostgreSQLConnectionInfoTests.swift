import Testing
@testable import CRMStore

// Which crm_open paths are PostgreSQL targets, and their rendering without a
// password. No server and no libpq needed.
@Suite("PostgreSQL connection info")
struct PostgreSQLConnectionInfoTests {
    typealias Info = PostgreSQLConnectionInfo

    // MARK: Telling the engines apart

    @Test(arguments: [
        "postgresql://crm@127.0.0.1:5432/crm",
        "postgresql://",
        "postgres://db/crm?sslmode=prefer",
        "postgresql:///crm?host=/var/run/postgresql",
    ])
    func urlsArePostgreSQL(_ path: String) {
        #expect(Info.form(of: path) == .url)
        #expect(Info.isTarget(path))
    }

    @Test(arguments: [
        "host=db1 dbname=crm",
        "dbname=crm",
        "  dbname = crm",
        "\tservice=crm",
        "host=/var/run/postgresql dbname=crm user=crm",
        "password=secret host=db1",
        "user='crm' sslmode=require",
        "dbname=",                              // libpq's to refuse or accept, not a file
    ])
    func keywordValueStringsArePostgreSQL(_ path: String) {
        #expect(Info.form(of: path) == .keywordValue)
        #expect(Info.isTarget(path))
    }

    @Test(arguments: [
        "crm.sqlite",
        ":memory:",
        "",
        "/data/host=db1.sqlite",                // a directory first: a file
        "./dbname=x.sqlite",                    // the way to open such a file
        "crm=1.sqlite",                         // not a libpq keyword
        "Host=db1",                             // libpq keywords are lower case
        "hostname=db1",
        "host",
        "host db1",
        "file:crm.sqlite?mode=ro",
        "POSTGRESQL://db/crm",                  // libpq's URL prefixes are lower case
        "postgresql:/db/crm",
        "postgresql.sqlite",
        "sqlite://crm",
    ])
    func everythingElseIsAFile(_ path: String) {
        #expect(Info.form(of: path) == nil)
        #expect(!Info.isTarget(path))
    }

    // MARK: Redaction

    @Test(arguments: [
        ("postgresql://crm:secret@127.0.0.1:5432/crm", "postgresql://crm@127.0.0.1:5432/crm"),
        ("postgres://crm:s%40cr:et@db/crm", "postgres://crm@db/crm"),
        ("postgresql://crm:@db/crm", "postgresql://crm@db/crm"),
        ("postgresql://:secret@db/crm", "postgresql://@db/crm"),
        ("postgresql://crm@db/crm?sslmode=prefer", "postgresql://crm@db/crm?sslmode=prefer"),
        ("postgresql://db/crm?password=secret", "postgresql://db/crm"),
        ("postgresql://db/crm?sslmode=require&password=secret&application_name=x",
         "postgresql://db/crm?sslmode=require&application_name=x"),
        ("postgresql://db/crm?%70assword=secret&sslpassword=key", "postgresql://db/crm"),
        ("postgresql://crm:pw@db1:5432,db2:5433/crm?target_session_attrs=read-write",
         "postgresql://crm@db1:5432,db2:5433/crm?target_session_attrs=read-write"),
        // The user part ends at the first '@' before any '/', as libpq reads it.
        ("postgresql://db/crm@x", "postgresql://db/crm@x"),
        ("postgresql://crm@127.0.0.1/crm", "postgresql://crm@127.0.0.1/crm"),
    ])
    func urlsLoseTheirPasswords(_ url: String, _ expected: String) {
        #expect(Info.redacted(url) == expected)
    }

    @Test(arguments: [
        ("host=db1 password=secret dbname=crm", "host=db1 dbname=crm"),
        ("password=secret", ""),
        ("host=db1 password = 'a b\\' c' dbname=crm", "host=db1 dbname=crm"),
        ("host=db1 password=se\\ cret dbname=crm", "host=db1 dbname=crm"),
        ("host=db1 sslpassword=key sslkey=/k", "host=db1 sslkey=/k"),
        ("  host = db1   user='crm'  ", "host = db1 user='crm'"),
        // Malformed: shown up to the last good pair, never past it.
        ("host=db1 password='unterminated", "host=db1 ..."),
        ("host=db1 passwordsecret dbname=crm", "host=db1 ..."),
        ("host=db1 dbname", "host=db1 ..."),
    ])
    func keywordValueStringsLoseTheirPasswords(_ conninfo: String, _ expected: String) {
        #expect(Info.redacted(conninfo) == expected)
    }

    @Test func filesAreShownAsTheyAre() {
        #expect(Info.redacted("/data/password=secret.sqlite") == "/data/password=secret.sqlite")
    }

    @Test(arguments: [
        ("invalid connection option \"hots\"", "invalid connection option \"...\""),
        ("missing \"=\" after \"passwordsecret\" in connection info string\n",
         "missing \"...\" after \"...\" in connection info string"),
        ("invalid sslmode value: \"x\"", "invalid sslmode value: \"...\""),
        ("unterminated quoted string in connection info string", "unterminated quoted string in connection info string"),
        ("invalid URI query parameter: \"password\"", "invalid URI query parameter: \"password\""),
        ("a \"dangling", "a \"..."),
    ])
    func libpqReasonsQuoteOnlyKeywords(_ message: String, _ expected: String) {
        #expect(Info.sanitizedReason(message) == expected)
    }
}

@Suite("PostgreSQL targets: unknown keywords")
struct PostgreSQLUnknownKeywordTests {
    @Test func theValueOfAnUnknownKeywordIsNeverShown() {
        // A misspelt "password" is an unknown keyword: its value may be the password.
        #expect(PostgreSQLConnectionInfo.redacted("host=db1 dbname=crm passwrod=s3cret") == "host=db1 dbname=crm passwrod=...")
        #expect(PostgreSQLConnectionInfo.redacted("postgresql://crm@db1/crm?passwrod=s3cret&sslmode=require")
                == "postgresql://crm@db1/crm?passwrod=...&sslmode=require")
    }
}
