import TwofoldStore
import TwofoldSystem

/// The directory's snapshot file, `directory.snapshot` beside the store's log (format in
/// docs/store-format.md, "Directory snapshot"): a 28-byte header naming the log marker it was
/// started at, then frames exactly like the log's (length, CRC-32C, payload), each a change
/// payload holding a batch of records, and a last frame saying how many records came before it.
///
/// Written to `directory.snapshot.pending` and synced before being renamed into place, so the
/// snapshot file is always complete; anything else found in it is corruption, never a torn write.
enum DirectorySnapshot {
    static let magic: [UInt8] = [0x89, 0x54, 0x46, 0x53, 0x4E, 0x41, 0x50, 0x0A]  // "\x89TFSNAP\n"
    static let version: UInt32 = 1
    static let headerSize = 28
    /// Batches stay below this many bytes of records (at least one record each).
    static let batchBytes = 1 << 20

    static func path(in directory: String) -> String { directory + "/directory.snapshot" }
    static func pendingPath(in directory: String) -> String { directory + "/directory.snapshot.pending" }

    static func header(marker: UInt64) -> [UInt8] {
        var bytes = magic
        appendBigEndian(version, to: &bytes)
        appendBigEndian(UInt32(0), to: &bytes)
        appendBigEndian(marker, to: &bytes)
        appendBigEndian(CRC32C.checksum(bytes), to: &bytes)
        return bytes
    }

    static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    static func bigEndian<T: FixedWidthInteger>(_: T.Type, in bytes: [UInt8], at offset: Int) -> T {
        bytes[offset..<(offset + MemoryLayout<T>.size)].reduce(T(0)) { $0 << 8 | T($1) }
    }

    /// The marker named by the snapshot's header.
    static func marker(ofHeader bytes: [UInt8], path: String) throws(DirectoryError) -> UInt64 {
        guard bytes.count >= headerSize, bytes.prefix(magic.count).elementsEqual(magic) else {
            throw .corrupt("\(path) is not a directory snapshot (bad header)")
        }
        guard CRC32C.checksum(bytes[0..<24]) == bigEndian(UInt32.self, in: bytes, at: 24) else {
            throw .corrupt("\(path) fails its header checksum")
        }
        let version = bigEndian(UInt32.self, in: bytes, at: 8)
        guard version == Self.version, bigEndian(UInt32.self, in: bytes, at: 12) == 0 else {
            throw .corrupt("\(path) has snapshot format \(version); this build reads \(Self.version)")
        }
        return bigEndian(UInt64.self, in: bytes, at: 16)
    }
}

/// Streams a snapshot to its pending file: batches go out as they are handed in, so a million
/// records never sit in memory twice. `commit` syncs it and renames it into place.
final class SnapshotWriter {
    private let directory: String
    private let file: FileDescriptor
    private let codec = RecordCodec()
    private var offset: Int64
    private(set) var records: UInt64 = 0
    private var batch: [[UInt8]] = []
    private var batchBytes = 0

    init(directory: String, marker: UInt64) throws(DirectoryError) {
        self.directory = directory
        let path = DirectorySnapshot.pendingPath(in: directory)
        let header = DirectorySnapshot.header(marker: marker)
        do {
            file = try FileSystem.open(path, options: [.readWrite, .create, .truncate])
            try file.write(header, at: 0)
        } catch {
            throw .storageIO("creating \(path)", error)
        }
        offset = Int64(header.count)
    }

    /// The bytes written so far.
    var size: Int64 { offset }

    /// Adds one record (its binary form); writes a frame whenever a batch is full.
    func add(_ record: [UInt8]) throws(DirectoryError) {
        if !batch.isEmpty, batchBytes + record.count > DirectorySnapshot.batchBytes { try flush() }
        batch.append(record)
        batchBytes += record.count
        records += 1
    }

    func flush() throws(DirectoryError) {
        guard !batch.isEmpty else { return }
        try writeFrame(LogPayload.encodeChange(batch))
        batch = []
        batchBytes = 0
    }

    private func writeFrame(_ payload: [UInt8]) throws(DirectoryError) {
        var frame: [UInt8] = []
        frame.reserveCapacity(payload.count + RecordCodec.frameHeaderSize)
        do {
            try codec.encode(payload, into: &frame)
            try file.write(frame, at: offset)
        } catch let error as SystemError {
            throw .storageIO("writing \(DirectorySnapshot.pendingPath(in: directory))", error)
        } catch {
            throw DirectoryError(.storage, "A snapshot batch is larger than a record may be.")
        }
        offset += Int64(frame.count)
    }

    /// Writes the end frame and syncs the file.
    func finish() throws(DirectoryError) {
        try flush()
        try writeFrame(LogPayload.encodeSnapshotEnd(records: records))
        do {
            try file.synchronize()
        } catch {
            throw .storageIO("syncing \(DirectorySnapshot.pendingPath(in: directory))", error)
        }
        file.close()
    }

    /// Renames the finished file over the snapshot and syncs the folder: from then on it is
    /// the snapshot.
    func install() throws(DirectoryError) {
        let pending = DirectorySnapshot.pendingPath(in: directory)
        do {
            try FileSystem.rename(pending, to: DirectorySnapshot.path(in: directory))
            try FileSystem.synchronizeDirectory(directory)
        } catch {
            throw .storageIO("installing the snapshot \(pending)", error)
        }
    }

    /// Closes and removes the pending file (a compaction that stopped half-way).
    func abandon() {
        file.close()
        _ = try? FileSystem.removeFile(DirectorySnapshot.pendingPath(in: directory))
    }
}

/// Reads a snapshot in blocks, handing each batch to `body` as it is decoded, so loading a
/// million records holds one block of the file at a time.
enum SnapshotReader {
    static let blockSize = 4 << 20

    /// The marker named by the snapshot at `path`.
    static func marker(path: String) throws(DirectoryError) -> UInt64 {
        let file = try open(path)
        defer { file.close() }
        let header: [UInt8]
        do {
            header = try file.read(count: DirectorySnapshot.headerSize, at: 0)
        } catch {
            throw .storageIO("reading \(path)", error)
        }
        return try DirectorySnapshot.marker(ofHeader: header, path: path)
    }

    /// Decodes every batch in order; returns the number of records and the file's size.
    static func load(path: String, _ body: ([DirectoryItem]) -> Void) throws(DirectoryError) -> (UInt64, Int64) {
        let file = try open(path)
        defer { file.close() }
        let codec = RecordCodec()
        var buffer: [UInt8] = []
        var start = 0
        var fileOffset: Int64 = 0
        var atEndOfFile = false
        var records: UInt64 = 0
        var ended = false

        func readMore(atLeast needed: Int) throws(DirectoryError) {
            let count = max(blockSize, needed)
            let chunk: [UInt8]
            do {
                chunk = try file.read(count: count, at: fileOffset)
            } catch {
                throw .storageIO("reading \(path)", error)
            }
            fileOffset += Int64(chunk.count)
            if chunk.count < count { atEndOfFile = true }
            buffer = Array(buffer[start...]) + chunk
            start = 0
        }

        try readMore(atLeast: DirectorySnapshot.headerSize)
        _ = try DirectorySnapshot.marker(ofHeader: Array(buffer.prefix(DirectorySnapshot.headerSize)), path: path)
        start = DirectorySnapshot.headerSize
        while true {
            let frame = buffer.withUnsafeBytes { codec.decodeFrame(in: $0, at: start) }
            let position = fileOffset - Int64(buffer.count - start)
            switch frame {
            case .record(let range, let next):
                guard !ended else { throw .corrupt("\(path) has data after its end at offset \(position)") }
                let payload = buffer.withUnsafeBytes { bytes in
                    Result { () throws(LogPayload.DecodeFailure) in
                        try LogPayload.decode(UnsafeRawBufferPointer(rebasing: bytes[range]))
                    }
                }
                switch payload {
                case .success(.change(let items)):
                    records += UInt64(items.count)
                    body(items)
                case .success(.snapshotEnd(let count)):
                    guard count == records else {
                        throw .corrupt("\(path) ends after \(records) records but says \(count)")
                    }
                    ended = true
                default:
                    throw .corrupt("\(path) holds an unreadable batch at offset \(position)")
                }
                start = next
            case .end, .damaged(.incompleteFrameHeader), .damaged(.incompletePayload):
                if atEndOfFile {
                    guard ended, case .end = frame else {
                        throw .corrupt("\(path) is truncated at offset \(position)")
                    }
                    return (records, fileOffset)
                }
                let needed = buffer.withUnsafeBytes { bytes -> Int in
                    guard bytes.count - start >= 4 else { return RecordCodec.frameHeaderSize }
                    let length = bytes[start..<(start + 4)].reduce(0) { $0 << 8 | Int($1) }
                    return length + RecordCodec.frameHeaderSize
                }
                try readMore(atLeast: needed)
            case .damaged(let reason):
                throw .corrupt("\(path) is damaged at offset \(position) (\(reason.rawValue))")
            }
        }
    }

    private static func open(_ path: String) throws(DirectoryError) -> FileDescriptor {
        do {
            return try FileSystem.open(path, options: [.readOnly])
        } catch {
            throw .storageIO("opening \(path)", error)
        }
    }
}
