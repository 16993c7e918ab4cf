import Synchronization
import TwofoldProcess
import TwofoldStore
import TwofoldSystem

/// The stub provider's durable outbox: `outbox.jsonl` in the data folder, one `OutboxRecord` per
/// line, appended with `O_APPEND` and `fdatasync`ed before `append` returns, so an acknowledged
/// message survives `kill -9` and power loss. One sms-sender per folder: an exclusive `flock` on
/// the folder itself, which deleting or replacing the file cannot bypass.
///
/// Sending is idempotent on the message id: opening reads every line back into the set of known
/// ids, and `append` answers `.duplicate` (writing nothing) for an id already present.
///
/// A crash mid-append can leave a torn last line (no trailing newline, or not a record); opening
/// truncates it away and logs how many bytes were dropped. Any other unreadable line stops the
/// open with `sms.outbox_corrupt`: an earlier, acknowledged line is never thrown away.
///
/// A failed write or sync is a state: the outbox logs the error once and refuses every append
/// (`sms.outbox_failed`) until `recover()` succeeds: it cuts the file back to the last
/// acknowledged byte, proves the disk takes writes again (`SpaceProbe`), and reads the file back
/// to rebuild the set of ids. `OutboxWriter` calls it with back-off.
///
/// `append` and `recover` block on the disk: call them from a dedicated writer (`OutboxWriter`),
/// never from an event loop. The state read by `health` (`messageCount`, `failure`) has its own
/// lock, never held across I/O, so a slow disk never stalls the event loop.
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
    public let directory: String
    public let recovery: Recovery
    private let nowMillis: @Sendable () -> Int64
    private let logger: Logger
    private let folderLock: DirectoryLock
    /// The file and the acknowledged length: held by whoever writes (one at a time), across I/O.
    private let io: Mutex<IOState>
    /// What the rest of the process reads: never held across I/O.
    private let state: Mutex<State>

    private struct IOState {
        var descriptor: FileDescriptor?
        /// Bytes acknowledged: where the next line goes, and what recovery keeps.
        var size: Int64
    }

    private struct State: Sendable {
        var ids: Set<String>
        var failure: SMSError?
        var closed = false
        /// Appends refused during the current failure.
        var refused = 0
    }

    /// Locks `directory`, opens (creating with mode 0600, subject to the umask)
    /// `directory/outbox.jsonl`, and recovers its tail.
    /// - Parameter nowMillis: wall-clock Unix milliseconds for the records' `time`.
    public init(
        directory: String, logger: Logger,
        nowMillis: @escaping @Sendable () -> Int64 = { Int64(SystemInfo.wallClockNanoseconds() / 1_000_000) }
    ) throws(SMSError) {
        let directory = directory.utf8.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let path = directory + "/" + Self.fileName
        let folderLock: DirectoryLock
        do {
            folderLock = try DirectoryLock.acquire(directory)
        } catch {
            if error.code == .locked { throw .outboxLocked(path: directory) }
            throw .outboxProbe(error)
        }
        let descriptor: FileDescriptor
        do {
            descriptor = try FileSystem.open(path, options: [.readWrite, .append, .create], permissions: 0o600)
            // The file may have just been created: make its name durable too.
            try FileSystem.synchronizeDirectory(directory)
        } catch {
            throw .outboxIO(error, "opening the outbox")
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
        self.directory = directory
        self.nowMillis = nowMillis
        self.logger = logger
        self.folderLock = folderLock
        self.recovery = Recovery(messageCount: scan.ids.count, droppedBytes: dropped)
        self.io = Mutex(IOState(descriptor: descriptor, size: scan.validLength))
        self.state = Mutex(State(ids: scan.ids))
    }

    /// How many distinct messages the outbox holds.
    public var messageCount: Int { state.withLock { $0.ids.count } }

    /// Whether a message with `id` is in the outbox.
    public func contains(id: String) -> Bool { state.withLock { $0.ids.contains(id) } }

    /// False while failed (until `recover`), and after `close()`.
    public var isHealthy: Bool { state.withLock { $0.failure == nil && !$0.closed } }

    /// Why the outbox refuses appends (the failed write's error, or `close()`), or nil.
    public var failure: SMSError? {
        state.withLock { state in state.failure ?? (state.closed ? .outboxFailed(closed: true) : nil) }
    }

    /// Appends refused since the current failure began (0 when not failed).
    public var refusedSinceFailure: Int { state.withLock { $0.refused } }

    /// The error an append gets now (counting the refusal), or nil when appends are accepted.
    public func refusal() -> SMSError? {
        state.withLock { state in
            if state.closed { return .outboxFailed(closed: true) }
            guard state.failure != nil else { return nil }
            state.refused += 1
            return .outboxFailed(closed: false)
        }
    }

    /// Appends one message; see `append(_:)` for a batch.
    public func append(_ message: OutboxMessage) throws(SMSError) -> AppendOutcome {
        try append([message])[0]
    }

    /// Appends the new messages of `messages` with one write and one `fdatasync` (group commit),
    /// returning an outcome per message in order. An id repeated within the batch is a duplicate of
    /// its first occurrence. Blocks until the data is on disk.
    public func append(_ messages: [OutboxMessage]) throws(SMSError) -> [AppendOutcome] {
        let time = RFC3339Timestamp.format(unixMillis: nowMillis())
        return try io.withLock { io throws(SMSError) -> [AppendOutcome] in
            if let error = refusal() { throw error }
            guard let descriptor = io.descriptor else { throw .outboxFailed(closed: true) }
            let (outcomes, fresh, bytes) = state.withLock { state -> ([AppendOutcome], [String], [UInt8]) in
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
                return (outcomes, fresh, bytes)
            }
            guard !bytes.isEmpty else { return outcomes }
            do throws(SystemError) {
                // O_APPEND puts the line at the end whatever the offset; the size is passed for clarity.
                try descriptor.write(bytes, at: io.size)
                try descriptor.synchronizeData()
            } catch {
                let failure = SMSError.outboxIO(error, "appending to the outbox")
                state.withLock { $0.failure = failure }
                logger.error(
                    "outbox write failed; refusing messages until it recovers",
                    ["error": .string(failure.message), "errno": .integer(error.errno)])
                throw failure
            }
            io.size += Int64(bytes.count)
            state.withLock { $0.ids.formUnion(fresh) }
            return outcomes
        }
    }

    /// After a failure: discards everything past the last acknowledged byte (never acknowledged,
    /// and after a failed fsync the page cache cannot be trusted), checks the disk takes writes,
    /// reads the file back to rebuild the ids, and accepts appends again. Returns how many appends
    /// were refused meanwhile; throws (staying failed) when the disk still fails. A no-op
    /// returning 0 when the outbox is not failed.
    @discardableResult
    public func recover() throws(SMSError) -> Int {
        try io.withLock { io throws(SMSError) -> Int in
            guard state.withLock({ $0.failure != nil && !$0.closed }), let descriptor = io.descriptor else { return 0 }
            let scan: OutboxScan
            do throws(SMSError) {
                do throws(SystemError) {
                    try descriptor.truncate(to: io.size)
                    try descriptor.synchronize()
                } catch {
                    throw .outboxIO(error, "discarding unacknowledged bytes from the outbox")
                }
                do throws(StoreError) {
                    try SpaceProbe.check(directory: directory)
                } catch {
                    throw .outboxProbe(error)
                }
                scan = try OutboxScan.read(descriptor)
            } catch {
                state.withLock { $0.failure = error }
                throw error
            }
            io.size = scan.validLength
            return state.withLock { state -> Int in
                state.ids = scan.ids
                state.failure = nil
                defer { state.refused = 0 }
                return state.refused
            }
        }
    }

    /// Closes the file and releases the folder's lock. Later appends fail with `sms.outbox_failed`.
    public func close() {
        state.withLock { $0.closed = true }
        let descriptor = io.withLock { io -> FileDescriptor? in
            defer { io.descriptor = nil }
            return io.descriptor
        }
        descriptor?.close()
        folderLock.release()
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
