import TwofoldSystem

extension RecordStore {
    /// Opens (creating if needed) the store in `directory` and replays it.
    ///
    /// Throws `.locked` if another open store holds the directory, `.corrupt` if the log is
    /// damaged anywhere but its tail, `.unsupportedVersion` for a newer format, `.io` otherwise.
    /// A torn tail is truncated away and synced before any append, and reported in `recovery`.
    /// The log is read into memory once; compaction keeps it proportional to the live state.
    public static func open(directory: String, options: Options = Options()) throws(StoreError) -> Opened {
        let layout = StoreLayout(directory: directory)
        let codec = RecordCodec(maximumPayloadSize: options.maximumRecordSize)

        try performIO("creating the data directory") { () throws(SystemError) in
            if try FileSystem.createDirectory(directory) { try FileSystem.synchronizeDirectory(layout.parent) }
        }
        let lock = try performIO("opening the lock file") { () throws(SystemError) in
            try FileSystem.open(layout.lock, options: [.readWrite, .create])
        }
        let locked = try performIO("locking the data directory") { () throws(SystemError) in
            try lock.tryLockExclusive()
        }
        guard locked else {
            throw StoreError(.locked, "the data directory \(directory) is already in use by another open store")
        }

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

        let log = ActiveLog(
            descriptor: descriptor,
            length: Int64(scan.intactLength),
            nextSequence: scan.header.firstSequence + UInt64(scan.records.count))
        let writer = LogWriter(log: log, lock: lock, layout: layout, codec: codec, options: options)
        writer.start()
        let recovery = RecoveryReport(
            createdLog: !logExists,
            removedPendingLog: removedPending,
            tornTail: scan.tornTail,
            recordCount: scan.records.count)
        return Opened(
            store: RecordStore(writer: writer, directory: directory), records: scan.records, recovery: recovery)
    }

    /// Creates an empty log the same way compaction replaces one (pending file, sync, rename,
    /// directory sync), so the log never exists with a partial header.
    private static func createEmptyLog(_ layout: StoreLayout) throws(StoreError) {
        let header = LogHeader(firstSequence: 1).encoded()
        try performIO("creating the log") { () throws(SystemError) in
            let file = try FileSystem.open(layout.pendingLog, options: [.readWrite, .create, .truncate])
            defer { file.close() }
            try file.write(header, at: 0)
            try file.synchronize()
            try FileSystem.rename(layout.pendingLog, to: layout.log)
            try FileSystem.synchronizeDirectory(layout.directory)
        }
    }
}
