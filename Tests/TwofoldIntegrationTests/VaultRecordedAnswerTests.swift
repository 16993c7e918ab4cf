import Foundation
import Synchronization
import Testing
import TwofoldTestSupport
import TwofoldWire

/// A stand-in sms-sender that takes every `sms.send` and answers it only when told (`answer`),
/// so a test decides when the vault's send is in flight and when it is settled.
private final class HeldSMSSender: Sendable {
    let peer: FakeWirePeer

    init(path: String) throws {
        peer = try FakeWirePeer(path: path) { request in
            if request.operation == "sms.send" { return .silence }
            return .bytes(
                FakeWirePeer.success(request, result: #"{"failing":false,"outbox_messages":0,"status":"ok"}"#))
        }
    }

    var sends: [FakeWirePeer.Received] { peer.received.filter { $0.operation == "sms.send" } }

    /// Waits (this synchronous test's thread only) until `count` sends arrived; false if they never did.
    func waitForSends(_ count: Int) -> Bool {
        for _ in 0..<800 {
            if sends.count >= count { return true }
            Thread.sleep(forTimeInterval: 0.025)
        }
        return false
    }

    /// Acknowledges `request` as the real sms-sender does.
    func answer(_ request: FakeWirePeer.Received) {
        peer.send(
            FakeWirePeer.success(request, result: #"{"duplicate":false,"id":"m","status":"queued"}"#), to: request)
    }

    /// The text of a send.
    static func text(of request: FakeWirePeer.Received) -> String? {
        guard case .object(let args)? = request.envelope["args"], case .string(let text)? = args["text"] else {
            return nil
        }
        return text
    }
}

/// Calls `op` without waiting; `wait` returns its answer.
private final class PendingCall: Sendable {
    private let outcome = Mutex<Result<WireResponse, WireError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ client: TestClient, _ op: String, _ args: [String: JSONValue], key: String) {
        client.client.call(op, args: args, timeout: .seconds(30), idempotencyKey: IdempotencyKey(key)) {
            [self] result in
            outcome.withLock { $0 = result }
            done.signal()
        }
    }

    var isAnswered: Bool { outcome.withLock { $0 != nil } }

    /// Blocks this synchronous test's thread until the answer came; its result fields, if a success.
    func wait() -> [String: JSONValue]? {
        done.wait()
        if case .success(let response)? = outcome.withLock({ $0 }), case .success(let fields) = response.outcome {
            return fields
        }
        return nil
    }
}

@Suite(.serialized) struct VaultRecordedAnswerTests {
    @Test func loginCode_retriedWithItsKey_isAcceptedAgain_alsoAfterKill9_andAnotherRequestWithTheKeyIsRefused()
        throws
    {
        let vault = try VaultFixture()
        var client = try TestClient(path: vault.socketPath)
        let begin = try #require(client.result("enroll.begin", ["user": "rita", "account_name": "rita"]).fields)
        let secret = try #require(begin["secret"]?.stringValue)
        _ = client.result("enroll.confirm", ["user": "rita", "code": .string(try code(secret, offsetSteps: -1))])
        let login = try code(secret)
        let args: [String: JSONValue] = ["user": "rita", "code": .string(login)]
        let first = try #require(client.result("totp.verify", args, key: "login-key-rita-0001").fields)
        #expect(first["outcome"]?.stringValue == "accepted")
        // The gateway lost that answer and retries with the same key: the same answer, not a replay.
        #expect(client.result("totp.verify", args, key: "login-key-rita-0001").fields == first)
        #expect(client.result("totp.verify", args, key: "login-key-rita-0002").fields?["outcome"] == "replayed")

        try vault.restartAfterKill9()
        client = try TestClient(path: vault.socketPath)
        #expect(client.result("totp.verify", args, key: "login-key-rita-0001").fields == first)
        let other: [String: JSONValue] = ["user": "rita", "code": "000000"]
        #expect(client.result("totp.verify", other, key: "login-key-rita-0001").error == "idempotency.mismatch")
        #expect(client.result("health").fields?["idempotency_retention_ms"]?.intValue == 300_000)
        let audit = try String(contentsOfFile: vault.dataPath + "/audit.jsonl", encoding: .utf8)
        #expect(audit.contains("\"answer\":\"recorded\""))
        #expect(vault.daemon.terminate() == 0)
    }

    @Test func recoveryRetried_whileItsTextIsInFlight_isInProgress_thenGetsTheSettledAnswer_evenAfterKill9() throws {
        let directory = try TemporaryDirectory()
        let sms = try HeldSMSSender(path: directory.path + "/sms.sock")
        defer { sms.peer.stop() }
        let keyPath = try writeMasterKey(in: directory.path)
        var vault = try VaultFixture.start(directory.path, keyPath: keyPath, extra: ["--sms-timeout", "20s"])
        var client = try TestClient(path: directory.path + "/vault.sock", timeout: .seconds(30))
        _ = client.result("phone.set", ["user": "sam", "phone": "+44 20 7946 0958"])
        let key = "recovery-key-sam-001"

        let first = PendingCall(client, "recovery.start", ["user": "sam"], key: key)
        try #require(sms.waitForSends(1), "the vault never sent the text")
        #expect(!first.isAnswered)
        #expect(client.result("recovery.start", ["user": "sam"], key: key).error == "idempotency.in_progress")
        sms.answer(sms.sends[0])
        let answered = try #require(first.wait())
        #expect(answered["delivery"]?.stringValue == "sent")
        #expect(client.result("recovery.start", ["user": "sam"], key: key).fields == answered)

        vault.kill9()
        vault = try VaultFixture.start(directory.path, keyPath: keyPath, extra: ["--sms-timeout", "20s"])
        client = try TestClient(path: directory.path + "/vault.sock", timeout: .seconds(30))
        #expect(client.result("recovery.start", ["user": "sam"], key: key).fields == answered)
        #expect(sms.sends.count == 1, "one text, however many retries")
        #expect(vault.terminate() == 0)
    }

    @Test func textThatGetsNoAnswer_isReportedAsMaybeSent_andItsCodeStillWorks() throws {
        let directory = try TemporaryDirectory()
        let sms = try HeldSMSSender(path: directory.path + "/sms.sock")
        defer { sms.peer.stop() }
        let keyPath = try writeMasterKey(in: directory.path)
        let vault = try VaultFixture.start(directory.path, keyPath: keyPath)
        let client = try TestClient(path: directory.path + "/vault.sock")
        _ = client.result("phone.set", ["user": "tia", "phone": "+44 20 7946 0958"])
        // The sms-sender took the text but never answers within --sms-timeout (500 ms here).
        let started = try #require(client.result("recovery.start", ["user": "tia"]).fields)
        #expect(started["delivery"]?.stringValue == "unknown")
        let text = try #require(sms.sends.first.flatMap(HeldSMSSender.text(of:)))
        let code = try #require(text.split(separator: " ").first { $0.count == 7 && $0.hasSuffix(".") }).dropLast()
        // The text arrives late after all: its code works.
        #expect(
            client.result("recovery.verify", ["user": "tia", "code": .string(String(code))]).fields?["outcome"]
                == "accepted")
        #expect(vault.terminate() == 0)
    }
}

@Suite(.serialized) struct VaultBackupCodeDaemonTests {
    @Test func backupCodes_workOnce_evenAcrossKill9_andNeverReachAFileOrLogInTheClear() throws {
        let vault = try VaultFixture()
        var client = try TestClient(path: vault.socketPath)
        let begin = try #require(client.result("enroll.begin", ["user": "uma", "account_name": "uma"]).fields)
        let secret = try #require(begin["secret"]?.stringValue)
        let confirmed = try #require(
            client.result("enroll.confirm", ["user": "uma", "code": .string(try code(secret, offsetSteps: -1))])
                .fields)
        guard case .array(let values)? = confirmed["backup_codes"] else {
            Issue.record("no backup codes in \(confirmed)")
            return
        }
        let codes = values.compactMap(\.stringValue)
        #expect(codes.count == 10)
        #expect(client.result("status", ["user": "uma"]).fields?["backup_codes_left"]?.intValue == 10)

        let spent = codes[0].uppercased().replacingOccurrences(of: "-", with: " ")
        let accepted = client.result("backup.verify", ["user": "uma", "code": .string(spent)]).fields
        #expect(accepted?["outcome"] == "accepted")
        #expect(accepted?["backup_codes_left"]?.intValue == 9)
        // Killed right after the answer: the code stays spent.
        try vault.restartAfterKill9()
        client = try TestClient(path: vault.socketPath)
        #expect(
            client.result("backup.verify", ["user": "uma", "code": .string(codes[0])]).fields?["outcome"] == "invalid")
        #expect(client.result("status", ["user": "uma"]).fields?["backup_codes_left"]?.intValue == 9)

        // New codes need a current authenticator code; the old ones then stop working.
        #expect(client.result("backup.generate", ["user": "uma"]).error == "totp.code_required")
        let generated = try #require(
            client.result("backup.generate", ["user": "uma", "code": .string(try code(secret))]).fields)
        guard case .array(let freshValues)? = generated["backup_codes"] else {
            Issue.record("no backup codes in \(generated)")
            return
        }
        let fresh = freshValues.compactMap(\.stringValue)
        #expect(
            client.result("backup.verify", ["user": "uma", "code": .string(codes[1])]).fields?["outcome"] == "invalid")
        #expect(
            client.result("backup.verify", ["user": "uma", "code": .string(fresh[0])]).fields?["outcome"] == "accepted")
        #expect(
            client.result("reset", ["user": "uma", "actor": "operator:test", "reason": "test"]).fields != nil)
        #expect(client.result("status", ["user": "uma"]).fields?["backup_codes_left"]?.intValue == 0)
        #expect(vault.daemon.terminate() == 0)

        // No spelling of any code is in the data folder (store, audit log) or the daemon's log.
        var files = try folderContents(vault.dataPath).values.map { [UInt8]($0) }
        files.append(Array(vault.daemon.log.utf8))
        #expect(files.count >= 3)
        for code in codes + fresh {
            let bare = code.replacingOccurrences(of: "-", with: "")
            for spelling in [code, code.uppercased(), bare, bare.uppercased()] {
                for bytes in files { #expect(!bytes.contains(Array(spelling.utf8)), "a backup code was written down") }
            }
        }
    }
}

extension [UInt8] {
    fileprivate func contains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if self[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
