import Testing

@testable import TwofoldQR

@Suite struct FormatInformationTests {
    @Test func formatBits_matchTheStandardsTable_forAll32LevelMaskPairs() throws {
        let rows = try VectorFile("format_information.txt").spaceFields
        #expect(rows.count == 32)
        for row in rows {
            let level = try #require(ErrorCorrectionLevel.allCases.first { String($0.letter) == row[0] })
            let maskNumber = try #require(Int(row[1]))
            let mask = try #require(QRMask(rawValue: maskNumber))
            let expected = try #require(Int(row[2], radix: 2))
            #expect(FormatInformation.formatBits(level: level, mask: mask) == expected, "\(row[0]) \(row[1])")
        }
    }

    @Test func versionBits_matchTheStandardsTable_forVersions7To40() throws {
        let rows = try VectorFile("version_information.txt").spaceFields
        #expect(rows.count == 34)
        for row in rows {
            let version = try #require(Int(row[0]))
            #expect(FormatInformation.versionBits(version: version) == Int(row[1], radix: 2), "version \(version)")
            #expect(FormatInformation.versionBits(version: version) == Int(row[2], radix: 16), "version \(version)")
        }
    }
}
