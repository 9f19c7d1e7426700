#if canImport(Glibc)
import Glibc
#endif

/// What the library keeps per host thread: the last error message per handle
/// (as libgit2 keeps its errors per thread), and the events waiting to be
/// delivered while a hook is already running on this thread.
final class ThreadState {
    /// Handle address (0 for "no handle") to the malloc'ed message.
    private var messages: [UInt: UnsafeMutablePointer<CChar>] = [:]
    /// Whether a hook delivery is running on this thread.
    var isDelivering = false
    /// Events committed by calls made from inside a hook, delivered after it.
    var queuedDeliveries: [Delivery] = []

    deinit {
        for message in messages.values { free(message) }
    }

    /// The calling thread's state, made on first use and freed at thread exit.
    static var current: ThreadState {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<ThreadState>.fromOpaque(raw).takeUnretainedValue()
        }
        let state = ThreadState()
        pthread_setspecific(key, Unmanaged.passRetained(state).toOpaque())
        return state
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in
            guard let raw else { return }
            Unmanaged<ThreadState>.fromOpaque(raw).release()
        }
        return key
    }()

    /// Records the message of a failed call on `handle`.
    func setMessage(_ text: String, handle: UInt) {
        clearMessage(handle: handle)
        if let copy = try? CString.copy(text) {
            messages[handle] = copy
        }
    }

    /// Forgets the message of `handle` (its last call succeeded).
    func clearMessage(handle: UInt) {
        if let old = messages.removeValue(forKey: handle) { free(old) }
    }

    /// The message of the last failed call on `handle`, if any.
    func message(handle: UInt) -> UnsafePointer<CChar>? {
        messages[handle].map { UnsafePointer($0) }
    }
}
