import Testing

@testable import TwofoldQR

@Suite struct MaskPenaltyTests {
    /// A square matrix from rows of "0"/"1" characters.
    private func matrix(_ rows: [String]) -> (modules: [UInt8], size: Int) {
        precondition(rows.allSatisfy { $0.count == rows.count }, "test matrices are square")
        return (rows.flatMap { $0.map { $0 == "1" ? UInt8(1) : 0 } }, rows.count)
    }

    private func checkerboard(_ size: Int) -> [String] {
        (0..<size).map { y in String((0..<size).map { x in (x + y) % 2 == 0 ? "1" : "0" }) }
    }

    @Test func allDarkFiveByFive_scoresEveryRule() {
        let (m, size) = matrix(Array(repeating: "11111", count: 5))
        #expect(MaskPenalty.adjacentRuns(m, size: size) == 10 * 3)  // 5 rows + 5 columns, run of 5 each
        #expect(MaskPenalty.blocks(m, size: size) == 16 * 3)  // 4 × 4 overlapping 2×2 squares
        #expect(MaskPenalty.finderLikePatterns(m, size: size) == 0)
        #expect(MaskPenalty.darkBalance(m, size: size) == 100)  // 100% dark: 10 steps of 5%
        #expect(MaskPenalty.score(m, size: size) == 30 + 48 + 0 + 100)
    }

    @Test func checkerboard_scoresNothingButItsBalance() {
        let (m, size) = matrix(checkerboard(8))
        #expect(MaskPenalty.score(m, size: size) == 0)
    }

    @Test func adjacentRuns_scoreThreePlusTheExcessOverFive() {
        var rows = checkerboard(7)
        rows[0] = "1111111"  // run of 7: 3 + 2
        rows[4] = "0000010"  // run of 5: 3
        rows[6] = "0000101"  // run of 4: nothing
        // The checkerboard rows between keep every column run below five.
        let (m, size) = matrix(rows)
        #expect(MaskPenalty.adjacentRuns(m, size: size) == 5 + 3)
    }

    @Test func finderLikePattern_scoresFortyPerLightSide() {
        let light = String(repeating: "0", count: 15)
        func score(_ row: String) -> Int {
            let (m, size) = matrix([row] + Array(repeating: light, count: 14))
            return MaskPenalty.finderLikePatterns(m, size: size)
        }
        #expect(score("000010111010101") == 40)  // four light modules before
        #expect(score("101110100001010") == 40)  // four light modules after
        #expect(score("000010111010000") == 80)  // both sides
        #expect(score("000101110100101") == 0)  // only three light before, one after
        // The same pattern down a column counts too.
        let column = Array("000010111010101")
        let rows = (0..<15).map { y in String(column[y]) + String(repeating: "0", count: 14) }
        let (m, size) = matrix(rows)
        #expect(MaskPenalty.finderLikePatterns(m, size: size) == 40)
    }

    @Test func darkBalance_scoresTenPerFullFivePercentStep() {
        func score(dark: Int) -> Int {
            let modules = (0..<100).map { $0 < dark ? UInt8(1) : 0 }
            return MaskPenalty.darkBalance(modules, size: 10)
        }
        #expect(score(dark: 50) == 0)
        #expect(score(dark: 54) == 0)
        #expect(score(dark: 55) == 10)
        #expect(score(dark: 45) == 10)
        #expect(score(dark: 46) == 0)
        #expect(score(dark: 61) == 20)
        #expect(score(dark: 0) == 100)
    }

    @Test func blocks_countOverlappingSquaresOfEitherColour() {
        let (m, size) = matrix(["1110", "1110", "0000", "0001"])
        // Dark 3×2 block: 2 squares; light region rows 2–3 columns 0–2: 2 squares; (2,1)-(3,2): 0.
        #expect(MaskPenalty.blocks(m, size: size) == 4 * 3)
    }

    /// `score` fuses rules 1 and 3 into one pass; it must equal the sum of the rules on their own.
    @Test func score_isTheSumOfTheFourRules_onRealSymbols() throws {
        for text in ["Twofold", String(repeating: "otpauth://totp/", count: 9), "01234567"] {
            for mask in QRMask.allCases {
                let code = try QRCode.encode(text, mask: mask)
                let (m, size) = (code.modules, code.size)
                let sum =
                    MaskPenalty.adjacentRuns(m, size: size) + MaskPenalty.blocks(m, size: size)
                    + MaskPenalty.finderLikePatterns(m, size: size) + MaskPenalty.darkBalance(m, size: size)
                #expect(MaskPenalty.score(m, size: size) == sum)
                #expect(sum > 0)
            }
        }
    }
}
