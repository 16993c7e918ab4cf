import Dispatch
import Synchronization
import TwofoldCrypto
import TwofoldOTP
import TwofoldProcess

@testable import TwofoldVault

/// A clock the test moves by hand.
final class ManualVaultClock: VaultClock {
    private let millis: Mutex<Int64>
    init(_ start: Int64 = 1_764_000_000_000) { millis = Mutex(start) }
    func nowMillis() -> Int64 { millis.withLock { $0 } }
    func advance(seconds: Int64) { millis.withLock { $0 += seconds * 1000 } }
    func set(_ value: Int64) { millis.withLock { $0 = value } }
}

/// Records appends in memory and completes them in order on its own queue, as the real store does
/// on its writer thread (durability itself is proven against the real store and the real daemon).
final class MemoryPersistence: VaultPersistence {
    let records = Mutex<[[UInt8]]>([])
    let failing = Mutex(false)
    private let queue = DispatchQueue(label: "memory-persistence")
    func append(_ payload: [UInt8], completion: @escaping @Sendable ((any Error)?) -> Void) {
        let fail = failing.withLock { $0 }
        if !fail { records.withLock { $0.append(payload) } }
        queue.async { completion(fail ? StubFailure() : nil) }
    }
    struct StubFailure: Error {}
}

/// Stands in for the sms-sender in unit tests: keeps messages, or refuses them when `down`.
final class RecordingSMS: SMSDispatcher {
    let messages = Mutex<[SMSMessage]>([])
    let down = Mutex(false)
    var isReachable: Bool { !down.withLock { $0 } }
    func send(_ message: SMSMessage, completion: @escaping @Sendable (Bool) -> Void) {
        if down.withLock({ $0 }) {
            completion(false)
            return
        }
        messages.withLock { $0.append(message) }
        completion(true)
    }
    var last: SMSMessage? { messages.withLock { $0.last } }
}

struct VaultHarness {
    let clock = ManualVaultClock()
    let persistence = MemoryPersistence()
    let sms = RecordingSMS()
    let auditSink = LogSink.memory()
    let masterKey: [UInt8]
    let vault: Vault

    init(policy: VaultPolicy = VaultPolicy(), masterKey: [UInt8] = Array(repeating: 7, count: 32)) {
        self.masterKey = masterKey
        vault = Vault(
            crypto: try! VaultCrypto(masterKey: masterKey), persistence: persistence, clock: clock, sms: sms,
            policy: policy, audit: VaultAudit(sink: auditSink))
    }

    /// A vault over the same persisted records, as after a restart.
    func restarted() throws -> VaultHarness {
        let fresh = VaultHarness(masterKey: masterKey)
        fresh.clock.set(clock.nowMillis())
        for record in persistence.records.withLock({ $0 }) {
            try fresh.vault.replay(record)
            fresh.persistence.records.withLock { $0.append(record) }
        }
        return fresh
    }

    /// Runs a completion-style operation and waits for its completion.
    func sync<R: Sendable>(_ body: (@escaping @Sendable (Result<R, VaultError>) -> Void) -> Void) -> Result<
        R, VaultError
    > {
        let box = Mutex<Result<R, VaultError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        body { result in
            box.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return box.withLock { $0 }!
    }

    /// Enrolls and confirms `user`, returning the seed so tests can compute codes.
    func enroll(_ user: UserID) throws -> [UInt8] {
        let start = try sync { vault.beginEnrollment(user: user, accountName: "\(user)@example.com", completion: $0) }
            .get()
        let secret = try Base32.decode(start.secretBase32)
        let code = totp(secret, at: clock.nowMillis())
        let outcome = try sync {
            vault.confirmEnrollment(user: user, enrollmentID: start.enrollmentID, code: code, completion: $0)
        }.get()
        guard case .confirmed = outcome else { throw HarnessError.notConfirmed }
        return secret
    }

    enum HarnessError: Error { case notConfirmed }
}

/// The code an authenticator app shows at `millis` (SHA1, 6 digits, 30 s).
func totp(_ secret: [UInt8], at millis: Int64, offsetSteps: Int64 = 0) -> String {
    let step = UInt64(millis / 1000 / 30 + offsetSteps)
    return HOTP.code(secret: secret, counter: step, parameters: OTPParameters())
}

extension UserID {
    static func test(_ name: String = "u-1") -> UserID { UserID(name)! }
}
