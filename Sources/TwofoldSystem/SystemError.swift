#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The one error type of the syscall layer: which call failed, with which `errno`, and where.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    /// The failing call, e.g. `"open"` or `"epoll_ctl"`.
    public let call: String
    /// The `errno` value the call left behind.
    public let errno: Int32
    public let file: String
    public let line: Int

    public init(call: String, errno: Int32, file: String = #fileID, line: Int = #line) {
        self.call = call
        self.errno = errno
        self.file = file
        self.line = line
    }

    /// The C library's text for `errno` (never includes caller data, so safe for logs).
    public var message: String { String(cString: strerror(errno)) }

    public var description: String { "\(call) failed: \(message) (errno \(errno)) at \(file):\(line)" }
}
