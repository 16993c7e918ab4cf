import Foundation
import TwofoldDirectory
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
    public var maxConnectionsPerAddress: Int
    public var timeouts: HTTPServer.Timeouts
    public var shutdownGrace: Duration
    public var logLevel: Logger.Level
    public var accessLog: Bool
    public var dataDirectory: String
    public var adminSocket: String
    public var adminGroup: String?
    public var auditLog: String?
    public var auth: AuthSettings
    public var scryptLogN: Int
    public var passwordMinimumLength: Int
    public var passwordBlocklist: String?
    public var vaultTimeout: Duration
    /// How long ended invites stay listed before compaction drops them.
    public var inviteRetentionMs: Int64
    /// Rewrite the directory in the stored format of earlier builds and exit (rollback).
    public var rewriteFormat1: Bool
    /// Where `/metrics` is served; nil serves no metrics.
    public var metricsListen: SocketAddress?
    /// Serves `GET /bench/hello` on the public listener (for `scripts/bench-http.sh` only).
    public var benchmarkRoutes: Bool

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
            .value(
                "max-connections-per-address", placeholder: "N",
                help:
                    "Open connections from one client address (IPv4, or IPv6 /64) beyond which new ones get 429; 0: no limit (default 128, or 0 with --trust-proxy)."
            ),
            .value("header-timeout", placeholder: "DURATION", default: "10s", help: "Time to receive a request head."),
            .value(
                "request-timeout", placeholder: "DURATION", default: "30s",
                help: "Time to receive a whole request: head and body, after a 100 Continue too."),
            .value(
                "body-timeout", placeholder: "DURATION", default: "10s", help: "Longest pause inside a request body."),
            .value(
                "min-body-rate", placeholder: "BYTES", default: "1024",
                help: "Slowest request body accepted, in bytes per second after its first 5 s (0: no minimum)."),
            .value("idle-timeout", placeholder: "DURATION", default: "60s", help: "Keep-alive idle time."),
            .value("write-timeout", placeholder: "DURATION", default: "10s", help: "Longest stall writing a response."),
            .value(
                "shutdown-grace", placeholder: "DURATION", default: "10s",
                help: "Time for requests in flight to finish on SIGTERM/SIGINT."),
            .logLevel,
            .flag("no-access-log", help: "Do not log one line per request."),
            .value(
                "data-dir", placeholder: "PATH", environment: "TWOFOLD_GATEWAY_DATA_DIR",
                help: "Folder of the users, invites, accounts and sessions (required)."),
            .value(
                "admin-socket", placeholder: "PATH", environment: "TWOFOLD_ADMIN_SOCKET",
                default: "/run/twofold-gateway/admin.sock", help: "Unix socket of the operator's CLI (twofold)."),
            .value(
                "admin-group", placeholder: "NAME",
                help: "Group (primary or supplementary) allowed on the admin socket besides root."),
            .value(
                "public-url", placeholder: "URL", environment: "TWOFOLD_PUBLIC_URL", default: "http://127.0.0.1:8080",
                help: "Where users reach the gateway; forms must come from this origin; invite links use it."),
            .value("issuer", placeholder: "NAME", default: "Twofold", help: "Product name on the pages."),
            .flag(
                "trust-proxy",
                help:
                    "A reverse proxy on this host sets X-Forwarded-For: use it as the client address (throttling, audit)."
            ),
            .value(
                "scrypt-log-n", placeholder: "N", default: "17",
                help: "scrypt cost: N = 2^this (r=8, p=1). 17 is the ASVS/OWASP setting; lower only in tests."),
            .value("password-min-length", placeholder: "N", default: "12", help: "Shortest password accepted."),
            .value(
                "password-blocklist", placeholder: "FILE",
                help: "Extra passwords to refuse, one per line (added to the built-in 10,000)."),
            .value("invite-ttl", placeholder: "DURATION", default: "7d", help: "How long an invite link works."),
            .value(
                "invite-retention", placeholder: "DURATION", default: "30d",
                help: "How long used, revoked and expired invites stay listed before they are dropped."),
            .value("session-idle", placeholder: "DURATION", default: "30m", help: "Idle timeout of a session."),
            .value("session-absolute", placeholder: "DURATION", default: "12h", help: "Longest life of a session."),
            .value(
                "audit-log", placeholder: "FILE", help: "Security events as JSON lines (default: DATA-DIR/audit.jsonl)."
            ),
            .value(
                "vault-timeout", placeholder: "DURATION", default: "800ms",
                help: "Longest wait for the vault before answering 503."),
            .flag(
                "rewrite-format-1",
                help:
                    "Rewrite DATA-DIR/directory in the stored format of builds before the million-user directory "
                    + "(rollback, see deploy/README.md), then exit. The gateway must be stopped."),
            .value(
                "metrics-listen", placeholder: "ADDRESS",
                help:
                    "Serve GET /metrics (Prometheus text) here, e.g. 127.0.0.1:9464 (default: nowhere). Keep it local."),
            .flag(
                "benchmark-routes",
                help: "Serve GET /bench/hello, a fixed answer for HTTP benchmarks. Never in production."),
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
        // Behind the proxy of --trust-proxy every connection comes from the proxy's address.
        maxConnectionsPerAddress =
            try parsed.int("max-connections-per-address", in: 0...1_000_000) ?? (parsed.flag("trust-proxy") ? 0 : 128)
        var timeouts = HTTPServer.Timeouts()
        timeouts.requestHead = try parsed.duration("header-timeout") ?? timeouts.requestHead
        timeouts.request = try parsed.duration("request-timeout") ?? timeouts.request
        timeouts.bodyRead = try parsed.duration("body-timeout") ?? timeouts.bodyRead
        timeouts.minimumBodyRate = try parsed.int("min-body-rate", in: 0...1_000_000_000) ?? timeouts.minimumBodyRate
        timeouts.idle = try parsed.duration("idle-timeout") ?? timeouts.idle
        timeouts.write = try parsed.duration("write-timeout") ?? timeouts.write
        self.timeouts = timeouts
        shutdownGrace = try parsed.duration("shutdown-grace") ?? .seconds(10)
        logLevel = try parsed.logLevel()
        accessLog = !parsed.flag("no-access-log")
        dataDirectory = try parsed.require("data-dir")
        adminSocket = try parsed.require("admin-socket")
        adminGroup = parsed.string("admin-group")
        auditLog = parsed.string("audit-log")
        var auth = AuthSettings()
        auth.publicURL = try parsed.require("public-url")
        guard auth.publicURL.hasPrefix("http://") || auth.publicURL.hasPrefix("https://") else {
            throw .invalidValue("public-url", expected: "an http:// or https:// URL")
        }
        auth.issuer = try parsed.require("issuer")
        guard UserText.problem(auth.issuer, maximumBytes: 100) == nil else {
            throw .invalidValue("issuer", expected: "1 to 100 bytes of text without control or direction characters")
        }
        auth.trustProxy = parsed.flag("trust-proxy")
        auth.inviteLifetimeMs = Self.millis(try parsed.duration("invite-ttl") ?? .seconds(7 * 86_400))
        auth.sessionIdleMs = Self.millis(try parsed.duration("session-idle") ?? .seconds(1800))
        auth.sessionAbsoluteMs = Self.millis(try parsed.duration("session-absolute") ?? .seconds(43_200))
        self.auth = auth
        scryptLogN = try parsed.int("scrypt-log-n", in: 10...22) ?? 17
        passwordMinimumLength = try parsed.int("password-min-length", in: 8...64) ?? 12
        passwordBlocklist = parsed.string("password-blocklist")
        vaultTimeout = try parsed.duration("vault-timeout") ?? .milliseconds(800)
        inviteRetentionMs = Self.millis(try parsed.duration("invite-retention") ?? .seconds(30 * 86_400))
        rewriteFormat1 = parsed.flag("rewrite-format-1")
        metricsListen = try Self.address(parsed, "metrics-listen")
        benchmarkRoutes = parsed.flag("benchmark-routes")
    }

    /// An optional address option, checked like `--listen`.
    static func address(_ parsed: ParsedOptions, _ name: String) throws(ProcessError) -> SocketAddress? {
        guard let text = parsed.string(name) else { return nil }
        do {
            return try SocketAddress(parsing: text)
        } catch {
            throw .invalidValue(name, expected: "HOST:PORT, [IPV6]:PORT or unix:/PATH")
        }
    }

    static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
