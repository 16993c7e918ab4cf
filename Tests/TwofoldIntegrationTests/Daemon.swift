import Foundation
import TwofoldIPC
import TwofoldSystem
import TwofoldTestSupport
import TwofoldWire

enum DaemonError: Error, CustomStringConvertible {
    case didNotStart(String, String)

    var description: String {
        switch self {
        case .didNotStart(let name, let log): "\(name) did not start:\n\(log)"
        }
    }
}

/// A temporary folder removed when the test ends.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "twofold-it-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// One running daemon binary with its stderr captured to a file.
final class Daemon: @unchecked Sendable {
    let name: String
    let process = Process()
    let logPath: String
    let socketPath: String

    init(_ name: String, arguments: [String], socketPath: String, logPath: String, prefix: [String] = []) throws {
        self.name = name
        self.socketPath = socketPath
        self.logPath = logPath
        let binary = try BuiltProduct.path(name)
        if prefix.isEmpty {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: prefix[0])
            process.arguments = Array(prefix.dropFirst()) + [binary] + arguments
        }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardError = log
        process.standardOutput = log
        try process.run()
        try waitForSocket()
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    private func waitForSocket() throws {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if log.contains("\"msg\":\"ready\"") { return }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw DaemonError.didNotStart(name, log)
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill9() } }
}

/// A wire client on its own loop, with a synchronous `call` for tests.
final class TestClient: @unchecked Sendable {
    let loop: EventLoop
    let client: WireClient

    init(path: String, timeout: Duration = .seconds(5)) throws {
        loop = try EventLoop(name: "test-client")
        try loop.start()
        var configuration = WireClient.Configuration(path: path)
        configuration.timeout = timeout
        client = WireClient(configuration: configuration, loop: loop)
    }

    func call(_ op: String, _ args: [String: JSONValue] = [:], key: String? = nil) -> Result<WireResponse, WireError> {
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        client.call(op, args: args, idempotencyKey: key.flatMap(IdempotencyKey.init)) { result in
            box.result = result
            done.signal()
        }
        done.wait()
        return box.result!
    }

    /// The result object of a successful call, or nil with the error code.
    func result(_ op: String, _ args: [String: JSONValue] = [:], key: String? = nil) -> (
        fields: [String: JSONValue]?, error: String?
    ) {
        switch call(op, args, key: key) {
        case .success(let response):
            switch response.outcome {
            case .success(let fields): return (fields, nil)
            case .failure(let payload): return (nil, payload.code)
            }
        case .failure(let error): return (nil, "local:" + error.code)
        }
    }

    deinit {
        client.close()
        loop.shutdownGracefully()
    }

    private final class Box: @unchecked Sendable { var result: Result<WireResponse, WireError>? }
}

extension JSONValue {
    var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    var intValue: Int64? { if case .integer(let value) = self { value } else { nil } }
    var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
}

/// Writes a fresh 32-byte master key with mode 0600.
func writeMasterKey(in directory: String) throws -> String {
    let path = directory + "/master-key"
    var key = [UInt8](repeating: 0, count: 32)
    for index in key.indices { key[index] = UInt8.random(in: 0...255) }
    _ = FileManager.default.createFile(atPath: path, contents: Data(key), attributes: [.posixPermissions: 0o600])
    return path
}

/// Raw frames over a plain socket, for malformed-input tests the client cannot produce.
final class RawConnection {
    let socket: Socket

    init(path: String) throws {
        socket = try Socket.connect(to: .unix(path: path), timeout: .seconds(2))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            if case .processed(let written) = try socket.write(Array(bytes[offset...])) { offset += written }
        }
    }

    /// Reads one frame's JSON, or nil if the server closed the connection.
    func receiveFrame(timeout: TimeInterval = 5) throws -> [String: Any]? {
        var buffer: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if buffer.count >= 4 {
                let length = Int(buffer[0]) << 24 | Int(buffer[1]) << 16 | Int(buffer[2]) << 8 | Int(buffer[3])
                if buffer.count >= 4 + length {
                    return try JSONSerialization.jsonObject(with: Data(buffer[4..<(4 + length)])) as? [String: Any]
                }
            }
            switch try socket.read(upTo: 65536) {
            case .processed(let bytes) where bytes.isEmpty: return nil
            case .processed(let bytes): buffer += bytes
            case .wouldBlock: Thread.sleep(forTimeInterval: 0.005)
            }
        }
        return nil
    }

    /// True once the server has closed its end.
    func isClosedByPeer(timeout: TimeInterval = 5) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            switch try socket.read(upTo: 65536) {
            case .processed(let bytes) where bytes.isEmpty: return true
            case .processed: continue
            case .wouldBlock: Thread.sleep(forTimeInterval: 0.005)
            }
        }
        return false
    }

    static func frame(_ json: String) -> [UInt8] { frame(Array(json.utf8)) }

    static func frame(_ payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            + payload
    }
}
