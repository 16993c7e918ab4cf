import Foundation
import Synchronization
import TwofoldIPC
import TwofoldSystem
import TwofoldTestSupport
import TwofoldWire

/// The real `sms-sender` binary run as a child on a temporary socket and data folder, with a
/// `WireClient` to talk to it.
final class SenderProcess {
    let process = Process()
    let socketPath: String
    private let stderr = Pipe()
    private let collected = Collected()

    final class Collected: Sendable {
        let data = Mutex(Data())
        let done = DispatchSemaphore(value: 0)
    }

    /// The built `sms-sender` (see `BuiltProduct`).
    static func executable() throws -> URL { try BuiltProduct.url("sms-sender") }

    struct SetupError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs the binary with `arguments` as is (for usage tests) and returns status and output.
    static func runToExit(_ arguments: [String], environment: [String: String] = [:]) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.environment = environment
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    /// Starts the daemon and waits (up to 10 s) until its socket accepts connections.
    init(folder: TemporaryFolder, extraArguments: [String] = []) throws {
        socketPath = folder.path + "/sms.sock"
        process.executableURL = try Self.executable()
        process.arguments = ["--socket", socketPath, "--data-dir", folder.path + "/data"] + extraArguments
        process.environment = [:]
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let handle = stderr.fileHandleForReading
        Thread.detachNewThread { [collected] in
            let data = handle.readDataToEndOfFile()
            collected.data.withLock { $0 = data }
            collected.done.signal()
        }
        let limit = Date().addingTimeInterval(10)
        while Date() < limit {
            if let socket = try? Socket.connect(to: .unix(path: socketPath), timeout: .milliseconds(200)) {
                socket.close()
                return
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        process.terminate()
        throw SetupError("sms-sender did not start serving: \(finish().log)")
    }

    var outboxPath: String { URL(fileURLWithPath: socketPath).deletingLastPathComponent().path + "/data/outbox.jsonl" }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for exit; returns the status, whether it was a signal, and the log written to stderr.
    func finish() -> (status: Int32, signalled: Bool, log: String) {
        process.waitUntilExit()
        collected.done.wait()
        let log = String(decoding: collected.data.withLock { $0 }, as: UTF8.self)
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, log)
    }
}

/// A `WireClient` on its own started event loop.
final class TestClient {
    let loop: EventLoop
    let client: WireClient

    init(path: String) throws {
        loop = try EventLoop(name: "test-client")
        try loop.start()
        client = WireClient(configuration: .init(path: path), loop: loop)
    }

    func call(_ operation: String, _ args: [String: JSONValue] = [:]) async throws -> WireResponse {
        try await client.call(operation, args: args, timeout: .seconds(5)).get()
    }

    func close() {
        client.close()
        loop.shutdownGracefully()
    }
}
