import Synchronization
import TwofoldIPC
import TwofoldSystem
import TwofoldWire

/// The driver's connections, shared by every virtual user: a pool of idle HTTP keep-alive
/// connections to the gateway (one per iteration in flight, reused), one pipelined vault
/// connection per event loop, and one admin-socket connection. All I/O runs on a small
/// `EventLoopGroup`; the scenarios' tasks only wait for answers.
public final class LoadClients: Sendable {
    public let group: EventLoopGroup
    let gateway: SocketAddress?
    let httpTimeout: Duration
    private let idle = Mutex<[HTTPClientConnection]>([])
    private let vaults: [WireClient]
    let admin: WireClient?
    private let cursor = Atomic<Int>(0)
    /// Connections opened so far (for the summary).
    let connectionsOpened = Atomic<Int>(0)

    public init(
        loops: Int, gateway: SocketAddress?, vaultSocket: String?, adminSocket: String?, timeout: Duration
    ) throws(SystemError) {
        let group = try EventLoopGroup(loopCount: loops)
        self.group = group
        self.gateway = gateway
        httpTimeout = timeout
        vaults =
            vaultSocket.map { path in
                group.loops.map { loop in
                    var configuration = WireClient.Configuration(path: path)
                    configuration.timeout = timeout
                    return WireClient(configuration: configuration, loop: loop)
                }
            } ?? []
        admin = adminSocket.map { path in
            var configuration = WireClient.Configuration(path: path)
            configuration.timeout = timeout
            return WireClient(configuration: configuration, loop: group.loops[0])
        }
    }

    /// An idle connection to the gateway, or a new one on the next loop.
    func acquireConnection() throws(LoadError) -> HTTPClientConnection {
        guard let gateway else { throw .usage("this scenario needs --gateway") }
        if let connection = idle.withLock({ $0.popLast() }) { return connection }
        connectionsOpened.add(1, ordering: .relaxed)
        return HTTPClientConnection(loop: group.next(), address: gateway, timeout: httpTimeout)
    }

    func release(_ connection: HTTPClientConnection) {
        idle.withLock { $0.append(connection) }
    }

    /// Runs one request on a pooled connection.
    func send(_ request: HTTPClientRequest) async -> Result<HTTPExchange, LoadError> {
        let connection: HTTPClientConnection
        do {
            connection = try acquireConnection()
        } catch {
            return .failure(error)
        }
        let result = await connection.send(request)
        release(connection)
        return result
    }

    /// One vault call with loop-side timestamps, round-robin over the per-loop connections.
    func vaultCall(_ operation: String, args: [String: JSONValue]) async -> WireExchange {
        guard !vaults.isEmpty else {
            return WireExchange(result: .failure(.unavailable(retryAfterMs: 0)), sentAt: 0, completedAt: 0)
        }
        let ticket = UInt(bitPattern: cursor.wrappingAdd(1, ordering: .relaxed).oldValue)
        return await Self.call(vaults[Int(ticket % UInt(vaults.count))], operation, args)
    }

    /// One admin-socket call.
    func adminCall(_ operation: String, args: [String: JSONValue]) async -> WireExchange {
        guard let admin else {
            return WireExchange(result: .failure(.unavailable(retryAfterMs: 0)), sentAt: 0, completedAt: 0)
        }
        return await Self.call(admin, operation, args)
    }

    var hasVault: Bool { !vaults.isEmpty }

    private static func call(_ client: WireClient, _ operation: String, _ args: [String: JSONValue]) async
        -> WireExchange
    {
        let sentAt = SystemInfo.monotonicNanoseconds()
        return await withCheckedContinuation { continuation in
            client.call(operation, args: args) { result in
                continuation.resume(
                    returning: WireExchange(
                        result: result, sentAt: sentAt, completedAt: SystemInfo.monotonicNanoseconds()))
            }
        }
    }

    /// Closes every connection and stops the loops.
    public func shutdown() {
        for client in vaults { client.close() }
        admin?.close()
        for connection in idle.withLock({ $0 }) { connection.close() }
        group.shutdownGracefully()
    }
}

/// A vault or admin answer with its timestamps (monotonic ns).
struct WireExchange: Sendable {
    let result: Result<WireResponse, WireError>
    let sentAt: UInt64
    let completedAt: UInt64
}
