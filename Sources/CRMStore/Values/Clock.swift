#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where libcrm reads "now" for the timestamps it sets itself (created_at,
/// event times). Dates of business events are always explicit arguments.
public protocol Clock: Sendable {
    /// The current instant.
    func now() -> Timestamp
}

/// The system's real-time clock.
public struct SystemClock: Clock {
    public init() {}

    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(clamping: Int64(spec.tv_sec))
    }
}

/// A clock that says what it is told, for deterministic tests.
public final class FixedClock: Clock, @unchecked Sendable {
    private let lock = Mutex()
    private var current: Timestamp

    public init(_ start: Timestamp) { current = start }

    public func now() -> Timestamp { lock.withLock { current } }

    /// Moves the clock to `instant`.
    public func set(_ instant: Timestamp) { lock.withLock { current = instant } }

    /// Moves the clock forward by `seconds`, stopping at the ends of `Timestamp.validSeconds`.
    public func advance(seconds: Int64) {
        lock.withLock {
            let (next, overflow) = current.secondsSinceEpoch.addingReportingOverflow(seconds)
            current = Timestamp(clamping: overflow ? (seconds < 0 ? Int64.min : Int64.max) : next)
        }
    }
}
