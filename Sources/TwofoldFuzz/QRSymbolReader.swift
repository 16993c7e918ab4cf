import TwofoldQR

/// A minimal QR Code reader for the harness, written from ISO/IEC 18004 without sharing code
/// with the encoder: it checks every function pattern, the format and version words, reads the
/// codewords back out of the zigzag, de-interleaves the blocks, recomputes each block's
/// Reed–Solomon check words and parses the single segment with its terminator and padding.
/// Its one shared assumption is the standard's block table.
struct QRSymbolReader {
    struct Decoded: Equatable {
        var mode: Int
        var bytes: [UInt8]
    }

    let code: QRCode
    let size: Int
    private var isFunction: [Bool]

    init(_ code: QRCode) {
        self.code = code
        size = code.size
        isFunction = Array(repeating: false, count: size * size)
        markFunctionModules()
    }

    /// Alignment pattern centres (ISO/IEC 18004 Annex E), computed rather than tabulated.
    static func alignmentCenters(version: Int) -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var centers = [6]
        var position = version * 4 + 17 - 7
        for _ in 0..<(count - 1) {
            centers.insert(position, at: 1)
            position -= step
        }
        return centers
    }

    private mutating func mark(_ x: Int, _ y: Int) {
        if x >= 0, y >= 0, x < size, y < size { isFunction[y * size + x] = true }
    }

    private mutating func markFunctionModules() {
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 { for dx in -4...4 { mark(cx + dx, cy + dy) } }
        }
        for i in 0..<size {
            mark(6, i)
            mark(i, 6)
        }
        for (cx, cy) in alignmentPatterns() {
            for dy in -2...2 { for dx in -2...2 { mark(cx + dx, cy + dy) } }
        }
        for i in 0...8 {
            mark(8, i)
            mark(i, 8)
        }
        for i in 0..<8 {
            mark(size - 1 - i, 8)
            mark(8, size - 1 - i)
        }
        if code.version >= 7 {
            for i in 0..<18 {
                mark(size - 11 + i % 3, i / 3)
                mark(i / 3, size - 11 + i % 3)
            }
        }
    }

    private func alignmentPatterns() -> [(Int, Int)] {
        let centers = Self.alignmentCenters(version: code.version)
        guard let last = centers.last else { return [] }
        var patterns: [(Int, Int)] = []
        for cy in centers {
            for cx in centers where !((cx == 6 && cy == 6) || (cx == 6 && cy == last) || (cx == last && cy == 6)) {
                patterns.append((cx, cy))
            }
        }
        return patterns
    }

    // MARK: Function patterns

    func checkFunctionPatterns() throws(FuzzFailure) {
        try check(size == code.version * 4 + 17 && (1...40).contains(code.version), "size \(size) for \(code.version)")
        for (ox, oy) in [(0, 0), (size - 7, 0), (0, size - 7)] {
            for dy in -1...7 {
                for dx in -1...7 {
                    let x = ox + dx
                    let y = oy + dy
                    guard x >= 0, y >= 0, x < size, y < size else { continue }
                    let ring = max(abs(dx - 3), abs(dy - 3))
                    try check(code[x, y] == (ring != 2 && ring != 4), "finder module (\(x), \(y))")
                }
            }
        }
        for i in 8..<(size - 8) {
            try check(code[i, 6] == (i % 2 == 0) && code[6, i] == (i % 2 == 0), "timing module \(i)")
        }
        for (cx, cy) in alignmentPatterns() {
            for dy in -2...2 {
                for dx in -2...2 {
                    try check(code[cx + dx, cy + dy] == (max(abs(dx), abs(dy)) != 1), "alignment at (\(cx), \(cy))")
                }
            }
        }
        try check(code[8, size - 8], "the dark module is light")
    }

    /// Both copies of the format word, and of the version word from version 7.
    func checkFormatAndVersion() throws(FuzzFailure) {
        let levelBits = [1, 0, 3, 2][code.level.rawValue]
        let format = Self.bch(levelBits << 3 | code.mask.rawValue, generator: 0x537, degree: 10) ^ 0x5412
        var first = 0
        var second = 0
        for i in 0..<15 {
            let a: (Int, Int) = i < 6 ? (8, i) : i < 8 ? (8, i + 1) : i == 8 ? (7, 8) : (14 - i, 8)
            let b: (Int, Int) = i < 8 ? (size - 1 - i, 8) : (8, size - 15 + i)
            if code[a.0, a.1] { first |= 1 << i }
            if code[b.0, b.1] { second |= 1 << i }
        }
        try check(first == format && second == format, "format words \(first), \(second), expected \(format)")
        guard code.version >= 7 else { return }
        let version = Self.bch(code.version, generator: 0x1F25, degree: 12)
        for i in 0..<18 {
            let bit = (version >> i) & 1 == 1
            try check(
                code[size - 11 + i % 3, i / 3] == bit && code[i / 3, size - 11 + i % 3] == bit, "version bit \(i)")
        }
    }

    /// `data` followed by the remainder of `data · x^degree` modulo `generator` (a BCH code word).
    static func bch(_ data: Int, generator: Int, degree: Int) -> Int {
        var value = data << degree
        var bit = bitLength(value) - 1
        while bit >= degree {
            if (value >> bit) & 1 == 1 { value ^= generator << (bit - degree) }
            bit -= 1
        }
        return data << degree | value
    }

    static func bitLength(_ value: Int) -> Int { Int.bitWidth - value.leadingZeroBitCount }

    // MARK: Data

    /// Unmasks and reads every codeword in placement order; the remainder bits must be light.
    func readCodewords() throws(FuzzFailure) -> [UInt8] {
        var bits: [Bool] = []
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = ((size - 1 - right) / 2) % 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in stride(from: right, through: right - 1, by: -1) where !isFunction[y * size + x] {
                    bits.append(code[x, y] != Self.masked(code.mask.rawValue, x: x, y: y))
                }
            }
            right -= 2
        }
        let count = bits.count / 8
        try check(!bits[(count * 8)...].contains(true), "remainder bits are not light")
        return (0..<count).map { index in
            (0..<8).reduce(UInt8(0)) { $0 << 1 | (bits[index * 8 + $1] ? 1 : 0) }
        }
    }

    static func masked(_ mask: Int, x j: Int, y i: Int) -> Bool {
        switch mask {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }

    /// De-interleaves, checks every block's check words, and returns the data codewords.
    func dataCodewords(_ codewords: [UInt8]) throws(FuzzFailure) -> [UInt8] {
        let level = code.level.rawValue
        let blocks = Self.blockCount[level][code.version]
        let ecLength = Self.ecPerBlock[level][code.version]
        let shortBlocks = blocks - codewords.count % blocks
        let shortData = codewords.count / blocks - ecLength
        var data = Array(repeating: [UInt8](), count: blocks)
        var index = 0
        for i in 0...shortData {
            for block in 0..<blocks where i < shortData + (block < shortBlocks ? 0 : 1) {
                data[block].append(codewords[index])
                index += 1
            }
        }
        var ec = Array(repeating: [UInt8](), count: blocks)
        for _ in 0..<ecLength {
            for block in 0..<blocks {
                ec[block].append(codewords[index])
                index += 1
            }
        }
        let generator = Self.generator(degree: ecLength)
        for block in 0..<blocks {
            try check(Self.remainder(data[block], generator: generator) == ec[block], "block \(block) check words")
        }
        return data.flatMap { $0 }
    }

    /// The Reed–Solomon generator ∏ (x − αⁱ), i < degree, highest coefficient (1) omitted.
    static func generator(degree: Int) -> [UInt8] {
        var poly: [UInt8] = [1]
        var root: UInt8 = 1
        for _ in 0..<degree {
            var next = [UInt8](repeating: 0, count: poly.count + 1)
            for (i, coefficient) in poly.enumerated() {
                next[i] ^= coefficient
                next[i + 1] ^= multiply(coefficient, root)
            }
            poly = next
            root = multiply(root, 2)
        }
        return Array(poly.dropFirst())
    }

    /// The check words of `data`: its remainder modulo the generator, by long division.
    static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
        let degree = generator.count
        guard degree > 0 else { return [] }
        var result = [UInt8](repeating: 0, count: degree)
        for byte in data {
            let row = Int(byte ^ result[0]) << 8
            for i in 0..<(degree - 1) { result[i] = result[i + 1] ^ products[row | Int(generator[i])] }
            result[degree - 1] = products[row | Int(generator[degree - 1])]
        }
        return result
    }

    /// Every GF(256) product, `products[a << 8 | b]`, from `multiply`: the check words of a
    /// version-40 symbol take 80,000 products, too many for shift and add on each input.
    static let products: [UInt8] = (0..<(1 << 16)).map { multiply(UInt8($0 >> 8), UInt8($0 & 0xFF)) }

    /// GF(256) product modulo x⁸ + x⁴ + x³ + x² + 1, by shift and add.
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product = 0
        var x = Int(a)
        var y = Int(b)
        while y != 0 {
            if y & 1 != 0 { product ^= x }
            x <<= 1
            if x & 0x100 != 0 { x ^= 0x11D }
            y >>= 1
        }
        return UInt8(product)
    }

    // MARK: Segment

    /// Mode, count and data of the single segment; then terminator, bit padding and pad bytes.
    func decodeSegment(_ data: [UInt8]) throws(FuzzFailure) -> Decoded {
        var reader = BitReader(bytes: data)
        let mode = reader.read(4)
        let range = code.version <= 9 ? 0 : code.version <= 26 ? 1 : 2
        let countBits: Int
        switch mode {
        case 1: countBits = [10, 12, 14][range]
        case 2: countBits = [9, 11, 13][range]
        case 4: countBits = [8, 16, 16][range]
        default: throw FuzzFailure(message: "segment mode \(mode)", file: #fileID, line: #line)
        }
        let count = reader.read(countBits)
        var bytes: [UInt8] = []
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
        while bytes.count < count {
            let left = count - bytes.count
            switch mode {
            case 1:
                let group = min(3, left)
                let value = reader.read([0, 4, 7, 10][group])
                try check(value < [1, 10, 100, 1000][group], "numeric group \(value)")
                var digits: [UInt8] = []
                var rest = value
                for _ in 0..<group {
                    digits.insert(UInt8(0x30 + rest % 10), at: 0)
                    rest /= 10
                }
                bytes += digits
            case 2:
                if left >= 2 {
                    let value = reader.read(11)
                    try check(value < 45 * 45, "alphanumeric pair \(value)")
                    bytes += [alphabet[value / 45], alphabet[value % 45]]
                } else {
                    let value = reader.read(6)
                    try check(value < 45, "alphanumeric single \(value)")
                    bytes.append(alphabet[value])
                }
            default:
                bytes.append(UInt8(reader.read(8)))
            }
            try check(reader.position <= data.count * 8, "segment runs past the data codewords")
        }
        let terminator = min(4, data.count * 8 - reader.position)
        try check(reader.read(terminator) == 0, "terminator is not zero")
        let padding = (8 - reader.position % 8) % 8
        try check(reader.read(padding) == 0, "bit padding is not zero")
        var pad: UInt8 = 0xEC
        for byte in data[(reader.position / 8)...] {
            try check(byte == pad, "pad codeword \(byte)")
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return Decoded(mode: mode, bytes: bytes)
    }

    struct BitReader {
        let bytes: [UInt8]
        var position = 0

        /// The next `count` bits, most significant first; zeros past the end.
        mutating func read(_ count: Int) -> Int {
            var value = 0
            for _ in 0..<count {
                let index = position / 8
                let bit = index < bytes.count ? (Int(bytes[index]) >> (7 - position % 8)) & 1 : 0
                value = value << 1 | bit
                position += 1
            }
            return value
        }
    }

    // MARK: ISO/IEC 18004 Table 9, by level (L, M, Q, H) then version

    static let ecPerBlock: [[Int]] = [
        [
            0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28,
            30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28,
            28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        ],
        [
            0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28,
            30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30,
            30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
    ]

    static let blockCount: [[Int]] = [
        [
            0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17,
            18, 19, 19, 20, 21, 22, 24, 25,
        ],
        [
            0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28,
            29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
        ],
        [
            0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38,
            40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
        ],
        [
            0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42,
            45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
        ],
    ]
}
