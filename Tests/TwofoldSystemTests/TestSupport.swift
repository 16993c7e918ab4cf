import Dispatch
import Glibc
import Synchronization
import Testing

@testable import TwofoldSystem

/// A unique path for a Unix socket in the temporary directory (short enough for sun_path).
func temporarySocketPath(_ label: String) -> String {
    "/tmp/tf-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
}

/// Opens once `count` signals have arrived. Async tests `await` it; nothing blocks on it.
final class Latch: Sendable {
    private struct State {
        var remaining: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(count: Int = 1) { state = Mutex(State(remaining: count)) }

    func signal() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>]? in
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            defer { state.waiters = [] }
            return state.waiters
        }
        guard let waiters else { return }
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

/// Runs work that blocks its thread (a client writing and reading a socket with `poll`, a
/// thread join) on a Dispatch thread, never on one of the concurrency pool's few threads.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

/// Runs `body` with a started loop, then stops it off the concurrency pool (stopping joins the
/// loop's thread), whether `body` returned or threw.
func withLoop<R: Sendable>(
    name: String = "test-loop", clock: any MonotonicClock = SystemMonotonicClock(),
    _ body: (EventLoop) async throws -> R
) async throws -> R {
    let loop = try EventLoop(name: name, clock: clock)
    try loop.start()
    let result: Result<R, any Error>
    do {
        result = .success(try await body(loop))
    } catch {
        result = .failure(error)
    }
    try await offThePool { loop.shutdownGracefully() }
    return try result.get()
}

/// A thread-safe list the loop thread appends to and the test reads.
final class Recorder<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])
    func append(_ value: Value) { storage.withLock { $0.append(value) } }
    var values: [Value] { storage.withLock { $0 } }
}

/// Waits (poll(2), no timeout) until `socket` is readable/writable; false if poll fails. For
/// synchronous tests and `offThePool` only, where the event is already pending in the kernel or
/// follows from what the test did; never inside an async test.
func waitFor(_ socket: Socket, events: Int16) -> Bool {
    var poller = pollfd(fd: socket.descriptor.rawValue, events: events, revents: 0)
    while true {
        let ready = poll(&poller, 1, -1)
        if ready == 1 { return true }
        if ready < 0, errno == EINTR { continue }
        return false
    }
}

/// Writes all of `bytes` to a non-blocking socket from a test thread.
func writeAll(_ socket: Socket, _ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
        switch try socket.write(Array(bytes[offset...])) {
        case .processed(let count): offset += count
        case .wouldBlock: #expect(waitFor(socket, events: Int16(POLLOUT)))
        }
    }
}

/// Reads exactly `count` bytes (or until end of stream) from a non-blocking socket.
func readExactly(_ socket: Socket, count: Int) throws -> [UInt8] {
    var received: [UInt8] = []
    while received.count < count {
        switch try socket.read(upTo: count - received.count) {
        case .processed(let bytes):
            if bytes.isEmpty { return received }
            received += bytes
        case .wouldBlock:
            guard waitFor(socket, events: Int16(POLLIN)) else { return received }
        }
    }
    return received
}

/// An echo server driven by one event loop: accepts on `listener`, echoes every byte back,
/// queueing output and using write interest when the peer reads slowly.
final class EchoServer: Sendable {
    let loop: EventLoop
    let listener: Socket
    let acceptedCount = Atomic<Int>(0)

    init(loop: EventLoop, listener: Socket) {
        self.loop = loop
        self.listener = listener
    }

    /// Registers the listener on the loop thread.
    func start() async throws {
        try await loop.submit { [self] in
            _ = try loop.register(listener.descriptor, interest: .readable) { [self] _ in acceptAll() }
        }
    }

    private func acceptAll() {
        while case .processed(let socket)? = try? listener.accept() {
            acceptedCount.add(1, ordering: .relaxed)
            EchoConnection(loop: loop, socket: socket).start()
        }
    }
}

/// One echoed connection; lives as long as its registration's handler.
final class EchoConnection {
    let loop: EventLoop
    let socket: Socket
    var pending: [UInt8] = []
    var registration: EventLoop.Registration?

    init(loop: EventLoop, socket: Socket) {
        self.loop = loop
        self.socket = socket
    }

    func start() {
        registration = try? loop.register(socket.descriptor, interest: .readable) { [self] events in
            handle(events)
        }
    }

    private func handle(_ events: IOEvents) {
        if events.contains(.readable) || events.contains(.hangup) {
            switch try? socket.read(upTo: 16 * 1024) {
            case .processed(let bytes)? where !bytes.isEmpty: pending += bytes
            case .wouldBlock?: break
            default: return close()
            }
        }
        while !pending.isEmpty {
            switch try? socket.write(pending) {
            case .processed(let count)?: pending.removeFirst(count)
            case .wouldBlock?:
                try? loop.setInterest([.readable, .writable], for: registration!)
                return
            case nil: return close()
            }
        }
        try? loop.setInterest(.readable, for: registration!)
    }

    private func close() {
        if let registration { loop.deregister(registration) }
        registration = nil
        socket.close()
    }
}
