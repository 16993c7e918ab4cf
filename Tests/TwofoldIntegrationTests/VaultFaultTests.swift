import Foundation
import Synchronization
import Testing
import TwofoldTestSupport
import TwofoldWire

/// The vault as a hostile client and an operator having a bad day would try it (issue 13): the
/// real `secret-vault` executable on its real record store, no test doubles. Synchronous tests:
/// they block only their own thread while they wait for the daemon.
@Suite(.serialized) struct VaultFaultTests {
    @Test func userDelete_under32ConcurrentVerifiers_answersAndTheVaultStaysResponsive() throws {
        let vault = try VaultFixture()
        let setup = try TestClient(path: vault.socketPath)
        let verifiers = 32
        let usersPerVerifier = 6
        @Sendable func userName(_ verifier: Int, _ index: Int) -> String { "v\(verifier)-u\(index)" }
        for verifier in 0..<verifiers {
            for index in 0..<usersPerVerifier {
                let user = userName(verifier, index)
                let begin = try #require(
                    setup.result("enroll.begin", ["user": .string(user), "account_name": "a"]).fields)
                let secret = try #require(begin["secret"]?.stringValue)
                _ = setup.result("enroll.confirm", ["user": .string(user), "code": .string(try code(secret))])
            }
        }
        let doomed = (0..<12).map { "doomed-\($0)" }
        for user in doomed {
            _ = setup.result("phone.set", ["user": .string(user), "phone": "+1 415 555 2671"])
        }

        // Each verifier sends wrong codes to its own users: every one of the first six per user
        // is a durable write whose completion used to take the vault's lock during compaction.
        let failures = Mutex<[String]>([])
        let answered = Mutex(0)
        let finished = DispatchSemaphore(value: 0)
        for verifier in 0..<verifiers {
            Thread.detachNewThread {
                defer { finished.signal() }
                guard let client = try? TestClient(path: vault.socketPath) else {
                    failures.withLock { $0.append("verifier \(verifier) could not connect") }
                    return
                }
                for round in 0..<7 {
                    for index in 0..<usersPerVerifier {
                        let answer = client.result(
                            "totp.verify", ["user": .string(userName(verifier, index)), "code": "000000"])
                        if let error = answer.error {
                            failures.withLock { $0.append("verify \(verifier)/\(index)/\(round): \(error)") }
                        } else {
                            answered.withLock { $0 += 1 }
                        }
                    }
                }
            }
        }
        for user in doomed {
            let deleted = setup.result("user.delete", ["user": .string(user), "actor": "operator:test"])
            #expect(deleted.error == nil, "user.delete \(user): \(deleted.error ?? "")")
        }
        for _ in 0..<verifiers { finished.wait() }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0.prefix(5) })")
        #expect(answered.withLock { $0 } == verifiers * usersPerVerifier * 7)
        #expect(setup.healthStatus == "ok")
        for user in doomed {
            #expect(setup.result("status", ["user": .string(user)]).fields?["sms_recovery"]?.stringValue == "no_phone")
        }
        // A wedged vault ignored SIGTERM; this one stops cleanly.
        #expect(vault.daemon.terminate() == 0)
    }

    @Test func fullDisk_givesCleanErrorsAndDegradedHealth_thenServesAgainWhenSpaceReturns() throws {
        let directory = try TemporaryDirectory()
        guard let disk = SmallTmpfs(at: directory.path + "/data") else {
            print("skipped: filling a small tmpfs needs root (mount -t tmpfs)")
            return
        }
        let keyPath = try writeMasterKey(in: directory.path)
        var daemon = try VaultFixture.start(directory.path, keyPath: keyPath)
        var client = try TestClient(path: directory.path + "/vault.sock")
        let begin = try #require(client.result("enroll.begin", ["user": "alice", "account_name": "alice"]).fields)
        let secret = try #require(begin["secret"]?.stringValue)
        #expect(
            client.result("enroll.confirm", ["user": "alice", "code": .string(try code(secret, offsetSteps: -1))])
                .fields?["outcome"]?.stringValue == "confirmed")

        disk.fill()
        // The log's last page may still take a few small records: write until one fails.
        var refusal: (code: String, detail: String?)?
        var acknowledged = 0
        for index in 0..<400 where refusal == nil {
            let phone = index % 2 == 0 ? "+1 415 555 2671" : "+1 415 555 2672"
            switch client.call("phone.set", ["user": "bob", "phone": .string(phone)]) {
            case .success(let response):
                switch response.outcome {
                case .success: acknowledged += 1
                case .failure(let payload): refusal = (payload.code, payload.detail)
                }
            case .failure(let error):
                Issue.record("no protocol answer: \(error)")
                return
            }
        }
        #expect(refusal?.code == "unavailable")
        #expect(refusal?.detail == "storage.failed")
        let health = try #require(client.result("health").fields)
        #expect(health["status"]?.stringValue == "degraded")
        #expect(health["reason"]?.stringValue?.contains("No space left on device") == true)
        // Refused promptly and cleanly, reads included; no trap.
        for _ in 0..<20 {
            #expect(client.result("totp.verify", ["user": "alice", "code": "000000"]).error == "unavailable")
            #expect(client.result("status", ["user": "alice"]).error == "unavailable")
        }
        #expect(daemon.process.isRunning)
        #expect(daemon.log.components(separatedBy: "store failed; refusing requests").count == 2)

        disk.free()
        #expect(client.waitForHealth("ok"), "the vault did not recover:\n\(daemon.log)")
        #expect(daemon.log.contains("store recovered; serving again"))
        #expect(daemon.log.contains("\"refused\":"))
        #expect(
            client.result("totp.verify", ["user": "alice", "code": .string(try code(secret, offsetSteps: 1))])
                .fields?["outcome"]?.stringValue == "accepted")
        let bob = try #require(client.result("phone.set", ["user": "bob", "phone": "+44 20 7946 0958"]).fields)
        #expect(bob["phone_masked"]?.stringValue == "+44 ••••••••58")

        // Everything acknowledged is still there after kill -9.
        daemon.kill9()
        daemon = try VaultFixture.start(directory.path, keyPath: keyPath)
        client = try TestClient(path: directory.path + "/vault.sock")
        #expect(client.result("status", ["user": "alice"]).fields?["enrolled"]?.boolValue == true)
        #expect(client.result("status", ["user": "bob"]).fields?["phone_country"]?.stringValue == "GB")
        #expect(daemon.terminate() == 0)
        _ = acknowledged
    }

    @Test func startOnAFullDisk_comesUpDegraded_includingTheStartupCompaction_andRecovers() throws {
        let directory = try TemporaryDirectory()
        guard let disk = SmallTmpfs(at: directory.path + "/data") else {
            print("skipped: filling a small tmpfs needs root (mount -t tmpfs)")
            return
        }
        let keyPath = try writeMasterKey(in: directory.path)

        // A brand-new store on a full disk: the log cannot even be created.
        disk.fill()
        var daemon = try VaultFixture.start(directory.path, keyPath: keyPath)
        var client = try TestClient(path: directory.path + "/vault.sock")
        #expect(client.healthStatus == "degraded")
        #expect(client.result("status", ["user": "carol"]).error == "unavailable")
        disk.free()
        #expect(client.waitForHealth("ok"), "the vault did not recover:\n\(daemon.log)")
        #expect(client.result("phone.set", ["user": "carol", "phone": "+1 415 555 2671"]).error == nil)

        // Enough superseded records that the next start compacts, then a full disk for it.
        for index in 0..<1_100 {
            let phone = index % 2 == 0 ? "+1 415 555 2672" : "+1 415 555 2671"
            _ = client.result("phone.set", ["user": "carol", "phone": .string(phone)])
        }
        #expect(daemon.terminate() == 0)
        disk.fill()
        daemon = try VaultFixture.start(directory.path, keyPath: keyPath)
        client = try TestClient(path: directory.path + "/vault.sock")
        #expect(daemon.log.contains("start-up compaction failed; serving anyway"))
        #expect(client.result("status", ["user": "carol"]).fields?["phone_country"]?.stringValue == "US")
        disk.free()
        #expect(client.result("phone.set", ["user": "carol", "phone": "+44 20 7946 0958"]).error == nil)
        #expect(daemon.terminate() == 0)
    }

    @Test func wrongMasterKey_isRefusedWithStatus78_andChangesNothing() throws {
        let vault = try VaultFixture()
        let client = try TestClient(path: vault.socketPath)
        _ = client.result("phone.set", ["user": "dave", "phone": "+1 415 555 2671"])
        #expect(vault.daemon.terminate() == 0)
        let before = try folderContents(vault.dataPath + "/store")

        let otherKeys = try TemporaryDirectory()
        let wrongKey = try writeMasterKey(in: otherKeys.path)
        let refused = try runVaultExpectingExit(vault.directory.path, keyPath: wrongKey)
        #expect(refused.status == 78)
        #expect(refused.output.contains("the master key does not match this store"))
        #expect(refused.output.split(separator: "\n").count == 1)
        #expect(try folderContents(vault.dataPath + "/store") == before)

        // The right key still opens everything.
        let again = try VaultFixture.start(vault.directory.path, keyPath: vault.keyPath)
        let reopened = try TestClient(path: vault.socketPath)
        #expect(reopened.result("status", ["user": "dave"]).fields?["phone_country"]?.stringValue == "US")
        #expect(again.terminate() == 0)
    }

    @Test func keyRotation_withAWrongPreviousKey_isRefusedWithStatus78_andChangesNothing() throws {
        let vault = try VaultFixture()
        let client = try TestClient(path: vault.socketPath)
        let begin = try #require(client.result("enroll.begin", ["user": "erin", "account_name": "erin"]).fields)
        let secret = try #require(begin["secret"]?.stringValue)
        _ = client.result("enroll.confirm", ["user": "erin", "code": .string(try code(secret, offsetSteps: -1))])
        #expect(vault.daemon.terminate() == 0)
        let before = try folderContents(vault.dataPath + "/store")

        let keys = try TemporaryDirectory()
        let newKey = try writeMasterKey(in: keys.path)
        let otherKeys = try TemporaryDirectory()
        let wrongPrevious = try writeMasterKey(in: otherKeys.path)
        let refused = try runVaultExpectingExit(
            vault.directory.path, keyPath: newKey, extra: ["--previous-master-key-file", wrongPrevious])
        #expect(refused.status == 78)
        #expect(refused.output.contains("neither the master key nor the previous master key matches"))
        #expect(!refused.output.contains("re-sealed"))
        #expect(try folderContents(vault.dataPath + "/store") == before)

        let again = try VaultFixture.start(vault.directory.path, keyPath: vault.keyPath)
        let reopened = try TestClient(path: vault.socketPath)
        #expect(
            reopened.result("totp.verify", ["user": "erin", "code": .string(try code(secret))]).fields?["outcome"]?
                .stringValue == "accepted")
        #expect(again.terminate() == 0)
    }

    @Test func secondVault_onTheSameDataFolder_isRefusedEvenAfterTheLockFileIsDeleted() throws {
        let vault = try VaultFixture()
        let client = try TestClient(path: vault.socketPath)
        _ = client.result("phone.set", ["user": "frank", "phone": "+1 415 555 2671"])
        // What defeated the old lock: deleting the lock file while the first vault runs.
        try? FileManager.default.removeItem(atPath: vault.dataPath + "/store/LOCK")
        let second = try runVaultExpectingExit(vault.directory.path, keyPath: vault.keyPath, socketName: "second")
        #expect(second.status == 75)
        #expect(second.output.contains("another secret-vault is using the data folder"))
        #expect(!FileManager.default.fileExists(atPath: vault.directory.path + "/second.sock"))

        // The first vault never noticed, and everything it acknowledged survives.
        _ = client.result("phone.set", ["user": "frank", "phone": "+44 20 7946 0958"])
        try vault.restartAfterKill9()
        let reopened = try TestClient(path: vault.socketPath)
        #expect(reopened.result("status", ["user": "frank"]).fields?["phone_country"]?.stringValue == "GB")
        #expect(vault.daemon.terminate() == 0)
    }

    /// Every operation with random hostile Unicode arguments (combining marks, astral characters,
    /// NULs, controls, up to 64 KiB), half of them with reused idempotency keys: each answer is a
    /// protocol answer and the vault stays up.
    @Test func everyOperation_withRandomUnicodeArguments_getsAProtocolAnswer_andTheVaultStaysUp() throws {
        let vault = try VaultFixture()
        let client = try TestClient(path: vault.socketPath)
        let seed = UInt64.random(in: 0...UInt64.max)
        var generator = SplitMix64(seed: seed)
        let operations: [(String, [String])] = [
            ("enroll.begin", ["user", "account_name"]), ("enroll.confirm", ["user", "enrollment_id", "code"]),
            ("totp.verify", ["user", "code"]), ("status", ["user"]), ("reset", ["user", "actor", "reason"]),
            ("phone.set", ["user", "phone", "code"]), ("phone.clear", ["user", "code"]),
            ("recovery.start", ["user"]), ("recovery.verify", ["user", "code"]), ("user.delete", ["user", "actor"]),
            ("backup.generate", ["user", "code"]), ("backup.verify", ["user", "code"]), ("health", []), ("stats", []),
        ]
        let validUsers = ["u-1", "u-2", "alice@example.com"]
        var answers = 0
        for round in 0..<40 {
            for (operation, fields) in operations {
                var args: [String: JSONValue] = [:]
                for field in fields {
                    // Half the time a valid user, so the argument rules behind `user` are reached too.
                    if field == "user", Bool.random(using: &generator) {
                        args[field] = .string(validUsers.randomElement(using: &generator) ?? "u-1")
                    } else {
                        args[field] = .string(hostileString(&generator))
                    }
                }
                // Half the time one of a few idempotency keys, shared by every operation and user:
                // recorded answers, mismatches and keys on reads are reached too.
                let key =
                    Bool.random(using: &generator)
                    ? "fuzz-key-\(Int.random(in: 0..<8, using: &generator))-00000" : nil
                switch client.call(operation, args, key: key) {
                case .success(let response):
                    answers += 1
                    if case .failure(let payload) = response.outcome {
                        #expect(
                            !payload.code.isEmpty && !payload.message.isEmpty,
                            "seed \(seed) round \(round) \(operation): empty error")
                        #expect(payload.code != "internal", "seed \(seed) round \(round) \(operation): internal")
                    }
                case .failure(let error):
                    Issue.record("seed \(seed) round \(round) \(operation): no protocol answer (\(error))")
                }
            }
        }
        #expect(answers == 40 * operations.count)
        #expect(vault.daemon.process.isRunning)
        #expect(client.healthStatus == "ok")
        #expect(vault.daemon.terminate() == 0)
    }
}
