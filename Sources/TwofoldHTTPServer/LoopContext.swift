import TwofoldSystem

/// What the server keeps per event loop, touched only on that loop's thread: the connections it
/// owns, the date cache and one read buffer shared by all its connections (a read is consumed
/// before the next one starts, so no connection needs its own).
final class LoopContext: @unchecked Sendable {
    // @unchecked: every mutable member is used on `loop`'s thread only.
    let loop: EventLoop
    let server: HTTPServerCore
    var dateCache = DateCache()
    var connections: [ObjectIdentifier: HTTPServerConnection] = [:]
    let readBuffer: UnsafeMutableRawBufferPointer

    static let readBufferSize = 64 * 1024

    init(loop: EventLoop, server: HTTPServerCore) {
        self.loop = loop
        self.server = server
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
    }

    deinit { readBuffer.deallocate() }

    /// Takes over an accepted socket on this loop (or closes it if the server is shutting down).
    func adopt(_ socket: Socket) {
        guard !server.isShuttingDown else {
            socket.close()
            server.connectionClosed()
            return
        }
        do {
            let connection = try HTTPServerConnection(socket: socket, context: self)
            connections[ObjectIdentifier(connection)] = connection
        } catch {
            socket.close()
            server.connectionClosed()
        }
    }

    /// Asks every connection on this loop to finish its current response and close.
    func drainAll() {
        for connection in Array(connections.values) { connection.drain() }
    }

    /// Closes every connection on this loop now.
    func closeAll() {
        for connection in Array(connections.values) { connection.close() }
    }
}
