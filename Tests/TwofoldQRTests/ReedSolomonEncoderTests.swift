import Testing

@testable import TwofoldQR

@Suite struct ReedSolomonEncoderTests {
    @Test func generatorPolynomial_matchesTheStandardsTable() throws {
        let rows = try VectorFile("generator_polynomials.txt").spaceFields
        #expect(rows.count == 2)
        for row in rows {
            let degree = try #require(Int(row[0]))
            let exponents = try row.dropFirst().map { try #require(Int($0)) }
            let expected = exponents.map { GaloisField.exp[$0] }
            #expect(ReedSolomonEncoder.generatorPolynomial(degree: degree) == expected, "degree \(degree)")
        }
    }

    @Test func generatorPolynomial_hasAlphaPowersAsRoots() {
        for degree in [7, 10, 13, 15, 16, 17, 18, 20, 22, 24, 26, 28, 30] {
            let poly = ReedSolomonEncoder.generatorPolynomial(degree: degree)
            for i in 0..<degree {
                // Horner evaluation at αⁱ.
                var value: UInt8 = 0
                for coefficient in poly { value = GaloisField.multiply(value, GaloisField.exp[i]) ^ coefficient }
                #expect(value == 0, "degree \(degree), root α^\(i)")
            }
        }
    }

    @Test func remainder_matchesTheWorkedExamples() throws {
        let rows = try VectorFile("reed_solomon.txt").tabFields
        #expect(rows.count == 5)
        for row in rows {
            let data = try hexBytes(row[1])
            let expected = try hexBytes(row[2])
            #expect(ReedSolomonEncoder(degree: expected.count).remainder(of: data) == expected, "\(row[0])")
        }
    }

    @Test func remainder_ofAllZeroDataIsZero() {
        #expect(
            ReedSolomonEncoder(degree: 10).remainder(of: [UInt8](repeating: 0, count: 16))
                == Array(repeating: 0, count: 10))
    }
}
