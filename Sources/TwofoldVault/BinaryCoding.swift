/// A tiny big-endian binary writer/reader for the vault's sealed records: compact and fast to
/// decode (restart with a million users must stay within seconds), versioned by a leading byte.
///
/// Length-prefixed fields hold at most 255 bytes (or items), or 65535 for the few `medium` ones: a
/// longer one throws `FieldTooLong` instead of trapping, so no input that slipped past a bound can
/// stop the vault.
struct BinaryWriter {
    /// A field longer than its one-byte length prefix can describe.
    struct FieldTooLong: Error, Equatable {
        let length: Int
    }

    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 128) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
    mutating func u16(_ value: UInt16) { withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    /// A count of at most 255 (the number of items that follow).
    mutating func count(_ value: Int) throws(FieldTooLong) {
        guard let byte = UInt8(exactly: value) else { throw FieldTooLong(length: value) }
        bytes.append(byte)
    }

    /// Up to 255 bytes, length-prefixed.
    mutating func shortBytes(_ value: some Collection<UInt8>) throws(FieldTooLong) {
        try count(value.count)
        bytes.append(contentsOf: value)
    }

    mutating func shortString(_ value: String) throws(FieldTooLong) { try shortBytes(Array(value.utf8)) }

    /// Up to 65535 bytes, with a two-byte length prefix.
    mutating func mediumBytes(_ value: some Collection<UInt8>) throws(FieldTooLong) {
        guard let length = UInt16(exactly: value.count) else { throw FieldTooLong(length: value.count) }
        u16(length)
        bytes.append(contentsOf: value)
    }

    mutating func raw(_ value: some Collection<UInt8>) { bytes.append(contentsOf: value) }
}

/// Reads what `BinaryWriter` wrote; every read is bounds-checked and throws on truncation, so a
/// corrupt record is an error, never a crash.
struct BinaryReader {
    struct Truncated: Error {}

    private let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset == bytes.count }
    var remaining: Int { bytes.count - offset }

    mutating func u8() throws(Truncated) -> UInt8 {
        guard offset < bytes.count else { throw Truncated() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func bool() throws(Truncated) -> Bool { try u8() != 0 }

    mutating func u16() throws(Truncated) -> UInt16 { UInt16(truncatingIfNeeded: try fixed(2)) }
    mutating func u32() throws(Truncated) -> UInt32 { UInt32(truncatingIfNeeded: try fixed(4)) }
    mutating func u64() throws(Truncated) -> UInt64 { try fixed(8) }
    mutating func i64() throws(Truncated) -> Int64 { Int64(bitPattern: try u64()) }

    private mutating func fixed(_ width: Int) throws(Truncated) -> UInt64 {
        guard remaining >= width else { throw Truncated() }
        var value: UInt64 = 0
        for index in offset..<(offset + width) { value = value << 8 | UInt64(bytes[index]) }
        offset += width
        return value
    }

    mutating func shortBytes() throws(Truncated) -> [UInt8] {
        let count = Int(try u8())
        return try raw(count)
    }

    mutating func mediumBytes() throws(Truncated) -> [UInt8] {
        let count = Int(try u16())
        return try raw(count)
    }

    mutating func shortString() throws(Truncated) -> String {
        let utf8 = try shortBytes()
        return String(decoding: utf8, as: UTF8.self)
    }

    mutating func raw(_ count: Int) throws(Truncated) -> [UInt8] {
        guard count >= 0, remaining >= count else { throw Truncated() }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }
}
