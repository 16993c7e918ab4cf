import Dispatch
import TwofoldSystem

/// Where the writer is in retrying after a failure.
struct RecoveryProgress {
    var retry: RetryBackoff
    /// When the owner last heard about this failure (monotonic nanoseconds), to space reports.
    var lastReport: UInt64 = 0
}

extension LogWriter {
    /// One recovery attempt, on the writer thread while the store is failed: repair the files,
    /// read the log back, and let the owner rebuild its state and resume the store.
    func attemptRecovery(_ progress: inout RecoveryProgress) {
        let records: [StoredRecord]
        do {
            records = try repair()
        } catch {
            log.failure = error
            queue.withLock { $0.failure = error }
            reportStillFailing(error, &progress)
            return
        }
        guard let owner = queue.withLock({ $0.owner }) else {
            // Nothing can rebuild from the repaired log: stay failed (the files are consistent).
            return
        }
        var refused: Int?
        owner.rebuild(records) { refused = resume() }
        guard let refused else {
            if let failure = log.failure { reportStillFailing(failure, &progress) }
            return
        }
        progress.retry.reset()
        progress.lastReport = 0
        owner.report(.recovered(refused: refused))
    }

    /// Makes the files consistent with what was acknowledged and checks the disk takes writes;
    /// returns every record of the log as read back.
    private func repair() throws(StoreError) -> [StoredRecord] {
        try fault(.recovering)
        _ = try performIO("removing a pending log") { () throws(SystemError) in
            try FileSystem.removeFile(layout.pendingLog)
        }
        guard let descriptor = log.descriptor else {
            // The open could not read the log: do now what it could not.
            let prepared = try RecordStore.prepareLog(layout, codec: codec)
            try SpaceProbe.check(directory: layout.directory, bytes: options.spaceProbeBytes)
            log.descriptor = prepared.descriptor
            log.length = Int64(prepared.scan.intactLength)
            log.nextSequence = prepared.scan.header.firstSequence + UInt64(prepared.scan.records.count)
            return prepared.scan.records
        }
        // Everything past the acknowledged length was never acknowledged, and after a failed
        // fsync the page cache cannot be trusted: drop it, and make that durable.
        try performIO("discarding unacknowledged bytes from the log") { () throws(SystemError) in
            try descriptor.truncate(to: log.length)
            try descriptor.synchronize()
        }
        // A compaction that failed after its rename left the new log's name unsynced.
        try performIO("syncing the data directory") { () throws(SystemError) in
            try FileSystem.synchronizeDirectory(layout.directory)
        }
        try SpaceProbe.check(directory: layout.directory, bytes: options.spaceProbeBytes)
        let bytes = try performIO("reading the log back") { () throws(SystemError) in
            try descriptor.read(count: Int(log.length), at: 0)
        }
        let scan = try codec.scan(bytes)
        guard scan.tornTail == nil, Int64(scan.intactLength) == log.length,
            scan.header.firstSequence + UInt64(scan.records.count) == log.nextSequence
        else {
            throw StoreError(
                .corrupt, "the log read back after a failure does not end with the last acknowledged record")
        }
        return scan.records
    }

    /// Leaves the failed state; called by the owner's `rebuild`, on the writer thread, under the
    /// owner's lock. Returns how many requests were refused meanwhile.
    private func resume() -> Int {
        log.failure = nil
        let refused = queue.withLock { queue -> Int in
            queue.failure = nil
            defer { queue.refused = 0 }
            return queue.refused
        }
        counters.withLock { $0.recoveries += 1 }
        return refused
    }

    private func reportStillFailing(_ error: StoreError, _ progress: inout RecoveryProgress) {
        let now = SystemInfo.monotonicNanoseconds()
        let interval = UInt64(Self.nanoseconds(options.failureReportInterval))
        if progress.lastReport == 0 {
            // The failure itself was just reported; the first reminder comes an interval later.
            progress.lastReport = now
            return
        }
        guard now &- progress.lastReport >= interval else { return }
        progress.lastReport = now
        let (owner, refused) = queue.withLock { ($0.owner, $0.refused) }
        owner?.report(.stillFailing(error, refused: refused))
    }
}
