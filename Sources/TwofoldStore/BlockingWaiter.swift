import Dispatch
import Synchronization

/// A one-shot value handed from the writer thread to a thread blocked waiting for it.
final class BlockingWaiter<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func fulfill(_ newValue: Value) {
        value.withLock { $0 = newValue }
        ready.signal()
    }

    func wait() -> Value {
        ready.wait()
        guard let result = value.withLock({ $0 }) else { preconditionFailure("BlockingWaiter woke without a value") }
        return result
    }
}
