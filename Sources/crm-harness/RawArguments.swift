// The command line as the raw bytes the process was given. Swift's
// CommandLine.arguments turns invalid UTF-8 into U+FFFD; the harness refuses it
// instead, as the library refuses the same bytes on standard input.
import CCRM

/// The first argument (after the program name) that is not valid UTF-8, as the
/// CRM_INVALID failure the harness reports; nil when every argument is valid.
func invalidUTF8Argument(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
) -> CRMFailure? {
    guard argc > 1 else { return nil }
    for index in 1..<Int(argc) {
        guard let pointer = argv[index] else { continue }
        var length = 0
        while pointer[length] != 0 { length += 1 }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
        let (shown, invalidAt) = escapedUTF8(bytes)
        guard let invalidAt else { continue }
        return CRMFailure(
            code: CRM_INVALID,
            message: "crm-harness: argument \(index) is not valid UTF-8 (byte \(invalidAt)): \(shown); "
                + "nothing was opened or written")
    }
    return nil
}

/// The bytes as text with every byte of an invalid sequence written `\xNN`
/// (at most `limit` characters, then "..."), and the offset of the first one.
func escapedUTF8(_ bytes: UnsafeRawBufferPointer, limit: Int = 80) -> (text: String, invalidAt: Int?) {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var text = ""
    var shown = 0
    var offset = 0
    var invalidAt: Int?
    func show(_ piece: String) {
        if shown < limit { text += piece } else if shown == limit { text += "..." }
        shown += 1
    }
    decoding: while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid(let encoded):
            show(String(Unicode.UTF8.decode(encoded)))
            offset += encoded.count
        case .error(let length):
            if invalidAt == nil { invalidAt = offset }
            for byte in bytes[offset..<offset + length] {
                let hex = String(byte, radix: 16, uppercase: true)
                show("\\x" + (hex.count == 1 ? "0" + hex : hex))
            }
            offset += length
        case .emptyInput:
            break decoding
        }
    }
    return (text, invalidAt)
}
