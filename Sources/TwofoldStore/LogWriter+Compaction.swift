import TwofoldSystem

extension LogWriter {
    /// Replaces the log with one holding exactly `payloads`, crash-safely: the snapshot goes to
    /// the pending file, which is synced, renamed over the log, and the directory synced. Until
    /// the rename the old log is authoritative (open deletes a leftover pending file); after it
    /// the new one is, and it is complete because it was synced first. Runs on the writer
    /// thread between group commits, so appends queued before it land in the old log first.
    func compact(_ payloads: [[UInt8]], completion: CompactCompletion) {
        guard log.failure == nil, let active = log.descriptor else {
            completion(.failure(Self.failed(after: log.failure ?? StoreError(.failed, "the log is not open"))))
            return
        }
        let first = log.nextSequence
        let bytes: [UInt8]
        do {
            bytes = try codec.encodeLog(header: LogHeader(firstSequence: first), payloads: payloads)
        } catch {
            completion(.failure(error))
            return
        }
        var renamed = false
        do throws(StoreError) {
            let file = try performIO("creating the pending log") { () throws(SystemError) in
                try FileSystem.open(layout.pendingLog, options: [.readWrite, .create, .truncate])
            }
            try fault(.compactionFileCreated)
            try performIO("writing the pending log") { () throws(SystemError) in try file.write(bytes, at: 0) }
            try fault(.compactionFileWritten)
            try performIO("syncing the pending log") { () throws(SystemError) in try file.synchronize() }
            try fault(.compactionFileSynced)
            try performIO("renaming the pending log over the log") { () throws(SystemError) in
                try FileSystem.rename(layout.pendingLog, to: layout.log)
            }
            renamed = true
            active.close()
            log.descriptor = file
            log.length = Int64(bytes.count)
            log.nextSequence = first + UInt64(payloads.count)
            try fault(.compactionRenamed)
            try performIO("syncing the data directory") { () throws(SystemError) in
                try FileSystem.synchronizeDirectory(layout.directory)
            }
            try fault(.compactionDirectorySynced)
        } catch {
            if renamed || error.code == .faultInjected {
                // Past the rename the directory entry may not be durable (recovery syncs it
                // again), and a simulated crash must leave the files exactly as they are.
                poison(error)
            } else {
                // The old log is untouched and still active; the pending file is just litter.
                _ = try? FileSystem.removeFile(layout.pendingLog)
            }
            completion(.failure(error))
            return
        }
        recordCompaction(bytes: bytes.count)
        completion(.success(first..<first + UInt64(payloads.count)))
    }
}
