import Foundation
import Synchronization
import TwofoldOTP
import TwofoldProcess
import TwofoldSystem
import TwofoldVault

/// The vault's verify path in process, without sockets or disk: what one `Vault.verify` costs in
/// CPU (unseal, decode, check, encode, seal, submit, complete), measured on this thread's CPU clock
/// so that other load on the machine barely moves it. Rows: without an idempotency key, with one
/// (its claim's two MACs, and the answer recorded in the record), and a retry answered from the
/// record.
enum VaultRecordBench {
    static let users = 5_000
    /// The clock every operation reads: codes are computed for it.
    static let now: Int64 = 1_800_000_000_000

    static func run() {
        print("| vault verify in process (\(users) users, best of 3) | CPU µs per verify |")
        print("|---|---|")
        var results: [(String, Double)] = []
        for (name, keyed, retried) in [
            ("no idempotency key", false, false), ("with a key (answer recorded)", true, false),
            ("retry with the same key (recorded answer)", true, true),
        ] {
            var best = Double.infinity
            for round in 0..<3 {
                let bench = Fixture()
                let seeds = bench.enroll(prefix: "r\(round)-")
                if retried { _ = bench.verifyAll(seeds, keyed: true) }
                best = min(best, bench.verifyAll(seeds, keyed: keyed))
            }
            results.append((name, best))
        }
        for (name, micros) in results { row(name, formatted(micros, decimals: 2)) }
    }

    /// A vault over a persistence that holds completions until `flush` (on this thread, after the
    /// call returned, as the real store completes on its own thread), a fixed clock and no SMS.
    final class Fixture {
        let persistence = HeldPersistence()
        let vault: Vault

        init() {
            var key = [UInt8](repeating: 0, count: 32)
            for index in key.indices { key[index] = UInt8(truncatingIfNeeded: index &* 37) }
            // The key is a constant and 32 bytes: this cannot fail.
            let crypto = try! VaultCrypto(masterKey: key)
            vault = Vault(
                crypto: crypto, persistence: persistence, clock: FixedClock(), sms: NoSMS(),
                audit: VaultAudit(sink: LogSink.memory()))
        }

        /// Enrolls `users` users (confirmed with the previous step's code), returning their seeds.
        func enroll(prefix: String) -> [(UserID, [UInt8])] {
            var seeds: [(UserID, [UInt8])] = []
            for index in 0..<VaultRecordBench.users {
                guard let user = UserID("bench-\(prefix)\(index)") else { continue }
                let begun = Box<EnrollmentStart>()
                vault.beginEnrollment(user: user, accountName: "bench") { begun.value = try? $0.get() }
                persistence.flush()
                guard let start = begun.value, let secret = try? Base32.decode(start.secretBase32) else { continue }
                vault.confirmEnrollment(
                    user: user, enrollmentID: start.enrollmentID, code: Self.code(secret, stepOffset: -1)
                ) { _ in }
                persistence.flush()
                seeds.append((user, secret))
            }
            return seeds
        }

        /// Verifies every user's current code once; CPU µs per verify on this thread.
        func verifyAll(_ seeds: [(UserID, [UInt8])], keyed: Bool) -> Double {
            let accepted = Box<Int>()
            accepted.value = 0
            let start = Self.threadCPUNanoseconds()
            for (index, (user, secret)) in seeds.enumerated() {
                let code = Self.code(secret, stepOffset: 0)
                let claim =
                    keyed
                    ? vault.idempotencyClaim(
                        peer: 1000, user: user, key: "bench-key-\(1_000_000_000 + index)", operation: "totp.verify",
                        arguments: Array("{\"code\":\"\(code)\",\"user\":\"\(user.rawValue)\"}".utf8)) : nil
                vault.verify(user: user, code: code, idempotency: claim) { result in
                    if case .success(.accepted) = result { accepted.value = (accepted.value ?? 0) + 1 }
                }
                persistence.flush()
            }
            let elapsed = Self.threadCPUNanoseconds() - start
            if accepted.value != seeds.count {
                FileHandle.standardError.write(
                    Data("vault-record: \(accepted.value ?? 0) of \(seeds.count) verifies accepted\n".utf8))
            }
            return Double(elapsed) / 1000 / Double(max(seeds.count, 1))
        }

        static func code(_ secret: [UInt8], stepOffset: Int64) -> String {
            TOTP.code(
                secret: secret, unixTime: VaultRecordBench.now / 1000 + 30 * stepOffset, parameters: OTPParameters())
        }

        static func threadCPUNanoseconds() -> UInt64 {
            var spec = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
            return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
        }
    }

    final class HeldPersistence: VaultPersistence {
        private let pending = Mutex<[@Sendable ((any Error)?) -> Void]>([])

        func append(_ payload: [UInt8], completion: @escaping @Sendable ((any Error)?) -> Void) {
            pending.withLock { $0.append(completion) }
        }

        func compact(_ snapshot: [[UInt8]], completion: @escaping @Sendable ((any Error)?) -> Void) {
            pending.withLock { $0.append(completion) }
        }

        var failure: String? { nil }
        func checkWritable() throws {}

        func flush() {
            let completions = pending.withLock { pending in
                let all = pending
                pending = []
                return all
            }
            for completion in completions { completion(nil) }
        }
    }

    struct FixedClock: VaultClock {
        func nowMillis() -> Int64 { VaultRecordBench.now }
    }

    final class NoSMS: SMSDispatcher {
        var isReachable: Bool { true }
        func send(_ message: SMSMessage, timeout: Duration?, completion: @escaping @Sendable (SMSSendOutcome) -> Void) {
            completion(.sent)
        }
    }

    /// A value set by a completion that runs on this thread (inside `flush`).
    final class Box<Value>: @unchecked Sendable {
        // @unchecked: set by a completion that runs on this same thread (inside `flush`), read after it.
        var value: Value?
    }
}
