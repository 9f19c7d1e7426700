/// The few places PostgreSQL's SQL is not SQLite's, turned into the one
/// form PostgreSQL takes. Module SQL never needs these: the store uses them.
enum PostgreSQLDialect {
    /// A migration statement written in SQLite's DDL, for PostgreSQL: the
    /// type name INTEGER (a whole word, outside quotes) becomes BIGINT, and
    /// `WITHOUT ROWID` is dropped. Nothing else changes.
    static func ddl(_ statement: String) -> String {
        var output = ""
        output.reserveCapacity(statement.utf8.count + 16)
        var word = ""
        var quote: Character? = nil
        func flush() {
            output += word.uppercased() == "INTEGER" ? "BIGINT" : word
            word = ""
        }
        for character in statement {
            if let open = quote {
                output.append(character)
                if character == open { quote = nil }
                continue
            }
            if character.isLetter || character.isNumber || character == "_" {
                word.append(character)
                continue
            }
            flush()
            if character == "'" || character == "\"" { quote = character }
            output.append(character)
        }
        flush()
        return removingWithoutRowID(output)
    }

    private static func removingWithoutRowID(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let target = Array("WITHOUT ROWID".utf8)
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + target.count <= bytes.count,
               zip(bytes[index..<index + target.count], target).allSatisfy({ ($0 >= 97 && $0 <= 122 ? $0 - 32 : $0) == $1 }) {
                index += target.count
                continue
            }
            kept.append(bytes[index])
            index += 1
        }
        return String(decoding: kept, as: UTF8.self)
    }

    /// SQL with `?` parameters numbered `$1`, `$2`, ... as PostgreSQL takes
    /// them; a `?` inside a quoted string or identifier stays as it is.
    static func numberingParameters(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character? = nil
        for character in sql {
            if let open = quote {
                output.append(character)
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                output.append(character)
            case "?":
                number += 1
                output += "$\(number)"
            default:
                output.append(character)
            }
        }
        return output
    }
}
