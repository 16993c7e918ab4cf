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

/// Sends SMS through the sms-sender worker over its socket. Bounded: the client's timeout decides
/// how long a send may take before the vault answers "SMS temporarily unavailable".
public final class WireSMSDispatcher: SMSDispatcher {
    let client: WireClient
    private let reachable = Mutex(false)

    public init(client: WireClient) { self.client = client }

    public var isReachable: Bool { reachable.withLock { $0 } }

    public func send(_ message: SMSMessage, completion: @escaping @Sendable (Bool) -> Void) {
        let args: [String: JSONValue] = [
            "id": .string(message.id), "to": .string(message.to), "text": .string(message.text),
        ]
        client.call("sms.send", args: args) { [self] result in
            let delivered: Bool
            switch result {
            case .success(let response):
                if case .success = response.outcome { delivered = true } else { delivered = false }
                reachable.withLock { $0 = true }
            case .failure:
                delivered = false
                reachable.withLock { $0 = false }
            }
            completion(delivered)
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
