import Foundation
import Testing
import TwofoldSystem
import TwofoldTestSupport

/// Runs the built `auth-gateway` executable.
@Suite(.serialized) struct AuthGatewayBinaryTests {
    /// The built `auth-gateway` (see `BuiltProduct`).
    static func executable() throws -> URL { try BuiltProduct.url("auth-gateway") }

    static func launch(_ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        return (process, errors)
    }

    static func waitForExit(_ process: Process, seconds: Double = 10) -> Bool {
        eventually(seconds: seconds) { !process.isRunning }
    }

    @Test func sigterm_afterServingWithNoVault_shutsDownGracefullyWithStatus0() throws {
        let socket = temporarySocketPath("gw")
        let (process, errors) = try Self.launch([
            "--listen", "unix:\(socket)", "--vault-socket", temporarySocketPath("novault"), "--loops", "2",
            "--data-dir", FileManager.default.temporaryDirectory.appendingPathComponent("gw-\(UUID().uuidString)").path,
            "--admin-socket", temporarySocketPath("admin"),
        ])
        defer { if process.isRunning { process.terminate() } }
        #expect(eventually(seconds: 10) { FileManager.default.fileExists(atPath: socket) })
        let client = try TestClient(.unix(path: socket))
        try client.get("/healthz")
        let response = try client.readResponse()
        #expect(response.status == 503)
        #expect(response.text.contains("\"vault\":\"down\""))

        kill(process.processIdentifier, SIGTERM)
        #expect(Self.waitForExit(process))
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("\"path\":\"/healthz\""))
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    @Test func help_printsTheOptionsAndExits0() throws {
        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = ["--help"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        for option in ["--listen", "--vault-socket", "--loops", "--workers", "--log-level"] {
            #expect(text.contains(option))
        }
    }

    @Test func invalidListenAddress_isAUsageError() throws {
        let (process, errors) = try Self.launch(["--listen", "localhost:80"])
        #expect(Self.waitForExit(process))
        #expect(process.terminationStatus == 64)
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains("auth-gateway:"))
    }
}
