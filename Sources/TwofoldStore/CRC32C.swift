/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every record frame.
///
/// Chosen over CRC-32/IEEE because its polynomial has a larger Hamming distance at record-sized
/// inputs (it is what iSCSI, ext4 metadata and LevelDB/RocksDB logs use), and over a cryptographic
/// hash because the threat here is torn writes and bit rot, not an adversary: integrity against
/// tampering is the job of the vault's AEAD, inside the payload.
public struct CRC32C: Sendable {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? (value >> 1) ^ 0x82F6_3B78 : value >> 1
        }
        return value
    }

    /// Slicing-by-8 (Intel's technique, as in zlib and LevelDB): table k maps a byte to its
    /// contribution k bytes further on, so eight bytes cost eight lookups and no dependent shifts.
    /// About five times the byte-at-a-time speed; a directory snapshot of a million users is
    /// 350 MB of frames to check at start-up.
    private static let slices: [UInt32] = {
        var slices = table
        for k in 1..<8 {
            for index in 0..<256 {
                let previous = slices[(k - 1) * 256 + index]
                slices.append((previous >> 8) ^ table[Int(previous & 0xFF)])
            }
        }
        return slices
    }()

    private var state: UInt32 = 0xFFFF_FFFF

    public init() {}

    /// Feeds more bytes; the checksum of a concatenation equals feeding the parts in order.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var crc = state
        Self.slices.withUnsafeBufferPointer { t in
            var offset = 0
            let count = bytes.count
            while count - offset >= 8 {
                let low = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) ^ crc
                let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
                crc =
                    t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                offset += 8
            }
            while offset < count {
                crc = t[Int((crc ^ UInt32(bytes[offset])) & 0xFF)] ^ (crc >> 8)
                offset += 1
            }
        }
        state = crc
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let contiguous: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if contiguous != nil { return }
        var crc = state
        Self.table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
            }
        }
        state = crc
    }

    /// The checksum of everything fed so far.
    public var value: UInt32 { state ^ 0xFFFF_FFFF }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }
}
