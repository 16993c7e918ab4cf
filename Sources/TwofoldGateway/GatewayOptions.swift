import Foundation
import TwofoldHTTPServer
import TwofoldProcess
import TwofoldSystem

/// The `auth-gateway` command line, resolved and checked.
public struct GatewayOptions: Sendable {
    public var listen: SocketAddress
    public var vaultSocket: String
    public var loops: Int
    public var workers: Int
    public var workerQueue: Int
    public var maxConnections: Int
    public var timeouts: HTTPServer.Timeouts
    public var shutdownGrace: Duration
    public var logLevel: Logger.Level
    public var accessLog: Bool

    static var cores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    public static let parser = CommandLineParser(
        command: "auth-gateway",
        summary: "Serves Twofold's web front end over HTTP; asks secret-vault for everything secret.",
        options: [
            .value(
                "listen", placeholder: "ADDRESS", environment: "TWOFOLD_GATEWAY_LISTEN", default: "127.0.0.1:8080",
                help: "Where to listen: HOST:PORT, [IPV6]:PORT or unix:/PATH."),
            .value(
                "vault-socket", placeholder: "PATH", environment: "TWOFOLD_VAULT_SOCKET",
                default: "/run/twofold-vault/vault.sock", help: "The secret-vault's Unix socket."),
            .value(
                "loops", placeholder: "N", environment: "TWOFOLD_GATEWAY_LOOPS",
                help: "Event loop threads (default: one per core)."),
            .value(
                "workers", placeholder: "N", environment: "TWOFOLD_GATEWAY_WORKERS",
                help: "Worker threads for password hashing (default: one per core)."),
            .value(
                "worker-queue", placeholder: "N", default: "64",
                help: "Jobs that may wait for a worker before requests get 503."),
            .value(
                "max-connections", placeholder: "N", default: "4096",
                help: "Open connections beyond which new ones get 503."),
            .value("header-timeout", placeholder: "DURATION", default: "10s", help: "Time to receive a request head."),
            .value(
                "body-timeout", placeholder: "DURATION", default: "10s", help: "Longest pause inside a request body."),
            .value("idle-timeout", placeholder: "DURATION", default: "60s", help: "Keep-alive idle time."),
            .value("write-timeout", placeholder: "DURATION", default: "10s", help: "Longest stall writing a response."),
            .value(
                "shutdown-grace", placeholder: "DURATION", default: "10s",
                help: "Time for requests in flight to finish on SIGTERM/SIGINT."),
            .value(
                "log-level", placeholder: "LEVEL", environment: "TWOFOLD_LOG_LEVEL", default: "info",
                help: "trace, debug, info, notice, warning, error or critical."),
            .flag("no-access-log", help: "Do not log one line per request."),
        ])

    public init(_ parsed: ParsedOptions) throws(ProcessError) {
        do {
            listen = try SocketAddress(parsing: try parsed.require("listen"))
        } catch let error as ProcessError {
            throw error
        } catch {
            throw .invalidValue("listen", expected: "HOST:PORT, [IPV6]:PORT or unix:/PATH")
        }
        vaultSocket = try parsed.require("vault-socket")
        loops = try parsed.int("loops", in: 1...256) ?? Self.cores
        workers = try parsed.int("workers", in: 1...256) ?? Self.cores
        workerQueue = try parsed.int("worker-queue", in: 0...100_000) ?? 64
        maxConnections = try parsed.int("max-connections", in: 1...1_000_000) ?? 4096
        var timeouts = HTTPServer.Timeouts()
        timeouts.requestHead = try parsed.duration("header-timeout") ?? timeouts.requestHead
        timeouts.bodyRead = try parsed.duration("body-timeout") ?? timeouts.bodyRead
        timeouts.idle = try parsed.duration("idle-timeout") ?? timeouts.idle
        timeouts.write = try parsed.duration("write-timeout") ?? timeouts.write
        self.timeouts = timeouts
        shutdownGrace = try parsed.duration("shutdown-grace") ?? .seconds(10)
        guard let level = Logger.Level(name: try parsed.require("log-level")) else {
            throw .invalidValue("log-level", expected: "trace, debug, info, notice, warning, error or critical")
        }
        logLevel = level
        accessLog = !parsed.flag("no-access-log")
    }
}
