import Foundation
import TwofoldSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A deliberately plain blocking Unix-socket client and echo server, written straight on Glibc:
/// the baseline must not share code with the system under test, or it would not measure the limit.
final class RawSocketClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard status == 0 else { throw BenchError("connect \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written <= 0 {
                if errno == EINTR { continue }
                fatalError("write failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Reads one length-prefixed frame's payload.
    func receiveFrame() -> [UInt8] {
        while true {
            if buffer.count >= 4 {
                let length = Int(buffer[0]) << 24 | Int(buffer[1]) << 16 | Int(buffer[2]) << 8 | Int(buffer[3])
                if buffer.count >= 4 + length {
                    let payload = Array(buffer[4..<(4 + length)])
                    buffer.removeFirst(4 + length)
                    return payload
                }
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 {
                if count < 0, errno == EINTR { continue }
                fatalError("connection closed by the server")
            }
            buffer += chunk[0..<count]
        }
    }

    static func frame(_ payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            + payload
    }
}

/// The physical-limit baseline: a thread per connection echoing every byte back, blocking I/O.
enum RawEchoServer {
    static func start(path: String) throws {
        unlink(path)
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw BenchError("echo server cannot listen") }
        try SystemThread.detach(name: "echo-accept") {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { continue }
                try? SystemThread.detach(name: "echo-client") {
                    var chunk = [UInt8](repeating: 0, count: 65536)
                    while true {
                        let count = chunk.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
                        if count <= 0 { break }
                        var offset = 0
                        while offset < count {
                            let written = chunk[offset..<count].withUnsafeBytes {
                                write(client, $0.baseAddress, $0.count)
                            }
                            if written <= 0 { break }
                            offset += written
                        }
                    }
                    close(client)
                }
            }
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
