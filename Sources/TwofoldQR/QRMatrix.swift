/// The module grid of one symbol while it is built: function patterns (ISO/IEC 18004 §6.3),
/// codeword placement (§7.7.3), masking (§7.8) and format/version information (§7.9).
///
/// Coordinates are `x` = column, `y` = row, origin top left; a module value of 1 is dark.
struct QRMatrix: Sendable {
    let version: Int
    let size: Int
    /// Row-major module values, 0 = light, 1 = dark.
    private(set) var modules: [UInt8]
    /// Row-major flags for modules that belong to function patterns (never masked, never data).
    private(set) var isFunction: [Bool]

    /// A matrix with every function pattern drawn and the format areas reserved (filled with a
    /// placeholder until `drawFormatBits` writes the real word).
    init(version: Int) {
        precondition((1...40).contains(version), "version must be in 1...40")
        self.version = version
        size = version * 4 + 17
        modules = [UInt8](repeating: 0, count: size * size)
        isFunction = [Bool](repeating: false, count: size * size)
        drawFunctionPatterns()
    }

    @inline(__always)
    subscript(x: Int, y: Int) -> UInt8 { modules[y * size + x] }

    @inline(__always)
    private mutating func setFunction(_ x: Int, _ y: Int, dark: Bool) {
        modules[y * size + x] = dark ? 1 : 0
        // Writing only when needed keeps copies made for mask trials sharing one flag array.
        if !isFunction[y * size + x] { isFunction[y * size + x] = true }
    }

    // MARK: Function patterns

    /// Alignment pattern centre coordinates per version (ISO/IEC 18004 Annex E, Table E.1);
    /// every combination is used except the three that overlap finder patterns.
    static let alignmentPositions: [[Int]] = [
        [], [],
        [6, 18], [6, 22], [6, 26], [6, 30], [6, 34],
        [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50], [6, 30, 54], [6, 32, 58], [6, 34, 62],
        [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78], [6, 30, 56, 82], [6, 30, 58, 86],
        [6, 34, 62, 90],
        [6, 28, 50, 72, 94], [6, 26, 50, 74, 98], [6, 30, 54, 78, 102], [6, 28, 54, 80, 106],
        [6, 32, 58, 84, 110], [6, 30, 58, 86, 114], [6, 34, 62, 90, 118],
        [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130],
        [6, 30, 56, 82, 108, 134], [6, 34, 60, 86, 112, 138], [6, 30, 58, 86, 114, 142],
        [6, 34, 62, 90, 118, 146],
        [6, 30, 54, 78, 102, 126, 150], [6, 24, 50, 76, 102, 128, 154], [6, 28, 54, 80, 106, 132, 158],
        [6, 32, 58, 84, 110, 136, 162], [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
    ]

    private mutating func drawFunctionPatterns() {
        // Timing patterns first: finders and alignment patterns overwrite their ends consistently.
        for i in 0..<size {
            setFunction(6, i, dark: i % 2 == 0)
            setFunction(i, 6, dark: i % 2 == 0)
        }
        drawFinder(centerX: 3, centerY: 3)
        drawFinder(centerX: size - 4, centerY: 3)
        drawFinder(centerX: 3, centerY: size - 4)

        let positions = Self.alignmentPositions[version]
        if let last = positions.last {
            for cy in positions {
                for cx in positions {
                    let overlapsFinder = (cx == 6 && cy == 6) || (cx == 6 && cy == last) || (cx == last && cy == 6)
                    if !overlapsFinder { drawAlignment(centerX: cx, centerY: cy) }
                }
            }
        }
        drawFormatBits(FormatInformation.formatBits(level: .medium, mask: .pattern0))
        if version >= 7 { drawVersionBits() }
    }

    /// A 7×7 finder with its one-module light separator, clipped at the symbol edge.
    private mutating func drawFinder(centerX: Int, centerY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centerX + dx
                let y = centerY + dy
                guard x >= 0, x < size, y >= 0, y < size else { continue }
                let ring = max(abs(dx), abs(dy))
                setFunction(x, y, dark: ring != 2 && ring != 4)
            }
        }
    }

    private mutating func drawAlignment(centerX: Int, centerY: Int) {
        for dy in -2...2 {
            for dx in -2...2 {
                setFunction(centerX + dx, centerY + dy, dark: max(abs(dx), abs(dy)) != 1)
            }
        }
    }

    /// Writes both copies of a 15-bit format word (bit 14 first along the reading order) and the
    /// always-dark module at (8, size − 8).
    mutating func drawFormatBits(_ bits: Int) {
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        // Copy 1, around the top-left finder.
        for i in 0...5 { setFunction(8, i, dark: bit(i)) }
        setFunction(8, 7, dark: bit(6))
        setFunction(8, 8, dark: bit(7))
        setFunction(7, 8, dark: bit(8))
        for i in 9..<15 { setFunction(14 - i, 8, dark: bit(i)) }
        // Copy 2, split between the top-right and bottom-left finders.
        for i in 0..<8 { setFunction(size - 1 - i, 8, dark: bit(i)) }
        for i in 8..<15 { setFunction(8, size - 15 + i, dark: bit(i)) }
        setFunction(8, size - 8, dark: true)
    }

    /// Writes both 6×3 copies of the 18-bit version word (versions ≥ 7).
    private mutating func drawVersionBits() {
        let bits = FormatInformation.versionBits(version: version)
        for i in 0..<18 {
            let dark = (bits >> i) & 1 == 1
            let a = size - 11 + i % 3
            let b = i / 3
            setFunction(a, b, dark: dark)  // top right
            setFunction(b, a, dark: dark)  // bottom left
        }
    }

    // MARK: Data

    /// Modules left for codewords (data, error correction and remainder bits).
    var dataModuleCount: Int { isFunction.lazy.filter { !$0 }.count }

    /// Places the codewords' bits, most significant first, in the two-column zigzag from the
    /// bottom-right corner, skipping function modules and the vertical timing column. Modules
    /// beyond the last codeword (remainder bits) stay light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let totalBits = codewords.count * 8
        var bitIndex = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for column in 0..<2 {
                    let x = right - column
                    if !isFunction[y * size + x] && bitIndex < totalBits {
                        modules[y * size + x] = (codewords[bitIndex >> 3] >> (7 - UInt8(bitIndex & 7))) & 1
                        bitIndex += 1
                    }
                }
            }
            right -= 2
        }
        precondition(bitIndex == totalBits, "codewords must fit the data area")
    }

    /// Inverts every non-function module the mask selects; applying the same mask twice undoes it.
    mutating func applyMask(_ mask: QRMask) {
        // One loop per constant mask, so the inlined condition folds to its formula instead of
        // being dispatched per module.
        switch mask {
        case .pattern0: applyMask { QRMask.pattern0.inverts(x: $0, y: $1) }
        case .pattern1: applyMask { QRMask.pattern1.inverts(x: $0, y: $1) }
        case .pattern2: applyMask { QRMask.pattern2.inverts(x: $0, y: $1) }
        case .pattern3: applyMask { QRMask.pattern3.inverts(x: $0, y: $1) }
        case .pattern4: applyMask { QRMask.pattern4.inverts(x: $0, y: $1) }
        case .pattern5: applyMask { QRMask.pattern5.inverts(x: $0, y: $1) }
        case .pattern6: applyMask { QRMask.pattern6.inverts(x: $0, y: $1) }
        case .pattern7: applyMask { QRMask.pattern7.inverts(x: $0, y: $1) }
        }
    }

    @inline(__always)
    private mutating func applyMask(_ inverts: (_ x: Int, _ y: Int) -> Bool) {
        let size = size
        isFunction.withUnsafeBufferPointer { function in
            modules.withUnsafeMutableBufferPointer { m in
                for y in 0..<size {
                    for x in 0..<size where !function[y * size + x] && inverts(x, y) { m[y * size + x] ^= 1 }
                }
            }
        }
    }
}
