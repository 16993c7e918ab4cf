import TwofoldSystem

/// The one error type of the server module: why the server could not start, or why work was
/// refused. `code` is stable (for logs, tests and metrics); `description` never holds request data.
public struct HTTPServerError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: String, Hashable, Sendable {
        case listenFailed = "http_server.listen_failed"
        case alreadyStarted = "http_server.already_started"
        case workerPoolOverloaded = "http_server.worker_pool_overloaded"
        case workerPoolStopped = "http_server.worker_pool_stopped"
    }

    private let _code: Code
    /// The `errno` behind a system failure, 0 otherwise.
    public let errno: Int32
    public let file: String
    public let line: Int

    private init(_ code: Code, errno: Int32 = 0, file: String, line: Int) {
        self._code = code
        self.errno = errno
        self.file = file
        self.line = line
    }

    /// The stable machine code, e.g. `"http_server.worker_pool_overloaded"`.
    public var code: String { _code.rawValue }

    /// Binding or listening on the configured address failed (address in use, permissions…).
    public static func listenFailed(_ error: SystemError, file: String = #fileID, line: Int = #line) -> Self {
        Self(.listenFailed, errno: error.errno, file: file, line: line)
    }

    /// `start()` was called on a server that is already running or has been shut down.
    public static func alreadyStarted(file: String = #fileID, line: Int = #line) -> Self {
        Self(.alreadyStarted, file: file, line: line)
    }

    /// The worker pool's queue is full: answer 503 with `Retry-After`.
    public static func workerPoolOverloaded(file: String = #fileID, line: Int = #line) -> Self {
        Self(.workerPoolOverloaded, file: file, line: line)
    }

    /// The worker pool no longer takes work (it is shutting down).
    public static func workerPoolStopped(file: String = #fileID, line: Int = #line) -> Self {
        Self(.workerPoolStopped, file: file, line: line)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs._code == rhs._code && lhs.errno == rhs.errno }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(_code)
        hasher.combine(errno)
    }

    public var description: String {
        errno == 0 ? "\(code) at \(file):\(line)" : "\(code) (errno \(errno)) at \(file):\(line)"
    }
}
