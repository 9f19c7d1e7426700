import CCRM
import CRMStore

/// A host's registered callback.
struct Hook {
    let id: Int32
    let pattern: EventPattern
    let function: crm_hook_fn
    let userData: UnsafeMutableRawPointer?
}

/// One committed event on its way to the hooks that match it.
struct Delivery {
    let hooks: [Hook]
    let event: Event
}

/// The object behind a `crm_db *`: the store, the hooks, and the lock that
/// serializes calls on the handle.
final class DatabaseHandle: @unchecked Sendable {
    let store: Store
    private let lock = Mutex()
    private var hooks: [Hook] = []
    private var nextHookID: Int32 = 1

    init(store: Store) { self.store = store }

    /// Runs `body` with the handle's lock held.
    func serialized<T>(_ body: () throws -> T) rethrows -> T { try lock.withLock(body) }

    /// Adds a hook; returns its id.
    func addHook(pattern: EventPattern, function: crm_hook_fn, userData: UnsafeMutableRawPointer?) throws -> Int32 {
        try serialized {
            guard nextHookID < Int32.max else { throw CRMError.range("crm_hook_register: no hook ids left on this handle") }
            let id = nextHookID
            nextHookID += 1
            hooks.append(Hook(id: id, pattern: pattern, function: function, userData: userData))
            return id
        }
    }

    /// Removes a hook; false when there was none with that id.
    func removeHook(id: Int32) -> Bool {
        serialized {
            guard let index = hooks.firstIndex(where: { $0.id == id }) else { return false }
            hooks.remove(at: index)
            return true
        }
    }

    /// Whether a hook is still registered.
    func isRegistered(_ id: Int32) -> Bool { serialized { hooks.contains(where: { $0.id == id }) } }

    /// Drops every hook (on close).
    func removeAllHooks() { serialized { hooks.removeAll() } }

    /// The deliveries for `events`, computed under the lock.
    func deliveries(for events: [Event]) -> [Delivery] {
        guard !events.isEmpty else { return [] }
        return serialized {
            events.compactMap { event in
                let matching = hooks.filter { $0.pattern.matches(event.type) }
                return matching.isEmpty ? nil : Delivery(hooks: matching, event: event)
            }
        }
    }

    /// Calls the hooks for committed events on this thread, outside every
    /// lock. A call made from inside a hook queues its own events, which run
    /// after the current hook returns, in commit order.
    func deliver(_ events: [Event]) {
        let pending = deliveries(for: events)
        guard !pending.isEmpty else { return }
        let thread = ThreadState.current
        thread.queuedDeliveries.append(contentsOf: pending)
        guard !thread.isDelivering else { return }
        thread.isDelivering = true
        defer { thread.isDelivering = false }
        while !thread.queuedDeliveries.isEmpty {
            let delivery = thread.queuedDeliveries.removeFirst()
            let json = JSONWriter.string(delivery.event.json)
            delivery.event.type.withCString { type in
                json.withCString { text in
                    // A hook unregistered by an earlier hook of this delivery is skipped.
                    for hook in delivery.hooks where isRegistered(hook.id) {
                        hook.function(type, text, hook.userData)
                    }
                }
            }
        }
    }
}

/// The open handles. A `crm_db *` is a token, not an address: a number this
/// table hands out once and never again in the life of the process, so a NULL,
/// closed or made-up handle is always an error code, never a crash, and a
/// stale pointer can never alias a handle opened later.
enum HandleTable {
    private static let lock = Mutex()
    nonisolated(unsafe) private static var open: [UInt: DatabaseHandle] = [:]
    /// The last token handed out; tokens step by 16 so they look like aligned pointers.
    nonisolated(unsafe) private static var lastToken: UInt = 0x00C0_FFEE_0000

    /// Registers a handle; returns the pointer the host gets.
    static func insert(_ handle: DatabaseHandle) -> OpaquePointer? {
        lock.withLock {
            lastToken &+= 16
            open[lastToken] = handle
            return OpaquePointer(bitPattern: lastToken)
        }
    }

    /// The handle behind a host pointer, if it is open.
    static func handle(_ pointer: OpaquePointer?) -> DatabaseHandle? {
        guard let pointer else { return nil }
        return lock.withLock { open[UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(pointer)))] }
    }

    /// Unregisters a handle; returns it, or nil when it was not open.
    static func remove(_ pointer: OpaquePointer) -> DatabaseHandle? {
        lock.withLock { open.removeValue(forKey: UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(pointer)))) }
    }
}
