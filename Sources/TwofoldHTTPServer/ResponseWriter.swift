import Synchronization
import TwofoldHTTP
import TwofoldSystem

/// The one-shot way back to the client for one request. `respond` may be called from any
/// thread; the response is serialized on the connection's loop. Only the first call counts.
///
/// A writer dropped without an answer (a handler bug) answers 500 itself, so a connection can
/// never hang waiting for a response that will not come.
public final class ResponseWriter: Sendable {
    private let connection: LoopBound<HTTPServerConnection>
    private let serial: UInt64
    private let responded = Atomic<Bool>(false)

    /// Made on the connection's loop thread.
    init(connection: HTTPServerConnection, loop: EventLoop, serial: UInt64) {
        self.connection = LoopBound(connection, loop: loop)
        self.serial = serial
    }

    /// Whether `respond` has been called.
    public var hasResponded: Bool { responded.load(ordering: .acquiring) }

    /// Sends `response` (with the server's security headers added). Returns false, doing
    /// nothing, if this writer already responded.
    @discardableResult
    public func respond(_ response: HTTPResponse) -> Bool {
        guard responded.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return false }
        Self.deliver(response, serial: serial, to: connection)
        return true
    }

    private static func deliver(
        _ response: HTTPResponse, serial: UInt64, to connection: LoopBound<HTTPServerConnection>
    ) {
        if connection.loop.inEventLoop {
            connection.value.complete(serial: serial, response: response)
        } else {
            connection.loop.execute { connection.value.complete(serial: serial, response: response) }
        }
    }

    deinit {
        guard !responded.load(ordering: .acquiring) else { return }
        let (connection, serial) = (self.connection, self.serial)
        // Never synchronously: the writer may be released in the middle of the connection's own code.
        connection.loop.execute { connection.value.completeWithoutAnswer(serial: serial) }
    }
}
