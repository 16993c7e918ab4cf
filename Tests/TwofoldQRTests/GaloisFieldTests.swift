import Testing

@testable import TwofoldQR

@Suite struct GaloisFieldTests {
    @Test func exp_matchesTheStandardsPowersOfAlpha() throws {
        let expected = try VectorFile("gf256_exp.txt").spaceFields.flatMap { $0 }.map { try #require(UInt8($0)) }
        #expect(expected.count == 176)
        #expect(Array(GaloisField.exp.prefix(expected.count)) == expected)
    }

    @Test func exp_repeatsWithPeriod255_andVisitsEveryNonZeroElementOnce() {
        #expect(Array(GaloisField.exp[0..<255]) == Array(GaloisField.exp[255..<510]))
        #expect(Set(GaloisField.exp[0..<255]).count == 255)
        #expect(!GaloisField.exp.contains(0))
    }

    @Test func log_invertsExp() {
        for i in 0..<255 { #expect(Int(GaloisField.log[Int(GaloisField.exp[i])]) == i) }
    }

    /// Compares the table-driven product with shift-and-add multiplication reduced by 0x11D.
    @Test func multiply_agreesWithCarrylessMultiplicationForAllPairs() {
        func reference(_ a: UInt8, _ b: UInt8) -> UInt8 {
            var product = 0
            var x = Int(a)
            var y = Int(b)
            while y != 0 {
                if y & 1 == 1 { product ^= x }
                x <<= 1
                if x & 0x100 != 0 { x ^= 0x11D }
                y >>= 1
            }
            return UInt8(product)
        }
        var mismatches = 0
        for a in 0...255 {
            for b in 0...255 where GaloisField.multiply(UInt8(a), UInt8(b)) != reference(UInt8(a), UInt8(b)) {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test func multiply_byZeroIsZero_andByOneIsIdentity() {
        for a in 0...255 {
            #expect(GaloisField.multiply(UInt8(a), 0) == 0)
            #expect(GaloisField.multiply(0, UInt8(a)) == 0)
            #expect(GaloisField.multiply(UInt8(a), 1) == UInt8(a))
        }
    }

    @Test func inverse_timesTheElementIsOne_forEveryNonZeroElement() {
        for a in 1...255 { #expect(GaloisField.multiply(UInt8(a), GaloisField.inverse(UInt8(a))) == 1) }
        #expect(GaloisField.inverse(1) == 1)
        #expect(GaloisField.inverse(2) == 142)  // α⁻¹ = α²⁵⁴
    }
}
