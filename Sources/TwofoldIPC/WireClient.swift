import Synchronization
import TwofoldSystem
import TwofoldWire

/// A client for a `WireServer`: one reused connection carrying many calls at once, each with
/// its own deadline, answers matched by id in whatever order they come.
///
/// What a caller gets back, and what it means (protocol/README.md, Unknown outcomes):
/// - a `WireResponse`: the server's answer (a result or its error);
/// - `unavailable`: the request was never sent (nobody listening, too much queued, the client
///   closed); the server did not run it. While the peer is down each call's connect fails at
///   once (a Unix socket with no listener refuses immediately) with a retry hint that backs off
///   exponentially, so callers answer promptly, and the first call after the peer returns goes
///   through;
/// - `response.timeout`: no answer before the call's deadline. The request carried the deadline
///   (`deadline_at`), so the server will not *start* it later, but it may have run already: the
///   outcome is unknown. The connection is kept: one slow call never costs the others theirs;
/// - `response.invalid`: the peer broke the protocol (a malformed frame or envelope, a close in
///   the middle of a frame or before answering). The outcome of every call outstanding on that
///   connection is unknown; they all fail, the reason is logged (never the payload) and the next
///   call connects again.
/// Answers whose id matches no outstanding call (exact JSON type and value) are logged and
/// dropped; so are late answers to calls that timed out.
///
/// Completions run on the client's event loop thread, never inside the caller's `call`.
public final class WireClient: Sendable {
    public struct Configuration: Sendable {
        public var path: String
        /// The default deadline of a call, from when `call` is made.
        public var timeout: Duration = .seconds(2)
        public var maxFrameLength = FrameDecoder.defaultMaxFrameLength
        public var initialBackoff: Duration = .milliseconds(50)
        public var maximumBackoff: Duration = .seconds(2)
        /// The connection is closed after this long with nothing outstanding, well before the
        /// server's own idle timeout (300 s), so a call never races the server's close.
        public var idleTimeout: Duration = .seconds(60)
        /// Calls outstanding on the connection beyond which new calls fail at once (`unavailable`).
        public var maxOutstandingCalls = 4096
        /// Bytes waiting to be written (a server that stopped reading) beyond which new calls fail
        /// at once (`unavailable`) instead of queueing without bound.
        public var maxQueuedBytes = 4 * 1024 * 1024
        /// Unix time in milliseconds, for `deadline_at` (the wall clock the peers share).
        public var wallClockMillis: @Sendable () -> Int64 = { Int64(SystemInfo.wallClockNanoseconds() / 1_000_000) }

        public init(path: String) { self.path = path }
    }

    let configuration: Configuration
    let loop: EventLoop
    let core: LoopBound<WireClientCore>
    /// Whether a connection is open: the one fact about the core read from other threads.
    let connected: WireClientCore.ConnectedFlag

    /// - Parameter logger: where protocol violations of the peer are reported (throttled); nil
    ///   for none (the CLI reports through its exit status instead).
    public init(configuration: Configuration, loop: EventLoop, logger: Logger? = nil) {
        self.configuration = configuration
        self.loop = loop
        let connected = WireClientCore.ConnectedFlag()
        self.connected = connected
        self.core = LoopBound(
            handingOver: WireClientCore(configuration: configuration, loop: loop, logger: logger, connected: connected),
            loop: loop)
    }

    /// Sends `operation` with `args`; `completion` gets the response (success or the server's error
    /// payload) or a local `WireError` (see the type's documentation).
    /// - Parameters:
    ///   - timeout: this call's deadline, from now; the configuration's when nil.
    ///   - idempotencyKey: for a state-changing operation, the key every retry of this one
    ///     intended change reuses (protocol/README.md, Idempotency keys).
    public func call(
        _ operation: String, args: [String: JSONValue] = [:], timeout: Duration? = nil,
        idempotencyKey: IdempotencyKey? = nil,
        completion: @escaping @Sendable (Result<WireResponse, WireError>) -> Void
    ) {
        let timeout = timeout ?? configuration.timeout
        let deadlineAt = configuration.wallClockMillis() &+ Self.roundedUpMillis(timeout)
        let call = WireClientCore.Call(
            operation: operation, args: args, timeout: timeout, deadlineAt: deadlineAt, idempotencyKey: idempotencyKey,
            completion: completion)
        loop.execute { [core] in core.value.start(call) }
    }

    public func call(
        _ operation: String, args: [String: JSONValue] = [:], timeout: Duration? = nil,
        idempotencyKey: IdempotencyKey? = nil
    ) async -> Result<WireResponse, WireError> {
        await awaitCompletion {
            call(operation, args: args, timeout: timeout, idempotencyKey: idempotencyKey, completion: $0)
        }
    }

    /// Whether a connection is open (it may still fail at the next call).
    public var isConnected: Bool { connected.value.load(ordering: .relaxed) }

    /// Closes the connection; calls outstanding on it fail (`unavailable` if not yet sent,
    /// `response.invalid` if sent: their outcome is unknown).
    public func close() {
        loop.execute { [core] in core.value.closeConnection(reason: "client closed") }
    }

    static func roundedUpMillis(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (millis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int64.max / 2 }
        let fraction = attoseconds / 1_000_000_000_000_000 + (attoseconds % 1_000_000_000_000_000 > 0 ? 1 : 0)
        return millis &+ fraction
    }
}
