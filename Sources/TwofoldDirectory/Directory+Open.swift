import Dispatch
import TwofoldStore
import TwofoldSystem

extension Directory {
    /// What start-up read, for the daemon's log.
    public struct OpenReport: Sendable, Equatable, CustomStringConvertible {
        /// Records loaded from the snapshot (0 without one).
        public var snapshotRecords: UInt64 = 0
        /// Log records replayed after the snapshot's marker (or all of them, without a snapshot).
        public var logRecords = 0
        /// Of those, records in the format of earlier builds (JSON); their presence means the
        /// first compaction (started at once) rewrites the directory in the current format.
        public var format1Records = 0
        /// A snapshot file left behind by a rollback to format 1, ignored because the log does
        /// not continue it.
        public var ignoredStaleSnapshot = false
        public var store: RecoveryReport?
        public var milliseconds: Int64 = 0

        public var description: String {
            var parts = ["\(snapshotRecords) snapshot records", "\(logRecords) log records replayed"]
            if format1Records > 0 { parts.append("\(format1Records) in format 1, to be rewritten") }
            if ignoredStaleSnapshot { parts.append("ignored a stale snapshot") }
            if let store, !store.isClean { parts.append("store recovery: \(store)") }
            return parts.joined(separator: "; ") + " in \(milliseconds) ms"
        }
    }

    /// Opens (or creates) the directory in `path`: loads its snapshot if the log continues one,
    /// then replays the log after the snapshot's marker (the whole log otherwise). Starts a
    /// compaction in the background when the log holds format-1 records or has grown past the
    /// threshold. Throws `storage.corrupt` for files it cannot read back (never guessing, since
    /// a guess could resurrect or lose records), or the store's error.
    public static func open(
        path: String, clock: @escaping @Sendable () -> Int64, options: Options = Options()
    ) throws -> Directory {
        let started = DispatchTime.now().uptimeNanoseconds
        let opened = try RecordStore.open(directory: path, options: options.store)
        // Recovery in place is not wired for the gateway yet: a log it cannot read stops the start.
        if let failure = opened.failure {
            opened.store.close()
            throw failure
        }
        let store = opened.store
        var records = opened.records
        var report = OpenReport()
        report.store = opened.recovery
        _ = consume opened
        var guarded = Guarded(threshold: options.compactionLogBytes)
        do {
            try load(&records, into: &guarded, path: path, report: &report)
        } catch {
            store.close()
            throw error
        }
        let needsCompaction = report.format1Records > 0 || guarded.journal.isOverThreshold
        if needsCompaction { guarded.journal.requested = true }
        report.milliseconds = Int64((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
        let directory = Directory(
            state: guarded, store: store, path: path, options: options, openReport: report, clock: clock)
        if needsCompaction, options.compactsAutomatically { directory.requestCompaction() }
        return directory
    }

    /// Fills `guarded` from the snapshot and the log; releases each log payload once applied.
    static func load(
        _ records: inout [StoredRecord], into guarded: inout Guarded, path: String, report: inout OpenReport
    ) throws(DirectoryError) {
        let data = guarded.data
        let snapshotPath = DirectorySnapshot.path(in: path)
        let snapshotExists: Bool
        do {
            snapshotExists = try FileSystem.exists(snapshotPath)
        } catch {
            throw .storageIO("looking for \(snapshotPath)", error)
        }
        var start = 0
        if let first = records.first, let firstMarker = LogPayload.markerID(first.payload) {
            // The log continues a snapshot: it starts with the marker of the compaction that
            // wrote it, and the snapshot's marker is that one or a later one in the log.
            guard snapshotExists else {
                throw .corrupt(
                    "the log continues the snapshot of marker \(hex(firstMarker)), but \(snapshotPath) is missing")
            }
            let marker = try SnapshotReader.marker(path: snapshotPath)
            guard let index = records.firstIndex(where: { LogPayload.markerID($0.payload) == marker }) else {
                throw .corrupt(
                    "\(snapshotPath) (marker \(hex(marker))) does not belong to this log, which starts at marker "
                        + hex(firstMarker))
            }
            let (count, size) = try SnapshotReader.load(path: snapshotPath) { items in data.apply(items) }
            report.snapshotRecords = count
            guarded.journal.snapshotBytes = size
            start = index + 1
        } else {
            // A whole log (new, or written by format 1): any snapshot file is a leftover of a
            // rollback (the log was rewritten without markers) and describes nothing here.
            report.ignoredStaleSnapshot = snapshotExists
        }
        var logBytes = 0
        for index in records.indices {
            logBytes += records[index].payload.count + RecordCodec.frameHeaderSize
            guard index >= start else { continue }
            let record = records[index]
            records[index] = StoredRecord(sequence: record.sequence, payload: [])
            let decoded = record.payload.withUnsafeBytes { bytes in
                Result { () throws(LogPayload.DecodeFailure) in try LogPayload.decode(bytes) }
            }
            switch decoded {
            case .success(.change(let items)):
                data.apply(items)
            case .success(.format1(let entry)):
                do {
                    data.apply(try entry.items())
                } catch {
                    throw .corrupt("log record \(record.sequence) (format 1) holds an unencodable record")
                }
                report.format1Records += 1
            case .success(.marker):
                break
            case .success(.snapshotEnd):
                throw .corrupt("log record \(record.sequence) is a snapshot's end marker")
            case .failure(.unknownFormat(let tag)):
                throw .corrupt(
                    "log record \(record.sequence) has format byte \(tag), which this build does not know "
                        + "(written by a newer build?)")
            case .failure(.malformed):
                throw .corrupt("log record \(record.sequence) cannot be decoded")
            }
            report.logRecords += 1
        }
        guarded.journal.logBytes = logBytes
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
