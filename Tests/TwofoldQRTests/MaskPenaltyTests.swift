import Testing
import TwofoldTestSupport

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

    /// The packed rules against the module-by-module reading of the standard, on random matrices
    /// of every width the packing treats differently (under one word, word boundaries, the
    /// widest symbol) and densities that make long runs, blocks and finder-like patterns common.
    @Test func packedRules_matchTheModuleByModuleReading() {
        var random = SplitMix64(seed: 0x7F0F_0A4D)
        let sizes = Array(1...40) + [63, 64, 65, 66, 75, 127, 128, 129, 130, 141, 176, 177, 192]
        for size in sizes {
            for darkPercent in [50, 50, 85, 15] {
                let modules = (0..<(size * size)).map { _ in random.next() % 100 < darkPercent ? UInt8(1) : 0 }
                let reference = ReferencePenalty(modules: modules, size: size)
                #expect(MaskPenalty.adjacentRuns(modules, size: size) == reference.adjacentRuns(), "size \(size)")
                #expect(MaskPenalty.blocks(modules, size: size) == reference.blocks(), "size \(size)")
                #expect(MaskPenalty.finderLikePatterns(modules, size: size) == reference.finderLike(), "size \(size)")
                #expect(MaskPenalty.darkBalance(modules, size: size) == reference.darkBalance(), "size \(size)")
            }
        }
    }

    /// Real symbols up to version 40 under every mask: the same scores as the reference, so the
    /// encoder's mask choice is unchanged by the packing.
    @Test func packedScore_matchesTheReference_onRealSymbolsOfEveryMask() throws {
        for version in [1, 2, 6, 7, 14, 15, 27, 28, 40] {
            for mask in QRMask.allCases {
                let code = try QRCode.encode("otpauth://totp/Twofold", minimumVersion: version, mask: mask)
                let reference = ReferencePenalty(modules: code.modules, size: code.size)
                #expect(MaskPenalty.score(code.modules, size: code.size) == reference.score(), "\(version) \(mask)")
            }
        }
    }
}

/// ISO/IEC 18004 §7.8.3 read module by module, as the encoder did before it packed lines into
/// words: the oracle for `MaskPenalty`.
private struct ReferencePenalty {
    let modules: [UInt8]
    let size: Int

    func at(_ x: Int, _ y: Int) -> UInt8 { modules[y * size + x] }

    /// Every row, then every column.
    var lines: [[UInt8]] {
        (0..<size).map { y in (0..<size).map { at($0, y) } } + (0..<size).map { x in (0..<size).map { at(x, $0) } }
    }

    func score() -> Int { adjacentRuns() + blocks() + finderLike() + darkBalance() }

    func adjacentRuns() -> Int {
        lines.reduce(0) { total, line in
            var penalty = 0
            var start = 0
            for i in 1...line.count where i == line.count || line[i] != line[start] {
                if i - start >= 5 { penalty += 3 + i - start - 5 }
                start = i
            }
            return total + penalty
        }
    }

    func blocks() -> Int {
        guard size > 1 else { return 0 }
        var squares = 0
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let value = at(x, y)
                if at(x + 1, y) == value && at(x, y + 1) == value && at(x + 1, y + 1) == value { squares += 1 }
            }
        }
        return squares * 3
    }

    func finderLike() -> Int {
        let patterns: [[UInt8]] = [[0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1], [1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0]]
        return lines.reduce(0) { total, line in
            guard line.count >= 11 else { return total }
            return total
                + (0...(line.count - 11)).reduce(0) { sum, start in
                    sum + patterns.filter { Array(line[start..<(start + 11)]) == $0 }.count * 40
                }
        }
    }

    func darkBalance() -> Int {
        let dark = modules.reduce(0) { $0 + Int($1) }
        let total = size * size
        return abs(dark * 20 - total * 10) / total * 10
    }
}
