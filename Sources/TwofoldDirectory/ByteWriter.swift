/// Builds the directory's binary encoding (docs/store-format.md, "Directory records"): LEB128
/// varints for lengths and counts, zigzag varints for times, length-prefixed UTF-8 for strings.
/// Nothing has a length limit below the store's record size, so no input can make encoding trap.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 128) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func count(_ value: Int) { varint(UInt64(clamping: value)) }

    /// A signed integer, zigzag-encoded so small negative values stay short.
    mutating func int64(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func u64(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func strings(_ values: [String]) {
        count(values.count)
        for value in values { string(value) }
    }

    /// `bytes` behind their length.
    mutating func lengthPrefixed(_ value: [UInt8]) {
        count(value.count)
        bytes.append(contentsOf: value)
    }
}
