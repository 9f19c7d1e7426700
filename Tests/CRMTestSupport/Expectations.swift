import Foundation
import Testing
import CRMStore

// Helpers shared by the Swift suites of every module: checks on thrown
// CRMErrors and temporary directories.

/// The CRMError `body` throws; records an issue (and returns nil) when it
/// throws nothing or something else.
@discardableResult
public func thrownCRMError<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> CRMError? {
    do {
        let value = try body()
        Issue.record("expected a CRMError, but the call returned \(value)", sourceLocation: sourceLocation)
        return nil
    } catch let error as CRMError {
        return error
    } catch {
        Issue.record("expected a CRMError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Expects `body` to throw a CRMError with `code` whose message contains
/// every one of `fragments`.
@discardableResult
public func expectCRMError<T>(
    _ code: ResultCode,
    _ fragments: String...,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> T
) -> CRMError? {
    guard let error = thrownCRMError(sourceLocation: sourceLocation, body) else { return nil }
    #expect(error.code == code, "message: \(error.message)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(error.message.contains(fragment), "'\(error.message)' should mention '\(fragment)'",
                sourceLocation: sourceLocation)
    }
    return error
}

/// Runs `body` with a fresh, empty directory that is removed afterwards.
@discardableResult
public func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    var template = Array((NSTemporaryDirectory() + "/crm-tests-XXXXXX").utf8CString)
    let path = template.withUnsafeMutableBufferPointer { buffer -> String? in
        guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
        return String(cString: base)
    }
    guard let path else { throw CRMError(.io, "mkdtemp failed") }
    let url = URL(fileURLWithPath: path, isDirectory: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}
