/// The protocol version of a request. Only HTTP/1.0 and HTTP/1.1 are ever produced by the parser:
/// HTTP/1.2 through HTTP/1.9 are answered as HTTP/1.1 (RFC 9112 §2.3), other majors get 505.
public struct HTTPVersion: Hashable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public var description: String { "HTTP/\(major).\(minor)" }
}
