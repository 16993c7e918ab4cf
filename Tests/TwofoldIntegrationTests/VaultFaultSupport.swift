import Foundation
import TwofoldTestSupport
import TwofoldWire

/// What a daemon that was expected to refuse to start did: its exit status and its stderr.
struct RefusedStart {
    let status: Int32
    let output: String
}

/// Runs `secret-vault` on `directory`'s data folder, expecting it to exit on its own (a refused
/// start), and returns how. Blocks this synchronous test's own thread only.
func runVaultExpectingExit(_ directory: String, keyPath: String, extra: [String] = [], socketName: String = "vault")
    throws -> RefusedStart
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try BuiltProduct.path("secret-vault"))
    process.arguments =
        [
            "--socket", directory + "/\(socketName).sock", "--data-dir", directory + "/data", "--master-key-file",
            keyPath, "--sms-socket", directory + "/sms.sock",
        ] + extra
    let pipe = Pipe()
    process.standardError = pipe
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RefusedStart(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
}

/// Every byte of the files under `path`, by relative name.
func folderContents(_ path: String) throws -> [String: Data] {
    var contents: [String: Data] = [:]
    for name in try FileManager.default.subpathsOfDirectory(atPath: path) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory),
            !isDirectory.boolValue
        else { continue }
        contents[name] = FileManager.default.contents(atPath: path + "/" + name)
    }
    return contents
}

/// A 1 MiB tmpfs mounted for one test, unmounted when it ends. Nil (the test then skips, saying
/// so) unless the tests run as root, as CI does.
final class SmallTmpfs {
    let path: String

    init?(at path: String) {
        guard getuid() == 0 else { return nil }
        self.path = path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", path]) == 0 else { return nil }
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

    /// Frees the space again.
    func free() { try? FileManager.default.removeItem(atPath: path + "/filler") }

    deinit { _ = Self.run("/bin/umount", ["-l", path]) }

    @discardableResult
    private static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

extension TestClient {
    /// The vault's `health` status (`ok`, `degraded`), or nil when it did not answer.
    var healthStatus: String? { result("health").fields?["status"]?.stringValue }

    /// Asks `health` until it says `status`, between short pauses, at most `attempts` times;
    /// returns whether it did. The store retries on its own (1 s, doubling), so this waits for
    /// that event rather than asserting a duration.
    func waitForHealth(_ status: String, attempts: Int = 1_200) -> Bool {
        for _ in 0..<attempts {
            if healthStatus == status { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }
}

/// Random hostile text: combining marks, astral characters, NULs and other controls, bidi marks,
/// digits of other scripts, and plain ASCII, up to `maximumBytes` of UTF-8.
func hostileString(_ generator: inout SplitMix64, maximumBytes: Int = 64 << 10) -> String {
    let pools: [ClosedRange<UInt32>] = [
        0x30...0x39, 0x20...0x7E, 0x00...0x1F, 0x300...0x36F, 0x1F600...0x1F64F, 0x10000...0x10FFF,
        0x202A...0x202E, 0x660...0x669, 0xFF10...0xFF19, 0xE000...0xE0FF,
    ]
    let lengths = [0, 1, 6, 7, 64, 129, 256, 1_212, 4_096, maximumBytes / 4]
    let target = lengths.randomElement(using: &generator) ?? 1
    var text = String.UnicodeScalarView()
    var bytes = 0
    while bytes < target {
        let pool = pools.randomElement(using: &generator) ?? 0x30...0x39
        guard let scalar = Unicode.Scalar(UInt32.random(in: pool, using: &generator)) else { continue }
        let width = String(scalar).utf8.count
        if bytes + width > maximumBytes { break }
        text.append(scalar)
        bytes += width
    }
    return String(text)
}
