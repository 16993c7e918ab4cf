import TwofoldSystem

/// What the server keeps per event loop, touched only on that loop's thread: the connections it
/// owns, the date cache and one read buffer shared by all its connections (a read is consumed
/// before the next one starts, so no connection needs its own).
///
/// Not `Sendable`: the server holds each as a `LoopBound`, which checks the loop thread on access.
final class LoopContext {
    let loop: EventLoop
    let server: HTTPServerCore
    var dateCache = DateCache()
    var connections: [ObjectIdentifier: HTTPServerConnection] = [:]
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Refusals over the per-address limit since the last log line about them.
    private var refusedOverAddressLimit = 0
    private var nextAddressLimitLog = Deadline(nanoseconds: 0)

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
        let remoteAddress = try? socket.remoteAddress()
        let key = HTTPServerCore.addressKey(for: remoteAddress)
        if let key, !server.reserveAddress(key) {
            refuseOverAddressLimit(socket)
            server.connectionClosed()
            return
        }
        do {
            let connection = try HTTPServerConnection(
                socket: socket, context: self, remoteAddress: remoteAddress, addressKey: key)
            connections[ObjectIdentifier(connection)] = connection
        } catch {
            socket.close()
            if let key { server.releaseAddress(key) }
            server.connectionClosed()
        }
    }

    /// Over the per-address limit: a fixed 429 (the client's own connections are the problem, so
    /// not the 503 of a full server), then close. Logged at most once a second per loop.
    private func refuseOverAddressLimit(_ socket: Socket) {
        server.refuse(
            socket,
            HTTPServer.ErrorReply(
                status: .tooManyRequests, code: "http.too_many_connections_from_address",
                message: "Too many connections from your address; close some and try again.", path: nil))
        refusedOverAddressLimit += 1
        let now = loop.clock.now()
        if now >= nextAddressLimitLog {
            server.logger.warning(
                "connections refused: per-address limit reached",
                [
                    "limit": .integer(server.configuration.maxConnectionsPerAddress),
                    "refused": .integer(refusedOverAddressLimit),
                ])
            refusedOverAddressLimit = 0
            nextAddressLimitLog = now + .seconds(1)
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
