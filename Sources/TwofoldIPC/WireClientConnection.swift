import TwofoldSystem
import TwofoldWire

/// One connection of a `WireClient`: its socket, the bytes waiting to be written, and the calls
/// outstanding on it. Confined to the client's loop thread like `WireClientCore`, which drives
/// it; once closed it is never used again (a new connection is a new object), so a late event or
/// timer for it can only find `closed` set.
///
/// Not `Sendable`: touched on the client's loop thread only (see `WireClientCore`).
final class WireClientConnection {

    struct Pending {
        let completion: @Sendable (Result<WireResponse, WireError>) -> Void
        let timer: ScheduledTask
        /// Where this call's frame ends in the connection's output, counted from its first byte:
        /// once `writtenTotal` reaches it, the server may have received (and run) the request.
        let frameEnd: UInt64
    }

    let socket: Socket
    var registration: EventLoop.Registration?
    var connected: Bool
    var decoder: FrameDecoder
    var pending: [UInt64: Pending] = [:]
    private(set) var closed = false
    private(set) var lastActivity: Deadline
    var idleTimer: ScheduledTask?

    private var output: [UInt8] = []
    private var outputOffset = 0
    private var queuedTotal: UInt64 = 0
    /// Bytes handed to the kernel since the connection opened.
    private(set) var writtenTotal: UInt64 = 0

    init(socket: Socket, connected: Bool, maxFrameLength: Int, now: Deadline) {
        self.socket = socket
        self.connected = connected
        self.decoder = FrameDecoder(maxFrameLength: maxFrameLength)
        self.lastActivity = now
    }

    /// Bytes queued but not yet written.
    var queuedByteCount: Int { output.count - outputOffset }

    /// Nothing outstanding and nothing to write.
    var isIdle: Bool { pending.isEmpty && outputOffset == output.count }

    func noteActivity(at now: Deadline) { lastActivity = now }

    func enqueue(
        _ frame: [UInt8], for id: UInt64, completion: @escaping @Sendable (Result<WireResponse, WireError>) -> Void,
        timer: ScheduledTask
    ) {
        output.append(contentsOf: frame)
        queuedTotal += UInt64(frame.count)
        pending[id] = Pending(completion: completion, timer: timer, frameEnd: queuedTotal)
    }

    /// Writes what the socket takes.
    func drain() -> Socket.DrainOutcome {
        let before = outputOffset
        let outcome = socket.drain(output, from: &outputOffset)
        writtenTotal += UInt64(outputOffset - before)
        switch outcome {
        case .drained:
            output.removeAll(keepingCapacity: output.capacity <= 1 << 16)
            outputOffset = 0
        case .wouldBlock where outputOffset >= 1 << 16 && outputOffset >= output.count / 2:
            output.removeSubrange(0..<outputOffset)
            outputOffset = 0
        case .wouldBlock, .failed:
            break
        }
        return outcome
    }

    /// Marks the connection closed and hands back its outstanding calls (to be failed by the
    /// caller, after it has finished with the connection). The caller closes the socket.
    func close() -> [UInt64: Pending] {
        closed = true
        idleTimer?.cancel()
        idleTimer = nil
        output = []
        outputOffset = 0
        defer { pending = [:] }
        return pending
    }
}
