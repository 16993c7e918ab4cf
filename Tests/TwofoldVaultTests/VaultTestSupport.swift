import Dispatch
import Synchronization
import TwofoldCrypto
import TwofoldOTP
import TwofoldProcess
import TwofoldSystem
import TwofoldWebAuthn

@testable import TwofoldVault

/// A clock the test moves by hand.
final class ManualVaultClock: VaultClock {
    private let millis: Mutex<Int64>
    init(_ start: Int64 = 1_764_000_000_000) { millis = Mutex(start) }
    func nowMillis() -> Int64 { millis.withLock { $0 } }
    func advance(seconds: Int64) { millis.withLock { $0 += seconds * 1000 } }
    func set(_ value: Int64) { millis.withLock { $0 = value } }
}

/// Keeps appended records in memory with the real store's rules and none of its kindness: by
/// default it completes synchronously, inside `append` (the vault must cope: it holds its lock
/// there); once a write fails it refuses everything until `recover` rebuilds the vault from the
/// records it kept, as the store's in-process recovery does.
final class MemoryPersistence: VaultPersistence {
    let records = Mutex<[[UInt8]]>([])
    /// The disk is failing: the next append fails and the persistence refuses until `recover`.
    let failing = Mutex(false)
    private let refusing = Mutex(false)
    let refusals = Mutex(0)
    let compactions = Mutex(0)
    /// While set, appends are kept but their completions wait for `releaseHeld` (writes in flight).
    let holding = Mutex(false)
    private let held = Mutex<[@Sendable () -> Void]>([])
    private let synchronous: Bool
    private let queue = DispatchQueue(label: "memory-persistence")

    init(synchronous: Bool = true) { self.synchronous = synchronous }

    func append(_ payload: [UInt8], completion: @escaping @Sendable ((any Error)?) -> Void) {
        let error: (any Error)? = refusing.withLock { refusing in
            if refusing {
                refusals.withLock { $0 += 1 }
                return StubFailure()
            }
            if failing.withLock({ $0 }) {
                refusing = true
                return StubFailure()
            }
            records.withLock { $0.append(payload) }
            return nil
        }
        if holding.withLock({ $0 }) {
            held.withLock { $0.append { completion(error) } }
            return
        }
        complete(completion, error)
    }

    /// Completes the appends held so far, in order, and stops holding.
    func releaseHeld() {
        holding.withLock { $0 = false }
        let completions = held.withLock { held in
            let all = held
            held = []
            return all
        }
        for completion in completions { completion() }
    }

    func compact(_ snapshot: [[UInt8]], completion: @escaping @Sendable ((any Error)?) -> Void) {
        let error: (any Error)? = refusing.withLock { refusing in
            if refusing || failing.withLock({ $0 }) { return StubFailure() }
            records.withLock { $0 = snapshot }
            compactions.withLock { $0 += 1 }
            return nil
        }
        complete(completion, error)
    }

    var failure: String? { refusing.withLock { $0 } ? "storage failed: stub" : nil }

    func checkWritable() throws {
        if refusing.withLock({ $0 }) {
            refusals.withLock { $0 += 1 }
            throw StubFailure()
        }
    }

    /// The disk works again: rebuilds `vault` from the kept records and accepts writes.
    func recover(_ vault: Vault) throws {
        failing.withLock { $0 = false }
        try vault.rebuild(from: records.withLock { $0 }) { refusing.withLock { $0 = false } }
    }

    private func complete(_ completion: @escaping @Sendable ((any Error)?) -> Void, _ error: (any Error)?) {
        if synchronous {
            completion(error)
        } else {
            queue.async { completion(error) }
        }
    }

    struct StubFailure: Error {}
}

/// Stands in for the sms-sender in unit tests: keeps messages, refuses them when `down`, never
/// answers in time when `silent` (the outcome is then unknown, as after a real timeout), and when
/// `holding`, keeps each send's completion until `release` (a send still in flight). Like the real
/// dispatcher, it may complete inside `send`.
final class RecordingSMS: SMSDispatcher {
    let messages = Mutex<[SMSMessage]>([])
    let down = Mutex(false)
    let silent = Mutex(false)
    let holding = Mutex(false)
    let held = Mutex<[@Sendable () -> Void]>([])
    let timeouts = Mutex<[Duration?]>([])
    var isReachable: Bool { !down.withLock { $0 } }
    func send(_ message: SMSMessage, timeout: Duration?, completion: @escaping @Sendable (SMSSendOutcome) -> Void) {
        timeouts.withLock { $0.append(timeout) }
        if down.withLock({ $0 }) {
            completion(.notSent)
            return
        }
        if silent.withLock({ $0 }) {
            // The worker may have taken it: the test sees it in `messages`, the vault does not know.
            messages.withLock { $0.append(message) }
            completion(.unknown)
            return
        }
        messages.withLock { $0.append(message) }
        if holding.withLock({ $0 }) {
            held.withLock { $0.append { completion(.sent) } }
        } else {
            completion(.sent)
        }
    }
    /// Completes every held send as acknowledged.
    func release() {
        holding.withLock { $0 = false }
        let completions = held.withLock { held in
            let all = held
            held = []
            return all
        }
        for completion in completions { completion() }
    }
    var last: SMSMessage? { messages.withLock { $0.last } }
}

struct VaultHarness {
    let clock = ManualVaultClock()
    let persistence: MemoryPersistence
    let sms = RecordingSMS()
    let auditSink = LogSink.memory()
    let masterKey: [UInt8]
    let vault: Vault

    let policy: VaultPolicy
    let relyingParty: RelyingParty?

    /// The relying party of the passkey tests (`VaultWebAuthnTests`).
    static let exampleRelyingParty = try? RelyingParty(publicURL: "https://login.example.org")

    init(
        policy: VaultPolicy = VaultPolicy(), masterKey: [UInt8] = Array(repeating: 7, count: 32),
        previousMasterKey: [UInt8]? = nil, persistence: MemoryPersistence = MemoryPersistence(),
        relyingParty: RelyingParty? = exampleRelyingParty
    ) {
        self.masterKey = masterKey
        self.persistence = persistence
        self.policy = policy
        self.relyingParty = relyingParty
        vault = Vault(
            crypto: try! VaultCrypto(masterKey: masterKey, previousMasterKey: previousMasterKey),
            persistence: persistence, clock: clock, sms: sms,
            policy: policy, audit: VaultAudit(sink: auditSink), relyingParty: relyingParty)
    }

    /// A vault over the same persisted records, as after a restart (with other keys if given).
    func restarted(masterKey newKey: [UInt8]? = nil, previousMasterKey: [UInt8]? = nil) throws -> VaultHarness {
        let fresh = VaultHarness(
            policy: policy, masterKey: newKey ?? masterKey, previousMasterKey: previousMasterKey,
            relyingParty: relyingParty)
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
    func enroll(_ user: UserID) throws -> [UInt8] { try enrollWithBackupCodes(user).secret }

    /// Enrolls and confirms `user`, returning the seed and the backup codes the confirmation made.
    func enrollWithBackupCodes(_ user: UserID) throws -> (secret: [UInt8], backupCodes: [BackupCode]) {
        let start = try sync { vault.beginEnrollment(user: user, accountName: "\(user)@example.com", completion: $0) }
            .get()
        let secret = try Base32.decode(start.secretBase32)
        let code = totp(secret, at: clock.nowMillis())
        let outcome = try sync {
            vault.confirmEnrollment(user: user, enrollmentID: start.enrollmentID, code: code, completion: $0)
        }.get()
        guard case .confirmed(_, .shown(let codes)) = outcome else { throw HarnessError.notConfirmed }
        return (secret, codes)
    }

    enum HarnessError: Error { case notConfirmed }

    /// The claim of a request with idempotency key `key` (from peer uid 1000 unless said).
    func claim(
        _ key: String, _ operation: String, _ arguments: String, user: UserID = .test(), peer: UInt32 = 1000
    ) -> IdempotencyClaim {
        vault.idempotencyClaim(
            peer: peer, user: user, key: key, operation: operation, arguments: Array(arguments.utf8))
    }

    /// Every audit line so far, joined.
    var audit: String { auditSink.lines.joined() }
}

/// The code an authenticator app shows at `millis` (SHA1, 6 digits, 30 s).
func totp(_ secret: [UInt8], at millis: Int64, offsetSteps: Int64 = 0) -> String {
    let step = UInt64(millis / 1000 / 30 + offsetSteps)
    return HOTP.code(secret: secret, counter: step, parameters: OTPParameters())
}

extension UserID {
    static func test(_ name: String = "u-1") -> UserID { UserID(name)! }
}
