/// The check every module makes of an e-mail address it is given.
public enum EmailAddress {
    /// One "@" with text on both sides and no spaces: the shape of an
    /// address, not proof that it reaches anyone.
    /// Checked on the bytes: a split into Characters cost a tenth of a create.
    public static func looksValid(_ text: String) -> Bool {
        var at: Int? = nil
        var count = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: " ") { return false }
            if byte == UInt8(ascii: "@") {
                guard at == nil else { return false }
                at = count
            }
            count += 1
        }
        guard let at else { return false }
        return at > 0 && at < count - 1
    }
}
