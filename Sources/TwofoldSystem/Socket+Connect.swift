#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension Socket {
    /// Starts a non-blocking connect. When `isConnected` is false, wait for the socket to be
    /// writable on an event loop, then call `finishConnect()`.
    /// A Unix listener whose backlog is full fails at once with `EAGAIN` (Unix connects never
    /// go "in progress"); callers treat that as the peer being unavailable.
    public static func connect(to address: SocketAddress) throws(SystemError) -> (socket: Socket, isConnected: Bool) {
        let socket = try make(family: address.family, type: Int32(SOCK_STREAM.rawValue))
        let result = try address.withSockAddr { pointer, length in
            Glibc.connect(socket.descriptor.rawValue, pointer, length)
        }
        if result == 0 { return (socket, true) }
        let error = errno
        // EINTR on a non-blocking connect leaves it in progress, like EINPROGRESS.
        if error == EINPROGRESS || error == EINTR { return (socket, false) }
        precondition(error != EBADF, "connect on a bad file descriptor: a bookkeeping bug")
        throw SystemError(call: "connect", errno: error)
    }

    /// Completes a connect started by `connect(to:)` once the socket is writable: throws the
    /// connect's failure (e.g. `ECONNREFUSED`) if it failed.
    public func finishConnect() throws(SystemError) {
        let error = try pendingError()
        if error != 0 { throw SystemError(call: "connect", errno: error) }
    }

    /// Connects, blocking the calling thread for at most `timeout` (`ETIMEDOUT` after that).
    /// For clients and tools off the event loop; the returned socket is non-blocking.
    public static func connect(to address: SocketAddress, timeout: Duration) throws(SystemError) -> Socket {
        let (socket, isConnected) = try connect(to: address)
        if isConnected { return socket }
        let deadline = SystemMonotonicClock().now() + timeout
        while true {
            let remaining = deadline.pollMilliseconds(from: SystemMonotonicClock().now())
            if remaining == 0 {
                socket.close()
                throw SystemError(call: "connect", errno: ETIMEDOUT)
            }
            var poller = pollfd(fd: socket.descriptor.rawValue, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&poller, 1, remaining)
            if ready < 0 {
                let error = errno
                if error == EINTR { continue }
                socket.close()
                throw SystemError(call: "poll", errno: error)
            }
            if ready == 0 { continue }
            do {
                try socket.finishConnect()
            } catch {
                socket.close()
                throw error
            }
            return socket
        }
    }
}
