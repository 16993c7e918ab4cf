internal import CLinuxSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The one way this code base starts a thread: a named pthread running one closure, for the
/// event loops, the store's writer, the directory's compactor and the password-hashing workers,
/// so that none of them runs on (and blocks) a thread of Swift's cooperative pool. A thread that
/// cannot be made is an error the caller reports (the process's thread limit), never a trap.
public final class SystemThread: Sendable {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    private let handle: pthread_t

    private init(handle: pthread_t) { self.handle = handle }

    /// Starts `body` on a new joinable thread named `name` (truncated to the kernel's 15 bytes);
    /// `join()` it once.
    public static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) -> SystemThread {
        SystemThread(handle: try create(name: name, body))
    }

    /// Starts `body` on a new thread that nobody joins: it releases its resources when `body`
    /// returns. Wait for such a thread's work with a signal of your own.
    public static func detach(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) {
        let handle = try create(name: name, body)
        _ = pthread_detach(handle)
    }

    /// The calling thread's id, to compare with one another thread took (e.g. "am I the writer?").
    public static var currentID: UInt { UInt(bitPattern: Int(bitPattern: pthread_self())) }

    /// Lets a joinable thread go instead of joining it: it frees its resources when its body
    /// returns. The way out for the thread itself, which cannot join itself. Call it at most once,
    /// and never after `join()`.
    public func detach() {
        _ = pthread_detach(handle)
    }

    /// Waits for the thread to finish. Must be called once, and never from the thread itself.
    public func join() {
        precondition(pthread_self() != handle, "a thread cannot join itself")
        let result = pthread_join(handle, nil)
        precondition(result == 0, "pthread_join failed: the thread was already joined")
    }

    private static func create(name: String, _ body: @escaping @Sendable () -> Void) throws(SystemError) -> pthread_t {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(
            &handle, nil,
            { context in
                guard let context else { return nil }
                let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
                body.run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw SystemError(call: "pthread_create", errno: result)
        }
        _ = pthread_setname_np(handle, String(decoding: name.utf8.prefix(15), as: UTF8.self))
        return handle
    }
}
