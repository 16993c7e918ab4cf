internal import CLinuxSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A joinable pthread running one closure; used for event loops so that no loop ever runs on
/// (and blocks) a thread of Swift's cooperative pool.
final class LoopThread: Sendable {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private let handle: pthread_t

    private init(handle: pthread_t) { self.handle = handle }

    /// Starts `body` on a new thread named `name` (truncated to the kernel's 15 bytes).
    static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) -> LoopThread {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(
            &handle, nil,
            { context in
                let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
                body.run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw SystemError(call: "pthread_create", errno: result)
        }
        _ = pthread_setname_np(handle, String(decoding: name.utf8.prefix(15), as: UTF8.self))
        return LoopThread(handle: handle)
    }

    /// Waits for the thread to finish. Must be called once, and never from the thread itself.
    func join() {
        precondition(pthread_self() != handle, "a thread cannot join itself")
        let result = pthread_join(handle, nil)
        precondition(result == 0, "pthread_join failed: the thread was already joined")
    }
}
