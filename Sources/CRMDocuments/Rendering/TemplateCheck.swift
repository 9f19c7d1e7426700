/// What a host's template must be before the Mustache parser sees it, so
/// that neither parsing nor rendering can run out of stack: sections nested
/// at most `maximumNesting` deep, and the default `{{ }}` delimiters (a
/// set-delimiter tag would hide tags from this check).
enum TemplateCheck {
    /// Why the template is refused ("nests sections ..."), or nil.
    static func problem(_ text: String, maximumNesting: Int) -> String? {
        let bytes = Array(text.utf8)
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        var depth = 0
        var index = 0
        /// The index just past the next `}}` (or `}}}`) from `start`; the end when there is none.
        func skip(from start: Int, braces: Int) -> Int {
            var position = start
            while position + braces <= bytes.count {
                var matched = true
                for offset in 0..<braces where bytes[position + offset] != close { matched = false; break }
                if matched { return position + braces }
                position += 1
            }
            return bytes.count
        }
        while index + 1 < bytes.count {
            guard bytes[index] == open, bytes[index + 1] == open else { index += 1; continue }
            let sigil: UInt8? = index + 2 < bytes.count ? bytes[index + 2] : nil
            switch sigil {
            case UInt8(ascii: "#")?, UInt8(ascii: "^")?, UInt8(ascii: "$")?, UInt8(ascii: "<")?:
                depth += 1
                if depth > maximumNesting { return "nests sections more than \(maximumNesting) deep" }
                index = skip(from: index + 3, braces: 2)
            case UInt8(ascii: "/")?:
                depth = max(0, depth - 1)
                index = skip(from: index + 3, braces: 2)
            case UInt8(ascii: "=")?:
                return "changes the delimiters ({{=...=}}), which document.render does not accept"
            case open?:
                index = skip(from: index + 3, braces: 3)
            default:
                index = skip(from: index + 2, braces: 2)
            }
        }
        return nil
    }
}
