import CRMStore

/// A Mustache template (https://mustache.github.io/mustache.5.html), parsed
/// and rendered with the Swift standard library alone (no Foundation, so
/// nothing grows libcrm.so). It implements the spec's core:
///
/// - `{{name}}` (HTML-escaped when rendering with `.html`), `{{{name}}}`
///   and `{{& name}}` (never escaped);
/// - dotted names (`{{account.name}}`) and the current item `{{.}}`; a
///   name not in the current context is looked up in the enclosing ones;
/// - sections `{{#name}}...{{/name}}`: skipped for a missing name, false
///   or an empty array; once per element of an array (the element as the
///   context); once for an object (as the context) or any other value;
/// - inverted sections `{{^name}}...{{/name}}`, comments `{{! ...}}`;
/// - standalone lines: a section, inverted, close, comment, partial,
///   pragma, block or parent tag alone on its line (but for spaces and
///   tabs) takes the whole line with it, newline included.
///
/// What a template for `document.render` has no use for renders as
/// nothing: partials `{{> name}}` (there is no template library), pragmas
/// `{{% ...}}`, parents `{{<name}}...{{/name}}` (their parent is a partial);
/// a block `{{$name}}...{{/name}}` renders its own content. Set-delimiter
/// tags (`{{=<% %>=}}`) do not parse. Values render as text: a string as it
/// is, a boolean as "true" or "false", a number as its decimal form, an
/// array or object as nothing.
///
/// Parsing is iterative and refuses sections nested deeper than
/// `maximumNesting`, so rendering (which recurses once per nested section)
/// is bounded; rendering stops, returning nil, past `limit` bytes. Nothing
/// here traps, whatever the template or the data.
struct MustacheTemplate {
    enum Escaping: Sendable { case html, none }

    /// Why a template does not parse, and where (1-based line and column,
    /// the column in characters).
    struct ParseError: Error, Equatable {
        var message: String
        var line: Int
        var column: Int
        /// The text of that line.
        var lineText: String
    }

    indirect enum Node {
        case text([UInt8])
        case variable([String], escaped: Bool)
        case section([String], [Node])
        case inverted([String], [Node])
        /// A block's default content: rendered as it is.
        case group([Node])
    }

    let nodes: [Node]

    init(_ text: String, maximumNesting: Int = 100) throws(ParseError) {
        nodes = try Parser(Array(text.utf8), maximumNesting: maximumNesting).parse()
    }

    /// The template rendered over `model` (a `[String: Any]`, arrays as
    /// `[Any]`), or nil when the output would pass `limit` bytes.
    func render(_ model: Any, escaping: Escaping, limit: Int = .max) -> String? {
        var renderer = Renderer(escaping: escaping, limit: limit, stack: [model])
        guard renderer.render(nodes) else { return nil }
        return String(decoding: renderer.output, as: UTF8.self)
    }
}

// MARK: - Parsing

extension MustacheTemplate {
    enum TagKind: Equatable {
        case variable(escaped: Bool)
        case open, inverted, block, parent, close
        /// A comment, partial or pragma: renders as nothing.
        case silent

        /// Whether the tag may stand alone on a line (and take the line with it).
        var standalone: Bool {
            if case .variable = self { return false }
            return true
        }
    }

    enum Token {
        /// Template bytes in `range`.
        case text(Range<Int>)
        case tag(TagKind, name: String, at: Int)
    }

    struct Parser {
        let bytes: [UInt8]
        let maximumNesting: Int

        init(_ bytes: [UInt8], maximumNesting: Int) {
            self.bytes = bytes
            self.maximumNesting = maximumNesting
        }

        static let brace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}"), newline = UInt8(ascii: "\n")

        func parse() throws(ParseError) -> [Node] {
            let tokens = try trimStandaloneLines(tokenize())
            return try tree(tokens)
        }

        /// The index of the next run of `count` closing braces from `start`, or nil.
        func end(from start: Int, braces count: Int) -> Int? {
            var position = start
            while position + count <= bytes.count {
                var matched = true
                for offset in 0..<count where bytes[position + offset] != Self.closeBrace { matched = false; break }
                if matched { return position }
                position += 1
            }
            return nil
        }

        /// Text and tags, found the way `TemplateCheck` finds them: `{{` up
        /// to the next `}}`, `{{{` up to the next `}}}`.
        func tokenize() throws(ParseError) -> [Token] {
            var tokens: [Token] = []
            var index = 0
            var textStart = 0
            while index + 1 < bytes.count {
                guard bytes[index] == Self.brace, bytes[index + 1] == Self.brace else { index += 1; continue }
                if index > textStart { tokens.append(.text(textStart..<index)) }
                let sigil: UInt8? = index + 2 < bytes.count ? bytes[index + 2] : nil
                let kind: TagKind
                var nameStart = index + 3
                var braces = 2
                switch sigil {
                case UInt8(ascii: "{")?: kind = .variable(escaped: false); braces = 3
                case UInt8(ascii: "&")?: kind = .variable(escaped: false)
                case UInt8(ascii: "#")?: kind = .open
                case UInt8(ascii: "^")?: kind = .inverted
                case UInt8(ascii: "$")?: kind = .block
                case UInt8(ascii: "<")?: kind = .parent
                case UInt8(ascii: "/")?: kind = .close
                case UInt8(ascii: "!")?, UInt8(ascii: ">")?, UInt8(ascii: "%")?: kind = .silent
                case UInt8(ascii: "=")?:
                    throw error("set-delimiter tags are not accepted", at: index)
                default: kind = .variable(escaped: true); nameStart = index + 2
                }
                guard let stop = end(from: min(nameStart, bytes.count), braces: braces) else {
                    throw error("tag not closed (no \(braces == 3 ? "}}}" : "}}") after it)", at: index)
                }
                let name = String(decoding: bytes[min(nameStart, stop)..<stop], as: UTF8.self).trimmingWhitespace()
                if name.isEmpty, kind != .silent {
                    throw error("tag has no name", at: index)
                }
                tokens.append(.tag(kind, name: name, at: index))
                index = stop + braces
                textStart = index
            }
            if bytes.count > textStart { tokens.append(.text(textStart..<bytes.count)) }
            return tokens
        }

        /// The tokens with each standalone tag's line removed: the spaces
        /// before it (from the line's start) and after it up to and with
        /// the newline. Which tags stand alone is decided on the template as
        /// written, before any line is removed.
        func trimStandaloneLines(_ tokens: [Token]) -> [Token] {
            func isBlank(_ byte: UInt8) -> Bool {
                byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            }
            var ranges: [Int: Range<Int>] = [:]
            for (index, token) in tokens.enumerated() {
                if case .text(let range) = token { ranges[index] = range }
            }
            /// (the text before: where its last line starts) and (the text after: where its first line ends, past the newline)
            var cuts: [(before: Int?, beforeFrom: Int, after: Int?, afterTo: Int)] = []
            for (index, token) in tokens.enumerated() {
                guard case .tag(let kind, _, _) = token, kind.standalone else { continue }
                // The line's start: the template's start, or the last newline of the text before.
                var beforeFrom = 0
                var before: Int? = nil
                if index > 0 {
                    guard let range = ranges[index - 1] else { continue }
                    let lastNewline = range.reversed().first { bytes[$0] == Self.newline }
                    if let lastNewline {
                        beforeFrom = lastNewline + 1
                    } else {
                        guard index == 1 else { continue }
                        beforeFrom = range.lowerBound
                    }
                    guard bytes[beforeFrom..<range.upperBound].allSatisfy(isBlank) else { continue }
                    before = index - 1
                }
                // The line's end: the template's end, or the first newline of the text after.
                var afterTo = bytes.count
                var after: Int? = nil
                if index + 1 < tokens.count {
                    guard let range = ranges[index + 1] else { continue }
                    if let firstNewline = range.first(where: { bytes[$0] == Self.newline }) {
                        guard bytes[range.lowerBound..<firstNewline].allSatisfy(isBlank) else { continue }
                        afterTo = firstNewline + 1
                    } else {
                        guard index + 2 == tokens.count, bytes[range].allSatisfy(isBlank) else { continue }
                        afterTo = range.upperBound
                    }
                    after = index + 1
                }
                cuts.append((before, beforeFrom, after, afterTo))
            }
            for cut in cuts {
                if let before = cut.before, let range = ranges[before] {
                    ranges[before] = range.lowerBound..<max(range.lowerBound, min(range.upperBound, cut.beforeFrom))
                }
                if let after = cut.after, let range = ranges[after] {
                    ranges[after] = min(range.upperBound, max(range.lowerBound, cut.afterTo))..<range.upperBound
                }
            }
            var result: [Token] = []
            for (index, token) in tokens.enumerated() {
                if case .text = token {
                    if let range = ranges[index], !range.isEmpty { result.append(.text(range)) }
                } else {
                    result.append(token)
                }
            }
            return result
        }

        /// The tokens as a tree; sections must close in order, with their own name.
        func tree(_ tokens: [Token]) throws(ParseError) -> [Node] {
            struct Open { var kind: TagKind; var name: String; var at: Int; var nodes: [Node] = [] }
            var stack = [Open(kind: .silent, name: "", at: 0)]
            for token in tokens {
                switch token {
                case .text(let range):
                    stack[stack.count - 1].nodes.append(.text(Array(bytes[range])))
                case .tag(let kind, let name, let at):
                    switch kind {
                    case .variable(let escaped):
                        stack[stack.count - 1].nodes.append(.variable(Self.path(name), escaped: escaped))
                    case .silent:
                        continue
                    case .open, .inverted, .block, .parent:
                        guard stack.count <= maximumNesting else {
                            throw error("sections nest more than \(maximumNesting) deep", at: at)
                        }
                        stack.append(Open(kind: kind, name: name, at: at))
                    case .close:
                        guard stack.count > 1, let open = stack.popLast() else {
                            throw error("{{/\(name)}} closes no section", at: at)
                        }
                        guard open.name == name else {
                            let (line, column, _) = position(open.at)
                            throw error("{{/\(name)}} closes section '\(open.name)' (opened at line \(line), column \(column))", at: at)
                        }
                        let node: Node?
                        switch open.kind {
                        case .open: node = .section(Self.path(name), open.nodes)
                        case .inverted: node = .inverted(Self.path(name), open.nodes)
                        case .block: node = .group(open.nodes)
                        default: node = nil
                        }
                        if let node { stack[stack.count - 1].nodes.append(node) }
                    }
                }
            }
            if stack.count > 1, let open = stack.last {
                throw error("section '\(open.name)' is not closed", at: open.at)
            }
            return stack.first?.nodes ?? []
        }

        /// "account.name" -> ["account", "name"]; "." -> ["."].
        static func path(_ name: String) -> [String] {
            if name == "." { return ["."] }
            return name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        }

        /// The 1-based line and column (in characters) of the byte at `offset`, and that line's text.
        func position(_ offset: Int) -> (Int, Int, String) {
            let offset = max(0, min(offset, bytes.count))
            var line = 1
            var lineStart = 0
            for index in 0..<offset where bytes[index] == Self.newline {
                line += 1
                lineStart = index + 1
            }
            var lineEnd = offset
            while lineEnd < bytes.count, bytes[lineEnd] != Self.newline { lineEnd += 1 }
            let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1
            return (line, column, String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self))
        }

        func error(_ message: String, at offset: Int) -> ParseError {
            let (line, column, text) = position(offset)
            return ParseError(message: message, line: line, column: column, lineText: text)
        }
    }
}

// MARK: - Rendering

extension MustacheTemplate {
    struct Renderer {
        let escaping: Escaping
        let limit: Int
        /// The contexts, innermost last (at most one per nested section).
        var stack: [Any]
        var output: [UInt8] = []

        init(escaping: Escaping, limit: Int, stack: [Any]) {
            self.escaping = escaping
            self.limit = limit
            self.stack = stack
        }

        /// Renders `nodes`; false once the output passes the limit.
        mutating func render(_ nodes: [Node]) -> Bool {
            for node in nodes {
                switch node {
                case .text(let bytes):
                    guard append(bytes) else { return false }
                case .variable(let path, let escaped):
                    guard let value = lookup(path) else { continue }
                    let text = Self.text(value)
                    guard append(escaped && escaping == .html ? Self.htmlEscaped(text) : Array(text.utf8)) else { return false }
                case .section(let path, let children):
                    switch lookup(path) {
                    case nil:
                        continue
                    case let flag as Bool:
                        if flag, !render(children) { return false }
                    case let items as [Any]:
                        for item in items {
                            stack.append(item)
                            let rendered = render(children)
                            stack.removeLast()
                            guard rendered else { return false }
                        }
                    case let value?:
                        stack.append(value)
                        let rendered = render(children)
                        stack.removeLast()
                        guard rendered else { return false }
                    }
                case .inverted(let path, let children):
                    let value = lookup(path)
                    let empty: Bool
                    switch value {
                    case nil: empty = true
                    case let flag as Bool: empty = !flag
                    case let items as [Any]: empty = items.isEmpty
                    default: empty = false
                    }
                    if empty, !render(children) { return false }
                case .group(let children):
                    guard render(children) else { return false }
                }
            }
            return true
        }

        mutating func append(_ bytes: [UInt8]) -> Bool {
            guard bytes.count <= limit - output.count else { return false }
            output.append(contentsOf: bytes)
            return true
        }

        /// The value of a name: `.` is the current context; the first part
        /// of a dotted name is looked up from the innermost context outwards,
        /// the rest in what it found.
        func lookup(_ path: [String]) -> Any? {
            guard let first = path.first else { return nil }
            if path == ["."] { return stack.last }
            var found: Any? = nil
            for context in stack.reversed() {
                if let object = context as? [String: Any], let value = object[first] {
                    found = value
                    break
                }
            }
            for part in path.dropFirst() {
                guard let object = found as? [String: Any] else { return nil }
                found = object[part]
            }
            return found
        }

        /// A value as text: strings as they are, booleans and numbers by
        /// their description, arrays and objects as nothing.
        static func text(_ value: Any) -> String {
            switch value {
            case let text as String: return text
            case let text as Substring: return String(text)
            case let flag as Bool: return flag ? "true" : "false"
            case let number as Int: return String(number)
            case let number as Int64: return String(number)
            case let number as Double: return String(number)
            default: return ""
            }
        }

        /// `&`, `<`, `>`, `"` and `'` as HTML entities.
        static func htmlEscaped(_ text: String) -> [UInt8] {
            var result: [UInt8] = []
            result.reserveCapacity(text.utf8.count)
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "&"): result.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "<"): result.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): result.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "\""): result.append(contentsOf: "&quot;".utf8)
                case UInt8(ascii: "'"): result.append(contentsOf: "&#39;".utf8)
                default: result.append(byte)
                }
            }
            return result
        }
    }
}
