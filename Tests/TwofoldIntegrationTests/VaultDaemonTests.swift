import Foundation
import Testing
import TwofoldOTP
import TwofoldTestSupport
import TwofoldWire

/// Starts the real `secret-vault` binary on a temporary socket and folder.
final class VaultFixture: @unchecked Sendable {
    let directory: TemporaryDirectory
    let keyPath: String
    var daemon: Daemon
    var socketPath: String { directory.path + "/vault.sock" }
    var dataPath: String { directory.path + "/data" }

    init(extraArguments: [String] = []) throws {
        directory = try TemporaryDirectory()
        keyPath = try writeMasterKey(in: directory.path)
        daemon = try Self.start(directory.path, keyPath: keyPath, extra: extraArguments)
    }

    static func start(_ directory: String, keyPath: String, extra: [String] = [], prefix: [String] = []) throws
        -> Daemon
    {
        try Daemon(
            "secret-vault",
            arguments: [
                "--socket", directory + "/vault.sock", "--data-dir", directory + "/data", "--master-key-file", keyPath,
                "--sms-socket", directory + "/sms.sock", "--sms-timeout", "500ms",
            ] + extra,
            socketPath: directory + "/vault.sock", logPath: directory + "/vault-\(UUID().uuidString.prefix(4)).log",
            prefix: prefix)
    }

    func restartAfterKill9() throws {
        daemon.kill9()
        daemon = try Self.start(directory.path, keyPath: keyPath)
    }
}

func code(_ secret: String, offsetSteps: Int64 = 0) throws -> String {
    let now = Int64(Date().timeIntervalSince1970)
    return TOTP.code(secret: try Base32.decode(secret), unixTime: now + offsetSteps * 30, parameters: OTPParameters())
}

@Suite(.serialized) struct VaultDaemonTests {
    @Test func enrollVerifyReplayLockout_surviveKill9() throws {
        let vault = try VaultFixture()
        var client = try TestClient(path: vault.socketPath)
        let begin = try #require(
            client.result("enroll.begin", ["user": "alice", "account_name": "alice@example.com"]).fields)
        let secret = try #require(begin["secret"]?.stringValue)
        let enrollment = try #require(begin["enrollment_id"]?.stringValue)
        #expect(begin["uri"]?.stringValue?.hasPrefix("otpauth://totp/Twofold:alice%40example.com?secret=") == true)
        #expect(begin["qr_svg"] == nil, "the gateway draws the QR code; the vault links no renderer")

        // The code that confirms cannot then log in; the next step's code can.
        let confirmCode = try code(secret)
        let confirmed = try #require(
            client.result(
                "enroll.confirm", ["user": "alice", "enrollment_id": .string(enrollment), "code": .string(confirmCode)]
            ).fields)
        #expect(confirmed["outcome"]?.stringValue == "confirmed")
        #expect(
            client.result("totp.verify", ["user": "alice", "code": .string(confirmCode)]).fields?["outcome"]?
                .stringValue == "replayed")
        let next = try code(secret, offsetSteps: 1)
        #expect(
            client.result("totp.verify", ["user": "alice", "code": .string(next)]).fields?["outcome"]?.stringValue
                == "accepted")
        #expect(
            client.result("totp.verify", ["user": "alice", "code": .string(next)]).fields?["outcome"]?.stringValue
                == "replayed")

        // Six wrong codes: the sixth locks for 30 s.
        var last: [String: JSONValue]?
        for _ in 0..<6 { last = client.result("totp.verify", ["user": "alice", "code": "000000"]).fields }
        #expect(last?["outcome"]?.stringValue == "invalid" || last?["outcome"]?.stringValue == "locked")
        #expect(client.result("status", ["user": "alice"]).fields?["locked"]?.boolValue == true)

        try vault.restartAfterKill9()
        client = try TestClient(path: vault.socketPath)
        let status = try #require(client.result("status", ["user": "alice"]).fields)
        #expect(status["enrolled"]?.boolValue == true)
        #expect(status["locked"]?.boolValue == true)
        let afterRestart = client.result("totp.verify", ["user": "alice", "code": .string(next)]).fields?["outcome"]?
            .stringValue
        #expect(afterRestart == "locked" || afterRestart == "replayed")
        #expect(vault.daemon.terminate() == 0)
    }

    @Test func malformedInput_getsDocumentedAnswers_whileAnotherClientIsServed() throws {
        let vault = try VaultFixture()
        let other = try TestClient(path: vault.socketPath)
        #expect(other.result("health").fields?["status"]?.stringValue == "ok")

        // Errors that keep the connection: each answered, then a valid request still works.
        let keep = try RawConnection(path: vault.socketPath)
        let cases: [([UInt8], String)] = [
            (RawConnection.frame([0x7B, 0xFF, 0x7D]), "json.invalid_utf8"),
            (RawConnection.frame("[1,2]"), "request.not_object"),
            (RawConnection.frame("{\"v\":1,\"id\":1,"), "json.malformed"),
            (RawConnection.frame("{\"v\":1,\"id\":\"x\",\"op\":5}"), "request.invalid"),
            (RawConnection.frame("{\"v\":1,\"id\":2,\"op\":\"status\",\"args\":{\"user\":42}}"), "request.invalid"),
            (
                RawConnection.frame("{\"v\":1,\"id\":3,\"op\":\"status\",\"args\":{\"user\":\"bad user!\"}}"),
                "user.invalid"
            ),
            (RawConnection.frame("{\"v\":1,\"id\":4,\"op\":\"no.such.op\"}"), "op.unknown"),
            (RawConnection.frame("{\"v\":2,\"id\":5,\"op\":\"health\"}"), "version.unsupported"),
        ]
        for (bytes, expected) in cases {
            try keep.send(bytes)
            let answer = try #require(try keep.receiveFrame())
            #expect((answer["error"] as? [String: Any])?["code"] as? String == expected)
            #expect(other.result("health").fields != nil)
        }
        try keep.send(RawConnection.frame("{\"v\":1,\"id\":9,\"op\":\"health\"}"))
        #expect(try keep.receiveFrame()?["ok"] as? Bool == true)

        // Framing errors: answered, then only that connection is closed.
        for (bytes, expected) in [
            ([UInt8](repeating: 0, count: 4), "frame.empty"), ([0x7F, 0xFF, 0xFF, 0xFF], "frame.too_large"),
        ] {
            let broken = try RawConnection(path: vault.socketPath)
            try broken.send(bytes)
            let answer = try #require(try broken.receiveFrame())
            #expect((answer["error"] as? [String: Any])?["code"] as? String == expected)
            #expect(try broken.isClosedByPeer())
            #expect(other.result("health").fields != nil)
        }
        // A truncated frame, then the client goes away: nothing breaks.
        let truncated = try RawConnection(path: vault.socketPath)
        try truncated.send([0, 0, 0, 50] + Array("{\"v\":1".utf8))
        truncated.socket.close()
        #expect(other.result("health").fields?["status"]?.stringValue == "ok")
        #expect(vault.daemon.terminate() == 0)
    }

    @Test func dataFolder_holdsNoSeedOrRecoveryCodeInTheClear() throws {
        let vault = try VaultFixture()
        let client = try TestClient(path: vault.socketPath)
        var secrets: [String] = []
        for index in 0..<5 {
            let begin = try #require(
                client.result("enroll.begin", ["user": .string("u\(index)"), "account_name": "a"]).fields)
            let secret = try #require(begin["secret"]?.stringValue)
            secrets.append(secret)
            _ = client.result("enroll.confirm", ["user": .string("u\(index)"), "code": .string(try code(secret))])
        }
        #expect(vault.daemon.terminate() == 0)
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: vault.dataPath)
        while let name = enumerator?.nextObject() as? String { files.append(vault.dataPath + "/" + name) }
        var scanned = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            scanned += data.count
            let bytes = [UInt8](data)
            for secret in secrets {
                #expect(!contains(bytes, Array(secret.utf8)), "Base32 seed found in \(file)")
                #expect(!contains(bytes, try Base32.decode(secret)), "raw seed found in \(file)")
            }
        }
        #expect(scanned > 0)
    }

    @Test func deleteUser_removesEveryTraceFromTheStoreFiles() throws {
        let vault = try VaultFixture()
        let client = try TestClient(path: vault.socketPath)
        for user in ["deleted-user-eve", "kept-user-frank"] {
            let begin = try #require(
                client.result("enroll.begin", ["user": .string(user), "account_name": "x"]).fields)
            _ = client.result(
                "enroll.confirm",
                ["user": .string(user), "code": .string(try code(try #require(begin["secret"]?.stringValue)))])
        }
        #expect(client.result("user.delete", ["user": "deleted-user-eve", "actor": "test"]).fields != nil)
        var storeBytes = Data()
        for _ in 0..<100 {
            storeBytes = Data()
            for file in try FileManager.default.subpathsOfDirectory(atPath: vault.dataPath + "/store") {
                storeBytes += FileManager.default.contents(atPath: vault.dataPath + "/store/" + file) ?? Data()
            }
            if !String(decoding: storeBytes, as: UTF8.self).contains("deleted-user-eve") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let text = String(decoding: storeBytes, as: UTF8.self)
        #expect(!text.contains("deleted-user-eve"))
        #expect(text.contains("kept-user-frank"))
        #expect(client.result("status", ["user": "kept-user-frank"]).fields?["enrolled"]?.boolValue == true)
        #expect(vault.daemon.terminate() == 0)
    }

    /// Runs the vault as `nobody` and connects as this (root) process, which it must refuse.
    @Test(
        .enabled(
            if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
            "needs root and setpriv to run the vault as another user (CI runs as root)"))
    func peerWithUnlistedUid_isRefused() throws {
        let directory = try TemporaryDirectory()
        let keyPath = try writeMasterKey(in: directory.path)
        chown(directory.path, 65534, 65534)
        chown(keyPath, 65534, 65534)
        let daemon = try VaultFixture.start(
            directory.path, keyPath: keyPath,
            prefix: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        defer { _ = daemon.terminate() }
        let raw = try RawConnection(path: directory.path + "/vault.sock")
        let answer = try #require(try raw.receiveFrame())
        #expect((answer["error"] as? [String: Any])?["code"] as? String == "peer.forbidden")
        #expect(try raw.isClosedByPeer())
    }

    @Test func badMasterKeyFile_stopsStartWithOneLine() throws {
        let directory = try TemporaryDirectory()
        let keyPath = try writeMasterKey(in: directory.path)
        chmod(keyPath, 0o644)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuiltProduct.path("secret-vault"))
        process.arguments = [
            "--socket", directory.path + "/v.sock", "--data-dir", directory.path + "/d", "--master-key-file", keyPath,
        ]
        let pipe = Pipe()
        process.standardError = pipe
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 78)
        #expect(message.contains("readable by group or others"))
        #expect(message.split(separator: "\n").count == 1)
    }

    /// The vault reads its socket and log options as the sms-sender and the gateway do: an unknown
    /// log level or account is a usage error (64) naming the option, not silently ignored.
    @Test(arguments: [
        (["--log-level", "loud"], "--log-level"),
        (["--allow-users", "no-such-user-x9"], "--allow-users"),
        (["--socket-group", "no-such-group-x9"], "--socket-group"),
    ])
    func badSocketOrLogOption_isAUsageError(extra: [String], option: String) throws {
        let directory = try TemporaryDirectory()
        let keyPath = try writeMasterKey(in: directory.path)
        let refused = try runVaultExpectingExit(directory.path, keyPath: keyPath, extra: extra)
        #expect(refused.status == 64)
        #expect(refused.output.contains("option '\(option)'"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/vault.sock"))
    }

    @Test func keyRotation_resealsEveryRecord_andTheOldKeyIsRefusedAfterwards() throws {
        let vault = try VaultFixture()
        var client = try TestClient(path: vault.socketPath)
        let begin = try #require(client.result("enroll.begin", ["user": "rot", "account_name": "rot"]).fields)
        let secret = try #require(begin["secret"]?.stringValue)
        _ = client.result("enroll.confirm", ["user": "rot", "code": .string(try code(secret, offsetSteps: -1))])
        #expect(vault.daemon.terminate() == 0)

        let oldKey = vault.keyPath
        let newKeyDirectory = try TemporaryDirectory()
        let newKey = try writeMasterKey(in: newKeyDirectory.path)
        let rotating = try VaultFixture.start(
            vault.directory.path, keyPath: newKey, extra: ["--previous-master-key-file", oldKey])
        #expect(rotating.log.contains("re-sealed the store under the new master key"))
        client = try TestClient(path: vault.socketPath)
        #expect(client.result("status", ["user": "rot"]).fields?["enrolled"]?.boolValue == true)
        #expect(rotating.terminate() == 0)

        // With only the new key, the user's authenticator still works.
        let afterwards = try VaultFixture.start(vault.directory.path, keyPath: newKey)
        client = try TestClient(path: vault.socketPath)
        #expect(
            client.result("totp.verify", ["user": "rot", "code": .string(try code(secret))]).fields?["outcome"]?
                .stringValue == "accepted")
        #expect(afterwards.terminate() == 0)

        // The old key alone is refused at start (it no longer matches the store's key check).
        let stale = try runVaultExpectingExit(vault.directory.path, keyPath: oldKey)
        #expect(stale.status == 78)
        #expect(stale.output.contains("the master key does not match this store"))
        // Rotating again once done changes nothing and says why.
        let again = try runVaultExpectingExit(
            vault.directory.path, keyPath: newKey, extra: ["--previous-master-key-file", oldKey])
        #expect(again.status == 78)
        #expect(again.output.contains("the rotation is complete"))
    }

    @Test func issuerWithAColon_isRefusedAtStart() throws {
        let directory = try TemporaryDirectory()
        let keyPath = try writeMasterKey(in: directory.path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BuiltProduct.path("secret-vault"))
        process.arguments = [
            "--socket", directory.path + "/v.sock", "--data-dir", directory.path + "/d", "--master-key-file", keyPath,
            "--issuer", "Acme:Corp",
        ]
        process.standardError = Pipe()
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 64)
    }

    @Test func recovery_whenSMSWorkerIsDown_answersUnavailablePromptly() throws {
        let vault = try VaultFixture()
        let client = try TestClient(path: vault.socketPath)
        _ = client.result("phone.set", ["user": "bob", "phone": "+1 415 555 2671"])
        // Answered within --sms-timeout (500 ms here); the client's own 5 s timeout would
        // otherwise have answered "local:timeout".
        #expect(client.result("recovery.start", ["user": "bob"]).error == "sms.unavailable")
        #expect(vault.daemon.terminate() == 0)
    }
}

private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, needle.count <= haystack.count else { return false }
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
        if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
    }
    return false
}

/// The vault and the real sms-sender together: SMS recovery end to end through the outbox.
@Suite(.serialized) struct VaultWithSMSTests {
    @Test func recovery_sendsACodeThroughTheOutbox_thatWorksOnce() throws {
        let directory = try TemporaryDirectory()
        let sms = try Daemon(
            "sms-sender", arguments: ["--socket", directory.path + "/sms.sock", "--data-dir", directory.path + "/sms"],
            socketPath: directory.path + "/sms.sock", logPath: directory.path + "/sms.log")
        let keyPath = try writeMasterKey(in: directory.path)
        let vault = try VaultFixture.start(directory.path, keyPath: keyPath)
        let client = try TestClient(path: directory.path + "/vault.sock")

        let begin = try #require(client.result("enroll.begin", ["user": "carol", "account_name": "carol"]).fields)
        let secret = try #require(begin["secret"]?.stringValue)
        _ = client.result("enroll.confirm", ["user": "carol", "code": .string(try code(secret))])
        let phone = try #require(client.result("phone.set", ["user": "carol", "phone": "+44 20 7946 0958"]).fields)
        #expect(phone["sms_recovery"]?.stringValue == "available")

        let started = try #require(client.result("recovery.start", ["user": "carol"]).fields)
        #expect(started["phone_masked"]?.stringValue == "+44 ••••••••58")
        // The code's message is in the outbox before recovery.start answers.
        let outbox = try String(contentsOfFile: directory.path + "/sms/outbox.jsonl", encoding: .utf8)
        let line = try #require(outbox.split(separator: "\n").last)
        let message = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(message["to"] as? String == "+442079460958")
        let text = try #require(message["text"] as? String)
        let recoveryCode = try #require(text.split(separator: " ").first { $0.count == 7 && $0.hasSuffix(".") })
            .dropLast()

        let wrong = recoveryCode == "000000" ? "111111" : "000000"
        #expect(
            client.result("recovery.verify", ["user": "carol", "code": .string(wrong)]).fields?["attempts_left"]?
                .intValue == 4)
        #expect(
            client.result("recovery.verify", ["user": "carol", "code": .string(String(recoveryCode))]).fields?[
                "outcome"]?.stringValue == "accepted")
        #expect(
            client.result("recovery.verify", ["user": "carol", "code": .string(String(recoveryCode))]).fields?[
                "outcome"]?.stringValue == "expired")
        // The recovery notice went to the phone too, sent after the answer (a notice never delays
        // it): wait for it in the outbox, a bounded number of looks apart.
        var after = ""
        for _ in 0..<400 {
            after = (try? String(contentsOfFile: directory.path + "/sms/outbox.jsonl", encoding: .utf8)) ?? ""
            if after.contains("recovered by SMS") { break }
            Thread.sleep(forTimeInterval: 0.025)
        }
        #expect(after.contains("recovered by SMS"))
        // The vault's files never held the code.
        #expect(vault.terminate() == 0)
        let vaultFiles = try FileManager.default.subpathsOfDirectory(atPath: directory.path + "/data")
        for file in vaultFiles {
            let data = FileManager.default.contents(atPath: directory.path + "/data/" + file) ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains(String(recoveryCode)), "code found in \(file)")
        }
        // With the worker stopped, the vault answers promptly that SMS is unavailable.
        #expect(sms.terminate() == 0)
        let vault2 = try VaultFixture.start(directory.path, keyPath: keyPath)
        defer { _ = vault2.terminate() }
        let client2 = try TestClient(path: directory.path + "/vault.sock")
        _ = client2.result("phone.set", ["user": "dave", "phone": "+1 415 555 2671"])
        #expect(client2.result("recovery.start", ["user": "dave"]).error == "sms.unavailable")
    }
}
