import CRMStore

/// The plain-text accounting formats a journal is written in.
public enum JournalFormat: String, Sendable, CaseIterable {
    /// Ledger 3 (`ledger -f FILE --strict balance`).
    case ledger
    /// hledger (`hledger -f FILE check`).
    case hledger
    /// Beancount v2/v3 (`bean-check FILE`).
    case beancount

    /// An account name of the chart made of components, each made safe for
    /// this format's rules: beancount wants capitalised components of
    /// letters, digits and dashes; ledger and hledger take any text without
    /// a colon, a semicolon, a tab, brackets or two spaces in a row.
    func account(_ components: [String]) -> String {
        components.map(component).joined(separator: ":")
    }

    /// One component of an account name, made safe ("Customer" when nothing is left).
    func component(_ text: String) -> String {
        switch self {
        case .ledger, .hledger:
            var words: [String] = []
            var word = ""
            for character in text {
                if character.isLetter || character.isNumber || "-_.&'/#+".contains(character) {
                    word.append(character)
                } else if !word.isEmpty {
                    words.append(word)
                    word = ""
                }
            }
            if !word.isEmpty { words.append(word) }
            return words.isEmpty ? "Customer" : words.joined(separator: " ")
        case .beancount:
            var words: [String] = []
            var word = ""
            for scalar in text.unicodeScalars {
                if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                    word.unicodeScalars.append(scalar)
                } else if !word.isEmpty {
                    words.append(word)
                    word = ""
                }
            }
            if !word.isEmpty { words.append(word) }
            guard !words.isEmpty else { return "Customer" }
            let joined = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "-")
            // A component starts with a capital letter or a digit.
            return joined
        }
    }

    /// Text for a description or narration on one line: no line breaks, and
    /// nothing the format would read as the start of a comment or the end of a string.
    func narration(_ text: String) -> String {
        var kept = ""
        for character in text {
            switch character {
            case "\n", "\r", "\t": kept.append(" ")
            case ";" where self != .beancount: kept.append(",")
            case "\"", "\\": kept.append(self == .beancount ? "'" : character)
            default: kept.append(character)
            }
        }
        return kept
    }

    /// A document number as a transaction code (ledger/hledger) or a link
    /// (beancount: letters, digits, '-', '_', '/', '.').
    func code(_ text: String) -> String {
        var kept = ""
        for character in text {
            if character.isASCII && (character.isLetter || character.isNumber || "-_/.".contains(character)) {
                kept.append(character)
            } else {
                kept.append("-")
            }
        }
        return kept.isEmpty ? "-" : kept
    }
}
