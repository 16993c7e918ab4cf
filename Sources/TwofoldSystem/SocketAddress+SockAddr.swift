#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension SocketAddress {
    /// Calls `body` with this address as a C `sockaddr` and its exact length. Abstract Unix
    /// names (`@name`) become a leading NUL byte and are not NUL-terminated, as Linux expects.
    @discardableResult
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws(SystemError) -> R) throws(SystemError)
        -> R
    {
        var storage = sockaddr_storage()
        let length: socklen_t
        switch self {
        case .ipv4(let host, let port):
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw Self.invalid() }
            withUnsafeBytes(of: address) { source in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        case .ipv6(let host, let port):
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { throw Self.invalid() }
            withUnsafeBytes(of: address) { source in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        case .unix(let path):
            try Self.validateUnixPath(path)
            var bytes = Array(path.utf8)
            let abstract = bytes.first == UInt8(ascii: "@")
            if abstract { bytes[0] = 0 }
            let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.storeBytes(of: sa_family_t(AF_UNIX), toByteOffset: 0, as: sa_family_t.self)
                raw.baseAddress!.advanced(by: pathOffset).copyMemory(from: bytes, byteCount: bytes.count)
            }
            // Filesystem paths include the NUL terminator (already zero in `storage`).
            length = socklen_t(pathOffset + bytes.count + (abstract ? 0 : 1))
        }
        return try withUnsafePointer(to: &storage) { pointer throws(SystemError) -> R in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SystemError) -> R in
                try body(address, length)
            }
        }
    }

    /// Decodes what the kernel wrote (accept, getsockname, getpeername). An unnamed Unix socket
    /// (the usual client side) decodes as `.unix(path: "")`.
    init(storage: sockaddr_storage, length: socklen_t) throws(SystemError) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
            self = .ipv4(
                host: Self.text(of: address.sin_addr, family: AF_INET), port: UInt16(bigEndian: address.sin_port))
        case AF_INET6:
            let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
            self = .ipv6(
                host: Self.text(of: address.sin6_addr, family: AF_INET6), port: UInt16(bigEndian: address.sin6_port))
        case AF_UNIX:
            let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
            let pathLength = max(0, Int(length) - pathOffset)
            var bytes = withUnsafeBytes(of: &storage) { Array($0[pathOffset..<(pathOffset + pathLength)]) }
            if bytes.first == 0, !bytes.isEmpty {
                bytes[0] = UInt8(ascii: "@")
            } else if let end = bytes.firstIndex(of: 0) {
                bytes.removeSubrange(end...)
            }
            self = .unix(path: String(decoding: bytes, as: UTF8.self))
        default:
            throw SystemError(call: "SocketAddress(sockaddr)", errno: EAFNOSUPPORT)
        }
    }

    /// `address` is an `in_addr` or `in6_addr` (plain bytes) matching `family`.
    private static func text<A>(of address: A, family: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        // Cannot fail: the family matches and the buffer has the maximum size.
        withUnsafeBytes(of: address) { bytes in
            _ = inet_ntop(family, bytes.baseAddress, &buffer, socklen_t(buffer.count))
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
