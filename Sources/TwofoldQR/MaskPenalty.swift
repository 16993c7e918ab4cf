/// The four mask evaluation rules of ISO/IEC 18004 §7.8.3; the encoder keeps the mask with the
/// lowest total so that readers see few long runs, few blocks and no false finder patterns.
enum MaskPenalty {
    static let n1 = 3
    static let n2 = 3
    static let n3 = 40
    static let n4 = 10

    /// Total penalty of a square, row-major matrix of 0/1 module values.
    static func score(_ modules: [UInt8], size: Int) -> Int {
        // Rules 1 and 3 share one pass over the rows and columns.
        forEachLine(modules, size: size) { runPenalty($0) + finderPenalty($0) } + blocks(modules, size: size)
            + darkBalance(modules, size: size)
    }

    /// Rule 1: each run of five or more same-coloured modules in a row or column scores
    /// N1 + (length − 5).
    static func adjacentRuns(_ modules: [UInt8], size: Int) -> Int {
        forEachLine(modules, size: size, runPenalty)
    }

    @inline(__always)
    private static func runPenalty(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        var penalty = 0
        var runColor = line[0]
        var runLength = 1
        for i in 1..<line.count {
            if line[i] == runColor {
                runLength += 1
            } else {
                if runLength >= 5 { penalty += n1 + runLength - 5 }
                runColor = line[i]
                runLength = 1
            }
        }
        if runLength >= 5 { penalty += n1 + runLength - 5 }
        return penalty
    }

    /// Rule 2: each 2×2 square of one colour scores N2 (overlapping squares all count, which is
    /// the standard's m × n block scored as (m − 1)(n − 1) squares).
    static func blocks(_ modules: [UInt8], size: Int) -> Int {
        modules.withUnsafeBufferPointer { m in
            var penalty = 0
            for y in 0..<(size - 1) {
                let row = y * size
                for x in 0..<(size - 1) {
                    let value = m[row + x]
                    if m[row + x + 1] == value && m[row + size + x] == value && m[row + size + x + 1] == value {
                        penalty += n2
                    }
                }
            }
            return penalty
        }
    }

    /// Rule 3: each dark-light-dark-dark-dark-light-dark (1:1:3:1:1) sequence with four light
    /// modules before or after it, inside the symbol, in a row or column scores N3 (once per side).
    static func finderLikePatterns(_ modules: [UInt8], size: Int) -> Int {
        forEachLine(modules, size: size, finderPenalty)
    }

    @inline(__always)
    private static func finderPenalty(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        let lightBefore = 0b000_0101_1101  // 0000 1011101
        let lightAfter = 0b101_1101_0000  // 1011101 0000
        var penalty = 0
        var window = 0
        for i in 0..<line.count {
            window = (window << 1 | Int(line[i])) & 0x7FF
            if i >= 10 && (window == lightBefore || window == lightAfter) { penalty += n3 }
        }
        return penalty
    }

    /// Sums `score` over every row and every column, each passed as a contiguous buffer (columns
    /// via one transposed copy, so both directions run the same tight loop).
    private static func forEachLine(
        _ modules: [UInt8], size: Int, _ score: (UnsafeBufferPointer<UInt8>) -> Int
    ) -> Int {
        precondition(size > 0 && modules.count == size * size, "matrix must be square")
        let transposed = [UInt8](unsafeUninitializedCapacity: size * size) { buffer, count in
            modules.withUnsafeBufferPointer { m in
                for y in 0..<size {
                    for x in 0..<size { buffer[x * size + y] = m[y * size + x] }
                }
            }
            count = size * size
        }
        var total = 0
        for matrix in [modules, transposed] {
            matrix.withUnsafeBufferPointer { m in
                for line in 0..<size {
                    total += score(UnsafeBufferPointer(rebasing: m[(line * size)..<((line + 1) * size)]))
                }
            }
        }
        return total
    }

    /// Rule 4: N4 for every full 5% step that the dark proportion deviates from 50%.
    static func darkBalance(_ modules: [UInt8], size: Int) -> Int {
        let total = size * size
        let dark = modules.withUnsafeBufferPointer { m in m.reduce(0) { $0 + Int($1) } }
        return abs(dark * 20 - total * 10) / total * n4
    }
}
