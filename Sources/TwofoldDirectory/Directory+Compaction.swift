import Dispatch
import Synchronization
import TwofoldCrypto
import TwofoldStore

/// Compaction: a snapshot of the directory written beside the log, then the log replaced by the
/// changes made since the snapshot began. Changes go on throughout; the lock is held only to copy
/// one chunk of records at a time and, at the end, for the store's rewrite of the (short) log.
///
///  1. Under the lock, append a marker record M to the log; from then on every change's payload
///     is also kept in memory ("carried"). Wait until M is durable.
///  2. Walk the tables a chunk at a time, writing the records to `directory.snapshot.pending`.
///     Ended invites past the retention period and expired sessions are dropped on the way, by
///     logged changes (so memory, the log and the snapshot agree). The snapshot is fuzzy: a chunk
///     may include changes made after M. That is harmless, because records are whole new states
///     and replaying every change after M on top of the snapshot ends in the same state.
///  3. Sync the pending file, rename it to `directory.snapshot` (its header names M), sync the
///     folder.
///  4. Under the lock, have the store replace the log with M followed by the carried changes.
///
/// A crash before 3 leaves the previous snapshot and a log holding its marker, M and everything
/// after; between 3 and 4, the new snapshot and that same log; after 4, the new snapshot and the
/// short log. Start-up loads the snapshot and replays the log after its marker, so each case ends
/// in the acknowledged state. (`Directory+Open.swift` has the rules.)
extension Directory {
    /// Compacts now, on the compaction thread; suspends without blocking a thread.
    public func compact() async throws(DirectoryError) -> CompactionReport {
        let outcome = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<CompactionReport, DirectoryError>, Never>) in
            compactor.request(self) { continuation.resume(returning: $0) }
        }
        return try outcome.get()
    }

    /// `compact()` for tools that cannot await; blocks the calling thread.
    public func compactAndWait() throws(DirectoryError) -> CompactionReport {
        let outcome = Mutex<Result<CompactionReport, DirectoryError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        compactor.request(self) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        guard let result = outcome.withLock({ $0 }) else {
            throw DirectoryError(.storage, "Compaction did not finish.")
        }
        return try result.get()
    }

    func requestCompaction() { compactor.request(self, completion: nil) }

    func report(_ outcome: Result<CompactionReport, DirectoryError>) {
        guard let events = options.events else { return }
        switch outcome {
        case .success(let report): events(.compacted(report))
        case .failure(let error): events(.compactionFailed(error))
        }
    }

    /// The whole compaction (compaction thread only).
    func performCompaction() throws(DirectoryError) -> CompactionReport {
        guard !hasFailed else { throw DirectoryError(.storage, "The gateway's storage failed; see its log.") }
        let started = DispatchTime.now().uptimeNanoseconds
        var report = CompactionReport()
        let marker = Self.newMarker()
        let markerPayload = LogPayload.encodeMarker(marker)

        let markerStored = BlockingResult<UInt64, StoreError>()
        state.withLock { guarded in
            _ = guarded.journal.appended(markerPayload)
            guarded.journal.requested = false
            guarded.journal.carried = []
            store.append(markerPayload) { markerStored.fulfill($0) }
        }
        if case .failure(let error) = markerStored.wait() {
            recordFailure(error)
            stopCarrying()
            throw DirectoryError(.storage, "The gateway could not save the change.")
        }
        try fault(.markerDurable)

        let writer: SnapshotWriter
        do {
            writer = try SnapshotWriter(directory: path, marker: marker)
        } catch {
            stopCarrying()
            throw error
        }
        do {
            try writeSnapshot(to: writer, report: &report)
            try writer.finish()
        } catch {
            writer.abandon()
            stopCarrying()
            throw error
        }
        try fault(.snapshotWritten)
        do {
            try writer.install()
        } catch {
            // Whether the rename happened is unknown; either snapshot matches the log, so stop
            // here and let the next compaction start over.
            stopCarrying()
            throw error
        }
        try fault(.snapshotInstalled)
        report.snapshotBytes = writer.size

        // Submitted under the lock, so the new log holds every change made before it and none
        // is appended in between; waited for outside it, so no completion ever waits for it.
        let rewritten = BlockingResult<Range<UInt64>, StoreError>()
        report.changesCarried = state.withLock { guarded -> Int in
            let carried = guarded.journal.carried ?? []
            guarded.journal.carried = nil
            let log = [markerPayload] + carried
            store.compact(snapshot: log) { rewritten.fulfill($0) }
            guarded.journal.logBytes = log.reduce(0) { $0 + $1.count + RecordCodec.frameHeaderSize }
            guarded.journal.snapshotBytes = writer.size
            return carried.count
        }
        if case .failure(let error) = rewritten.wait() {
            recordFailure(error)
            throw DirectoryError(.storage, "The gateway could not rewrite its log: \(error.code)")
        }
        report.milliseconds = Int64((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
        return report
    }

    private func stopCarrying() { state.withLock { $0.journal.carried = nil } }

    /// Runs the test hook; a throw is a simulated crash: the directory fails as it stands.
    private func fault(_ step: CompactionStep) throws(DirectoryError) {
        guard let hook = options.compactionFaultHook else { return }
        do {
            try hook(step)
        } catch {
            failure.withLock { if $0 == nil { $0 = "compaction stopped by the fault hook at \(step.rawValue)" } }
            throw DirectoryError(.storage, "Compaction stopped at \(step.rawValue) (fault hook).")
        }
    }

    /// A random, non-zero marker id.
    static func newMarker() -> UInt64 {
        let bytes = SecureRandom.bytes(count: 8)
        return max(1, bytes.reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// Step 2: every record, a chunk per hold of the lock, dropping what retention allows.
    private func writeSnapshot(to writer: SnapshotWriter, report: inout CompactionReport) throws(DirectoryError) {
        let accounts = state.withLock { Array($0.data.accounts.values) }
        for account in accounts.sorted(by: { $0.id < $1.id }) { try writer.add(account.encoded()) }
        report.accounts = accounts.count

        let chunk = max(1, options.compactionChunk)
        var slot = 0
        var done = false
        while !done {
            try checkOpen()
            let records = state.withLock { guarded -> [[UInt8]] in
                let users = guarded.data.users
                let end = min(slot + chunk, users.slotCount)
                var records: [[UInt8]] = []
                for index in slot..<end { if let bytes = users[UInt32(index)] { records.append(bytes) } }
                slot = end
                done = end >= users.slotCount
                return records
            }
            for record in records { try writer.add(record) }
            report.users += records.count
        }

        let retention = options.inviteRetentionMs
        slot = 0
        done = false
        while !done {
            try checkOpen()
            let now = self.now
            let (records, dropped) = state.withLock { guarded -> ([[UInt8]], Int) in
                let invites = guarded.data.invites
                let end = min(slot + chunk, invites.slotCount)
                var records: [[UInt8]] = []
                var drops: [DirectoryItem] = []
                for index in slot..<end {
                    guard let bytes = invites[UInt32(index)] else { continue }
                    if let id = Self.expiredInviteID(bytes, now: now, retention: retention) {
                        drops.append(.droppedInvite(id))
                    } else {
                        records.append(bytes)
                    }
                }
                if !drops.isEmpty { appendInternal(drops, into: &guarded) }
                slot = end
                done = end >= invites.slotCount
                return (records, drops.count)
            }
            for record in records { try writer.add(record) }
            report.invites += records.count
            report.droppedInvites += dropped
        }

        let lifetime = options.sessionLifetime
        slot = 0
        done = false
        while !done {
            try checkOpen()
            let now = self.now
            let (sessions, dropped) = state.withLock { guarded -> ([SessionRecord], Int) in
                let table = guarded.data.sessions
                let end = min(slot + chunk, table.slotCount)
                var sessions: [SessionRecord] = []
                var drops: [DirectoryItem] = []
                for index in slot..<end {
                    guard let session = table[UInt32(index)] else { continue }
                    if let lifetime, lifetime.isExpired(session, at: now) {
                        drops.append(.endedSession(session.id))
                    } else {
                        sessions.append(session)
                    }
                }
                if !drops.isEmpty { appendInternal(drops, into: &guarded) }
                slot = end
                done = end >= table.slotCount
                return (sessions, drops.count)
            }
            for session in sessions { try writer.add(session.encoded()) }
            report.sessions += sessions.count
            report.droppedSessions += dropped
        }
    }

    private func checkOpen() throws(DirectoryError) {
        if compactor.isStopping { throw DirectoryError(.storage, "The directory closed during compaction.") }
        if hasFailed { throw DirectoryError(.storage, "The gateway's storage failed; see its log.") }
    }

    /// The id of an invite that ended more than `retention` ago, if `bytes` is one.
    static func expiredInviteID(_ bytes: [UInt8], now: Int64, retention: Int64) -> String? {
        bytes.withUnsafeBytes { buffer -> String? in
            guard let keys = try? InviteRecord.keys(in: buffer) else { return nil }
            let endedAt = keys.closedAt ?? (now >= keys.expiresAt ? keys.expiresAt : nil)
            guard let endedAt, now - endedAt > retention else { return nil }
            return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[keys.id]), as: UTF8.self)
        }
    }
}

/// A result handed from the store's writer thread to the compaction thread, which blocks for it.
final class BlockingResult<Success: Sendable, Failure: Error>: Sendable {
    private let value = Mutex<Result<Success, Failure>?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func fulfill(_ result: Result<Success, Failure>) {
        value.withLock { $0 = result }
        ready.signal()
    }

    func wait() -> Result<Success, Failure> {
        while true {
            ready.wait()
            if let result = value.withLock({ $0 }) { return result }
        }
    }
}
