import Foundation
import TwofoldCrypto
import TwofoldProcess
import TwofoldSystem
import TwofoldWire

/// `twofold up`: the development launcher. Starts `sms-sender`, `secret-vault` and `auth-gateway`
/// as separate processes with their own sockets under one data folder (reused across runs, or a
/// temporary one with `--fresh`), generates the vault's master key on first run (mode 0600), shows
/// where everything is, and prints each new SMS from the outbox so recovery can be tried without a
/// phone. Ctrl-C stops all three; if one dies, it says which and why and stops the others. A
/// `--fresh` folder (master key included) is removed when the launcher stops, however it stops
/// short of being killed outright.
public enum UpCommand {
    public static let parser = CommandLineParser(
        command: "twofold up",
        summary: "Start the whole system locally.",
        options: [
            .value(
                "data", placeholder: "dir", environment: "TWOFOLD_DATA", default: "./data",
                help: "Data folder (reused across runs)."),
            .flag("fresh", help: "Use a new temporary data folder instead."),
            .value("listen", placeholder: "host:port", default: "127.0.0.1:8080", help: "Where the gateway listens."),
            .value(
                "email", placeholder: "address", default: "you@example.com",
                help: "Email of the demo user invited at start (until it has signed up)."),
            .value(
                "scrypt-log-n", placeholder: "N", default: "17",
                help: "Password hashing cost for the gateway (2^N; 17 is the production setting)."),
        ])

    public static func run(_ arguments: [String]) -> Int32 {
        let options: ParsedOptions
        do {
            switch try parser.parse(arguments, environment: ProcessInfo.processInfo.environment) {
            case .help(let text):
                print(text, terminator: "")
                return 0
            case .run(let parsed): options = parsed
            }
        } catch {
            FileHandle.standardError.write(Data("twofold up: \(error.message)\n".utf8))
            return error.exitStatus
        }
        do {
            let launcher = try Launcher(options: options)
            let status = launcher.run()
            launcher.removeTemporaryFolder()
            return status
        } catch {
            FileHandle.standardError.write(Data("twofold up: \(error)\n".utf8))
            return 1
        }
    }
}

/// The running set of children; lives on the main thread.
final class Launcher: @unchecked Sendable {
    // @unchecked: its mutable fields are touched on the main thread only; termination handlers
    // and signal callbacks only signal `events`.
    struct Child {
        let name: String
        let process: Process
        let logPath: String
    }

    let data: String
    /// `--fresh`: `data` is a temporary folder of this run only, removed when it stops.
    let temporary: Bool
    let listen: String
    /// The address to open: `http://localhost:PORT` when listening on a loopback or wildcard
    /// address, since localhost is a secure context and a domain name (an IP address cannot be a
    /// WebAuthn RP ID, so passkeys need it); the gateway and the vault both get it.
    var publicURL: String {
        guard let colon = listen.lastIndex(of: ":") else { return "http://\(listen)" }
        let host = listen[..<colon]
        let port = listen[listen.index(after: colon)...]
        return ["127.0.0.1", "0.0.0.0", "[::1]", "[::]", "localhost"].contains(String(host))
            ? "http://localhost:\(port)" : "http://\(listen)"
    }
    let demoEmail: String
    let scryptLogN: String
    var demoLines: [String] = []
    var adminSocket: String { data + "/run/admin.sock" }
    let binDirectory: String
    var children: [Child] = []
    let events = DispatchSemaphore(value: 0)
    let lock = NSLock()
    var stopping = false
    var failure: String?

    init(options: ParsedOptions) throws {
        temporary = options.flag("fresh")
        if temporary {
            data = NSTemporaryDirectory() + "twofold-\(UUID().uuidString.prefix(8))"
        } else {
            data = URL(fileURLWithPath: options.string("data") ?? "./data").standardizedFileURL.path
        }
        listen = options.string("listen") ?? "127.0.0.1:8080"
        demoEmail = options.string("email") ?? "you@example.com"
        scryptLogN = options.string("scrypt-log-n") ?? "17"
        binDirectory =
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
        for folder in ["", "/run", "/logs", "/sms", "/vault", "/gateway"] {
            try FileManager.default.createDirectory(
                atPath: data + folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    func run() -> Int32 {
        do {
            try SignalHandler.block(Signal.handledSignals)
        } catch {
            say("cannot block signals: \(error)")
            return 1
        }
        SignalHandler.ignoreBrokenPipe()
        let keyPath = data + "/master-key"
        do {
            if !FileManager.default.fileExists(atPath: keyPath) {
                guard
                    FileManager.default.createFile(
                        atPath: keyPath, contents: Data(SecureRandom.bytes(count: 32)),
                        attributes: [.posixPermissions: 0o600])
                else { throw LauncherError("cannot write \(keyPath)") }
                say("generated a new vault master key: \(keyPath) (mode 0600)")
            }
            let sms = data + "/run/sms.sock"
            let vault = data + "/run/vault.sock"
            try start("sms-sender", ["--socket", sms, "--data-dir", data + "/sms"])
            try start(
                "secret-vault",
                [
                    "--socket", vault, "--data-dir", data + "/vault", "--master-key-file", keyPath, "--sms-socket", sms,
                    "--public-url", publicURL,
                ])
            try start(
                "auth-gateway",
                [
                    "--listen", listen, "--vault-socket", vault, "--data-dir", data + "/gateway", "--admin-socket",
                    adminSocket, "--public-url", publicURL, "--scrypt-log-n", scryptLogN,
                ])
            switch DemoSetup(client: AdminClient(path: adminSocket), email: demoEmail).run() {
            case .success(let lines): demoLines = lines
            case .failure(let error): say("could not prepare the demo invite: \(error.message)")
            }
        } catch {
            say("\(error)")
            stopAll()
            return 1
        }
        printSummary()
        let loop: EventLoop
        let signals: SignalHandler
        do {
            loop = try EventLoop(name: "launcher")
            try loop.start()
            signals = try blockingAwait {
                try await loop.submit {
                    try SignalHandler(on: loop, signals: Signal.handledSignals) { [self] signal in
                        guard signal != .hangup else { return }
                        say("stopping (\(signal))…")
                        events.signal()
                    }
                }
            }
        } catch {
            say("cannot watch signals: \(error)")
            stopAll()
            return 1
        }
        let tail = OutboxTail(path: data + "/sms/outbox.jsonl")
        while events.wait(timeout: .now() + .milliseconds(500)) == .timedOut {
            for message in tail.newMessages() { say("SMS to \(message.to): \(message.text)") }
        }
        signals.cancel()
        stopAll()
        loop.shutdownGracefully()
        if let failure {
            say(failure)
            return 1
        }
        say("stopped")
        return 0
    }

    /// With `--fresh`, removes the temporary folder (master key, stores, logs) once every child
    /// has stopped: nothing of a throw-away run stays behind in /tmp.
    func removeTemporaryFolder() {
        guard temporary else { return }
        do {
            try FileManager.default.removeItem(atPath: data)
            say("removed the temporary data folder \(data)")
        } catch {
            say("could not remove the temporary data folder \(data): \(error)")
        }
    }

    private func start(_ name: String, _ arguments: [String]) throws {
        let binary = binDirectory + "/" + name
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw LauncherError("\(binary) is not built")
        }
        let logPath = data + "/logs/\(name).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        let startOffset = log.offsetInFile
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardError = log
        process.standardOutput = log
        process.terminationHandler = { [self] process in childExited(name, process, logPath) }
        say("starting \(name)…")
        try process.run()
        lock.withLock { children.append(Child(name: name, process: process, logPath: logPath)) }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            let fresh = text.utf8.count > Int(startOffset) ? String(text.utf8.dropFirst(Int(startOffset)))! : ""
            if fresh.contains("\"msg\":\"ready\"") { return }
            if !process.isRunning { throw LauncherError("\(name) exited during start:\n" + lastLines(logPath)) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw LauncherError("\(name) did not become ready within 20 s:\n" + lastLines(logPath))
    }

    private func childExited(_ name: String, _ process: Process, _ logPath: String) {
        let unexpected = lock.withLock { () -> Bool in
            guard !stopping, failure == nil else { return false }
            let how =
                process.terminationReason == .uncaughtSignal
                ? "was killed by signal \(process.terminationStatus)"
                : "exited with status \(process.terminationStatus)"
            failure = "\(name) \(how) unexpectedly; its last log lines:\n" + lastLines(logPath)
            return true
        }
        if unexpected { events.signal() }
    }

    private func stopAll() {
        let running = lock.withLock { () -> [Child] in
            stopping = true
            return children.reversed()
        }
        for child in running where child.process.isRunning {
            kill(child.process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while child.process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) }
        }
    }

    private func printSummary() {
        var lines = ["", "Twofold is running.", "", "  Open:          \(publicURL)/"]
        lines += demoLines
        lines += [
            "  Data folder:   \(data)",
            "  Vault socket:  \(data)/run/vault.sock",
            "  Admin CLI:     TWOFOLD_ADMIN_SOCKET=\(adminSocket) \(binDirectory)/twofold user list",
            "  SMS outbox:    \(data)/sms/outbox.jsonl (new messages are shown below)",
            "  Logs:          \(data)/logs/",
            "",
            "Press Ctrl-C to stop.",
            "",
        ]
        Self.write(lines.joined(separator: "\n") + "\n")
    }

    private func lastLines(_ path: String, count: Int = 12) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(count).map { "    " + $0 }.joined(separator: "\n")
    }

    func say(_ text: String) { Self.write("twofold: \(text)\n") }

    /// To standard output, ignoring a closed one: whoever read it is gone (a closed terminal, a
    /// dead pipe), and the launcher must still stop its children and clean up. (The non-throwing
    /// `FileHandle.write` traps on EPIPE.)
    static func write(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

}

struct LauncherError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Follows the sms-sender's outbox file and returns messages appended since the last look.
final class OutboxTail {
    struct Message: Decodable {
        let to: String
        let text: String
    }

    let path: String
    private var offset: UInt64

    init(path: String) {
        self.path = path
        offset = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? UInt64) ?? 0
    }

    func newMessages() -> [Message] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        handle.seek(toFileOffset: offset)
        let data = handle.readDataToEndOfFile()
        guard let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let complete = data[data.startIndex...lastNewline]
        offset += UInt64(complete.count)
        return complete.split(separator: UInt8(ascii: "\n")).compactMap {
            try? JSONValue.parse($0).decode(as: Message.self)
        }
    }
}
