#if canImport(Glibc)
import Glibc
#endif
import CRMStore

/// Which engine the Swift suites run their command tests on:
/// `CRM_TEST_ENGINE=postgresql` with `CRM_TEST_POSTGRES_URL` set runs them
/// on that server, each test in a schema of its own; anything else runs them
/// on a private in-memory SQLite database, as before.
public enum TestEngine {
    /// The server's URL when the suites run on PostgreSQL, else nil.
    public static let postgresURL: String? = {
        guard let engine = getenv("CRM_TEST_ENGINE").map({ String(cString: $0) }), engine == "postgresql",
              let url = getenv("CRM_TEST_POSTGRES_URL").map({ String(cString: $0) }), !url.isEmpty else { return nil }
        return url
    }()

    /// The engine the command tests run on.
    public static var kind: EngineKind { postgresURL == nil ? .sqlite : .postgresql }

    /// A new, empty database for one test: ":memory:" on SQLite; on
    /// PostgreSQL the server's URL with `search_path` set to a new schema.
    public static func freshTarget() throws -> String {
        guard let url = postgresURL else { return ":memory:" }
        var generator = SystemRandomNumberGenerator()
        let schema = "t_" + String(generator.next() as UInt64, radix: 16)
        let admin = try Connection(path: url, readOnly: false)
        defer { admin.close() }
        try admin.execute("CREATE SCHEMA \(schema)")
        return url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }
}
