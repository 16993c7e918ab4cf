import Synchronization
import TwofoldHTTP
import TwofoldSystem

#if canImport(Glibc)
    import Glibc
#endif

/// What every loop of one server shares: its configuration, handler and logger, the count of
/// open connections (for the cap and the metrics) and the shutdown state. Any thread.
final class HTTPServerCore: Sendable {
    let configuration: HTTPServer.Configuration
    let handler: any HTTPHandler
    let logger: Logger
    /// The security fields, computed once.
    let securityFields: [HTTPField]

    private let open = Atomic<Int>(0)
    /// Open connections per client address key (see `addressKey(for:)`); only keys above zero.
    private let perAddress = Mutex<[String: Int]>([:])
    private let shuttingDown = Atomic<Bool>(false)
    private let waiters = Mutex<[CheckedContinuation<Void, Never>]>([])

    init(configuration: HTTPServer.Configuration, handler: any HTTPHandler, logger: Logger) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        securityFields = configuration.securityHeaders?.fields ?? []
    }

    /// The server's own answer for `reply`, shaped by `Configuration.errorResponse`.
    func errorResponse(_ reply: HTTPServer.ErrorReply) -> HTTPResponse {
        var response = configuration.errorResponse?(reply) ?? reply.plainText
        response.status = reply.status
        if reply.status == .serviceUnavailable || reply.status == .tooManyRequests,
            response.headers["Retry-After"] == nil
        {
            response.headers.set("Retry-After", "1")
        }
        return response
    }

    var openConnections: Int { open.load(ordering: .relaxed) }
    var isShuttingDown: Bool { shuttingDown.load(ordering: .acquiring) }

    /// Counts a new connection unless the cap is reached.
    func reserveConnection() -> Bool {
        let now = open.wrappingAdd(1, ordering: .relaxed).newValue
        if now <= configuration.maxConnections { return true }
        open.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    /// Called exactly once for each reserved connection, when it is closed.
    func connectionClosed() {
        let remaining = open.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue
        if remaining == 0 { resumeWaitersIfDrained() }
    }

    /// The per-address limit's key for a peer: an IPv4 address, the /64 prefix of an IPv6 one
    /// (one subscriber usually holds a whole /64), nil for Unix-socket peers or an unknown peer.
    static func addressKey(for address: SocketAddress?) -> String? {
        switch address {
        case .ipv4(let host, _)?: return host
        case .ipv6(let host, _)?:
            var bytes = in6_addr()
            guard inet_pton(AF_INET6, host, &bytes) == 1 else { return host }
            let prefix = withUnsafeBytes(of: &bytes) { Array($0.prefix(8)) }
            if prefix.allSatisfy({ $0 == 0 }) { return host }  // ::1 and IPv4-compatible forms
            return "v6:" + prefix.map { String($0, radix: 16) }.joined(separator: ":") + "/64"
        case .unix?, nil: return nil
        }
    }

    /// Counts a connection from `key` unless the per-address limit is reached.
    func reserveAddress(_ key: String) -> Bool {
        let limit = configuration.maxConnectionsPerAddress
        guard limit > 0 else { return true }
        return perAddress.withLock { counts in
            let current = counts[key] ?? 0
            guard current < limit else { return false }
            counts[key] = current + 1
            return true
        }
    }

    /// Called once for each connection whose address was reserved, when it is closed.
    func releaseAddress(_ key: String) {
        guard configuration.maxConnectionsPerAddress > 0 else { return }
        perAddress.withLock { counts in
            let remaining = (counts[key] ?? 1) - 1
            counts[key] = remaining > 0 ? remaining : nil
        }
    }

    /// Connections open from `key` now (for tests and diagnostics).
    func connectionCount(fromAddressKey key: String) -> Int { perAddress.withLock { $0[key] ?? 0 } }

    /// One best-effort write of the server's own answer for `reply` (with the security headers
    /// and `Connection: close`) on a connection that is then closed without being served.
    func refuse(_ socket: Socket, _ reply: HTTPServer.ErrorReply) {
        var bytes: [UInt8] = []
        var response = errorResponse(reply)
        for field in securityFields where !response.headers.contains(field.name) {
            response.headers.add(field.name, field.value)
        }
        response.serialize(
            into: &bytes, date: HTTPDate(secondsSince1970: SystemInfo.wallClockSeconds()).imfFixdate, keepAlive: false)
        _ = try? socket.write(bytes)
        socket.close()
    }

    func beginShutdown() {
        shuttingDown.store(true, ordering: .releasing)
    }

    /// Returns once no connection is open.
    func waitUntilNoConnections() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            waiters.withLock { $0.append(continuation) }
            resumeWaitersIfDrained()
        }
    }

    private func resumeWaitersIfDrained() {
        let ready = waiters.withLock { waiters -> [CheckedContinuation<Void, Never>] in
            guard open.load(ordering: .acquiring) == 0 else { return [] }
            defer { waiters = [] }
            return waiters
        }
        for waiter in ready { waiter.resume() }
    }
}
