import Synchronization
import TwofoldSystem
import TwofoldWire

/// A scripted server for the wire protocol on a real Unix socket, on its own event loop: it
/// accepts connections, reads request frames and answers each as its script says — correctly,
/// late, never, with garbage, or by closing — so tests can check that a client survives whatever
/// a buggy or hostile peer does. It is as unkind as told: nothing is validated or repaired.
public final class FakeWirePeer: @unchecked Sendable {
    // @unchecked: `connections` and the listener are touched on `loop` only; the rest is in Mutexes.

    /// One request frame as the peer received it.
    public struct Received: Sendable {
        /// Which accepted connection it came on (1 for the first).
        public let connection: Int
        public let payload: [UInt8]
        /// The request's `id` exactly as sent, if the payload was a JSON object with one.
        public let id: JSONValue?
        public let operation: String?
        public let envelope: [String: JSONValue]

        /// The id as JSON text, for building answers.
        public var idText: String { id.map { String(decoding: $0.jsonBytes, as: UTF8.self) } ?? "null" }
    }

    public enum Answer: Sendable {
        /// Write these bytes (framed or not: they go out as given).
        case bytes([UInt8])
        /// Write these bytes, then close the connection.
        case bytesThenClose([UInt8])
        /// Answer nothing (`send(_:to:)` can answer later).
        case silence
        /// Close the connection without answering.
        case close
    }

    public let path: String
    private let loop: EventLoop
    private let script: @Sendable (Received) -> Answer
    private let log = Mutex<[Received]>([])
    private let waiters = Mutex<[(count: Int, continuation: CheckedContinuation<Void, Never>)]>([])
    private let accepted = Atomic<Int>(0)
    private var listener: Socket?
    private var listenerRegistration: EventLoop.Registration?
    private var connections: [Int: PeerConnection] = [:]

    /// Listens on `path` (at once: clients may connect as soon as this returns); `script` decides
    /// each answer (it runs on the peer's loop thread).
    public init(path: String, script: @escaping @Sendable (Received) -> Answer) throws {
        self.path = path
        self.script = script
        let socket = try Socket.listen(on: .unix(path: path), unixMode: 0o600)
        do {
            loop = try EventLoop(name: "fake-peer")
            try loop.start()
        } catch {
            socket.close()
            throw error
        }
        listener = socket
        loop.execute { [self] in
            listenerRegistration = try? loop.register(socket.descriptor, interest: .readable) { [self] _ in
                acceptAll()
            }
        }
    }

    /// Every request received so far, in arrival order.
    public var received: [Received] { log.withLock { $0 } }

    /// How many connections were accepted so far.
    public var connectionCount: Int { accepted.load(ordering: .relaxed) }

    /// Returns once `count` requests have arrived in all (event-driven, never polls).
    public func waitForRequests(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = log.withLock { log in
                log.count >= count
            }
            if ready {
                continuation.resume()
                return
            }
            waiters.withLock { $0.append((count, continuation)) }
            // A request may have arrived between the check and the registration.
            loop.execute { [self] in wakeWaiters() }
        }
    }

    /// Writes `bytes` on the connection that `request` came on (a late answer), if still open.
    public func send(_ bytes: [UInt8], to request: Received) {
        loop.execute { [self] in connections[request.connection]?.write(bytes) }
    }

    /// Closes the listener and every connection, and stops the loop. Call it when done (the
    /// loop's handlers keep the peer alive until then). Not from the peer's own loop thread.
    public func stop() {
        loop.execute { [self] in
            if let listenerRegistration { loop.deregister(listenerRegistration) }
            listener?.close()
            for connection in connections.values { connection.close() }
            connections.removeAll()
        }
        loop.shutdownGracefully()
    }

    // MARK: Answers

    /// One frame around `json`.
    public static func frame(_ json: String) -> [UInt8] {
        let payload = Array(json.utf8)
        let length = UInt32(payload.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            + payload
    }

    /// A well-formed success answer to `request` with `result` (canonical JSON text).
    public static func success(_ request: Received, result: String = "{}") -> [UInt8] {
        frame("{\"v\":1,\"id\":\(request.idText),\"ok\":true,\"result\":\(result)}")
    }

    // MARK: Loop thread

    private func acceptAll() {
        guard let listener else { return }
        while case .processed(let socket)? = try? listener.accept() {
            let number = accepted.wrappingAdd(1, ordering: .relaxed).newValue
            let connection = PeerConnection(number: number, socket: socket, peer: self)
            do {
                connection.registration = try loop.register(socket.descriptor, interest: .readable) {
                    [weak connection] _ in connection?.readable()
                }
                connections[number] = connection
            } catch {
                socket.close()
            }
        }
    }

    fileprivate func receive(_ payload: [UInt8], on connection: PeerConnection) {
        var envelope: [String: JSONValue] = [:]
        if case .object(let members)? = try? JSONValue.parse(payload) { envelope = members }
        var operation: String?
        if case .string(let name)? = envelope["op"] { operation = name }
        let request = Received(
            connection: connection.number, payload: payload, id: envelope["id"], operation: operation,
            envelope: envelope)
        log.withLock { $0.append(request) }
        switch script(request) {
        case .bytes(let bytes): connection.write(bytes)
        case .bytesThenClose(let bytes):
            connection.write(bytes)
            closeConnection(connection)
        case .silence: break
        case .close: closeConnection(connection)
        }
        wakeWaiters()
    }

    fileprivate func closeConnection(_ connection: PeerConnection) {
        connection.close()
        connections[connection.number] = nil
    }

    private func wakeWaiters() {
        let count = log.withLock { $0.count }
        let ready = waiters.withLock { waiters -> [CheckedContinuation<Void, Never>] in
            let due = waiters.filter { $0.count <= count }.map(\.continuation)
            waiters.removeAll { $0.count <= count }
            return due
        }
        for continuation in ready { continuation.resume() }
    }

    fileprivate var eventLoop: EventLoop { loop }
}

/// One accepted connection of a `FakeWirePeer` (its loop thread only).
private final class PeerConnection {
    let number: Int
    let socket: Socket
    unowned let peer: FakeWirePeer
    var registration: EventLoop.Registration?
    var decoder = FrameDecoder()
    var closed = false

    init(number: Int, socket: Socket, peer: FakeWirePeer) {
        self.number = number
        self.socket = socket
        self.peer = peer
    }

    func readable() {
        guard !closed else { return }
        switch try? socket.read(upTo: 64 * 1024) {
        case .processed(let bytes)? where !bytes.isEmpty:
            decoder.feed(bytes)
            while !closed, let frame = try? decoder.next() { peer.receive(frame.payload, on: self) }
        case .wouldBlock?:
            return
        default:
            peer.closeConnection(self)
        }
    }

    /// Best effort, like a careless peer: what the socket does not take at once is dropped
    /// (tests write at most a few kilobytes).
    func write(_ bytes: [UInt8]) {
        guard !closed else { return }
        var offset = 0
        _ = socket.drain(bytes, from: &offset)
    }

    func close() {
        guard !closed else { return }
        closed = true
        if let registration { peer.eventLoop.deregister(registration) }
        socket.close()
    }
}
