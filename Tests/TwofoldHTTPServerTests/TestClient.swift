import Foundation
import Glibc
import Synchronization
import TwofoldSystem

/// A parsed response as a test sees it.
struct TestResponse {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

struct ClientError: Error, CustomStringConvertible {
    let description: String
}

/// An HTTP/1.1 client for async tests over a real socket that never blocks a thread: its socket
/// is non-blocking and watched by a test event loop, and every wait is an `await` for an event
/// (bytes, end of stream, writability). Nothing here measures time: a response that never comes
/// leaves the test waiting, which is a failure to investigate, not a timing flake.
final class TestClient: Sendable {
    private let state: ClientState
    private var loop: EventLoop { state.loop }

    private init(state: ClientState) { self.state = state }

    /// Connects to `address` (waiting for a TCP handshake through the loop).
    static func connect(_ address: SocketAddress) async throws -> TestClient {
        let loop = try TestClientLoop.shared()
        let (socket, connected) = try Socket.connect(to: address)
        let state = try await loop.submit { try ClientState(loop: loop, socket: socket, connected: connected) }
        let client = TestClient(state: state)
        try await client.wait { $0.connected || $0.failure != nil }
        if let failure = try await loop.submit({ state.failure }) { throw failure }
        return client
    }

    deinit {
        let state = self.state
        state.loop.execute { state.close() }
    }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    /// Queues `bytes` and returns once the kernel has taken all of them.
    func send(_ bytes: [UInt8]) async throws {
        let state = self.state
        try await loop.submit { state.enqueue(bytes) }
        try await wait { $0.outputFlushed || $0.failure != nil }
        if let failure = try await loop.submit({ state.failure }) { throw failure }
    }

    /// Sends a GET with the given path and extra header lines.
    func get(_ path: String, headers: [String] = [], version: String = "HTTP/1.1") async throws {
        let extra = headers.map { $0 + "\r\n" }.joined()
        try await send("GET \(path) \(version)\r\nHost: test\r\n\(extra)\r\n")
    }

    /// Reads one response (1xx responses included, as their own response). Throws
    /// `ClientError("closed")` if the connection ends first.
    func readResponse(headRequest: Bool = false) async throws -> TestResponse {
        let state = self.state
        try await wait { $0.hasCompleteResponse(headRequest: headRequest) || $0.ended }
        let response = try await loop.submit { try state.takeResponse(headRequest: headRequest) }
        return response
    }

    /// Waits until the server closes the connection (a reset counts as closed). Bytes received
    /// meanwhile are kept for `readResponse`.
    func waitForClose() async throws {
        try await wait { $0.ended }
    }

    /// Closes the client's side now.
    func close() async throws {
        let state = self.state
        try await loop.submit { state.close() }
    }

    /// Bytes received and not yet read as a response.
    var bufferedByteCount: Int {
        get async throws {
            let state = self.state
            return try await loop.submit { state.buffer.count }
        }
    }

    /// Suspends until `ready` holds for the client's state (checked on the loop after every event).
    private func wait(until ready: @escaping @Sendable (ClientState) -> Bool) async throws {
        // The shared loop never stops, so the task always runs.
        let state = self.state
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            state.loop.execute { state.addWaiter(ready, continuation) }
        }
    }
}

/// The one loop every test client's socket is watched on, started on first use and never stopped
/// (it lives as long as the test process).
enum TestClientLoop {
    private static let loop: Result<EventLoop, SystemError> = Result { () throws(SystemError) -> EventLoop in
        let loop = try EventLoop(name: "test-clients")
        try loop.start()
        return loop
    }

    static func shared() throws(SystemError) -> EventLoop { try loop.get() }
}

/// A client connection's state, confined to the test client loop's thread.
final class ClientState: @unchecked Sendable {
    // @unchecked: every member is touched on `loop`'s thread only (through `submit`/`execute`).
    let loop: EventLoop
    let socket: Socket
    private var registration: EventLoop.Registration?
    private(set) var connected: Bool
    var buffer: [UInt8] = []
    private var output: [UInt8] = []
    private(set) var peerClosed = false
    private(set) var failure: SystemError?
    private var waiters: [(ready: (ClientState) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []

    init(loop: EventLoop, socket: Socket, connected: Bool) throws(SystemError) {
        self.loop = loop
        self.socket = socket
        self.connected = connected
        registration = try loop.register(socket.descriptor, interest: connected ? .readable : .writable) {
            [unowned self] events in self.handle(events)
        }
    }

    /// The connection is over for reading: end of stream, a reset or another failure.
    var ended: Bool { peerClosed || failure != nil }
    var outputFlushed: Bool { output.isEmpty }

    func addWaiter(_ ready: @escaping (ClientState) -> Bool, _ continuation: CheckedContinuation<Void, Never>) {
        if ready(self) {
            continuation.resume()
        } else {
            waiters.append((ready, continuation))
        }
    }

    private func wakeWaiters() {
        var still: [(ready: (ClientState) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
        var ready: [CheckedContinuation<Void, Never>] = []
        for waiter in waiters {
            if waiter.ready(self) { ready.append(waiter.continuation) } else { still.append(waiter) }
        }
        waiters = still
        for continuation in ready { continuation.resume() }
    }

    func enqueue(_ bytes: [UInt8]) {
        guard failure == nil else { return }
        output += bytes
        flush()
        updateInterest()
    }

    private func handle(_ events: IOEvents) {
        if !connected {
            do {
                try socket.finishConnect()
                connected = true
            } catch {
                fail(error)
                return
            }
        }
        if events.contains(.writable) { flush() }
        if events.contains(.readable) || events.contains(.hangup) || events.contains(.error) { readOnce() }
        updateInterest()
        wakeWaiters()
    }

    private func readOnce() {
        guard !ended else { return }
        do {
            switch try socket.read(upTo: 65536) {
            case .wouldBlock: return
            case .processed(let bytes):
                if bytes.isEmpty { peerClosed = true } else { buffer += bytes }
            }
        } catch {
            fail(error)
        }
    }

    private func flush() {
        guard connected, failure == nil else { return }
        while !output.isEmpty {
            do {
                switch try socket.write(output) {
                case .wouldBlock: return
                case .processed(let count): output.removeFirst(count)
                }
            } catch {
                fail(error)
                return
            }
        }
    }

    private func fail(_ error: SystemError) {
        failure = error
        output = []
        updateInterest()
        wakeWaiters()
    }

    private func updateInterest() {
        guard let registration else { return }
        var interest: IOEvents = []
        if !connected || !output.isEmpty { interest.insert(.writable) }
        if connected, !ended { interest.insert(.readable) }
        try? loop.setInterest(interest, for: registration)
    }

    func close() {
        if let registration { loop.deregister(registration) }
        registration = nil
        socket.close()
        if failure == nil { failure = SystemError(call: "close", errno: EBADF) }
        wakeWaiters()
    }

    // MARK: Responses.

    private static let headTerminator = Array("\r\n\r\n".utf8)

    func hasCompleteResponse(headRequest: Bool) -> Bool {
        guard let headEnd = buffer.firstRange(of: Self.headTerminator)?.upperBound else { return false }
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self).lowercased()
        if headRequest { return true }
        let length =
            head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return buffer.count - headEnd >= length
    }

    func takeResponse(headRequest: Bool) throws -> TestResponse {
        guard hasCompleteResponse(headRequest: headRequest),
            let headEnd = buffer.firstRange(of: Self.headTerminator)?.upperBound
        else { throw ClientError(description: failure.map { "failed: \($0)" } ?? "closed") }
        let headText = String(decoding: buffer[..<headEnd], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw ClientError(description: "bad status line in \(headText)")
        }
        let headers = try lines.map { line -> (name: String, value: String) in
            guard let colon = line.firstIndex(of: ":") else { throw ClientError(description: "bad header \(line)") }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length =
            headRequest ? 0 : Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
        let body = Array(buffer[headEnd..<(headEnd + length)])
        buffer.removeFirst(headEnd + length)
        return TestResponse(status: status, headers: headers, body: body)
    }
}
