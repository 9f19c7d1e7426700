#if canImport(Glibc)
import Glibc
#endif
import CRMStore

/// Reading the C strings a host passes in, and making the ones it gets back.
enum CString {
    /// The UTF-8 bytes of a NUL-terminated string, at most `limit` bytes.
    /// - Throws: `.invalid` for NULL or invalid UTF-8, `.range` when too long.
    static func bytes(_ pointer: UnsafePointer<CChar>?, name: @autoclosure () -> String, limit: Int) throws -> [UInt8] {
        guard let pointer else { throw CRMError.invalid("\(name()) must not be NULL") }
        let length = strnlen(pointer, limit + 1)
        guard length <= limit else { throw CRMError.range("\(name()) is longer than \(limit) bytes") }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// A NUL-terminated UTF-8 string as a Swift string.
    /// - Throws: `.invalid` for NULL, empty or invalid UTF-8, `.range` when too long.
    static func string(_ pointer: UnsafePointer<CChar>?, name: @autoclosure () -> String, limit: Int) throws -> String {
        guard let pointer else { throw CRMError.invalid("\(name()) must not be NULL") }
        let length = strnlen(pointer, limit + 1)
        guard length <= limit else { throw CRMError.range("\(name()) is longer than \(limit) bytes") }
        guard length > 0 else { throw CRMError.invalid("\(name()) must not be empty") }
        let text = pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(validating: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        guard let text else { throw CRMError.invalid("\(name()) is not valid UTF-8") }
        return text
    }

    /// A malloc'ed copy of `text` for the host, to be freed with crm_free.
    /// - Throws: `.internal` when memory runs out.
    static func copy(_ text: String) throws -> UnsafeMutablePointer<CChar> {
        var text = text
        return try text.withUTF8 { buffer in
            guard let memory = malloc(buffer.count + 1) else { throw CRMError(.internal, "out of memory") }
            let pointer = memory.bindMemory(to: CChar.self, capacity: buffer.count + 1)
            if let base = buffer.baseAddress {
                memcpy(pointer, base, buffer.count)
            }
            pointer[buffer.count] = 0
            return pointer
        }
    }
}
