#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension Socket {
    /// Sends one datagram to the Unix datagram socket at `path` (a leading `@` names the
    /// abstract namespace), as `sd_notify` does with `$NOTIFY_SOCKET`. Never blocks: a full
    /// receiver queue fails with `EAGAIN`; a missing receiver with `ENOENT`/`ECONNREFUSED`.
    public static func sendDatagram(to path: String, bytes: [UInt8]) throws(SystemError) {
        let socket = try make(family: AF_UNIX, type: Int32(SOCK_DGRAM.rawValue))
        defer { socket.close() }
        let address = SocketAddress.unix(path: path)
        try address.withSockAddr { pointer, length throws(SystemError) in
            let flags = Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)
            try bytes.withUnsafeBytes { buffer in
                Result { () throws(SystemError) in
                    _ = try syscall("sendto") {
                        sendto(socket.descriptor.rawValue, buffer.baseAddress, buffer.count, flags, pointer, length)
                    }
                }
            }.get()
        }
    }
}
