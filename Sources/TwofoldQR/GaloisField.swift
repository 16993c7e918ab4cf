/// Arithmetic in GF(256) with the QR Code primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), α = 2.
///
/// Multiplication goes through exp/log tables; `exp` is doubled to 510 entries so that
/// `exp[log a + log b]` needs no modulo.
enum GaloisField {
    static let primitivePolynomial = 0x11D

    /// `exp[i]` = αⁱ for 0 ≤ i < 510 (the second half repeats the first, since α²⁵⁵ = 1).
    static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            table[i + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= primitivePolynomial }
        }
        return table
    }()

    /// `log[a]` = i such that αⁱ = a, for a ≠ 0; `log[0]` is meaningless (0).
    static let log: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exp[i])] = UInt8(i) }
        return table
    }()

    @inline(__always)
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exp[Int(log[Int(a)]) + Int(log[Int(b)])]
    }

    /// The multiplicative inverse; zero has none, so asking for it is a programmer bug.
    static func inverse(_ a: UInt8) -> UInt8 {
        precondition(a != 0, "0 has no inverse in GF(256)")
        return exp[(255 - Int(log[Int(a)])) % 255]
    }
}
