import Testing

@testable import TwofoldQR

@Suite struct BlockStructureTests {
    @Test func totalCodewords_matchTheStandardsTable() throws {
        for row in try VectorFile("total_codewords.txt").spaceFields {
            let version = try #require(Int(row[0]))
            #expect(BlockStructure(version: version, level: .low).totalCodewords == Int(row[1]), "version \(version)")
        }
    }

    /// Every block has the same EC length, group-2 blocks one more data codeword, and the blocks
    /// add up to the symbol's codewords: catches a mistyped entry in either table.
    @Test func blocks_partitionTheSymbolsCodewords_forEveryVersionAndLevel() throws {
        for version in 1...40 {
            for level in ErrorCorrectionLevel.allCases {
                let s = BlockStructure(version: version, level: level)
                let longBlocks = s.blockCount - s.shortBlockCount
                let dataTotal = s.shortBlockCount * s.shortBlockDataCount + longBlocks * (s.shortBlockDataCount + 1)
                #expect(dataTotal == s.dataCodewordCount, "\(version)-\(level.letter)")
                #expect(s.shortBlockCount >= 1 && s.shortBlockCount <= s.blockCount)
                #expect((7...30).contains(s.ecCodewordsPerBlock))
                // The error-correction budget grows with the level.
                if level != .low {
                    let weaker = BlockStructure(
                        version: version, level: try #require(ErrorCorrectionLevel(rawValue: level.rawValue - 1)))
                    #expect(s.dataCodewordCount < weaker.dataCodewordCount, "\(version)-\(level.letter)")
                }
            }
        }
    }

    @Test func dataCodewordCount_matchesTheStandardForKnownSymbols() {
        // 1-M: 16, 1-Q: 13 (the worked examples), 5-Q: 62, 40-L: 2956, 40-H: 1276.
        #expect(BlockStructure(version: 1, level: .medium).dataCodewordCount == 16)
        #expect(BlockStructure(version: 1, level: .quartile).dataCodewordCount == 13)
        #expect(BlockStructure(version: 5, level: .quartile).dataCodewordCount == 62)
        #expect(BlockStructure(version: 40, level: .low).dataCodewordCount == 2956)
        #expect(BlockStructure(version: 40, level: .high).dataCodewordCount == 1276)
    }

    @Test func interleave_takesCodewordsColumnByColumn_in5QWorkedExample() throws {
        let blocks = try VectorFile("interleave_5Q.txt").lines.map(hexBytes)
        let ecRows = try VectorFile("reed_solomon.txt").tabFields.filter { $0[0].hasPrefix("5-Q") }.map {
            try hexBytes($0[2])
        }
        let structure = BlockStructure(version: 5, level: .quartile)
        #expect(structure.shortBlockCount == 2 && structure.shortBlockDataCount == 15 && structure.blockCount == 4)
        #expect(blocks.map(\.count) == [15, 15, 16, 16])

        let result = structure.interleave(blocks.flatMap { $0 })
        #expect(result.count == 134)
        // Data: codeword i of blocks 1…4 in turn; the 16th exists only in the group-2 blocks.
        var expectedData: [UInt8] = []
        for i in 0..<16 { for block in blocks where i < block.count { expectedData.append(block[i]) } }
        #expect(Array(result[0..<62]) == expectedData)
        // EC: codeword i of blocks 1…4 in turn; blocks 1–3 are the worked example's values.
        for (blockIndex, ec) in ecRows.enumerated() {
            let interleaved = stride(from: 62 + blockIndex, to: 134, by: 4).map { result[$0] }
            #expect(interleaved == ec, "block \(blockIndex + 1)")
        }
    }

    @Test func interleave_ofASingleBlockIsDataThenErrorCorrection() throws {
        let row = try #require(try VectorFile("reed_solomon.txt").tabFields.first)
        let data = try hexBytes(row[1])
        #expect(BlockStructure(version: 1, level: .medium).interleave(data) == data + (try hexBytes(row[2])))
    }
}
