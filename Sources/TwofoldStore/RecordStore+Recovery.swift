import TwofoldSystem

extension RecordStore {
    /// Opens (creating if needed) the store in `directory` and replays it.
    ///
    /// Throws `.locked` if another open store or process holds the directory, `.corrupt` if the log
    /// is damaged anywhere but its tail, `.unsupportedVersion` for a newer format, and `.io` if the
    /// directory cannot be created or locked. A torn tail is truncated away and synced before any
    /// append, and reported in `recovery`. The log is read into memory once; compaction keeps it
    /// proportional to the live state.
    ///
    /// An I/O error while creating or reading the log itself (a full disk when the first log is
    /// created, say) does not throw: the store opens failed (`Opened.failure`, no records) and
    /// its recovery reads the log later and hands the records to its `Owner`, so a daemon comes
    /// up degraded instead of exiting into a restart loop.
    public static func open(directory: String, options: Options = Options()) throws(StoreError) -> Opened {
        let layout = StoreLayout(directory: directory)
        let codec = RecordCodec(maximumPayloadSize: options.maximumRecordSize)

        try performIO("creating the data directory") { () throws(SystemError) in
            if try FileSystem.createDirectory(directory) { try FileSystem.synchronizeDirectory(layout.parent) }
        }
        let lock = try DirectoryLock.acquire(directory)

        let prepared: PreparedLog
        do throws(StoreError) {
            prepared = try prepareLog(layout, codec: codec)
        } catch  where error.code == .io {
            let log = ActiveLog(descriptor: nil, length: 0, nextSequence: 1)
            let writer = LogWriter(log: log, lock: lock, layout: layout, codec: codec, options: options, failure: error)
            try startWriter(writer, log: log, lock: lock)
            let recovery = RecoveryReport(createdLog: false, removedPendingLog: false, tornTail: nil, recordCount: 0)
            return Opened(
                store: RecordStore(writer: writer, directory: directory), records: [], recovery: recovery,
                failure: error)
        }

        let scan = prepared.scan
        let log = ActiveLog(
            descriptor: prepared.descriptor,
            length: Int64(scan.intactLength),
            nextSequence: scan.header.firstSequence + UInt64(scan.records.count))
        let writer = LogWriter(log: log, lock: lock, layout: layout, codec: codec, options: options)
        try startWriter(writer, log: log, lock: lock)
        let recovery = RecoveryReport(
            createdLog: prepared.created,
            removedPendingLog: prepared.removedPending,
            tornTail: scan.tornTail,
            recordCount: scan.records.count)
        return Opened(
            store: RecordStore(writer: writer, directory: directory), records: scan.records, recovery: recovery,
            failure: nil)
    }

    /// The log made ready to append to: what `open` does after locking, and what recovery does
    /// when `open` could not.
    struct PreparedLog {
        let descriptor: FileDescriptor
        let scan: RecordCodec.Scan
        let created: Bool
        let removedPending: Bool
    }

    /// Starts the writer's thread. Without one (the process's limit) nothing has been written, so
    /// the folder is left as found: the log closed, the lock released.
    private static func startWriter(_ writer: LogWriter, log: ActiveLog, lock: DirectoryLock) throws(StoreError) {
        do throws(SystemError) {
            try writer.start()
        } catch {
            log.descriptor?.close()
            lock.release()
            throw .io(error, "starting the writer thread")
        }
    }

    static func prepareLog(_ layout: StoreLayout, codec: RecordCodec) throws(StoreError) -> PreparedLog {
        // A pending file is a compaction (or creation) that never reached its rename: the log
        // it was meant to replace is still complete, so the pending file is discarded.
        let removedPending = try performIO("removing an interrupted compaction") { () throws(SystemError) in
            try FileSystem.removeFile(layout.pendingLog)
        }
        let logExists = try performIO("looking for the log") { () throws(SystemError) in
            try FileSystem.exists(layout.log)
        }
        if !logExists { try createEmptyLog(layout) }

        let descriptor = try performIO("opening the log") { () throws(SystemError) in
            try FileSystem.open(layout.log, options: [.readWrite])
        }
        let bytes = try performIO("reading the log") { () throws(SystemError) in
            try descriptor.read(count: Int(try descriptor.size()), at: 0)
        }
        let scan = try codec.scan(bytes)
        if scan.tornTail != nil {
            try performIO("truncating the torn tail") { () throws(SystemError) in
                try descriptor.truncate(to: Int64(scan.intactLength))
                try descriptor.synchronize()
            }
        }
        return PreparedLog(descriptor: descriptor, scan: scan, created: !logExists, removedPending: removedPending)
    }

    /// Creates an empty log the same way compaction replaces one (pending file, sync, rename,
    /// directory sync), so the log never exists with a partial header.
    private static func createEmptyLog(_ layout: StoreLayout) throws(StoreError) {
        let header = LogHeader(firstSequence: 1).encoded()
        try performIO("creating the log") { () throws(SystemError) in
            let file = try FileSystem.open(layout.pendingLog, options: [.readWrite, .create, .truncate])
            defer { file.close() }
            do throws(SystemError) {
                try file.write(header, at: 0)
                try file.synchronize()
            } catch {
                // Leave no pending litter behind (a full disk fails the write).
                _ = try? FileSystem.removeFile(layout.pendingLog)
                throw error
            }
            try FileSystem.rename(layout.pendingLog, to: layout.log)
            try FileSystem.synchronizeDirectory(layout.directory)
        }
    }
}
