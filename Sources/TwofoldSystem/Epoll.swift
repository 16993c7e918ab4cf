internal import CLinuxSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An epoll instance in level-triggered mode. Each registration carries a 64-bit token that
/// comes back with its events, so a stale event for a replaced descriptor number is recognised.
struct Epoll: Sendable {
    let descriptor: FileDescriptor

    init() throws(SystemError) {
        let fd = try syscall("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        descriptor = FileDescriptor(owning: fd)
    }

    func add(_ fd: Int32, mask: UInt32, token: UInt64) throws(SystemError) {
        try control(EPOLL_CTL_ADD, fd, mask: mask, token: token, name: "epoll_ctl(ADD)")
    }

    func modify(_ fd: Int32, mask: UInt32, token: UInt64) throws(SystemError) {
        try control(EPOLL_CTL_MOD, fd, mask: mask, token: token, name: "epoll_ctl(MOD)")
    }

    func remove(_ fd: Int32) throws(SystemError) {
        try control(EPOLL_CTL_DEL, fd, mask: 0, token: 0, name: "epoll_ctl(DEL)")
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) and returns how many events were stored.
    /// An interrupted wait returns 0 events rather than re-waiting with a stale timeout.
    func wait(into events: UnsafeMutableBufferPointer<epoll_event>, timeoutMilliseconds: Int32) throws(SystemError)
        -> Int
    {
        let count = epoll_wait(descriptor.rawValue, events.baseAddress, Int32(events.count), timeoutMilliseconds)
        if count >= 0 { return Int(count) }
        let error = errno
        if error == EINTR { return 0 }
        throw SystemError(call: "epoll_wait", errno: error)
    }

    private func control(_ operation: Int32, _ fd: Int32, mask: UInt32, token: UInt64, name: String)
        throws(SystemError)
    {
        var event = epoll_event()
        event.events = mask
        event.data.u64 = token
        try syscall(name) { epoll_ctl(descriptor.rawValue, operation, fd, &event) }
    }
}
