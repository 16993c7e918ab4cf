import Foundation
import Testing
import TwofoldTestSupport
import TwofoldWire

/// The real `auth-gateway` executable whose directory's disk fills up (issue 16): clean errors on
/// every channel, `degraded` health and metrics with the reason, recovery by itself once space
/// returns, and nothing acknowledged lost after kill -9. The gateway's data folder is a 1 MiB
/// tmpfs (root only: the tests skip, saying so, otherwise); the vault is the real one on the
/// ordinary disk. Synchronous tests: they block only their own thread while they wait.
@Suite(.serialized) struct GatewayStorageTests {
    @Test func fullDisk_refusesCleanlyEverywhere_reportsDegraded_recoversByItself_andLosesNothingAcknowledged() throws {
        let vault = try VaultFixture()
        let root = vault.directory.path
        guard let disk = SmallTmpfs(at: root + "/gateway") else {
            print("skipped: filling a small tmpfs needs root (mount -t tmpfs)")
            return
        }
        var gateway = try GatewayProcess.start(root)
        var admin = try TestClient(path: gateway.adminSocket)
        var acknowledged: [String] = []
        for index in 0..<3 {
            let name = "Before \(index)"
            #expect(admin.result("account.create", ["name": .string(name)]).error == nil)
            acknowledged.append(name)
        }

        disk.fill()
        // The log's last page may still take a few small records: write until one fails.
        var refusal: WireErrorPayload?
        for index in 0..<2_000 where refusal == nil {
            let name = "Fill \(index) " + String(repeating: "x", count: 150)
            switch admin.call("account.create", ["name": .string(name)]) {
            case .success(let response):
                switch response.outcome {
                case .success: acknowledged.append(name)
                case .failure(let payload): refusal = payload
                }
            case .failure(let error):
                Issue.record("no protocol answer: \(error)")
                return
            }
        }
        let refused = try #require(refusal, "the full disk never refused a write")
        #expect(refused.code == "storage.failed")
        #expect(refused.retryAfterMs == 1000)
        #expect(refused.message.contains("No space left on device"), "\(refused.message)")
        #expect(!refused.message.contains("see its log") && !refused.message.contains(".swift"), "\(refused.message)")

        // Every channel refuses at once and says why; reads too (memory may hold failed changes).
        for _ in 0..<5 {
            #expect(admin.result("account.list").error == "storage.failed")
            #expect(admin.result("user.show", ["user": "nobody@example.com"]).error == "storage.failed")
        }
        let health = try unixHTTPGet(gateway.httpSocket, "/healthz")
        #expect(health.hasPrefix("HTTP/1.1 503"), "\(health)")
        #expect(health.contains(#""status":"degraded""#) && health.contains(#""storage":"failing""#), "\(health)")
        #expect(health.contains("No space left on device"), "\(health)")
        let api = try unixHTTPGet(gateway.httpSocket, "/api/v1/me")
        #expect(api.hasPrefix("HTTP/1.1 503") && api.contains("server.storage"), "\(api)")
        #expect(api.lowercased().contains("retry-after: 1\r\n"), "\(api)")
        let page = try unixHTTPGet(gateway.httpSocket, "/login")
        #expect(page.hasPrefix("HTTP/1.1 503"), "\(page.prefix(300))")
        #expect(page.lowercased().contains("retry-after: 1\r\n"), "\(page.prefix(300))")
        let metrics = try unixHTTPGet(gateway.metricsSocket, "/metrics")
        #expect(metrics.contains(#"twofold_degraded{reason="storage: No space left on device"#), "\(metrics)")
        #expect(metrics.contains("twofold_storage_refused_total "))
        let cli = try runCLI(["account", "create", "From the CLI", "--admin-socket", gateway.adminSocket])
        #expect(cli.status == 74, "\(cli.stderr)")
        #expect(cli.stderr.contains("No space left on device"), "\(cli.stderr)")
        #expect(gateway.process.isRunning)
        #expect(gateway.log.components(separatedBy: "storage failed; refusing requests").count == 2, "\(gateway.log)")
        #expect(gateway.log.contains(#""errno":28"#))

        disk.free()
        #expect(waitForHealth(gateway.httpSocket, "200"), "the gateway did not recover:\n\(gateway.log)")
        #expect(gateway.log.contains("storage recovered; serving again"))
        #expect(gateway.log.contains("rebuilt the directory from disk"))
        #expect(admin.result("account.create", ["name": "After"]).error == nil)
        acknowledged.append("After")
        #expect(try unixHTTPGet(gateway.metricsSocket, "/metrics").contains(#"twofold_degraded{reason=""} 0"#))

        // Everything acknowledged is there after kill -9, and nothing refused is.
        gateway.daemon.kill9()
        gateway = try GatewayProcess.start(root)
        admin = try TestClient(path: gateway.adminSocket)
        let listed = try runCLI(["account", "list", "--json", "--admin-socket", gateway.adminSocket])
        #expect(listed.status == 0, "\(listed.stderr)")
        let names = Set(try accountNames(listed.stdout))
        #expect(names == Set(acknowledged), "missing: \(Set(acknowledged).subtracting(names))")
        #expect(gateway.daemon.terminate() == 0)
        _ = disk
    }

    @Test func startOnAFullDisk_comesUpDegraded_notACrashLoop_andServesOnceSpaceReturns() throws {
        let vault = try VaultFixture()
        let root = vault.directory.path
        guard let disk = SmallTmpfs(at: root + "/gateway") else {
            print("skipped: filling a small tmpfs needs root (mount -t tmpfs)")
            return
        }
        // A brand-new directory on a full disk: its log cannot even be created.
        disk.fill()
        var gateway = try GatewayProcess.start(root)
        var admin = try TestClient(path: gateway.adminSocket)
        #expect(try unixHTTPGet(gateway.httpSocket, "/healthz").contains(#""status":"degraded""#))
        #expect(admin.result("account.list").error == "storage.failed")
        #expect(gateway.log.contains("serving degraded until its storage recovers"), "\(gateway.log)")
        disk.free()
        #expect(waitForHealth(gateway.httpSocket, "200"), "the gateway did not recover:\n\(gateway.log)")
        #expect(admin.result("account.create", ["name": "Acme"]).error == nil)
        #expect(gateway.daemon.terminate() == 0)

        // A directory with data, started on a full disk: up, and everything is there once it serves.
        disk.fill()
        gateway = try GatewayProcess.start(root)
        admin = try TestClient(path: gateway.adminSocket)
        #expect(gateway.process.isRunning)
        disk.free()
        #expect(waitForHealth(gateway.httpSocket, "200"), "the gateway did not recover:\n\(gateway.log)")
        let listed = try runCLI(["account", "list", "--json", "--admin-socket", gateway.adminSocket])
        #expect(try accountNames(listed.stdout) == ["Acme"], "\(listed.stderr)")
        #expect(admin.result("account.create", ["name": "Beta"]).error == nil)
        #expect(gateway.daemon.terminate() == 0)
    }

    /// `invite.list` and `user.list` answered everything in one frame and failed above a few
    /// thousand records; the CLI now fetches every page. 20,000 users, each with the invite it
    /// signed up with, through the real CLI and gateway.
    @Test func twentyThousandInvitesAndUsers_listInFull_throughTheRealCLIAndGateway() throws {
        let vault = try VaultFixture()
        let root = vault.directory.path
        let count = 20_000
        let populate = try run(
            try BuiltProduct.path("twofold-bench"), ["directory-populate", root + "/gateway", String(count)])
        #expect(populate.status == 0, "\(populate.stderr)")
        let gateway = try GatewayProcess.start(root)

        let invites = try runCLI(["invite", "list", "--json", "--admin-socket", gateway.adminSocket])
        #expect(invites.status == 0, "\(invites.stderr)")
        let inviteList = try members(invites.stdout, "invites")
        #expect(inviteList.count == count)
        #expect(Set(inviteList.compactMap { $0["id"] as? String }).count == count, "each invite once")
        #expect(inviteList.allSatisfy { $0["status"] as? String == "used" })

        let users = try runCLI(["user", "list", "--json", "--admin-socket", gateway.adminSocket])
        #expect(users.status == 0, "\(users.stderr)")
        let userList = try members(users.stdout, "users")
        #expect(Set(userList.compactMap { $0["email"] as? String }).count == count, "each user once")

        // The table: a header and one line per invite.
        let table = try runCLI(["invite", "list", "--admin-socket", gateway.adminSocket])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.split(separator: "\n").count == count + 1)
        #expect(gateway.daemon.terminate() == 0)
    }
}

/// One `auth-gateway` on `root`'s sockets, its data in `root/gateway`, talking to the vault at
/// `root/vault.sock`.
struct GatewayProcess {
    let daemon: Daemon
    let root: String
    var process: Process { daemon.process }
    var log: String { daemon.log }
    var httpSocket: String { root + "/http.sock" }
    var adminSocket: String { root + "/admin.sock" }
    var metricsSocket: String { root + "/metrics.sock" }

    static func start(_ root: String) throws -> GatewayProcess {
        let daemon = try Daemon(
            "auth-gateway",
            arguments: [
                "--listen", "unix:\(root)/http.sock", "--vault-socket", root + "/vault.sock", "--data-dir",
                root + "/gateway", "--admin-socket", root + "/admin.sock", "--metrics-listen",
                "unix:\(root)/metrics.sock",
            ], socketPath: root + "/http.sock", logPath: root + "/gateway-\(UUID().uuidString.prefix(4)).log")
        return GatewayProcess(daemon: daemon, root: root)
    }
}

struct CommandOutput {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `tool` to its end; stdout is read in full first (the listings print megabytes), stderr
/// after (a few lines).
func run(_ tool: String, _ arguments: [String]) throws -> CommandOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandOutput(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

func runCLI(_ arguments: [String]) throws -> CommandOutput {
    try run(try BuiltProduct.path("twofold"), arguments)
}

/// `member` of the one JSON document `text` holds.
func members(_ text: String, _ member: String) throws -> [[String: Any]] {
    let document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    return try #require(document?[member] as? [[String: Any]], "no \(member) in \(text.prefix(200))")
}

func accountNames(_ text: String) throws -> [String] {
    try members(text, "accounts").compactMap { $0["name"] as? String }
}

/// Asks `/healthz` until its status line carries `status`, between short pauses; the store
/// retries on its own (1 s, doubling), so this waits for that event rather than a duration.
func waitForHealth(_ socket: String, _ status: String, attempts: Int = 1_200) -> Bool {
    for _ in 0..<attempts {
        if let answer = try? unixHTTPGet(socket, "/healthz"), answer.hasPrefix("HTTP/1.1 \(status)") { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}
