internal import CLinuxSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A non-blocking eventfd used to wake an event loop blocked in `epoll_wait` from another thread.
struct EventFD: Sendable {
    let descriptor: FileDescriptor

    init() throws(SystemError) {
        let fd = try syscall("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
        descriptor = FileDescriptor(owning: fd)
    }

    /// Makes the descriptor readable. A full counter (would block) is already readable, so
    /// `.wouldBlock` needs no handling.
    func signal() throws(SystemError) {
        var one: UInt64 = 1
        _ = try nonBlockingSyscall("write(eventfd)") { Glibc.write(descriptor.rawValue, &one, 8) }
    }

    /// Resets the counter so the descriptor stops being readable.
    func drain() throws(SystemError) {
        var value: UInt64 = 0
        _ = try nonBlockingSyscall("read(eventfd)") { Glibc.read(descriptor.rawValue, &value, 8) }
    }
}
