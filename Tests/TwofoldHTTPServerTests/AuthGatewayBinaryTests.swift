import Foundation
import Testing
import TwofoldSystem

/// Runs the built `auth-gateway` executable.
@Suite(.serialized) struct AuthGatewayBinaryTests {
    static func executable() throws -> URL {
        var candidates: [URL] = []
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(testBinary.deletingLastPathComponent().appendingPathComponent("auth-gateway"))
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.appendingPathComponent("auth-gateway"))
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("auth-gateway"))
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/auth-gateway"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw ClientError(description: "auth-gateway not found (run `swift build`)")
        }
        return found
    }

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
