import Synchronization
import TwofoldProcess
import TwofoldSystem

/// The stub provider's durable outbox: `outbox.jsonl` in the data folder, one `OutboxRecord` per
/// line, appended with `O_APPEND` and `fdatasync`ed before `append` returns, so an acknowledged
/// message survives `kill -9` and power loss.
///
/// Sending is idempotent on the message id: opening reads every line back into the set of known
/// ids, and `append` answers `.duplicate` (writing nothing) for an id already present.
///
/// A crash mid-append can leave a torn last line (no trailing newline, or not a record); opening
/// truncates it away and logs how many bytes were dropped. Any other unreadable line stops the
/// open with `sms.outbox_corrupt`: an earlier, acknowledged line is never thrown away.
///
/// `append` blocks on the disk: call it from a dedicated writer (`OutboxWriter`), never from an
/// event loop. After a failed write or sync the outbox refuses further appends
/// (`sms.outbox_failed`): what reached the disk is unknown until a restart recovers the tail.
public final class Outbox: Sendable {
    public static let fileName = "outbox.jsonl"

    /// What `append` did with one message.
    public enum AppendOutcome: Sendable, Equatable {
        /// Written and synced; `time` is the record's timestamp.
        case appended(time: String)
        /// The id was already in the outbox; nothing was written.
        case duplicate
    }

    /// What opening found: how many messages, and how many torn bytes it dropped.
    public struct Recovery: Sendable, Equatable {
        public let messageCount: Int
        public let droppedBytes: Int64

        public init(messageCount: Int, droppedBytes: Int64) {
            self.messageCount = messageCount
            self.droppedBytes = droppedBytes
        }
    }

    public let path: String
    public let recovery: Recovery
    private let nowMillis: @Sendable () -> Int64
    private let state: Mutex<State>

    private struct State: @unchecked Sendable {
        var descriptor: FileDescriptor?
        var ids: Set<String>
        var size: Int64
        var failed = false
    }

    /// Opens (creating with mode 0600, subject to the umask) `directory/outbox.jsonl`, takes an
    /// exclusive lock on it, and recovers its tail.
    /// - Parameter nowMillis: wall-clock Unix milliseconds for the records' `time`.
    public init(
        directory: String, logger: Logger,
        nowMillis: @escaping @Sendable () -> Int64 = { Int64(SystemInfo.wallClockNanoseconds() / 1_000_000) }
    ) throws(SMSError) {
        let path = directory.hasSuffix("/") ? directory + Self.fileName : directory + "/" + Self.fileName
        let descriptor: FileDescriptor
        do {
            descriptor = try FileSystem.open(path, options: [.readWrite, .append, .create], permissions: 0o600)
        } catch {
            throw .outboxIO(error, "opening the outbox")
        }
        let locked: Bool
        do {
            locked = try descriptor.tryLockExclusive()
            // The file may have just been created: make its name durable too.
            try FileSystem.synchronizeDirectory(directory)
        } catch {
            descriptor.close()
            throw .outboxIO(error, "locking the outbox")
        }
        guard locked else {
            descriptor.close()
            throw .outboxLocked(path: path)
        }
        let scan: OutboxScan
        do {
            scan = try OutboxScan.read(descriptor)
            if scan.validLength < scan.fileLength {
                try Self.dropTail(of: descriptor, keeping: scan.validLength)
            }
        } catch {
            descriptor.close()
            throw error
        }
        let dropped = scan.fileLength - scan.validLength
        if dropped > 0 {
            logger.warning(
                "dropped a torn last line from the outbox",
                ["path": .string(path), "bytes_dropped": .int(dropped), "kept_bytes": .int(scan.validLength)])
        }
        self.path = path
        self.nowMillis = nowMillis
        self.recovery = Recovery(messageCount: scan.ids.count, droppedBytes: dropped)
        self.state = Mutex(State(descriptor: descriptor, ids: scan.ids, size: scan.validLength))
    }

    /// How many distinct messages the outbox holds.
    public var messageCount: Int { state.withLock { $0.ids.count } }

    /// Whether a message with `id` is in the outbox.
    public func contains(id: String) -> Bool { state.withLock { $0.ids.contains(id) } }

    /// False after a failed write or sync, or after `close()`.
    public var isHealthy: Bool { state.withLock { !$0.failed && $0.descriptor != nil } }

    /// Appends one message; see `append(_:)` for a batch.
    public func append(_ message: OutboxMessage) throws(SMSError) -> AppendOutcome {
        try append([message])[0]
    }

    /// Appends the new messages of `messages` with one write and one `fdatasync` (group commit),
    /// returning an outcome per message in order. An id repeated within the batch is a duplicate of
    /// its first occurrence. Blocks until the data is on disk.
    public func append(_ messages: [OutboxMessage]) throws(SMSError) -> [AppendOutcome] {
        let time = RFC3339Timestamp.format(unixMillis: nowMillis())
        return try state.withLock { state throws(SMSError) -> [AppendOutcome] in
            guard let descriptor = state.descriptor, !state.failed else { throw .outboxFailed() }
            var outcomes: [AppendOutcome] = []
            var fresh: [String] = []
            var bytes: [UInt8] = []
            for message in messages {
                if state.ids.contains(message.id) || fresh.contains(message.id) {
                    outcomes.append(.duplicate)
                } else {
                    fresh.append(message.id)
                    bytes += OutboxRecord(message: message, time: time).line
                    outcomes.append(.appended(time: time))
                }
            }
            guard !bytes.isEmpty else { return outcomes }
            do throws(SystemError) {
                // O_APPEND puts the line at the end whatever the offset; the size is passed for clarity.
                try descriptor.write(bytes, at: state.size)
                try descriptor.synchronizeData()
            } catch {
                state.failed = true
                throw .outboxIO(error, "appending to the outbox")
            }
            state.size += Int64(bytes.count)
            state.ids.formUnion(fresh)
            return outcomes
        }
    }

    /// Closes the file (and releases its lock). Later appends fail with `sms.outbox_failed`.
    public func close() {
        let descriptor = state.withLock { state -> FileDescriptor? in
            defer { state.descriptor = nil }
            return state.descriptor
        }
        descriptor?.close()
    }

    private static func dropTail(of descriptor: FileDescriptor, keeping length: Int64) throws(SMSError) {
        do {
            try descriptor.truncate(to: length)
            try descriptor.synchronizeData()
        } catch {
            throw .outboxIO(error, "truncating the outbox's torn tail")
        }
    }
}
