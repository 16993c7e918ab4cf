/// How one version × level splits its codewords into Reed–Solomon blocks (ISO/IEC 18004 Table 9),
/// and the interleaving of those blocks into the final codeword sequence (§7.6).
///
/// Blocks come in two groups: group 1 has `shortBlockCount` blocks of `shortBlockDataCount` data
/// codewords, group 2 the remaining blocks with one data codeword more. Every block carries the
/// same number of error-correction codewords.
struct BlockStructure: Equatable, Sendable {
    let version: Int
    let level: ErrorCorrectionLevel
    /// Data plus error-correction codewords in the symbol (ISO/IEC 18004 Table 1).
    let totalCodewords: Int
    let ecCodewordsPerBlock: Int
    let blockCount: Int

    init(version: Int, level: ErrorCorrectionLevel) {
        precondition((1...40).contains(version), "version must be in 1...40")
        self.version = version
        self.level = level
        totalCodewords = Self.totalCodewordsTable[version]
        ecCodewordsPerBlock = Self.ecCodewordsPerBlockTable[level.rawValue][version]
        blockCount = Self.blockCountTable[level.rawValue][version]
    }

    /// Data codewords in the whole symbol: what the bit stream (with padding) must fill.
    var dataCodewordCount: Int { totalCodewords - ecCodewordsPerBlock * blockCount }

    /// Blocks in group 1 (the shorter ones).
    var shortBlockCount: Int { blockCount - totalCodewords % blockCount }

    /// Data codewords in each group-1 block; group-2 blocks hold one more.
    var shortBlockDataCount: Int { totalCodewords / blockCount - ecCodewordsPerBlock }

    /// Splits `data` (exactly `dataCodewordCount` bytes) into blocks, appends each block's error
    /// correction, and interleaves: data codeword i of every block in turn, then EC codeword i of every block.
    func interleave(_ data: [UInt8]) -> [UInt8] {
        precondition(data.count == dataCodewordCount, "data must fill the symbol exactly")
        let encoder = ReedSolomonEncoder(degree: ecCodewordsPerBlock)
        var blocks: [ArraySlice<UInt8>] = []
        var ecBlocks: [[UInt8]] = []
        blocks.reserveCapacity(blockCount)
        ecBlocks.reserveCapacity(blockCount)
        var start = 0
        for index in 0..<blockCount {
            let length = shortBlockDataCount + (index < shortBlockCount ? 0 : 1)
            let block = data[start..<(start + length)]
            blocks.append(block)
            ecBlocks.append(encoder.remainder(of: block))
            start += length
        }
        var result: [UInt8] = []
        result.reserveCapacity(totalCodewords)
        for i in 0...shortBlockDataCount {
            for block in blocks where i < block.count { result.append(block[block.startIndex + i]) }
        }
        for i in 0..<ecCodewordsPerBlock {
            for ec in ecBlocks { result.append(ec[i]) }
        }
        return result
    }

    // MARK: Tables (index 0 unused so that the version is the index)

    /// Total codewords per version (ISO/IEC 18004 Table 1); `QRMatrix` tests check these against
    /// the modules its function patterns leave free.
    static let totalCodewordsTable: [Int] = [
        0, 26, 44, 70, 100, 134, 172, 196, 242, 292, 346,
        404, 466, 532, 581, 655, 733, 815, 901, 991, 1085,
        1156, 1258, 1364, 1474, 1588, 1706, 1828, 1921, 2051, 2185,
        2323, 2465, 2611, 2761, 2876, 3034, 3196, 3362, 3532, 3706,
    ]

    /// Error-correction codewords per block, by level (L, M, Q, H) then version (ISO/IEC 18004 Table 9).
    static let ecCodewordsPerBlockTable: [[Int]] = [
        [
            0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
            28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
            26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        ],
        [
            0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
            28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
            30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
    ]

    /// Number of blocks (group 1 + group 2), by level (L, M, Q, H) then version (ISO/IEC 18004 Table 9).
    static let blockCountTable: [[Int]] = [
        [
            0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
            8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
        ],
        [
            0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
            17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
        ],
        [
            0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
            23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
        ],
        [
            0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
            25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
        ],
    ]
}
