/// Which event types a hook hears: an exact type ("invoice.issued"), a
/// prefix glob ("account.*") or "*" for every event.
public struct EventPattern: Sendable, Equatable {
    private enum Form: Sendable, Equatable {
        case everything
        case prefix(String)
        case exact(String)
    }

    private let form: Form

    /// Parses a pattern. Nil for an empty pattern, a pattern over 100
    /// characters, or a "*" anywhere but at the end after a ".".
    public init?(_ text: String) {
        guard !text.isEmpty, text.unicodeScalars.count <= 100 else { return nil }
        if text == "*" {
            form = .everything
        } else if text.hasSuffix(".*") {
            let prefix = String(text.dropLast())
            guard !prefix.contains("*"), prefix.count > 1 else { return nil }
            form = .prefix(prefix)
        } else {
            guard !text.contains("*"), !text.hasSuffix("."), !text.hasPrefix(".") else { return nil }
            form = .exact(text)
        }
    }

    /// Whether an event of `type` matches.
    public func matches(_ type: String) -> Bool {
        switch form {
        case .everything: return true
        case .prefix(let prefix): return type.hasPrefix(prefix)
        case .exact(let exact): return type == exact
        }
    }
}
