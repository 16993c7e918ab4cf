import Synchronization
import TwofoldSystem
import TwofoldWire

/// A client for a `WireServer`: one reused connection with pipelined requests, per-request
/// timeouts, and reconnection on demand. While the peer is down each call's connect attempt
/// fails at once (a Unix socket with no listener refuses immediately) with `unavailable` and a
/// retry hint that backs off exponentially, so callers answer promptly instead of queueing
/// behind a dead socket, and the first call after the peer returns goes through.
///
/// Completions run on the client's event loop thread.
public final class WireClient: Sendable {
    public struct Configuration: Sendable {
        public var path: String
        public var timeout: Duration = .seconds(2)
        public var maxFrameLength = FrameDecoder.defaultMaxFrameLength
        public var initialBackoff: Duration = .milliseconds(50)
        public var maximumBackoff: Duration = .seconds(2)

        public init(path: String) { self.path = path }
    }

    let configuration: Configuration
    let loop: EventLoop
    /// Loop-thread state (the lock only satisfies `Sendable`; it is never contended).
    let state = Mutex(WireClientConnection.State())

    public init(configuration: Configuration, loop: EventLoop) {
        self.configuration = configuration
        self.loop = loop
    }

    /// Sends `operation` with `args`; `completion` gets the response (success or the server's error
    /// payload) or a local `WireError` (`unavailable` when the peer is down or the call timed out).
    public func call(
        _ operation: String, args: [String: JSONValue] = [:], timeout: Duration? = nil,
        completion: @escaping @Sendable (Result<WireResponse, WireError>) -> Void
    ) {
        let timeout = timeout ?? configuration.timeout
        loop.execute { self.start(operation: operation, args: args, timeout: timeout, completion: completion) }
    }

    public func call(
        _ operation: String, args: [String: JSONValue] = [:], timeout: Duration? = nil
    ) async -> Result<WireResponse, WireError> {
        await withCheckedContinuation { continuation in
            call(operation, args: args, timeout: timeout) { continuation.resume(returning: $0) }
        }
    }

    /// Whether the last connection attempt succeeded and the connection is open.
    public var isConnected: Bool { state.withLock { $0.socket != nil && $0.connected } }

    /// Closes the connection and fails every pending call.
    public func close() {
        loop.execute { self.disconnect(reason: "client closed", backoff: false) }
    }
}
