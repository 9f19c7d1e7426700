/// Codes made of capital letters (ISO 3166 countries, ISO 4217 currencies),
/// numbered so a table of 26^letters slots answers "is it on the list" by
/// index: the check runs on every create, and hashing the text cost more.
enum LetterCode {
    /// The slot of a code of exactly `letters` capital letters A-Z, or nil.
    static func slot(_ code: String, letters: Int) -> Int? {
        var slot = 0
        var count = 0
        for byte in code.utf8 {
            guard count < letters, byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") else { return nil }
            slot = slot * 26 + Int(byte - UInt8(ascii: "A"))
            count += 1
        }
        return count == letters ? slot : nil
    }
}
