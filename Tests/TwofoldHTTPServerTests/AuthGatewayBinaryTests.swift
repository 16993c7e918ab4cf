import Foundation
import Testing
import TwofoldSystem
import TwofoldTestSupport

/// A child process whose output is an event a test awaits: its stdout and stderr go into a socket
/// watched by the test client loop (no Foundation readability handler, no blocking read), and
/// its exit status is read off the concurrency pool once its output has ended.
final class ChildProcess: Sendable {
    private let process: Process
    private let output: OutputReader

    init(_ executable: URL, _ arguments: [String]) async throws {
        let (ours, theirs) = try Socket.pair()
        let handle = FileHandle(fileDescriptor: theirs.descriptor.rawValue, closeOnDealloc: false)
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardError = handle
        process.standardOutput = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        theirs.close()  // the child has its copy: our end sees EOF when the child's is closed
        let loop = try TestClientLoop.shared()
        output = try await loop.submit { try OutputReader(loop: loop, socket: ours) }
    }

    /// Everything written to stdout and stderr so far.
    var text: String {
        get async throws { try await output.loop.submit { [output] in String(decoding: output.bytes, as: UTF8.self) } }
    }

    /// Waits until the output contains `needle` (or ends: check `text` after).
    func waitForOutput(_ needle: String) async {
        let bytes = Array(needle.utf8)
        await output.wait { $0.ended || $0.bytes.firstRange(of: bytes) != nil }
    }

    /// Waits for the end of the output, then for the exit; returns the reason and status.
    func waitForExit() async throws -> (reason: Process.TerminationReason, status: Int32) {
        await output.wait { $0.ended }
        let process = self.process
        return try await offThePool {
            process.waitUntilExit()
            return (process.terminationReason, process.terminationStatus)
        }
    }

    var processIdentifier: Int32 { process.processIdentifier }

    func terminateIfRunning() {
        if process.isRunning { process.terminate() }
    }
}

/// Collects a socket's bytes until end of stream, on the test client loop.
final class OutputReader: @unchecked Sendable {
    // @unchecked: every member is touched on `loop`'s thread only.
    let loop: EventLoop
    private let socket: Socket
    private var registration: EventLoop.Registration?
    private(set) var bytes: [UInt8] = []
    private(set) var ended = false
    private var waiters: [(ready: (OutputReader) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []

    init(loop: EventLoop, socket: Socket) throws(SystemError) {
        self.loop = loop
        self.socket = socket
        registration = try loop.register(socket.descriptor, interest: .readable) { [unowned self] _ in self.read() }
    }

    private func read() {
        switch try? socket.read(upTo: 65536) {
        case .wouldBlock?: return
        case .processed(let chunk)? where !chunk.isEmpty: bytes += chunk
        default:
            ended = true
            if let registration { loop.deregister(registration) }
            registration = nil
            socket.close()
        }
        let ready = waiters.filter { $0.ready(self) }
        waiters.removeAll { $0.ready(self) }
        for waiter in ready { waiter.continuation.resume() }
    }

    func wait(until ready: @escaping @Sendable (OutputReader) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.execute { [self] in
                if ready(self) { continuation.resume() } else { waiters.append((ready, continuation)) }
            }
        }
    }
}

/// Runs the built `auth-gateway` executable.
@Suite struct AuthGatewayBinaryTests {
    /// The built `auth-gateway` (see `BuiltProduct`).
    static func executable() throws -> URL { try BuiltProduct.url("auth-gateway") }

    static func dataDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gw-\(UUID().uuidString)").path
    }

    @Test func sigterm_afterServingWithNoVault_shutsDownGracefullyWithStatus0() async throws {
        let socket = temporarySocketPath("gw")
        let metricsSocket = temporarySocketPath("gw-metrics")
        let child = try await ChildProcess(
            try Self.executable(),
            [
                "--listen", "unix:\(socket)", "--vault-socket", temporarySocketPath("novault"), "--loops", "2",
                "--data-dir", Self.dataDirectory(), "--admin-socket", temporarySocketPath("admin"),
                "--metrics-listen", "unix:\(metricsSocket)",
            ])
        defer { child.terminateIfRunning() }
        await child.waitForOutput("\"msg\":\"ready\"")
        let client = try await TestClient.connect(.unix(path: socket))
        try await client.get("/healthz")
        let response = try await client.readResponse()
        #expect(response.status == 503)
        #expect(response.text.contains("\"vault\":\"down\""))
        let scraper = try await TestClient.connect(.unix(path: metricsSocket))
        try await scraper.get("/metrics")
        let metrics = try await scraper.readResponse()
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("twofold_http_requests_total{route=\"/healthz\",status=\"503\"} 1"))

        kill(child.processIdentifier, SIGTERM)
        let exit = try await child.waitForExit()
        #expect(exit.reason == .exit)
        #expect(exit.status == 0)
        #expect(try await child.text.contains("\"path\":\"/healthz\""))
        #expect(!FileManager.default.fileExists(atPath: socket))
        #expect(!FileManager.default.fileExists(atPath: metricsSocket))
    }

    @Test func help_printsTheOptionsAndExits0() async throws {
        let child = try await ChildProcess(try Self.executable(), ["--help"])
        let exit = try await child.waitForExit()
        let output = try await child.text
        #expect(exit.status == 0)
        for option in [
            "--listen", "--vault-socket", "--loops", "--workers", "--log-level", "--request-timeout",
            "--min-body-rate", "--max-connections-per-address", "--metrics-listen", "--benchmark-routes",
        ] {
            #expect(output.contains(option))
        }
    }

    @Test func invalidListenAddress_isAUsageError() async throws {
        let child = try await ChildProcess(try Self.executable(), ["--listen", "localhost:80"])
        let exit = try await child.waitForExit()
        #expect(exit.status == 64)
        #expect(try await child.text.contains("auth-gateway:"))
    }
}
