internal import CLinuxSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A non-blocking, close-on-exec stream socket (TCP or Unix-domain). I/O returns `IOResult`:
/// `.wouldBlock` means wait for readiness on an `EventLoop`. Sends use MSG_NOSIGNAL, so a
/// closed peer yields `EPIPE` instead of killing the process with SIGPIPE.
public final class Socket: Sendable, CustomStringConvertible {
    public let descriptor: FileDescriptor

    /// Wraps an already non-blocking socket descriptor.
    public init(owning descriptor: FileDescriptor) {
        self.descriptor = descriptor
    }

    /// The flags every socket this module creates carries.
    static let creationFlags = Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)

    static func make(family: Int32, type: Int32) throws(SystemError) -> Socket {
        let fd = try syscall("socket") { Glibc.socket(family, type | creationFlags, 0) }
        return Socket(owning: FileDescriptor(owning: fd))
    }

    /// Two connected Unix stream sockets (for tests and parent/child plumbing).
    public static func pair() throws(SystemError) -> (Socket, Socket) {
        var fds: [Int32] = [-1, -1]
        try syscall("socketpair") {
            socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | creationFlags, 0, &fds)
        }
        return (Socket(owning: FileDescriptor(owning: fds[0])), Socket(owning: FileDescriptor(owning: fds[1])))
    }

    /// Reads up to `buffer.count` bytes; `.processed(0)` means the peer closed its side.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try nonBlockingSyscall("read") { Glibc.read(descriptor.rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Reads up to `maxBytes`; an empty array means end of stream.
    public func read(upTo maxBytes: Int) throws(SystemError) -> IOResult<[UInt8]> {
        precondition(maxBytes > 0, "read(upTo:) needs a positive size")
        var bytes = [UInt8](repeating: 0, count: maxBytes)
        let outcome = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(SystemError) in try read(into: buffer) }
        }
        switch try outcome.get() {
        case .wouldBlock: return .wouldBlock
        case .processed(let count):
            bytes.removeSubrange(count...)
            return .processed(bytes)
        }
    }

    /// Writes as much of `buffer` as the kernel takes; the count may be short.
    public func write(_ buffer: UnsafeRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try nonBlockingSyscall("send") {
            send(descriptor.rawValue, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
        }
    }

    public func write(_ bytes: [UInt8]) throws(SystemError) -> IOResult<Int> {
        try bytes.withUnsafeBytes { buffer in Result { () throws(SystemError) in try write(buffer) } }.get()
    }

    /// Gathers several buffers into one send (e.g. frame header + body); the count may be short.
    /// At most `maxIOVectors` buffers go out per call; pass the rest again.
    public func writev(_ buffers: [UnsafeRawBufferPointer]) throws(SystemError) -> IOResult<Int> {
        var vectors = buffers.prefix(Self.maxIOVectors).map {
            iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count)
        }
        return try vectors.withUnsafeMutableBufferPointer { vectors in
            var message = msghdr()
            message.msg_iov = vectors.baseAddress
            message.msg_iovlen = vectors.count
            return Result { () throws(SystemError) in
                try nonBlockingSyscall("sendmsg") { sendmsg(descriptor.rawValue, &message, Int32(MSG_NOSIGNAL)) }
            }
        }.get()
    }

    /// Linux's IOV_MAX.
    public static let maxIOVectors = 1024

    /// Accepts one pending connection as a non-blocking, close-on-exec socket.
    public func accept() throws(SystemError) -> IOResult<Socket> {
        let result = try nonBlockingSyscall("accept4") { accept4(descriptor.rawValue, nil, nil, Self.creationFlags) }
        switch result {
        case .wouldBlock: return .wouldBlock
        case .processed(let fd): return .processed(Socket(owning: FileDescriptor(owning: fd)))
        }
    }

    public enum ShutdownDirection: Sendable {
        case read, write, both
    }

    /// Half- or fully closes the connection without releasing the descriptor.
    /// `ENOTCONN` (the peer already went away) is not an error here.
    public func shutdown(_ direction: ShutdownDirection) throws(SystemError) {
        let how: Int32 =
            switch direction {
            case .read: Int32(SHUT_RD)
            case .write: Int32(SHUT_WR)
            case .both: Int32(SHUT_RDWR)
            }
        do {
            try syscall("shutdown") { Glibc.shutdown(descriptor.rawValue, how) }
        } catch  where error.errno == ENOTCONN {
            return
        }
    }

    /// The peer's pid/uid/gid and supplementary groups, as they were when it connected.
    /// Unix-domain sockets only: for other sockets the kernel has no credentials (it reports
    /// pid 0, uid/gid -1) and this throws `ENOPROTOOPT`, so a caller can never mistake
    /// "unknown" for a real identity.
    public func peerCredentials() throws(SystemError) -> PeerCredentials {
        var credentials = twofold_ucred()
        var length = socklen_t(MemoryLayout<twofold_ucred>.size)
        try syscall("getsockopt(SO_PEERCRED)") {
            getsockopt(descriptor.rawValue, SOL_SOCKET, SO_PEERCRED, &credentials, &length)
        }
        guard credentials.pid != 0 || credentials.uid != UInt32.max else {
            throw SystemError(call: "getsockopt(SO_PEERCRED)", errno: ENOPROTOOPT)
        }
        return PeerCredentials(
            processID: credentials.pid, userID: credentials.uid, groupID: credentials.gid,
            supplementaryGroupIDs: try peerGroups())
    }

    /// SO_PEERGROUPS (Linux 4.13): the peer's supplementary groups at connect time. A kernel
    /// without it reports none, which only ever admits fewer peers.
    private func peerGroups() throws(SystemError) -> [UInt32] {
        var groups = [gid_t](repeating: 0, count: 32)
        while true {
            var length = socklen_t(groups.count * MemoryLayout<gid_t>.size)
            let result = groups.withUnsafeMutableBytes { buffer in
                getsockopt(descriptor.rawValue, SOL_SOCKET, SO_PEERGROUPS, buffer.baseAddress, &length)
            }
            if result == 0 { return Array(groups.prefix(Int(length) / MemoryLayout<gid_t>.size)) }
            switch errno {
            case ERANGE where Int(length) > groups.count * MemoryLayout<gid_t>.size && groups.count < 65_536:
                groups = [gid_t](repeating: 0, count: Int(length) / MemoryLayout<gid_t>.size)
            case ENOPROTOOPT:
                return []
            case let code:
                throw SystemError(call: "getsockopt(SO_PEERGROUPS)", errno: code)
            }
        }
    }

    /// The address this socket is bound to (e.g. the port chosen for port 0).
    public func localAddress() throws(SystemError) -> SocketAddress {
        try address("getsockname") { getsockname($0, $1, $2) }
    }

    /// The connected peer's address (`.unix(path: "")` for an unnamed Unix client).
    public func remoteAddress() throws(SystemError) -> SocketAddress {
        try address("getpeername") { getpeername($0, $1, $2) }
    }

    /// Disables Nagle's algorithm (TCP only), so small responses are not delayed.
    public func setNoDelay(_ enabled: Bool) throws(SystemError) {
        try setOption(level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: enabled ? 1 : 0, callName: "TCP_NODELAY")
    }

    /// Closes the socket (idempotent). Deregister it from its event loop first.
    public func close() { descriptor.close() }

    public var description: String { "Socket(\(descriptor.description))" }

    func setOption(level: Int32, name: Int32, value: Int32, callName: String) throws(SystemError) {
        var value = value
        try syscall("setsockopt(\(callName))") {
            setsockopt(descriptor.rawValue, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// The pending error of a socket (SO_ERROR), cleared by reading it.
    func pendingError() throws(SystemError) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        try syscall("getsockopt(SO_ERROR)") { getsockopt(descriptor.rawValue, SOL_SOCKET, SO_ERROR, &value, &length) }
        return value
    }

    private func address(
        _ name: String, _ call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32
    ) throws(SystemError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        try withUnsafeMutablePointer(to: &storage) { pointer throws(SystemError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SystemError) in
                _ = try syscall(name) { call(descriptor.rawValue, address, &length) }
            }
        }
        return try SocketAddress(storage: storage, length: length)
    }
}
