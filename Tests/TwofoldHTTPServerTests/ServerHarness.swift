import Dispatch
import Foundation
import Synchronization
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldProcess
import TwofoldSystem

/// A handler from a closure.
struct ClosureHandler: HTTPHandler {
    let body: @Sendable (IncomingRequest, ResponseWriter) -> Void
    func handle(_ request: IncomingRequest, writer: ResponseWriter) { body(request, writer) }
}

/// Answers `200` with `"<METHOD> <path> <body bytes>"`.
let echoHandler = ClosureHandler { request, writer in
    writer.respond(text("\(request.head.method) \(request.head.path) \(request.request.body.count)"))
}

func text(_ value: String, status: HTTPStatus = .ok) -> HTTPResponse {
    HTTPResponse(status: status, headers: ["Content-Type": "text/plain"], body: Array(value.utf8))
}

/// A server on 127.0.0.1:0 (or a Unix socket) with its own loops, logging into memory. Its loops
/// run on a `ManualClock`: server timeouts fire only when a test calls `advance(by:)`.
///
/// Tests that move the clock between sends use a Unix socket: a write on it puts the bytes in
/// the server's receive queue before it returns, so `settle()` is sure to see them read at the
/// old time. (Loopback TCP usually delivers at once too, but a busy machine may defer it.)
final class RunningServer: Sendable {
    let group: EventLoopGroup
    let server: HTTPServer
    let address: SocketAddress
    let log: LogSink
    let clock: ManualClock

    init(
        loops: Int = 2, unixSocket: Bool = false, handler: any HTTPHandler = echoHandler,
        configure: (inout HTTPServer.Configuration) -> Void = { _ in }
    ) async throws {
        var configuration = HTTPServer.Configuration(
            address: unixSocket
                ? .unix(path: "/tmp/tf-http-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock")
                : .ipv4(host: "127.0.0.1", port: 0))
        configure(&configuration)
        clock = ManualClock(start: Deadline(nanoseconds: 1_000_000_000_000))
        group = try EventLoopGroup(loopCount: loops, clock: clock)
        log = LogSink.memory()
        server = HTTPServer(
            configuration: configuration, group: group, logger: Logger(label: "test", sink: log), handler: handler)
        try await server.start()
        guard let address = server.localAddress else { throw ClientError(description: "no bound address") }
        self.address = address
    }

    func client() async throws -> TestClient { try await TestClient.connect(address) }

    /// Lets the loops take in what was sent before (so it is stamped with the old time), moves
    /// their clock forward, and lets every loop run the timers that became due.
    func advance(by duration: Duration) async throws {
        try await settle()
        clock.advance(by: duration)
        try await settle()
    }

    /// Two full iterations of every loop: work queued before the call (a timer that became due, a
    /// task from another thread) has run when this returns. The first iteration may have read the
    /// clock before the caller changed it; the second reads it afresh.
    func settle() async throws {
        for _ in 0..<2 {
            for loop in group.loops { try await loop.submit {} }
        }
    }

    /// Lets the loops run until `condition` holds: for effects that arrive through the kernel (a
    /// peer's close reaching the server), with no deadline of its own.
    func settle(until condition: () -> Bool) async throws {
        while !condition() {
            try await settle()
            await Task.yield()
        }
    }

    func stop() async {
        await server.shutdown(deadline: clock.now())
        await stopLoops()
    }

    /// Stops the loops off the concurrency pool (stopping joins their threads).
    func stopLoops() async {
        let group = self.group
        _ = try? await offThePool { group.shutdownGracefully() }
    }
}

/// Opens once `count` signals have arrived; async tests `await` it.
final class Latch: Sendable {
    private struct State {
        var remaining: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(count: Int = 1) { state = Mutex(State(remaining: count)) }

    func signal() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.remaining -= 1
            guard state.remaining <= 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    var isOpen: Bool { state.withLock { $0.remaining <= 0 } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state -> Bool in
                if state.remaining <= 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }
}

/// Response writers a handler parks, for the test to answer when it chooses.
final class HeldWriters: Sendable {
    private let writers = Mutex<[String: ResponseWriter]>([:])
    private let arrivals = Mutex<[String: Latch]>([:])

    private func latch(_ path: String) -> Latch {
        arrivals.withLock { latches in
            if let latch = latches[path] { return latch }
            let latch = Latch()
            latches[path] = latch
            return latch
        }
    }

    func hold(_ path: String, _ writer: ResponseWriter) {
        writers.withLock { $0[path] = writer }
        latch(path).signal()
    }

    /// The writer of the request to `path`, once it has arrived.
    func writer(for path: String) async -> ResponseWriter? {
        await latch(path).wait()
        return writers.withLock { $0[path] }
    }

    /// Releases every writer (an unanswered one then answers 500 by itself).
    func drop() { writers.withLock { $0 = [:] } }
}

/// Runs a call that blocks its thread (a pool's `shutdown`, a child process's pipe) on a
/// Dispatch thread, never on one of the concurrency pool's few threads, and awaits its result.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
