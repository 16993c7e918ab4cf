/// The fixed 28-byte header at the start of every log file (see docs/store-format.md):
///
///     magic        8 bytes  89 54 46 4C 4F 47 0D 0A  ("\x89TFLOG\r\n")
///     version      u32 BE   format version, currently 1
///     flags        u32 BE   0 in version 1; readers reject unknown bits
///     firstSeq     u64 BE   sequence number of the first record in this file
///     checksum     u32 BE   CRC-32C of the 24 bytes above
///
/// The magic's high-bit byte and CR LF catch 7-bit and newline-translating copies (as PNG's do).
/// A header is only ever written into a temporary file that is synced before being renamed into
/// place, so a damaged header is corruption, never a torn write.
public struct LogHeader: Sendable, Equatable {
    public static let magic: [UInt8] = [0x89, 0x54, 0x46, 0x4C, 0x4F, 0x47, 0x0D, 0x0A]
    public static let currentVersion: UInt32 = 1
    public static let size = 28
    /// 2^63 − 1. Numbering starts at 1 and grows by one per record, so no store ever wrote a larger
    /// first sequence number; refusing one keeps every later number (and its `Int64` form) from
    /// overflowing while the log is replayed or appended to.
    public static let maximumFirstSequence = UInt64(Int64.max)

    public var version: UInt32
    /// The sequence number of the file's first record; compaction continues numbering from the
    /// old log, so sequence numbers never repeat over the store's life.
    public var firstSequence: UInt64

    public init(firstSequence: UInt64, version: UInt32 = LogHeader.currentVersion) {
        self.version = version
        self.firstSequence = firstSequence
    }

    public func encoded() -> [UInt8] {
        var bytes = Self.magic
        bytes.reserveCapacity(Self.size)
        bytes.appendBigEndian(version)
        bytes.appendBigEndian(UInt32(0))
        bytes.appendBigEndian(firstSequence)
        bytes.appendBigEndian(CRC32C.checksum(bytes))
        return bytes
    }

    /// Decodes the header at the start of `bytes`.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(StoreError) -> LogHeader {
        guard bytes.count >= size else {
            throw StoreError(.corrupt, "log is \(bytes.count) bytes, shorter than its \(size)-byte header")
        }
        guard bytes.prefix(magic.count).elementsEqual(magic) else {
            throw StoreError(.corrupt, "log does not start with the store's magic bytes")
        }
        let stored = bytes.loadBigEndian(UInt32.self, at: 24)
        var crc = CRC32C()
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[0..<24]))
        guard crc.value == stored else {
            throw StoreError(.corrupt, "log header fails its checksum")
        }
        let version = bytes.loadBigEndian(UInt32.self, at: 8)
        guard version == currentVersion else {
            throw StoreError(.unsupportedVersion, "log format version \(version); this build reads \(currentVersion)")
        }
        let flags = bytes.loadBigEndian(UInt32.self, at: 12)
        guard flags == 0 else {
            throw StoreError(.unsupportedVersion, "log header has unknown flags \(flags)")
        }
        let firstSequence = bytes.loadBigEndian(UInt64.self, at: 16)
        guard firstSequence <= maximumFirstSequence else {
            throw StoreError(.corrupt, "log header's first sequence number \(firstSequence) is out of range")
        }
        return LogHeader(firstSequence: firstSequence, version: version)
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

extension UnsafeRawBufferPointer {
    /// Reads a big-endian integer at `offset`; the caller has checked the bounds.
    func loadBigEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= count, "loadBigEndian out of bounds")
        return T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
