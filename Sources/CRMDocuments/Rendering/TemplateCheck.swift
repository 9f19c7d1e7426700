import CRMStore

/// What a host's template must be before it renders, so that neither
/// parsing nor rendering can run out of stack or memory: sections nested
/// at most `maximumNesting` deep, the default `{{ }}` delimiters (a
/// set-delimiter tag would hide tags from this check), and an output that
/// cannot grow past `maximumOutputBytes` however its sections multiply
/// (`{{#lines}}{{#lines}}...` over a 500-line document).
///
/// The tags are found the way `MustacheTemplate`'s parser finds them: `{{`
/// up to the next `}}`, `{{{` up to the next `}}}`, a comment up to its `}}`.
/// (The parser refuses deeper nesting itself as well.) The bound still
/// reckons with transforms (`{{#enumerated(x)}}`), which the renderer no
/// longer has: generous, never too small.
enum TemplateCheck {
    enum Tag {
        case text(Int)
        case variable(String)
        case open(String, repeats: Bool)
        case close
        case other
    }

    /// The template's tags, or why it is refused.
    static func tags(_ text: String, maximumNesting: Int) -> Result<[Tag], TemplateProblem> {
        let bytes = Array(text.utf8)
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        var tags: [Tag] = []
        var depth = 0
        var index = 0
        var textStart = 0
        /// The index of the next `}}` (or `}}}`) from `start`, or the end.
        func end(from start: Int, braces: Int) -> Int {
            var position = start
            while position + braces <= bytes.count {
                var matched = true
                for offset in 0..<braces where bytes[position + offset] != close { matched = false; break }
                if matched { return position }
                position += 1
            }
            return bytes.count
        }
        func name(_ from: Int, _ to: Int) -> String {
            String(decoding: bytes[min(from, to)..<to], as: UTF8.self).trimmingWhitespace()
        }
        while index + 1 < bytes.count {
            guard bytes[index] == open, bytes[index + 1] == open else { index += 1; continue }
            if index > textStart { tags.append(.text(index - textStart)) }
            let sigil: UInt8? = index + 2 < bytes.count ? bytes[index + 2] : nil
            switch sigil {
            case UInt8(ascii: "#")?, UInt8(ascii: "^")?, UInt8(ascii: "$")?, UInt8(ascii: "<")?:
                depth += 1
                if depth > maximumNesting { return .failure(.nesting(maximumNesting)) }
                let stop = end(from: index + 3, braces: 2)
                tags.append(.open(name(index + 3, stop), repeats: sigil == UInt8(ascii: "#")))
                index = stop + 2
            case UInt8(ascii: "/")?:
                depth = max(0, depth - 1)
                tags.append(.close)
                index = end(from: index + 3, braces: 2) + 2
            case UInt8(ascii: "=")?:
                return .failure(.delimiters)
            case open?:
                let stop = end(from: index + 3, braces: 3)
                tags.append(.variable(name(index + 3, stop)))
                index = stop + 3
            case UInt8(ascii: "&")?:
                let stop = end(from: index + 3, braces: 2)
                tags.append(.variable(name(index + 3, stop)))
                index = stop + 2
            case UInt8(ascii: "!")?, UInt8(ascii: ">")?, UInt8(ascii: "%")?:
                tags.append(.other)
                index = end(from: index + 3, braces: 2) + 2
            default:
                let stop = end(from: index + 2, braces: 2)
                tags.append(.variable(name(index + 2, stop)))
                index = stop + 2
            }
            textStart = min(index, bytes.count)
        }
        if bytes.count > textStart { tags.append(.text(bytes.count - textStart)) }
        return .success(tags)
    }

    /// An upper bound of the bytes the tags render over `stats`' model
    /// (saturating at Int.max): text once per pass; a variable as its
    /// longest value under that name, escaped (x6) and transformed (x3);
    /// a `{{#section}}` body once per element of the longest array under
    /// that name (a dictionary's entries with `enumerated` or `sorted`).
    static func outputBound(_ tags: [Tag], _ stats: ModelStats) -> Int {
        struct Frame { var cost = 0; var multiplier = 1; var elementSize: Int? }
        var stack = [Frame()]
        func add(_ a: Int, _ b: Int) -> Int { let (sum, overflow) = a.addingReportingOverflow(b); return overflow ? .max : sum }
        func times(_ a: Int, _ b: Int) -> Int { let (product, overflow) = a.multipliedReportingOverflow(by: b); return overflow ? .max : product }
        for tag in tags {
            switch tag {
            case .text(let count):
                stack[stack.count - 1].cost = add(stack[stack.count - 1].cost, count)
            case .variable(let name):
                let (base, transformed) = split(name)
                var size = base == "." ? (stack.last?.elementSize ?? stats.total) : (stats.valueSize[base] ?? 0)
                size = add(times(size, transformed ? 18 : 6), 64)
                stack[stack.count - 1].cost = add(stack[stack.count - 1].cost, size)
            case .open(let name, let repeats):
                let (base, transformed) = split(name)
                var frame = Frame()
                if repeats {
                    frame.multiplier = max(1, stats.arrayLength[base] ?? 1)
                    if transformed { frame.multiplier = max(frame.multiplier, stats.largestDictionary) }
                    frame.elementSize = stats.elementSize[base]
                }
                stack.append(frame)
            case .close:
                guard stack.count > 1, let frame = stack.popLast() else { continue }
                stack[stack.count - 1].cost = add(stack[stack.count - 1].cost, times(frame.cost, frame.multiplier))
            case .other:
                continue
            }
        }
        while stack.count > 1, let frame = stack.popLast() {
            stack[stack.count - 1].cost = add(stack[stack.count - 1].cost, times(frame.cost, frame.multiplier))
        }
        return stack[0].cost
    }

    /// "plusone(count(account.lines))" -> ("lines", true): the name a tag
    /// looks up (its last dotted part, inside any transforms).
    static func split(_ name: String) -> (String, Bool) {
        var inner = Substring(name)
        var transformed = false
        if let open = inner.lastIndex(of: "(") {
            transformed = true
            inner = inner[inner.index(after: open)...]
            if let close = inner.firstIndex(of: ")") { inner = inner[..<close] }
        }
        let trimmed = String(inner).trimmingWhitespace()
        if trimmed == "." { return (".", transformed) }
        return (String(trimmed.split(separator: ".").last ?? Substring(trimmed)), transformed)
    }
}

/// Why `TemplateCheck` refuses a template.
enum TemplateProblem: Error {
    case nesting(Int), delimiters

    var message: String {
        switch self {
        case .nesting(let limit): return "nests sections more than \(limit) deep"
        case .delimiters: return "changes the delimiters ({{=...=}}), which document.render does not accept"
        }
    }
}

/// What `TemplateCheck.outputBound` needs to know of a view model, by key
/// wherever the key is: the longest array, the largest value as rendered
/// text, the largest element of an array, and the largest dictionary.
struct ModelStats {
    var arrayLength: [String: Int] = [:]
    var valueSize: [String: Int] = [:]
    var elementSize: [String: Int] = [:]
    var largestDictionary = 0
    var total = 0

    init(_ model: [String: Any]) {
        total = measure(model)
    }

    /// The size of a value rendered as text (generously: Swift's description
    /// of an array or dictionary quotes and separates every element).
    private mutating func measure(_ value: Any) -> Int {
        switch value {
        case let text as String:
            return text.utf8.count + 2
        case let dictionary as [String: Any]:
            largestDictionary = max(largestDictionary, dictionary.count)
            var size = 2
            for (key, item) in dictionary {
                let itemSize = measure(item)
                valueSize[key] = max(valueSize[key] ?? 0, itemSize)
                if let array = item as? [Any] {
                    arrayLength[key] = max(arrayLength[key] ?? 0, array.count)
                    let largest = array.map { measure($0) }.max() ?? 0
                    elementSize[key] = max(elementSize[key] ?? 0, largest)
                }
                size += key.utf8.count + itemSize + 8
            }
            return size
        case let array as [Any]:
            return array.reduce(2) { $0 + measure($1) + 4 }
        default:
            return 16
        }
    }
}
