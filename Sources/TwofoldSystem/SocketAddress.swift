#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Where a socket listens or connects: numeric IPv4/IPv6 with a port, or a Unix-domain path
/// (a leading `@` names the Linux abstract namespace). No DNS: hosts must be literal addresses.
///
/// Text form, both parsed and printed: `127.0.0.1:8080`, `[::1]:8080`, `unix:/run/x.sock`.
public enum SocketAddress: Hashable, Sendable, CustomStringConvertible {
    case ipv4(host: String, port: UInt16)
    case ipv6(host: String, port: UInt16)
    case unix(path: String)

    /// Longest Unix path: `sun_path` is 108 bytes including the terminating NUL.
    public static let maxUnixPathLength = 107

    /// Parses the text form. Throws `EINVAL` (call `SocketAddress(parsing:)`) for anything
    /// else, including host names, and `ENAMETOOLONG` for an over-long Unix path.
    public init(parsing text: String) throws(SystemError) {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            try Self.validateUnixPath(path)
            self = .unix(path: path)
            return
        }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw Self.invalid() }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), Self.isValid(host, family: AF_INET6) else { throw Self.invalid() }
            self = .ipv6(host: host, port: try Self.parsePort(rest.dropFirst()))
            return
        }
        guard let colon = text.lastIndex(of: ":") else { throw Self.invalid() }
        let host = String(text[..<colon])
        guard Self.isValid(host, family: AF_INET) else { throw Self.invalid() }
        self = .ipv4(host: host, port: try Self.parsePort(text[text.index(after: colon)...]))
    }

    /// The port of an IP address; nil for Unix paths.
    public var port: UInt16? {
        switch self {
        case .ipv4(_, let port), .ipv6(_, let port): port
        case .unix: nil
        }
    }

    public var description: String {
        switch self {
        case .ipv4(let host, let port): "\(host):\(port)"
        case .ipv6(let host, let port): "[\(host)]:\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }

    /// The `AF_*` family.
    var family: Int32 {
        switch self {
        case .ipv4: AF_INET
        case .ipv6: AF_INET6
        case .unix: AF_UNIX
        }
    }

    static func validateUnixPath(_ path: String) throws(SystemError) {
        guard !path.isEmpty, !path.utf8.contains(0) else { throw invalid() }
        guard path.utf8.count <= maxUnixPathLength else {
            throw SystemError(call: "SocketAddress(parsing:)", errno: ENAMETOOLONG)
        }
    }

    static func invalid(file: String = #fileID, line: Int = #line) -> SystemError {
        SystemError(call: "SocketAddress(parsing:)", errno: EINVAL, file: file, line: line)
    }

    private static func isValid(_ host: String, family: Int32) -> Bool {
        var buffer = in6_addr()
        return inet_pton(family, host, &buffer) == 1
    }

    private static func parsePort(_ text: Substring) throws(SystemError) -> UInt16 {
        guard !text.isEmpty, text.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let value = UInt16(text)
        else { throw invalid() }
        return value
    }
}
