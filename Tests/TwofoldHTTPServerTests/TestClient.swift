import Foundation
import Glibc
import TwofoldSystem

/// A parsed response as a test sees it.
struct TestResponse {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

struct ClientError: Error, CustomStringConvertible {
    let description: String
}

/// A blocking HTTP/1.1 client over a real socket, reading with `poll` and explicit timeouts, so
/// a server bug fails the test instead of hanging it.
final class TestClient {
    let socket: Socket
    private var buffer: [UInt8] = []

    init(_ address: SocketAddress) throws {
        socket = try Socket.connect(to: address, timeout: .seconds(5))
    }

    deinit { socket.close() }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let result = try bytes.withUnsafeBytes { buffer in
                try socket.write(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
            }
            switch result {
            case .processed(let count): offset += count
            case .wouldBlock: try waitFor(Int16(POLLOUT), seconds: 5)
            }
        }
    }

    /// Sends a GET with the given path and extra header lines.
    func get(_ path: String, headers: [String] = [], version: String = "HTTP/1.1") throws {
        let extra = headers.map { $0 + "\r\n" }.joined()
        try send("GET \(path) \(version)\r\nHost: test\r\n\(extra)\r\n")
    }

    /// Reads one response (1xx responses included, as their own response).
    func readResponse(seconds: Double = 5, headRequest: Bool = false) throws -> TestResponse {
        let deadline = Date().addingTimeInterval(seconds)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffer.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound
            if headEnd == nil { try fill(until: deadline) }
        }
        let headText = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw ClientError(description: "bad status line in \(headText)")
        }
        let headers = lines.map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        buffer.removeFirst(headEnd!)
        let length =
            headRequest ? 0 : Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
        while buffer.count < length { try fill(until: deadline) }
        let body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return TestResponse(status: status, headers: headers, body: body)
    }

    /// Waits for the server to close the connection; true if it did within `seconds`. Bytes
    /// received meanwhile are kept for `readResponse`. A reset counts as closed.
    func waitForClose(seconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            do {
                try fill(until: deadline)
            } catch let error as ClientError where error.description == "closed" {
                return true
            } catch let error as SystemError where error.errno == ECONNRESET {
                return true
            } catch {
                return false
            }
        }
    }

    /// Whether a response's worth of bytes or more is already buffered.
    var bufferedByteCount: Int { buffer.count }

    private func fill(until deadline: Date) throws {
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { throw ClientError(description: "timed out") }
        try waitFor(Int16(POLLIN), seconds: remaining)
        switch try socket.read(upTo: 65536) {
        case .wouldBlock: return
        case .processed(let bytes):
            if bytes.isEmpty { throw ClientError(description: "closed") }
            buffer.append(contentsOf: bytes)
        }
    }

    private func waitFor(_ events: Int16, seconds: Double) throws {
        var poller = pollfd(fd: socket.descriptor.rawValue, events: events, revents: 0)
        let ready = poll(&poller, 1, Int32(max(1, seconds * 1000)))
        if ready == 0 { throw ClientError(description: "timed out") }
    }
}
