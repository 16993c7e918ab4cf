/// The store's on-disk format, with no I/O: a `LogHeader`, then records framed as
///
///     length    u32 BE   payload length in bytes (at most `maximumPayloadSize`)
///     checksum  u32 BE   CRC-32C over the 4 length bytes followed by the payload
///     payload   `length` opaque bytes
///
/// The checksum covers the length as well as the payload, so a damaged length is caught
/// directly, and a run of zero bytes (what a filesystem may expose past the last synced write
/// after a power loss) never parses as an empty record: CRC-32C of four zero bytes is not zero.
///
/// Tail versus middle: scanning stops at the first frame that is incomplete, oversized or fails
/// its checksum. That frame is a *torn tail* when no intact frame starts at any later byte
/// offset; it and everything after it are dropped. If an intact frame does start later, the bad
/// frame had valid data written after it, so it was not the interrupted last write: the log is
/// corrupt and `scan` throws rather than silently discard the records that follow.
/// See docs/store-format.md.
public struct RecordCodec: Sendable {
    /// The default limit on one payload: 16 MiB.
    public static let defaultMaximumPayloadSize = 16 << 20
    /// Bytes of framing before each payload.
    public static let frameHeaderSize = 8

    /// The largest payload accepted by `encode` and by `scan`; a larger length read from disk
    /// is treated as damage, never allocated.
    public let maximumPayloadSize: Int

    public init(maximumPayloadSize: Int = RecordCodec.defaultMaximumPayloadSize) {
        precondition(
            maximumPayloadSize >= 0 && maximumPayloadSize <= Int(UInt32.max) - Self.frameHeaderSize,
            "maximumPayloadSize must fit the u32 length field")
        self.maximumPayloadSize = maximumPayloadSize
    }

    /// Appends the framed `payload` to `buffer`.
    public func encode(_ payload: [UInt8], into buffer: inout [UInt8]) throws(StoreError) {
        guard payload.count <= maximumPayloadSize else {
            throw StoreError(
                .recordTooLarge, "record of \(payload.count) bytes exceeds the \(maximumPayloadSize)-byte limit")
        }
        let length = UInt32(payload.count)
        var lengthBytes: [UInt8] = []
        lengthBytes.appendBigEndian(length)
        var crc = CRC32C()
        crc.update(lengthBytes)
        crc.update(payload)
        buffer.append(contentsOf: lengthBytes)
        buffer.appendBigEndian(crc.value)
        buffer.append(contentsOf: payload)
    }

    /// Returns a whole log file: header and framed records.
    public func encodeLog(header: LogHeader, payloads: [[UInt8]]) throws(StoreError) -> [UInt8] {
        var bytes = header.encoded()
        for payload in payloads { try encode(payload, into: &bytes) }
        return bytes
    }

    /// The outcome of decoding one frame.
    public enum Frame: Sendable, Equatable {
        /// An intact record: its payload's byte range and the offset of the next frame.
        case record(payload: Range<Int>, next: Int)
        /// The offset is exactly the end of the data.
        case end
        /// The frame at this offset is damaged.
        case damaged(TornTail.Reason)
    }

    /// Decodes the frame starting at `offset` in `bytes`.
    public func decodeFrame(in bytes: UnsafeRawBufferPointer, at offset: Int) -> Frame {
        precondition(offset >= 0 && offset <= bytes.count, "decodeFrame offset out of bounds")
        let remaining = bytes.count - offset
        if remaining == 0 { return .end }
        if remaining < Self.frameHeaderSize { return .damaged(.incompleteFrameHeader) }
        let length = bytes.loadBigEndian(UInt32.self, at: offset)
        guard length <= maximumPayloadSize else { return .damaged(.oversizedLength) }
        let payloadStart = offset + Self.frameHeaderSize
        guard Int(length) <= bytes.count - payloadStart else { return .damaged(.incompletePayload) }
        let payloadEnd = payloadStart + Int(length)
        var crc = CRC32C()
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 4]))
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<payloadEnd]))
        guard crc.value == bytes.loadBigEndian(UInt32.self, at: offset + 4) else { return .damaged(.checksumMismatch) }
        return .record(payload: payloadStart..<payloadEnd, next: payloadEnd)
    }

    /// The result of scanning a whole log.
    public struct Scan: Sendable, Equatable {
        public let header: LogHeader
        /// Every intact record before any torn tail, in order, numbered from the header.
        public let records: [StoredRecord]
        /// The offset just past the last intact record: the length to keep.
        public let intactLength: Int
        /// The damage to drop, or nil when the log ends on a frame boundary.
        public let tornTail: TornTail?
    }

    /// Decodes a whole log file. Throws `.corrupt` for a damaged header or a damaged frame
    /// followed by intact data (see the type's documentation), `.unsupportedVersion` for a
    /// header this build cannot read.
    public func scan(_ log: [UInt8]) throws(StoreError) -> Scan {
        let result = log.withUnsafeBytes { bytes in
            Result { () throws(StoreError) in try scan(bytes) }
        }
        return try result.get()
    }

    private func scan(_ bytes: UnsafeRawBufferPointer) throws(StoreError) -> Scan {
        let header = try LogHeader.decode(bytes)
        var records: [StoredRecord] = []
        var offset = LogHeader.size
        var sequence = header.firstSequence
        while true {
            switch decodeFrame(in: bytes, at: offset) {
            case .end:
                return Scan(header: header, records: records, intactLength: offset, tornTail: nil)
            case .record(let payload, let next):
                records.append(StoredRecord(sequence: sequence, payload: Array(bytes[payload])))
                sequence += 1
                offset = next
            case .damaged(let reason):
                if let intact = firstIntactFrame(in: bytes, after: offset) {
                    throw StoreError(
                        .corrupt,
                        "record at offset \(offset) is damaged (\(reason.rawValue)) but an intact record "
                            + "follows at offset \(intact); refusing to drop data that was written after it")
                }
                let tail = TornTail(offset: Int64(offset), droppedBytes: Int64(bytes.count - offset), reason: reason)
                return Scan(header: header, records: records, intactLength: offset, tornTail: tail)
            }
        }
    }

    /// The first byte offset after `offset` where an intact frame starts, if any.
    ///
    /// Every offset is tried, as docs/store-format.md promises; `decodeFrame` checks a candidate's
    /// length against the limit and the file before computing any checksum, so on random bytes an
    /// offset costs O(1), and a run of zeros (length 0) costs a 4-byte checksum.
    private func firstIntactFrame(in bytes: UnsafeRawBufferPointer, after offset: Int) -> Int? {
        var candidate = offset + 1
        while candidate + Self.frameHeaderSize <= bytes.count {
            if case .record = decodeFrame(in: bytes, at: candidate) { return candidate }
            candidate += 1
        }
        return nil
    }
}
