/// A value that may travel to other threads but is read only on its event loop's thread: the
/// SwiftNIO `NIOLoopBound` idea.
///
/// Loop-confined objects (a connection, a client's state) are not `Sendable`, and should not
/// claim to be: their members change without locks because only the loop thread touches them.
/// Yet the loop's own API takes `@Sendable` closures (`execute`, `scheduleTask`), and answers
/// come back from other threads. `LoopBound` carries the reference across and checks, on every
/// access, that it is back on the loop thread, so the confinement the comments used to promise
/// is now enforced where it matters:
///
/// ```swift
/// let bound = LoopBound(self, loop: loop)
/// service.handle(request) { answer in
///     loop.execute { bound.value.deliver(answer) }
/// }
/// ```
///
/// Reading `value` off the loop thread is a programming error and traps, like
/// `EventLoop.register` called from the wrong thread; no input can make it happen.
public struct LoopBound<Value>: @unchecked Sendable {
    // @unchecked: `storage` is reachable only through `value`, whose getter checks the loop
    // thread on every access; that check is the whole point of the type.
    private let storage: Value

    /// The loop whose thread may read `value`.
    public let loop: EventLoop

    /// Wraps `value`. Must be called on `loop`'s thread, where `value` lives.
    public init(_ value: Value, loop: EventLoop) {
        loop.assertInEventLoop("LoopBound.init")
        self.storage = value
        self.loop = loop
    }

    /// Wraps a `value` made on another thread and handed over whole: `sending` makes the
    /// compiler prove the caller keeps no other way to reach it, so from here on only the loop
    /// thread can (a client's state, made before its loop runs it).
    public init(handingOver value: sending Value, loop: EventLoop) {
        self.storage = value
        self.loop = loop
    }

    /// The wrapped value; only on `loop`'s thread.
    public var value: Value {
        loop.assertInEventLoop("LoopBound.value")
        return storage
    }
}
