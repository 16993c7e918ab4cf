import Foundation
import Synchronization
import TwofoldProcess
import TwofoldSMS
import TwofoldSystem
import TwofoldWire

/// A fresh folder under /tmp (short, so socket paths stay under 108 bytes), removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = "/tmp/sms-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    var outboxPath: String { path + "/" + Outbox.fileName }

    func contents() throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: outboxPath))) }

    /// The outbox's lines, each decoded (nil for a line that is not a record).
    func records() throws -> [OutboxRecord?] {
        try contents().split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
            .map { OutboxRecord(line: $0) }
    }

    func write(_ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: outboxPath)) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A wall clock the test sets; starts at 2026-11-29T03:39:39.123Z.
final class TestWallClock: Sendable {
    let millis = Atomic<Int64>(1_795_923_579_123)
    var now: @Sendable () -> Int64 { { [self] in millis.load(ordering: .relaxed) } }
}

func message(_ id: String, to: String = "+14155552671", text: String = "Your code is 123456") throws -> OutboxMessage {
    try OutboxMessage.validated(id: id, to: to, text: text)
}

func quietLogger(_ sink: LogSink = .memory()) -> Logger { Logger(label: "test", minimumLevel: .trace, sink: sink) }

/// Calls `service.handle` and waits for its one answer.
func call(_ service: SMSService, _ operation: String, _ args: [String: JSONValue] = [:], id: RequestID = 7) async
    -> WireResponse
{
    let peer = PeerCredentials(processID: 1, userID: SystemInfo.userID, groupID: SystemInfo.groupID)
    return await withCheckedContinuation { continuation in
        service.handle(WireRequest(id: id, operation: operation, args: args), peer: peer) {
            continuation.resume(returning: $0)
        }
    }
}

func sendArgs(id: String = "m1", to: String = "+14155552671", text: String = "Your code is 123456") -> [String:
    JSONValue]
{
    ["id": .string(id), "to": .string(to), "text": .string(text)]
}

extension WireResponse {
    var result: [String: JSONValue]? {
        if case .success(let result) = outcome { return result }
        return nil
    }

    var error: WireErrorPayload? {
        if case .failure(let error) = outcome { return error }
        return nil
    }
}

/// A 1 MiB tmpfs for one test, or nil (the test then says it skipped) unless running as root.
final class SmallTmpfs {
    let path: String

    init?() {
        guard getuid() == 0 else { return nil }
        path = "/tmp/sms-fs-" + UUID().uuidString.prefix(8).lowercased()
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", path]) == 0 else { return nil }
    }

    /// Writes a filler file until the filesystem is full.
    func fill() {
        let fd = open(path + "/filler", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0xFF, count: 4096)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        var one: UInt8 = 0xFF
        while write(fd, &one, 1) > 0 {}
    }

    func free() { try? FileManager.default.removeItem(atPath: path + "/filler") }

    deinit {
        _ = Self.run("/bin/umount", ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }

    private static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
