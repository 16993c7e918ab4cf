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

/// What became of a message handed to the sms-sender (protocol/README.md, Unknown outcomes).
public enum SMSSendOutcome: Sendable, Equatable {
    /// The worker acknowledged it: the message is durably in its outbox.
    case sent
    /// Certainly not sent: nobody was listening, the worker refused it, or it expired unstarted.
    case notSent
    /// No answer in time, or a broken one: the worker may or may not have taken it.
    case unknown
}

/// Hands messages to the sms-sender. `completion` is called once, within a bounded time (the
/// dispatcher's own timeout, or `timeout` when that is shorter).
public protocol SMSDispatcher: Sendable {
    func send(_ message: SMSMessage, timeout: Duration?, completion: @escaping @Sendable (SMSSendOutcome) -> Void)
    /// Whether the worker answered recently (for `health`).
    var isReachable: Bool { get }
}

/// Durable, ordered storage of sealed records (the record store in the daemon).
///
/// `append` and `compact` only enqueue: the vault calls them while holding its state lock, so
/// their completions must run later on another thread (the vault moves one that does not off
/// its lock, but the real store never does that). Records become durable in the order `append`
/// was called, and once an append fails every later one fails too until the storage recovers
/// (the vault then rebuilds its state from the records read back: `Vault.rebuild`).
public protocol VaultPersistence: Sendable {
    /// `completion(nil)` once `payload` is durable (fsync'd).
    func append(_ payload: [UInt8], completion: @escaping @Sendable ((any Error)?) -> Void)
    /// Replaces everything stored with `snapshot`, after every append submitted before it.
    func compact(_ snapshot: [[UInt8]], completion: @escaping @Sendable ((any Error)?) -> Void)
    /// Why writes are refused now (for `health`), or nil while they are accepted.
    var failure: String? { get }
    /// Throws while writes are refused, counting the refusal.
    func checkWritable() throws
}
