/// The four mask evaluation rules of ISO/IEC 18004 §7.8.3; the encoder keeps the mask with the
/// lowest total so that readers see few long runs, few blocks and no false finder patterns.
///
/// The encoder scores eight candidate masks per symbol (31,329 modules at version 40), so the
/// rules run on rows and columns packed 64 modules to a word (`ModuleLines`): each rule is a few
/// shifts, ANDs and population counts per word instead of a loop per module.
enum MaskPenalty {
    static let n1 = 3
    static let n2 = 3
    static let n3 = 40
    static let n4 = 10

    /// Total penalty of a square, row-major matrix of 0/1 module values.
    static func score(_ modules: [UInt8], size: Int) -> Int {
        let lines = ModuleLines(modules, size: size)
        var total = 0
        for line in 0..<(2 * size) {
            let bits = lines[line]
            total += runPenalty(bits, size: size) + finderPenalty(bits, size: size)
        }
        return total + blocks(lines) + darkBalance(lines)
    }

    /// Rule 1: each run of five or more same-coloured modules in a row or column scores
    /// N1 + (length − 5).
    static func adjacentRuns(_ modules: [UInt8], size: Int) -> Int {
        let lines = ModuleLines(modules, size: size)
        return (0..<(2 * size)).reduce(0) { $0 + runPenalty(lines[$1], size: size) }
    }

    /// A run of length L ≥ 5 holds L − 4 uniform windows of five modules and scores
    /// N1 + L − 5, which is its window count plus N1 − 1. Windows of two different runs never
    /// touch (a window across the colour change between them is not uniform), so counting the
    /// windows and the first window of each group of adjacent windows gives the rule exactly.
    @inline(__always)
    private static func runPenalty(_ line: PackedLine, size: Int) -> Int {
        // Bit i: module i equals module i + 1.
        let same = ~(line ^ line.shiftedDown(1)) & PackedLine.first(size - 1)
        // Bit i: modules i ... i + 4 are one colour.
        let windows = same & same.shiftedDown(1) & same.shiftedDown(2) & same.shiftedDown(3)
        let runStarts = windows & ~windows.shiftedUp1()
        return windows.nonzeroBitCount + (n1 - 1) * runStarts.nonzeroBitCount
    }

    /// Rule 2: each 2×2 square of one colour scores N2 (overlapping squares all count, which is
    /// the standard's m × n block scored as (m − 1)(n − 1) squares).
    static func blocks(_ modules: [UInt8], size: Int) -> Int {
        blocks(ModuleLines(modules, size: size))
    }

    private static func blocks(_ lines: ModuleLines) -> Int {
        let size = lines.size
        guard size > 1 else { return 0 }
        let inside = PackedLine.first(size - 1)
        var squares = 0
        var upper = lines[0]
        for y in 1..<size {
            let lower = lines[y]
            // Bit x: the modules at x in both rows match, and so do those at x + 1; and the
            // upper row's x and x + 1 match.
            let vertical = ~(upper ^ lower)
            let horizontal = ~(upper ^ upper.shiftedDown(1))
            squares += (vertical & vertical.shiftedDown(1) & horizontal & inside).nonzeroBitCount
            upper = lower
        }
        return squares * n2
    }

    /// Rule 3: each dark-light-dark-dark-dark-light-dark (1:1:3:1:1) sequence with four light
    /// modules before or after it, inside the symbol, in a row or column scores N3 (once per side).
    static func finderLikePatterns(_ modules: [UInt8], size: Int) -> Int {
        let lines = ModuleLines(modules, size: size)
        return (0..<(2 * size)).reduce(0) { $0 + finderPenalty(lines[$1], size: size) }
    }

    /// Bit j of a match is set when modules j ... j + 10 spell the pattern: each module's bit is
    /// taken from the line shifted down by its offset, inverted where the pattern wants light.
    @inline(__always)
    private static func finderPenalty(_ line: PackedLine, size: Int) -> Int {
        guard size >= 11 else { return 0 }
        let light = ~line
        let s1 = line.shiftedDown(1)
        let s2 = line.shiftedDown(2)
        let s3 = line.shiftedDown(3)
        let s4 = line.shiftedDown(4)
        let s5 = line.shiftedDown(5)
        let s6 = line.shiftedDown(6)
        let s7 = line.shiftedDown(7)
        let s8 = line.shiftedDown(8)
        let s9 = line.shiftedDown(9)
        let s10 = line.shiftedDown(10)
        // 1011101 at offsets 4–10 after four light modules, or at offsets 0–6 before four.
        let core = s4 & ~s5 & s6 & s7 & s8 & ~s9 & s10
        let lightBefore = core & light & ~s1 & ~s2 & ~s3
        let coreFirst = line & ~s1 & s2 & s3 & s4 & ~s5 & s6
        let lightAfter = coreFirst & ~s7 & ~s8 & ~s9 & ~s10
        let inside = PackedLine.first(size - 10)
        return ((lightBefore & inside).nonzeroBitCount + (lightAfter & inside).nonzeroBitCount) * n3
    }

    /// Rule 4: N4 for every full 5% step that the dark proportion deviates from 50%.
    static func darkBalance(_ modules: [UInt8], size: Int) -> Int {
        darkBalance(ModuleLines(modules, size: size))
    }

    private static func darkBalance(_ lines: ModuleLines) -> Int {
        let total = lines.size * lines.size
        let dark = (0..<lines.size).reduce(0) { $0 + lines[$1].nonzeroBitCount }
        return abs(dark * 20 - total * 10) / total * n4
    }
}

/// A row or column of up to 192 modules, bit i (least significant first) = module i, 1 = dark.
/// Bits past the line's end are zero when packed; operations may set them (`~`), so every rule
/// masks its result to the positions it scores.
struct PackedLine: Equatable {
    var low: UInt64
    var middle: UInt64
    var high: UInt64

    static let capacity = 192

    /// Bits 0 ..< count set (none for count ≤ 0).
    @inline(__always)
    static func first(_ count: Int) -> PackedLine {
        func word(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? ~0 : (1 << UInt64(bits)) - 1 }
        return PackedLine(low: word(count), middle: word(count - 64), high: word(count - 128))
    }

    /// Bit i of the result is bit i + n of this line (0 < n < 64, which the masking shifts rely on).
    @inline(__always)
    func shiftedDown(_ n: Int) -> PackedLine {
        let n = UInt64(truncatingIfNeeded: n)
        return PackedLine(
            low: low &>> n | middle &<< (64 - n), middle: middle &>> n | high &<< (64 - n), high: high &>> n)
    }

    /// Bit i of the result is bit i − 1 of this line; bit 0 is clear.
    @inline(__always)
    func shiftedUp1() -> PackedLine {
        PackedLine(low: low << 1, middle: middle << 1 | low >> 63, high: high << 1 | middle >> 63)
    }

    @inline(__always)
    var nonzeroBitCount: Int { low.nonzeroBitCount + middle.nonzeroBitCount + high.nonzeroBitCount }

    @inline(__always)
    static func & (a: PackedLine, b: PackedLine) -> PackedLine {
        PackedLine(low: a.low & b.low, middle: a.middle & b.middle, high: a.high & b.high)
    }

    @inline(__always)
    static func ^ (a: PackedLine, b: PackedLine) -> PackedLine {
        PackedLine(low: a.low ^ b.low, middle: a.middle ^ b.middle, high: a.high ^ b.high)
    }

    @inline(__always)
    static prefix func ~ (a: PackedLine) -> PackedLine {
        PackedLine(low: ~a.low, middle: ~a.middle, high: ~a.high)
    }
}

/// A square matrix's rows (lines 0 ..< size) and columns (lines size ..< 2 × size), packed in
/// one pass over the row-major module values.
struct ModuleLines {
    let size: Int
    private var words: [UInt64]

    init(_ modules: [UInt8], size: Int) {
        precondition(
            size > 0 && size <= PackedLine.capacity && modules.count == size * size,
            "matrix must be square and at most 192 modules wide")
        self.size = size
        words = [UInt64](repeating: 0, count: 2 * size * 3)
        words.withUnsafeMutableBufferPointer { words in
            modules.withUnsafeBufferPointer { m in
                for y in 0..<size {
                    for x in 0..<size {
                        let dark = UInt64(m[y * size + x] & 1)
                        words[y * 3 + (x >> 6)] |= dark &<< UInt64(x & 63)
                        words[(size + x) * 3 + (y >> 6)] |= dark &<< UInt64(y & 63)
                    }
                }
            }
        }
    }

    @inline(__always)
    subscript(line: Int) -> PackedLine {
        PackedLine(low: words[line * 3], middle: words[line * 3 + 1], high: words[line * 3 + 2])
    }
}
