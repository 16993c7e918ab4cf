/// Systematic Reed–Solomon encoding over GF(256) as QR Code uses it (ISO/IEC 18004 §7.5.2):
/// the error-correction codewords are the remainder of data(x)·xⁿ divided by the generator
/// g(x) = (x − α⁰)(x − α¹)…(x − αⁿ⁻¹).
struct ReedSolomonEncoder: Sendable {
    /// The generator's coefficients from x^(n−1) down to x⁰; the leading x^n coefficient (1) is implicit.
    let generator: [UInt8]

    init(degree: Int) {
        precondition((1...255).contains(degree), "Reed–Solomon degree must be in 1...255")
        generator = Self.generatorPolynomial(degree: degree).dropFirst().map { $0 }
    }

    var degree: Int { generator.count }

    /// The monic generator polynomial of the given degree, highest power first (n + 1 coefficients).
    static func generatorPolynomial(degree: Int) -> [UInt8] {
        var poly: [UInt8] = [1]
        for i in 0..<degree {
            // Multiply by (x + αⁱ); in GF(2⁸) subtraction is addition.
            let root = GaloisField.exp[i]
            var next = [UInt8](repeating: 0, count: poly.count + 1)
            for (j, coefficient) in poly.enumerated() {
                next[j] ^= coefficient
                next[j + 1] ^= GaloisField.multiply(coefficient, root)
            }
            poly = next
        }
        return poly
    }

    /// The `degree` error-correction codewords for one block of data codewords.
    func remainder<Data: Collection<UInt8>>(of data: Data) -> [UInt8] {
        let n = generator.count
        var remainder = [UInt8](repeating: 0, count: n)
        for byte in data {
            let factor = byte ^ remainder[0]
            for i in 0..<(n - 1) { remainder[i] = remainder[i + 1] }
            remainder[n - 1] = 0
            if factor == 0 { continue }
            let logFactor = Int(GaloisField.log[Int(factor)])
            for i in 0..<n where generator[i] != 0 {
                remainder[i] ^= GaloisField.exp[Int(GaloisField.log[Int(generator[i])]) + logFactor]
            }
        }
        return remainder
    }
}
