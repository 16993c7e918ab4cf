import Dispatch
import Synchronization
import TwofoldCrypto
import TwofoldStore
import TwofoldSystem

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
///  3. Append a barrier (another marker) and wait until it is durable: the log is written in
///     order, so every change the fuzzy snapshot may show is then durable too. A change whose
///     write failed must never reach a snapshot (it would come back at the next load); if the
///     storage failed, or the directory was rebuilt from disk meanwhile, the compaction stops here.
///  4. Sync the pending file, rename it to `directory.snapshot` (its header names M), sync the
///     folder.
///  5. Under the lock, have the store replace the log with M followed by the carried changes.
///
/// A failed compaction never takes the directory down: a snapshot that cannot be written (a full
/// disk) is abandoned and the old snapshot and log stay as they are; a log rewrite that fails
/// before its rename leaves the old log, which holds M and everything after it; one that fails
/// after it fails the store, which recovers as from any failed write. Automatic compactions then
/// back off (10 s, doubling up to 10 minutes).
///
/// A crash before 4 leaves the previous snapshot and a log holding its marker, M and everything
/// after; between 4 and 5, the new snapshot and that same log; after 5, the new snapshot and the
/// short log. Start-up loads the snapshot and replays the log after its marker, so each case ends
/// in the acknowledged state. (`Directory+Open.swift` has the rules.)
extension Directory {
    /// Compacts now, on the compaction thread; suspends without blocking a thread.
    public func compact() async throws(DirectoryError) -> CompactionReport {
        let outcome = await awaitCompletion { compactor.request(self, completion: $0) }
        return try outcome.get()
    }

    /// `compact()` for tools that cannot await; blocks the calling thread.
    public func compactAndWait() throws(DirectoryError) -> CompactionReport {
        try waitForCompletion { compactor.request(self, completion: $0) }.get()
    }

    func requestCompaction() { compactor.request(self, completion: nil) }

    /// Records the outcome (backing off after a failure) and tells `options.events`.
    func report(_ outcome: Result<CompactionReport, DirectoryError>) {
        let now = self.now
        var succeeded = false
        if case .success = outcome { succeeded = true }
        state.withLock { $0.journal.compactionFinished(succeeded: succeeded, now: now) }
        guard let events = options.events else { return }
        switch outcome {
        case .success(let report): events(.compacted(report))
        case .failure(let error): events(.compactionFailed(error))
        }
    }

    /// The whole compaction (compaction thread only).
    func performCompaction() throws(DirectoryError) -> CompactionReport {
        try checkAvailable()
        let started = DispatchTime.now().uptimeNanoseconds
        var report = CompactionReport()
        let marker = Self.newMarker()
        let markerPayload = LogPayload.encodeMarker(marker)
        let now = self.now

        let markerStored = BlockingResult<UInt64, StoreError>()
        let generation = state.withLock { guarded -> UInt64 in
            _ = guarded.journal.appended(markerPayload, now: now)
            guarded.journal.requested = false
            guarded.journal.carried = []
            store.append(markerPayload) { markerStored.fulfill($0) }
            return guarded.generation
        }
        if case .failure(let error) = markerStored.wait() {
            stopCarrying(generation)
            throw DirectoryError.notSaved(error)
        }
        try fault(.markerDurable)

        let writer: SnapshotWriter
        do {
            writer = try SnapshotWriter(directory: path, marker: marker)
        } catch {
            stopCarrying(generation)
            throw error
        }
        do {
            try writeSnapshot(to: writer, generation: generation, report: &report)
            try fault(.snapshotWalked)
            try awaitBarrier(generation)
            try writer.finish()
        } catch {
            writer.abandon()
            stopCarrying(generation)
            throw error
        }
        try fault(.snapshotWritten)
        do {
            try writer.install()
        } catch {
            // Whether the rename happened is unknown; either snapshot matches the log, so stop
            // here and let the next compaction start over.
            stopCarrying(generation)
            throw error
        }
        try fault(.snapshotInstalled)
        report.snapshotBytes = writer.size

        // Submitted under the lock, so the new log holds every change made before it and none
        // is appended in between; waited for outside it, so no completion ever waits for it.
        let rewritten = BlockingResult<Range<UInt64>, StoreError>()
        let submitted = state.withLock { guarded -> (carried: Int, previousLogBytes: Int, newLogBytes: Int)? in
            guard guarded.generation == generation, store.failure == nil else { return nil }
            let carried = guarded.journal.carried ?? []
            guarded.journal.carried = nil
            let log = [markerPayload] + carried
            store.compact(snapshot: log) { rewritten.fulfill($0) }
            let previous = guarded.journal.logBytes
            let newLogBytes = log.reduce(0) { $0 + $1.count + RecordCodec.frameHeaderSize }
            guarded.journal.logBytes = newLogBytes
            guarded.journal.snapshotBytes = writer.size
            return (carried.count, previous, newLogBytes)
        }
        guard let submitted else {
            stopCarrying(generation)
            throw interrupted()
        }
        report.changesCarried = submitted.carried
        if case .failure(let error) = rewritten.wait() {
            // Before its rename the store keeps the old log, which still holds M and all after
            // it (the new snapshot matches it); after it, the store has failed and recovers.
            let kept = submitted.previousLogBytes - submitted.newLogBytes
            state.withLock { guarded in
                if guarded.generation == generation { guarded.journal.logBytes += kept }
            }
            throw DirectoryError.notSaved(error)
        }
        report.milliseconds = Int64((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
        return report
    }

    /// Step 3: appends a second marker and waits until it is durable, so that every change the
    /// snapshot may show (all were applied before it, under the lock) is durable too.
    private func awaitBarrier(_ generation: UInt64) throws(DirectoryError) {
        let barrier = LogPayload.encodeMarker(Self.newMarker())
        let stored = BlockingResult<UInt64, StoreError>()
        let submitted = state.withLock { guarded -> Bool in
            guard guarded.generation == generation, store.failure == nil else { return false }
            // Counted, but not carried: once the snapshot is in place it has served its purpose.
            guarded.journal.logBytes += barrier.count + RecordCodec.frameHeaderSize
            store.append(barrier) { stored.fulfill($0) }
            return true
        }
        guard submitted else { throw interrupted() }
        if case .failure(let error) = stored.wait() { throw DirectoryError.notSaved(error) }
        try checkOpen(generation)
    }

    /// The compaction stopped because the storage failed or the directory was rebuilt meanwhile.
    private func interrupted() -> DirectoryError {
        if let failure = store.failure { return .refused(failure) }
        return DirectoryError(
            .storage, "The directory was rebuilt from disk during the compaction; it starts over later.")
    }

    private func stopCarrying(_ generation: UInt64) {
        state.withLock { guarded in
            if guarded.generation == generation { guarded.journal.carried = nil }
        }
    }

    /// Runs the test hook; a throw is a simulated crash: the directory fails as it stands.
    private func fault(_ step: CompactionStep) throws(DirectoryError) {
        guard let hook = options.compactionFaultHook else { return }
        do {
            try hook(step)
        } catch {
            crash.withLock { if $0 == nil { $0 = "compaction stopped by the fault hook at \(step.rawValue)" } }
            throw DirectoryError(.storage, "Compaction stopped at \(step.rawValue) (fault hook).")
        }
    }

    /// A random, non-zero marker id.
    static func newMarker() -> UInt64 {
        let bytes = SecureRandom.bytes(count: 8)
        return max(1, bytes.reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// Step 2: every record, a chunk per hold of the lock, dropping what retention allows.
    private func writeSnapshot(
        to writer: SnapshotWriter, generation: UInt64, report: inout CompactionReport
    ) throws(DirectoryError) {
        let accounts = state.withLock { guarded -> [AccountRecord]? in
            guarded.generation == generation ? Array(guarded.data.accounts.values) : nil
        }
        guard let accounts else { throw interrupted() }
        for account in accounts.sorted(by: { $0.id < $1.id }) { try writer.add(account.encoded()) }
        report.accounts = accounts.count

        let chunk = max(1, options.compactionChunk)
        var slot = 0
        var done = false
        while !done {
            try checkOpen(generation)
            let records = state.withLock { guarded -> [[UInt8]]? in
                guard guarded.generation == generation else { return nil }
                let users = guarded.data.users
                let end = min(slot + chunk, users.slotCount)
                var records: [[UInt8]] = []
                for index in slot..<end { if let bytes = users[UInt32(index)] { records.append(bytes) } }
                slot = end
                done = end >= users.slotCount
                return records
            }
            guard let records else { throw interrupted() }
            for record in records { try writer.add(record) }
            report.users += records.count
        }

        let retention = options.inviteRetentionMs
        slot = 0
        done = false
        while !done {
            try checkOpen(generation)
            let now = self.now
            let chunkOutcome = state.withLock { guarded -> ([[UInt8]], Int)? in
                // Drops are written only while the store takes writes and the state is the one
                // the compaction began with.
                guard guarded.generation == generation, store.failure == nil else { return nil }
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
            guard let chunkOutcome else { throw interrupted() }
            let (records, dropped) = chunkOutcome
            for record in records { try writer.add(record) }
            report.invites += records.count
            report.droppedInvites += dropped
        }

        let lifetime = options.sessionLifetime
        slot = 0
        done = false
        while !done {
            try checkOpen(generation)
            let now = self.now
            let chunkOutcome = state.withLock { guarded -> ([SessionRecord], Int)? in
                guard guarded.generation == generation, store.failure == nil else { return nil }
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
            guard let chunkOutcome else { throw interrupted() }
            let (sessions, dropped) = chunkOutcome
            for session in sessions { try writer.add(session.encoded()) }
            report.sessions += sessions.count
            report.droppedSessions += dropped
        }
    }

    /// Throws when the compaction must stop: the directory is closing, its storage failed, or it
    /// was rebuilt from disk since the compaction began.
    private func checkOpen(_ generation: UInt64) throws(DirectoryError) {
        if compactor.isStopping { throw DirectoryError(.storage, "The directory closed during compaction.") }
        try checkAvailable()
        if state.withLock({ $0.generation }) != generation { throw interrupted() }
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
