/// An append-only sequence of bits packed most-significant-bit first into bytes, as the QR bit
/// stream is defined (ISO/IEC 18004 §7.4).
struct BitBuffer: Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    init(capacityInBits: Int = 0) {
        bytes.reserveCapacity((capacityInBits + 7) / 8)
    }

    /// Appends the low `width` bits of `value`, most significant first.
    mutating func append(_ value: Int, bits width: Int) {
        precondition((0...31).contains(width) && value >= 0 && value >> width == 0, "value does not fit in width")
        for shift in stride(from: width - 1, through: 0, by: -1) {
            appendBit((value >> shift) & 1 == 1)
        }
    }

    mutating func appendBit(_ bit: Bool) {
        if count & 7 == 0 { bytes.append(0) }
        if bit { bytes[count >> 3] |= 0x80 >> UInt8(count & 7) }
        count += 1
    }
}
