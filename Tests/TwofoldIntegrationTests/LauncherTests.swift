import Foundation
import Testing
import TwofoldSystem
import TwofoldTestSupport

/// `twofold up` (the README's run command) brings the three daemons up, serves the gateway, and
/// stops everything on Ctrl-C.
@Suite(.serialized) struct LauncherTests {
    @Test func up_startsAllThree_servesHealthz_andStopsOnSIGINT() throws {
        let directory = try TemporaryDirectory()
        let port = 20_000 + Int(getpid() % 20_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuiltProduct.path("twofold"))
        process.arguments = [
            "up", "--data", directory.path + "/data", "--listen", "127.0.0.1:\(port)", "--scrypt-log-n", "10",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = LockedText()
        output.fileHandleForReading.readabilityHandler = { handle in text.append(handle.availableData) }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !text.value.contains("Twofold is running."), process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(text.value.contains("Twofold is running."), "launcher output:\n\(text.value)")
        #expect(text.value.contains("generated a new vault master key"))
        let key = try FileManager.default.attributesOfItem(atPath: directory.path + "/data/master-key")
        #expect((key[.posixPermissions] as? Int) == 0o600)

        let health = try httpGet(port: port, path: "/healthz")
        #expect(health.hasPrefix("HTTP/1.1 200"))
        #expect(health.contains("\"vault\":\"up\""))

        // The demo invite is printed, and its link opens the sign-up page.
        let invite = try #require(
            text.value.split(separator: "\n").first { $0.contains("Invite link:") }, "launcher output:\n\(text.value)")
        let path = try #require(invite.range(of: "/invite/")).lowerBound
        #expect(text.value.contains("Temporary password:"))
        let signUp = try httpGet(port: port, path: String(invite[path...]).trimmingCharacters(in: .whitespaces))
        #expect(signUp.hasPrefix("HTTP/1.1 200"))
        #expect(signUp.contains("name=\"temporary_password\""))

        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        // The handler reads on its own queue, so the last line can still be in the pipe when the
        // process has exited; removing the handler at once would drop it (seen under load).
        let stopDeadline = Date().addingTimeInterval(10)
        while Date() < stopDeadline, !text.value.contains("twofold: stopped") {
            Thread.sleep(forTimeInterval: 0.05)
        }
        output.fileHandleForReading.readabilityHandler = nil
        #expect(process.terminationStatus == 0)
        #expect(text.value.contains("twofold: stopped"))
    }
}

final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ more: Data) { lock.withLock { data.append(more) } }
    var value: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

/// One plain HTTP/1.1 GET over a real socket (Foundation's URL loading is not on this platform).
func httpGet(port: Int, path: String) throws -> String {
    let socket = try Socket.connect(to: .ipv4(host: "127.0.0.1", port: UInt16(port)), timeout: .seconds(5))
    defer { socket.close() }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
    var offset = 0
    while offset < request.count {
        if case .processed(let written) = try socket.write(Array(request[offset...])) { offset += written }
    }
    var response: [UInt8] = []
    let deadline = Date().addingTimeInterval(5)
    while Date() < deadline {
        switch try socket.read(upTo: 65536) {
        case .processed(let bytes) where bytes.isEmpty: return String(decoding: response, as: UTF8.self)
        case .processed(let bytes): response += bytes
        case .wouldBlock: Thread.sleep(forTimeInterval: 0.005)
        }
    }
    return String(decoding: response, as: UTF8.self)
}

/// Every flag a unit file passes must be one its daemon accepts: a unit with a flag the binary
/// rejects would fail at every start (systemd-analyze verify cannot see this).
@Test(arguments: [
    ("twofold-vault.service", "secret-vault"), ("twofold-sms.service", "sms-sender"),
    ("twofold-gateway.service", "auth-gateway"),
])
func unitFile_passesOnlyFlagsItsDaemonAccepts(unit: String, product: String) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let text = try String(contentsOf: root.appendingPathComponent("deploy/systemd/\(unit)"), encoding: .utf8)
    let joined = text.replacingOccurrences(of: "\\\n", with: " ")
    let execStart = try #require(joined.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
    let flags = execStart.split(separator: " ").filter { $0.hasPrefix("--") }.map(String.init)
    #expect(!flags.isEmpty)
    let help = Process()
    help.executableURL = URL(fileURLWithPath: try BuiltProduct.path(product))
    help.arguments = ["--help"]
    let pipe = Pipe()
    help.standardOutput = pipe
    try help.run()
    let usage = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    help.waitUntilExit()
    for flag in flags {
        #expect(
            usage.contains("\(flag) ") || usage.contains("\(flag)\n"),
            "\(unit) passes \(flag), which \(product) does not list")
    }
}
