internal import CLinuxSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Delivers signals as ordinary events on an event loop (signalfd), so handling SIGTERM is
/// plain code on the loop thread instead of async-signal-safe code in a handler.
///
/// A signalfd only sees signals that are blocked, and a process-directed signal goes to any
/// thread that does not block it. So a daemon's `main` calls `SignalHandler.block(_:)` and
/// `ignoreBrokenPipe()` first, before any thread exists, and every later thread inherits the
/// mask. (Event loops also block `Signal.handledSignals` on their own thread.)
public final class SignalHandler: Sendable {
    private let loop: EventLoop
    private let descriptor: FileDescriptor
    private let registration: EventLoop.Registration

    /// Blocks `signals` in the calling thread; threads created afterwards inherit the mask.
    public static func block(_ signals: [Signal]) throws(SystemError) {
        var mask = signalSet(signals)
        let result = pthread_sigmask(SIG_BLOCK, &mask, nil)
        guard result == 0 else { throw SystemError(call: "pthread_sigmask", errno: result) }
    }

    /// Ignores SIGPIPE process-wide, as belt and braces next to MSG_NOSIGNAL (e.g. for writes
    /// to pipes): a vanished peer must give `EPIPE`, never kill the process.
    public static func ignoreBrokenPipe() {
        _ = Glibc.signal(SIGPIPE, SIG_IGN)
    }

    /// Starts delivering `signals` to `handler` on the loop thread. Loop thread only (use
    /// `loop.submit` from elsewhere). Blocks the signals on the loop thread, so signals sent to
    /// that thread, and process-directed ones once all threads block them, arrive here.
    public init(on loop: EventLoop, signals: [Signal], handler: @escaping (Signal) -> Void) throws(SystemError) {
        loop.assertInEventLoop()
        precondition(!signals.isEmpty, "a SignalHandler needs at least one signal")
        try Self.block(signals)
        var mask = Self.signalSet(signals)
        let fd = try syscall("signalfd") { signalfd(-1, &mask, Int32(SFD_NONBLOCK | SFD_CLOEXEC)) }
        let descriptor = FileDescriptor(owning: fd)
        self.loop = loop
        self.descriptor = descriptor
        do {
            registration = try loop.register(descriptor, interest: .readable) { _ in
                Self.drain(descriptor, into: handler)
            }
        } catch {
            descriptor.close()
            throw error
        }
    }

    /// Stops delivery and closes the signalfd; the signals stay blocked. Any thread; idempotent.
    public func cancel() {
        let (loop, registration, descriptor) = (self.loop, self.registration, self.descriptor)
        let finish: @Sendable () -> Void = {
            guard descriptor.isOpen else { return }
            loop.deregister(registration)
            descriptor.close()
        }
        if loop.inEventLoop { finish() } else { loop.execute(finish) }
    }

    private static func drain(_ descriptor: FileDescriptor, into handler: (Signal) -> Void) {
        var info = signalfd_siginfo()
        let size = MemoryLayout<signalfd_siginfo>.size
        while descriptor.isOpen {
            let result = try? nonBlockingSyscall("read(signalfd)") { read(descriptor.rawValue, &info, size) }
            guard case .processed(let count) = result, count == size else { return }
            handler(Signal(rawValue: Int32(bitPattern: info.ssi_signo)))
        }
    }

    private static func signalSet(_ signals: [Signal]) -> sigset_t {
        var mask = sigset_t()
        sigemptyset(&mask)
        for signal in signals { sigaddset(&mask, signal.rawValue) }
        return mask
    }
}
