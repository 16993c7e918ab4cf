import Testing

@testable import TwofoldQR

@Suite struct DataSegmentTests {
    @Test func mode_isTheMostCompactThatCoversTheInput() {
        #expect(DataSegment(Array("0123456789".utf8)).mode == .numeric)
        #expect(DataSegment(Array("HELLO WORLD $%*+-./:".utf8)).mode == .alphanumeric)
        #expect(DataSegment(Array("Hello".utf8)).mode == .byte)
        #expect(DataSegment(Array("otpauth://totp/X".utf8)).mode == .byte)
        #expect(DataSegment(Array("Zoë".utf8)).mode == .byte)
        #expect(DataSegment(Array("12#".utf8)).mode == .byte)
    }

    @Test func characterCountBits_changeAtVersions10And27() {
        let cases: [(DataSegment.Mode, [Int])] = [
            (.numeric, [10, 12, 14]), (.alphanumeric, [9, 11, 13]), (.byte, [8, 16, 16]),
        ]
        for (mode, widths) in cases {
            #expect([1, 9].map { mode.characterCountBits(version: $0) } == [widths[0], widths[0]])
            #expect([10, 26].map { mode.characterCountBits(version: $0) } == [widths[1], widths[1]])
            #expect([27, 40].map { mode.characterCountBits(version: $0) } == [widths[2], widths[2]])
        }
    }

    @Test func bitLength_followsTheStandardsFormulas() {
        // Numeric: 10 bits per 3 digits, 4 or 7 for the rest; alphanumeric: 11 per pair, 6 for one.
        #expect(DataSegment(Array("01234567".utf8)).bitLength(version: 1) == 4 + 10 + 27)
        #expect(DataSegment(Array("HELLO WORLD".utf8)).bitLength(version: 1) == 4 + 9 + 61)
        #expect(DataSegment(Array("abc".utf8)).bitLength(version: 10) == 4 + 16 + 24)
    }

    @Test func bitLength_isNil_whenTheCountDoesNotFitTheIndicator() {
        #expect(DataSegment([UInt8](repeating: 0x61, count: 256)).bitLength(version: 9) == nil)
        #expect(DataSegment([UInt8](repeating: 0x61, count: 255)).bitLength(version: 9) == 4 + 8 + 255 * 8)
    }

    @Test func dataCodewords_matchTheWorkedExamples() throws {
        let rows = try VectorFile("data_codewords.txt").tabFields
        #expect(rows.count == 3)
        for row in rows {
            let (version, level) = try versionAndLevel(row[0])
            let segment = DataSegment(Array(row[2].utf8))
            #expect("\(segment.mode)" == row[1])
            let capacity = BlockStructure(version: version, level: level).dataCodewordCount
            #expect(QRCode.dataCodewords(segment, capacity: capacity, version: version) == (try hexBytes(row[3])))
        }
    }

    @Test func dataCodewords_shortenTheTerminator_whenCapacityIsNearlyFull() throws {
        // 1-L holds 19 codewords = 152 bits; 17 bytes take 4 + 8 + 136 = 148 bits, leaving room for a 4-bit terminator;
        // 41 digits take 4 + 10 + 137 = 151 bits, leaving 1 bit: a 1-bit terminator and nothing else.
        let digits = DataSegment(Array(String(repeating: "9", count: 41).utf8))
        let codewords = QRCode.dataCodewords(digits, capacity: 19, version: 1)
        #expect(codewords.count == 19)
        #expect(try #require(codewords.last) & 1 == 0)
    }
}
