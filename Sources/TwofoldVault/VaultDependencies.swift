/// Wall-clock time in Unix milliseconds; injected so every time rule is tested with a manual clock.
public protocol VaultClock: Sendable {
    func nowMillis() -> Int64
}

/// One SMS for the sms-sender; `id` makes sending idempotent.
public struct SMSMessage: Sendable, Equatable {
    public let id: String
    public let to: String
    public let text: String

    public init(id: String, to: String, text: String) {
        self.id = id
        self.to = to
        self.text = text
    }
}

/// Hands messages to the sms-sender. `completion(true)` only once the worker acknowledged that the
/// message is durably in its outbox; it must be called within a bounded time.
public protocol SMSDispatcher: Sendable {
    func send(_ message: SMSMessage, completion: @escaping @Sendable (Bool) -> Void)
    /// Whether the worker answered recently (for `health`).
    var isReachable: Bool { get }
}

/// Durable, ordered storage of sealed records: `completion(nil)` once fsync'd. Records become durable
/// in the order `append` was called. `append` only enqueues: the vault calls it while holding its
/// state lock, so `completion` must run later on another thread, never inside `append`.
public protocol VaultPersistence: Sendable {
    func append(_ payload: [UInt8], completion: @escaping @Sendable ((any Error)?) -> Void)
}
