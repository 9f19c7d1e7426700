/// Which `crm_open` paths name a PostgreSQL database, and how one is shown in
/// a message: never with its password.
///
/// The rule (decided on the text alone, without loading libpq, so a SQLite
/// host never loads it):
///
/// 1. **URL**: the path begins with `postgresql://` or `postgres://`, in lower
///    case (libpq itself accepts only these two prefixes, case-sensitively).
/// 2. **keyword=value**: after optional white space, the path begins with a
///    libpq connection keyword (``keywords``, lower case, as libpq matches
///    them), then optional white space, then `=`: `host=db1 dbname=crm`,
///    `dbname = crm`, `service=crm`.
///
/// Every other path is a SQLite file (`crm.sqlite`, `:memory:`,
/// `/data/host=db1.sqlite`, `crm=1.sqlite`). A file whose name begins with a
/// keyword and `=` (`dbname=x.sqlite`) is opened as a file by naming its
/// directory: `./dbname=x.sqlite`.
///
/// Whether a keyword=value string or URL is well formed is libpq's to say when
/// it is opened (PQconnectdb); this only tells the engines apart.
enum PostgreSQLConnectionInfo {
    /// The two forms of a PostgreSQL target.
    enum Form: Equatable, Sendable {
        case url
        case keywordValue
    }

    /// The URL prefixes libpq accepts.
    static let urlPrefixes = ["postgresql://", "postgres://"]

    /// libpq's connection keywords: those of libpq 15 (`PQconndefaults`), the
    /// removed `requiressl`, and those later versions add, so that a target
    /// written for a newer libpq is still recognised (and refused by an older
    /// one with libpq's own message, rather than opened as a file).
    static let keywords: Set<String> = [
        "service", "user", "password", "passfile", "channel_binding", "connect_timeout",
        "dbname", "host", "hostaddr", "port", "client_encoding", "options", "application_name",
        "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
        "keepalives_count", "tcp_user_timeout", "sslmode", "sslcompression", "sslcert", "sslkey",
        "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
        "ssl_min_protocol_version", "ssl_max_protocol_version", "gssencmode", "krbsrvname",
        "gsslib", "replication", "target_session_attrs",
        "requiressl",
        // libpq 16-18
        "require_auth", "sslcertmode", "load_balance_hosts", "gssdelegation", "sslnegotiation",
        "sslkeylogfile", "min_protocol_version", "max_protocol_version",
        "scram_client_key", "scram_server_key",
        "oauth_issuer", "oauth_client_id", "oauth_client_secret", "oauth_scope",
    ]

    /// Keywords whose value is a secret, left out of every rendering.
    static let secretKeywords: Set<String> = [
        "password", "sslpassword", "scram_client_key", "scram_server_key", "oauth_client_secret",
    ]

    /// The form of a PostgreSQL target, or nil for a SQLite path.
    static func form(of path: String) -> Form? {
        if urlPrefixes.contains(where: { path.hasPrefix($0) }) { return .url }
        var bytes = Substring(path).utf8[...]
        bytes = bytes.drop(while: isSpace)
        let keyword = bytes.prefix(while: { isKeywordByte($0) })
        guard !keyword.isEmpty, keywords.contains(String(decoding: keyword, as: UTF8.self)) else { return nil }
        let rest = bytes[keyword.endIndex...].drop(while: isSpace)
        return rest.first == UInt8(ascii: "=") ? .keywordValue : nil
    }

    /// Whether `crm_open` should open `path` on PostgreSQL.
    static func isTarget(_ path: String) -> Bool {
        form(of: path) != nil
    }

    /// `target` as it may appear in a message: a URL without the password of
    /// its user part (`postgresql://crm:secret@db/crm` is `postgresql://crm@db/crm`)
    /// and without secret query parameters; a keyword=value string without its
    /// secret pairs. A keyword=value string that does not parse is shown up to
    /// the first pair that does not, then `...`. Anything else is returned as is.
    static func redacted(_ target: String) -> String {
        switch form(of: target) {
        case .url: return redactedURL(target)
        case .keywordValue: return redactedKeywordValue(target)
        case nil: return target
        }
    }

    // MARK: URL

    private static func redactedURL(_ url: String) -> String {
        guard let prefix = urlPrefixes.first(where: { url.hasPrefix($0) }) else { return url }
        var rest = Substring(url.dropFirst(prefix.count))
        var result = prefix
        // libpq: the user part runs to the first '@' before any '/'.
        if let at = rest.firstIndex(where: { $0 == "@" || $0 == "/" }), rest[at] == "@" {
            let userInfo = rest[..<at]
            let user = userInfo.firstIndex(of: ":").map { userInfo[..<$0] } ?? userInfo
            result += user + "@"
            rest = rest[rest.index(after: at)...]
        }
        // Query parameters: percent-decoded names, as libpq decodes them.
        guard let question = rest.firstIndex(of: "?") else { return result + rest }
        result += rest[..<question]
        let parameters = rest[rest.index(after: question)...]
            .split(separator: "&", omittingEmptySubsequences: false)
            .filter { parameter in
                let name = parameter.firstIndex(of: "=").map { parameter[..<$0] } ?? parameter
                return !secretKeywords.contains(percentDecoded(name))
            }
            .map { parameter -> Substring in
                // A parameter libpq does not know may be a misspelt password: its value is not shown.
                guard let equals = parameter.firstIndex(of: "=") else { return parameter }
                let name = parameter[..<equals]
                return keywords.contains(percentDecoded(name)) ? parameter : name + "=..."
            }
        if !parameters.isEmpty {
            result += "?" + parameters.joined(separator: "&")
        }
        return result
    }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next() else { bytes.append(byte); break }
            guard let low = iterator.next() else { bytes.append(contentsOf: [byte, high]); break }
            if let h = hexValue(high), let l = hexValue(low) {
                bytes.append(h << 4 | l)
            } else {
                bytes.append(contentsOf: [byte, high, low])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: keyword=value

    /// One `keyword = value` pair of a conninfo string, as the bytes it was written with.
    private struct Pair {
        var keyword: String
        var text: Substring.UTF8View.SubSequence
    }

    /// Splits a conninfo string as libpq's `conninfo_parse` does: white space
    /// separates pairs; a value is a run of non-space bytes or a single-quoted
    /// string; a backslash takes the next byte literally in either. Returns the
    /// pairs read and whether the whole string was read.
    private static func pairs(_ conninfo: String) -> (pairs: [Pair], complete: Bool) {
        let bytes = Substring(conninfo).utf8
        var pairs: [Pair] = []
        var index = bytes.startIndex
        func skipSpace() { while index < bytes.endIndex, isSpace(bytes[index]) { index = bytes.index(after: index) } }
        while true {
            skipSpace()
            guard index < bytes.endIndex else { return (pairs, true) }
            let start = index
            while index < bytes.endIndex, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "=") {
                index = bytes.index(after: index)
            }
            let keyword = String(decoding: bytes[start..<index], as: UTF8.self)
            skipSpace()
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "=") else { return (pairs, false) }
            index = bytes.index(after: index)
            skipSpace()
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "'") {
                index = bytes.index(after: index)
                var closed = false
                while index < bytes.endIndex {
                    let byte = bytes[index]
                    index = bytes.index(after: index)
                    if byte == UInt8(ascii: "\\") {
                        guard index < bytes.endIndex else { break }
                        index = bytes.index(after: index)
                    } else if byte == UInt8(ascii: "'") {
                        closed = true
                        break
                    }
                }
                guard closed else { return (pairs, false) }
            } else {
                while index < bytes.endIndex, !isSpace(bytes[index]) {
                    if bytes[index] == UInt8(ascii: "\\") {
                        index = bytes.index(after: index)
                        guard index < bytes.endIndex else { break }
                    }
                    index = bytes.index(after: index)
                }
            }
            pairs.append(Pair(keyword: keyword, text: bytes[start..<index]))
        }
    }

    private static func redactedKeywordValue(_ conninfo: String) -> String {
        let (pairs, complete) = pairs(conninfo)
        // A keyword libpq does not know may be a misspelt "password": its value is not shown.
        var parts = pairs.filter { !secretKeywords.contains($0.keyword) }
            .map { keywords.contains($0.keyword) ? String(decoding: $0.text, as: UTF8.self) : "\($0.keyword)=..." }
        if !complete { parts.append("...") }
        return parts.joined(separator: " ")
    }

    // MARK: libpq's messages

    /// libpq's reason for refusing a connection string, with every quoted
    /// fragment that is not a connection keyword replaced by `"..."`: libpq
    /// quotes the token it stopped at, and in a malformed string that token
    /// can be part of a password.
    static func sanitizedReason(_ message: String) -> String {
        let trimmed = message.split(whereSeparator: { $0 == "\n" }).first.map(String.init) ?? ""
        var result = ""
        var inQuote = false
        var quoted = ""
        for character in trimmed {
            if character == "\"" {
                if inQuote {
                    result += keywords.contains(quoted) ? quoted : "..."
                    quoted = ""
                }
                result.append(character)
                inQuote.toggle()
            } else if inQuote {
                quoted.append(character)
            } else {
                result.append(character)
            }
        }
        if inQuote { result += "..." }
        return result
    }

    // MARK: Bytes

    /// libpq's `isspace` in the C locale.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    private static func isKeywordByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_")
    }
}
