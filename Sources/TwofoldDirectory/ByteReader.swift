/// Reads what `ByteWriter` wrote. Every read is bounds-checked and throws `Malformed` on
/// truncation, an over-long varint or invalid UTF-8, so a damaged or hostile record is an error,
/// never a trap. Borrows its bytes: use it inside `withUnsafeBytes`.
struct ByteReader {
    struct Malformed: Error {}

    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset >= bytes.count }
    var remaining: Int { bytes.count - offset }

    mutating func u8() throws(Malformed) -> UInt8 {
        guard offset < bytes.count else { throw Malformed() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try u8()
            guard shift < 64, shift < 63 || byte <= 1 else { throw Malformed() }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// A count or length, bounded by what is left to read (each counted item takes a byte at
    /// least), so garbage never turns into a huge allocation.
    mutating func count() throws(Malformed) -> Int {
        let value = try varint()
        guard value <= UInt64(remaining) else { throw Malformed() }
        return Int(value)
    }

    mutating func int64() throws(Malformed) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func u64() throws(Malformed) -> UInt64 {
        guard remaining >= 8 else { throw Malformed() }
        var value: UInt64 = 0
        for index in offset..<(offset + 8) { value = value << 8 | UInt64(bytes[index]) }
        offset += 8
        return value
    }

    /// The byte range of the next length-prefixed field, skipped.
    mutating func range() throws(Malformed) -> Range<Int> {
        let length = try count()
        defer { offset += length }
        return offset..<(offset + length)
    }

    /// A string; invalid UTF-8 (which this code never writes, and a checksum guards on disk) is
    /// repaired with U+FFFD rather than refused, so a read can never trap or fail on it.
    mutating func string() throws(Malformed) -> String {
        let field = try range()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[field]), as: UTF8.self)
    }

    mutating func strings() throws(Malformed) -> [String] {
        let count = try count()
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try string()) }
        return values
    }

    mutating func skipString() throws(Malformed) { _ = try range() }

    mutating func skipStrings() throws(Malformed) {
        for _ in 0..<(try count()) { try skipString() }
    }

    /// A copy of the next `length` bytes.
    mutating func bytes(_ length: Int) throws(Malformed) -> [UInt8] {
        guard length >= 0, length <= remaining else { throw Malformed() }
        defer { offset += length }
        return Array(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]))
    }
}
