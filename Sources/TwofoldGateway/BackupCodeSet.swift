import Synchronization
import TwofoldWire

/// A set of backup codes as the vault answered it (`enroll.confirm`, `backup.generate`): the
/// codes, in that one answer only, or word that the vault withheld them (the answer to a retry of
/// a request whose first answer was lost; the vault keeps only the codes' MACs).
///
/// The codes are secrets: `description` never spells them, so interpolating a set into a log
/// line or an error cannot leak one.
public enum BackupCodeSet: Sendable, Equatable, CustomStringConvertible {
    case shown([String])
    case withheld

    /// The most codes a set may have (the vault makes 10), and the longest code, in bytes.
    static let maximumCount = 15
    static let maximumCodeBytes = 32

    /// The set in a vault result: `backup_codes` (each made of lowercase letters, digits and `-`,
    /// as the vault spells them) or `backup_codes_withheld: true`; nil when the result has neither
    /// or a malformed one (checked, since a peer's answer is not trusted to be well-formed).
    init?(vaultResult result: [String: JSONValue]) {
        if case .array(let values)? = result["backup_codes"] {
            guard (1...Self.maximumCount).contains(values.count) else { return nil }
            var codes: [String] = []
            for value in values {
                guard case .string(let code) = value, Self.isWellFormed(code) else { return nil }
                codes.append(code)
            }
            self = .shown(codes)
        } else if result.bool("backup_codes_withheld") == true {
            self = .withheld
        } else {
            return nil
        }
    }

    static func isWellFormed(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        return (1...maximumCodeBytes).contains(bytes.count)
            && bytes.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-")
            }
    }

    /// The codes, or nil when withheld.
    public var codes: [String]? {
        if case .shown(let codes) = self { return codes }
        return nil
    }

    public var description: String {
        switch self {
        case .shown(let codes): "BackupCodeSet(\(codes.count) codes)"
        case .withheld: "BackupCodeSet(withheld)"
        }
    }

    /// The JSON API's fields for the set: `backup_codes`, or `backup_codes_withheld: true`.
    var apiFields: [String: JSONValue] {
        switch self {
        case .shown(let codes): ["backup_codes": .array(codes.map { .string($0) })]
        case .withheld: ["backup_codes_withheld": .bool(true)]
        }
    }
}

/// Backup codes waiting to be shown to one session: after a setup's confirmation (the page that
/// answers the redirect shows them) or "Generate new codes", until the user continues. Memory
/// only, by session id, and short-lived: a code is never written to the gateway's disk, and is
/// dropped when the user continues or logs out, after `lifetimeMs`, or when `capacity` sets are
/// waiting (the oldest goes first; that user is offered "Generate new codes").
final class BackupCodeShelf: Sendable {
    /// Where "Continue" leads once the codes are saved: where the step that made them would have
    /// gone.
    enum Next: String, Sendable {
        /// The sign-up's (or a required) setup: the landing page, "set up" notice.
        case setupDone
        /// The new setup after a recovery (SMS or backup code).
        case recovered
        /// The new setup after a reset from the Security tab.
        case mfaReset
        /// "Generate new codes" on the Security tab.
        case security
    }

    struct Entry: Sendable {
        var codes: BackupCodeSet
        let next: Next
        let storedAt: Int64
    }

    let capacity: Int
    let lifetimeMs: Int64
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 10_000, lifetimeMs: Int64 = 15 * 60 * 1000) {
        self.capacity = max(1, capacity)
        self.lifetimeMs = lifetimeMs
    }

    func put(_ codes: BackupCodeSet, next: Next, session: String, now: Int64) {
        entries.withLock { entries in
            if entries[session] == nil, entries.count >= capacity {
                entries = entries.filter { now - $0.value.storedAt <= lifetimeMs }
                if entries.count >= capacity, let oldest = entries.min(by: { $0.value.storedAt < $1.value.storedAt }) {
                    entries[oldest.key] = nil
                }
            }
            entries[session] = Entry(codes: codes, next: next, storedAt: now)
        }
    }

    /// The entry of `session`, unless it is past its lifetime (then it is dropped).
    func entry(session: String, now: Int64) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[session] else { return nil }
            guard now - entry.storedAt <= lifetimeMs else {
                entries[session] = nil
                return nil
            }
            return entry
        }
    }

    /// Removes and returns the entry of `session` (live or not).
    @discardableResult
    func take(session: String) -> Entry? {
        entries.withLock { $0.removeValue(forKey: session) }
    }

    var count: Int { entries.withLock { $0.count } }
}
