import Dispatch
import Synchronization

/// Blocks the calling thread until `start`'s completion hands back a value, and returns it: the
/// one bridge from a completion-style call to a thread that may block (a daemon's start-up, a
/// command-line tool, a blocking convenience API).
///
/// Never call it from Swift concurrency's cooperative pool, which it would starve, nor from the
/// thread that runs the completion, which would then wait for itself. A completion called more
/// than once hands over its first value only.
public func waitForCompletion<Value: Sendable>(
    _ start: (_ completion: @escaping @Sendable (Value) -> Void) -> Void
) -> Value {
    let slot = CompletionSlot<Value>()
    start { slot.fill($0) }
    return slot.wait()
}

/// One value handed from the thread that completes to the thread that waits.
private final class CompletionSlot<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let filled = DispatchSemaphore(value: 0)

    func fill(_ newValue: Value) {
        let first = value.withLock { value in
            guard value == nil else { return false }
            value = newValue
            return true
        }
        if first { filled.signal() }
    }

    func wait() -> Value {
        // The semaphore is signalled only after the value is set, so the first wake finds it.
        while true {
            filled.wait()
            if let result = value.withLock({ $0 }) { return result }
        }
    }
}

/// Suspends (without blocking a thread) until `start`'s completion hands back a value, and
/// returns it: the one bridge from a completion-style call to async code, as `waitForCompletion`
/// is to a thread that may block. `start` runs at once, on the caller's task. A completion called
/// more than once hands over its first value only (a second resume would trap).
public func awaitCompletion<Value: Sendable>(
    _ start: (_ completion: @escaping @Sendable (Value) -> Void) -> Void
) async -> Value {
    await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
        let resumed = Atomic<Bool>(false)
        start { value in
            guard !resumed.exchange(true, ordering: .acquiringAndReleasing) else { return }
            continuation.resume(returning: value)
        }
    }
}
