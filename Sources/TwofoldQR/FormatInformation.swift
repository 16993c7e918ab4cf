/// The BCH-protected format and version information words (ISO/IEC 18004 §7.9, Annexes C and D).
enum FormatInformation {
    /// The 15-bit format word for a level and mask: 5 data bits, a (15,5) BCH remainder with
    /// generator x¹⁰+x⁸+x⁵+x⁴+x²+x+1 (0x537), XORed with 0x5412 so it is never all zero.
    static func formatBits(level: ErrorCorrectionLevel, mask: QRMask) -> Int {
        let data = Int(level.formatBits) << 3 | mask.rawValue
        return (data << 10 | bchRemainder(data << 10, generator: 0x537, degree: 10)) ^ 0x5412
    }

    /// The 18-bit version word for versions 7...40: 6 version bits and a (18,6) Golay remainder with
    /// generator x¹²+x¹¹+x¹⁰+x⁹+x⁸+x⁵+x²+1 (0x1F25).
    static func versionBits(version: Int) -> Int {
        precondition((7...40).contains(version), "version information exists for versions 7...40 only")
        return version << 12 | bchRemainder(version << 12, generator: 0x1F25, degree: 12)
    }

    /// Remainder of the polynomial `value` (over GF(2)) divided by `generator` of the given degree.
    private static func bchRemainder(_ value: Int, generator: Int, degree: Int) -> Int {
        var remainder = value
        var bit = Int.bitWidth - 1 - remainder.leadingZeroBitCount
        while remainder != 0 && bit >= degree {
            if remainder >> bit & 1 == 1 { remainder ^= generator << (bit - degree) }
            bit -= 1
        }
        return remainder
    }
}
