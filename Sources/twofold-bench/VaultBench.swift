import Foundation
import TwofoldCrypto
import TwofoldOTP

/// Verify round trips per second against the real `secret-vault` (release), with 1 and 32
/// requests in flight on one connection, next to a raw echo of the same frames in the same run.
enum VaultBench {
    static let seconds = 3.0

    static func run(vaultBinary: String) {
        let directory = FileManager.default.currentDirectoryPath + "/.build/bench-vault-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keyPath = directory + "/key"
        _ = FileManager.default.createFile(
            atPath: keyPath, contents: Data(SecureRandom.bytes(count: 32)), attributes: [.posixPermissions: 0o600])
        let vault = Process()
        vault.executableURL = URL(fileURLWithPath: vaultBinary)
        vault.arguments = [
            "--socket", directory + "/vault.sock", "--data-dir", directory + "/data", "--master-key-file", keyPath,
            "--sms-socket", directory + "/none.sock", "--log-level", "warning",
        ]
        do {
            try vault.run()
            defer {
                kill(vault.processIdentifier, SIGTERM)
                vault.waitUntilExit()
            }
            try waitForSocket(directory + "/vault.sock")
            try RawEchoServer.start(path: directory + "/echo.sock")

            let sample = verifyFrame(user: "bench-u00000", code: "123456", id: 1)
            print(
                "| in flight | raw echo (round trips/s) | vault verify (round trips/s) | ratio | accepted | p50 µs (vault) | p99 µs (vault) |"
            )
            print("|---|---|---|---|---|---|---|")
            var pools: [[String: [UInt8]]] = []
            for (index, users) in [(0, 12_000), (1, 60_000)] {
                pools.append(try enroll(count: users, prefix: "p\(index)-", socket: directory + "/vault.sock"))
            }
            for (index, inFlight) in [1, 32].enumerated() {
                let echo = try drive(socket: directory + "/echo.sock", inFlight: inFlight) { id in
                    (RawSocketClient.frame(sample), nil)
                }
                var cursor = UsersCursor(seeds: pools[index])
                let verify = try drive(socket: directory + "/vault.sock", inFlight: inFlight) { id in
                    let (user, seed, stepOffset) = cursor.next()
                    let code = TOTP.code(
                        secret: seed, unixTime: Int64(Date().timeIntervalSince1970) + 30 * stepOffset,
                        parameters: OTPParameters())
                    return (RawSocketClient.frame(verifyFrame(user: user, code: code, id: id)), user)
                }
                row(
                    String(inFlight), formatted(echo.rate), formatted(verify.rate),
                    formatted(verify.rate / echo.rate, decimals: 2),
                    "\(verify.accepted)/\(verify.count)", formatted(verify.p50), formatted(verify.p99))
            }
        } catch {
            print("| vault bench failed: \(error) |")
        }
    }

    /// Hands out users round-robin. Enrollment confirmed each user with the previous step's code,
    /// so a user can accept the current step's code (pass 0) and then the next step's (pass 1),
    /// both inside the ±1 window; the pools are sized so a run needs at most two passes.
    struct UsersCursor {
        var users: [(String, [UInt8])]
        var index = 0
        var pass: Int64 = 0
        init(seeds: [String: [UInt8]]) { users = seeds.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
        mutating func next() -> (user: String, seed: [UInt8], stepOffset: Int64) {
            defer {
                index += 1
                if index == users.count {
                    index = 0
                    pass += 1
                }
            }
            return (users[index].0, users[index].1, pass)
        }
    }

    static func verifyFrame(user: String, code: String, id: Int) -> [UInt8] {
        Array("{\"v\":1,\"id\":\(id),\"op\":\"totp.verify\",\"args\":{\"user\":\"\(user)\",\"code\":\"\(code)\"}}".utf8)
    }

    struct DriveResult {
        var rate: Double
        var count: Int
        var accepted: Int
        var p50: Double
        var p99: Double
    }

    /// Keeps `inFlight` requests outstanding for `seconds`; `next` makes request `id`.
    static func drive(socket: String, inFlight: Int, next: (Int) -> ([UInt8], String?)) throws -> DriveResult {
        let client = try RawSocketClient(path: socket)
        var sentAt: [UInt64] = []
        var latencies: [Double] = []
        var id = 0
        var accepted = 0
        func send() {
            let (frame, _) = next(id)
            sentAt.append(DispatchTime.now().uptimeNanoseconds)
            client.send(frame)
            id += 1
        }
        for _ in 0..<inFlight { send() }
        let start = DispatchTime.now().uptimeNanoseconds
        var received = 0
        while Double(DispatchTime.now().uptimeNanoseconds - start) < seconds * 1e9 {
            let payload = client.receiveFrame()
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - sentAt[received]) / 1000)
            if payload.count < 200, String(decoding: payload, as: UTF8.self).contains("\"accepted\"") { accepted += 1 }
            received += 1
            send()
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        for _ in received..<id { _ = client.receiveFrame() }
        latencies.sort()
        return DriveResult(
            rate: Double(received) / elapsed, count: received, accepted: accepted,
            p50: latencies[latencies.count / 2], p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)])
    }

    /// Enrolls `count` users (begin + confirm with the previous step's code, so the current and
    /// next steps stay usable), pipelined `depth` deep. Returns user → seed (empty when
    /// `keepSeeds` is false: users that only fill the store).
    static func enroll(
        count: Int, prefix: String, socket: String, depth: Int = 64, keepSeeds: Bool = true
    ) throws -> [String: [UInt8]] {
        let client = try RawSocketClient(path: socket)
        var seeds: [String: [UInt8]] = [:]
        var index = 0
        while index < count {
            let batch = min(depth, count - index)
            var frames: [UInt8] = []
            for offset in 0..<batch {
                let user = "bench-\(prefix)\(index + offset)"
                frames += RawSocketClient.frame(
                    Array(
                        "{\"v\":1,\"id\":\(offset),\"op\":\"enroll.begin\",\"args\":{\"user\":\"\(user)\",\"account_name\":\"\(user)\"}}"
                            .utf8))
            }
            client.send(frames)
            var confirms: [UInt8] = []
            for offset in 0..<batch {
                let response = try JSONSerialization.jsonObject(with: Data(client.receiveFrame())) as? [String: Any]
                guard let result = response?["result"] as? [String: Any], let secret = result["secret"] as? String
                else {
                    throw BenchError("enroll.begin failed: \(String(describing: response))")
                }
                let user = "bench-\(prefix)\(index + offset)"
                let seed = try Base32.decode(secret)
                if keepSeeds { seeds[user] = seed }
                let code = TOTP.code(
                    secret: seed, unixTime: Int64(Date().timeIntervalSince1970) - 30, parameters: OTPParameters())
                confirms += RawSocketClient.frame(
                    Array(
                        "{\"v\":1,\"id\":\(offset),\"op\":\"enroll.confirm\",\"args\":{\"user\":\"\(user)\",\"code\":\"\(code)\"}}"
                            .utf8))
            }
            client.send(confirms)
            for _ in 0..<batch { _ = client.receiveFrame() }
            index += batch
        }
        return seeds
    }

    static func waitForSocket(_ path: String) throws {
        for _ in 0..<400 {
            if FileManager.default.fileExists(atPath: path) { return }
            Thread.sleep(forTimeInterval: 0.025)
        }
        throw BenchError("the vault did not create \(path)")
    }
}
