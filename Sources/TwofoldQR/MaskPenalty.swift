/// The four mask evaluation rules of ISO/IEC 18004 §7.8.3; the encoder keeps the mask with the
/// lowest total so that readers see few long runs, few blocks and no false finder patterns.
enum MaskPenalty {
    static let n1 = 3
    static let n2 = 3
    static let n3 = 40
    static let n4 = 10

    /// Total penalty of a square, row-major matrix of 0/1 module values.
    static func score(_ modules: [UInt8], size: Int) -> Int {
        adjacentRuns(modules, size: size) + blocks(modules, size: size)
            + finderLikePatterns(modules, size: size) + darkBalance(modules, size: size)
    }

    /// Rule 1: each run of five or more same-coloured modules in a row or column scores
    /// N1 + (length − 5).
    static func adjacentRuns(_ modules: [UInt8], size: Int) -> Int {
        var penalty = 0
        for horizontal in [true, false] {
            for line in 0..<size {
                var runColor: UInt8 = 2
                var runLength = 0
                for i in 0..<size {
                    let value = horizontal ? modules[line * size + i] : modules[i * size + line]
                    if value == runColor {
                        runLength += 1
                    } else {
                        if runLength >= 5 { penalty += n1 + runLength - 5 }
                        runColor = value
                        runLength = 1
                    }
                }
                if runLength >= 5 { penalty += n1 + runLength - 5 }
            }
        }
        return penalty
    }

    /// Rule 2: each 2×2 square of one colour scores N2 (overlapping squares all count, which is
    /// the standard's m × n block scored as (m − 1)(n − 1) squares).
    static func blocks(_ modules: [UInt8], size: Int) -> Int {
        var penalty = 0
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let value = modules[y * size + x]
                if modules[y * size + x + 1] == value && modules[(y + 1) * size + x] == value
                    && modules[(y + 1) * size + x + 1] == value
                {
                    penalty += n2
                }
            }
        }
        return penalty
    }

    /// Rule 3: each dark-light-dark-dark-dark-light-dark (1:1:3:1:1) sequence with four light
    /// modules before or after it, inside the symbol, in a row or column scores N3 (once per side).
    static func finderLikePatterns(_ modules: [UInt8], size: Int) -> Int {
        let lightBefore = 0b000_0101_1101  // 0000 1011101
        let lightAfter = 0b101_1101_0000  // 1011101 0000
        let window = 0x7FF
        var penalty = 0
        for horizontal in [true, false] {
            for line in 0..<size {
                var bits = 0
                for i in 0..<size {
                    let value = horizontal ? modules[line * size + i] : modules[i * size + line]
                    bits = (bits << 1 | Int(value)) & window
                    if i >= 10 {
                        if bits == lightBefore { penalty += n3 }
                        if bits == lightAfter { penalty += n3 }
                    }
                }
            }
        }
        return penalty
    }

    /// Rule 4: N4 for every full 5% step that the dark proportion deviates from 50%.
    static func darkBalance(_ modules: [UInt8], size: Int) -> Int {
        let total = size * size
        var dark = 0
        for value in modules { dark += Int(value) }
        return abs(dark * 20 - total * 10) / total * n4
    }
}
