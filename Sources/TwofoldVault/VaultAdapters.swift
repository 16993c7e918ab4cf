import Synchronization
import TwofoldIPC
import TwofoldStore
import TwofoldSystem
import TwofoldWire

/// `VaultPersistence` over the crash-safe record store (group commit, fsync before completion,
/// completions always on the store's threads, in-process recovery after a failed write).
public struct StorePersistence: VaultPersistence {
    let store: RecordStore

    public init(store: RecordStore) { self.store = store }

    public func append(_ payload: [UInt8], completion: @escaping @Sendable ((any Error)?) -> Void) {
        store.append(payload) { result in
            switch result {
            case .success: completion(nil)
            case .failure(let error): completion(error)
            }
        }
    }

    public func compact(_ snapshot: [[UInt8]], completion: @escaping @Sendable ((any Error)?) -> Void) {
        store.compact(snapshot: snapshot) { result in
            switch result {
            case .success: completion(nil)
            case .failure(let error): completion(error)
            }
        }
    }

    public var failure: String? { store.failure.map { "storage failed: \($0.detail)" } }

    public func checkWritable() throws { try store.checkWritable() }
}

/// The real clock.
public struct SystemVaultClock: VaultClock {
    public init() {}
    public func nowMillis() -> Int64 { Int64(SystemInfo.wallClockNanoseconds() / 1_000_000) }
}

/// Sends SMS through the sms-sender worker over its socket. Bounded: a send waits at most
/// `timeout` (`--sms-timeout`), or less when the caller's own deadline is nearer.
public final class WireSMSDispatcher: SMSDispatcher {
    let client: WireClient
    let timeout: Duration
    private let reachable = Mutex(false)

    public init(client: WireClient, timeout: Duration) {
        self.client = client
        self.timeout = timeout
    }

    public var isReachable: Bool { reachable.withLock { $0 } }

    public func send(
        _ message: SMSMessage, timeout: Duration?, completion: @escaping @Sendable (SMSSendOutcome) -> Void
    ) {
        let args: [String: JSONValue] = [
            "id": .string(message.id), "to": .string(message.to), "text": .string(message.text),
        ]
        client.call("sms.send", args: args, timeout: min(timeout ?? self.timeout, self.timeout)) { [self] result in
            switch result {
            case .success(let response):
                reachable.withLock { $0 = true }
                // Any answer is certain: an error (including `deadline.exceeded`) means not taken.
                if case .success = response.outcome { completion(.sent) } else { completion(.notSent) }
            case .failure(let error):
                reachable.withLock { $0 = false }
                completion(error.isOutcomeUnknown ? .unknown : .notSent)
            }
        }
    }

    /// Asks the worker for `health`, updating `isReachable`.
    public func probe() {
        client.call("health", timeout: .milliseconds(500)) { [self] result in
            if case .success(let response) = result, case .success = response.outcome {
                reachable.withLock { $0 = true }
            } else {
                reachable.withLock { $0 = false }
            }
        }
    }
}
