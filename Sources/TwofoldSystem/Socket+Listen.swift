#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension Socket {
    /// A listening socket on `address`; accept from it when it becomes readable.
    ///
    /// - TCP (IPv4/IPv6): SO_REUSEADDR so a restart can rebind at once; port 0 picks a free
    ///   port, readable via `localAddress()`.
    /// - Unix path: a stale socket file left by a killed process is unlinked first, but any
    ///   other kind of file at the path makes this fail with `EADDRINUSE` (never delete a
    ///   regular file by mistake). The socket file is created with at most `unixMode`
    ///   permissions (set on the socket before `bind`, so it is never briefly world-accessible,
    ///   without touching the process-wide umask) and then set to exactly `unixMode` before
    ///   `listen`, so no client can connect before the mode is final. Abstract names (`@name`)
    ///   have no file and no mode.
    public static func listen(
        on address: SocketAddress, backlog: Int32 = 511, unixMode: mode_t = 0o660
    ) throws(SystemError) -> Socket {
        let socket = try make(family: address.family, type: Int32(SOCK_STREAM.rawValue))
        guard case .unix(let path) = address else {
            try socket.setOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: 1, callName: "SO_REUSEADDR")
            try address.withSockAddr { pointer, length throws(SystemError) in
                try syscall("bind") { bind(socket.descriptor.rawValue, pointer, length) }
            }
            try syscall("listen") { Glibc.listen(socket.descriptor.rawValue, backlog) }
            return socket
        }

        let isAbstract = path.hasPrefix("@")
        if !isAbstract {
            try removeStaleSocketFile(at: path)
            try syscall("fchmod") { fchmod(socket.descriptor.rawValue, unixMode) }
        }
        try address.withSockAddr { pointer, length throws(SystemError) in
            try syscall("bind") { bind(socket.descriptor.rawValue, pointer, length) }
        }
        do {
            if !isAbstract {
                try syscall("chmod") { chmod(path, unixMode) }
            }
            try syscall("listen") { Glibc.listen(socket.descriptor.rawValue, backlog) }
        } catch {
            if !isAbstract { _ = unlink(path) }
            throw error
        }
        return socket
    }

    private static func removeStaleSocketFile(at path: String) throws(SystemError) {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            let error = errno
            if error == ENOENT { return }
            throw SystemError(call: "lstat", errno: error)
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw SystemError(call: "listen(unix): path exists and is not a socket", errno: EADDRINUSE)
        }
        try syscall("unlink") { unlink(path) }
    }
}
