import Testing

@testable import TwofoldQR

@Suite struct QRMatrixTests {
    /// The modules the function patterns leave free must be exactly the standard's codewords plus
    /// remainder bits: checks finders, separators, timing, alignment, format and version areas at once.
    @Test func freeModules_equalTotalCodewordsAndRemainderBits_forEveryVersion() throws {
        let rows = try VectorFile("total_codewords.txt").spaceFields
        #expect(rows.count == 40)
        for row in rows {
            let version = try #require(Int(row[0]))
            let free = QRMatrix(version: version).dataModuleCount
            #expect(free / 8 == Int(row[1]), "version \(version)")
            #expect(free % 8 == Int(row[2]), "version \(version)")
        }
    }

    @Test func finderPatterns_sitInThreeCornersWithLightSeparators() {
        for version in [1, 7, 40] {
            let m = QRMatrix(version: version)
            let s = m.size
            for (ox, oy) in [(0, 0), (s - 7, 0), (0, s - 7)] {
                for dy in 0..<7 {
                    for dx in 0..<7 {
                        let ring = max(abs(dx - 3), abs(dy - 3))
                        #expect(m[ox + dx, oy + dy] == (ring == 2 ? 0 : 1), "v\(version) finder at \(ox),\(oy)")
                    }
                }
            }
            for i in 0..<8 {
                #expect(m[7, i] == 0 && m[i, 7] == 0)  // top-left separator
                #expect(m[s - 8, i] == 0 && m[s - 1 - i, 7] == 0)  // top-right
                #expect(m[7, s - 1 - i] == 0 && m[i, s - 8] == 0)  // bottom-left
            }
        }
    }

    @Test func timingPatterns_alternateStartingDark_andTheDarkModuleIsSet() {
        for version in [1, 2, 7, 21, 40] {
            let m = QRMatrix(version: version)
            for i in 8..<(m.size - 8) {
                #expect(m[i, 6] == (i % 2 == 0 ? 1 : 0), "v\(version) row 6, x \(i)")
                #expect(m[6, i] == (i % 2 == 0 ? 1 : 0), "v\(version) column 6, y \(i)")
            }
            #expect(m[8, m.size - 8] == 1)
        }
    }

    @Test func alignmentPatterns_sitAtEveryTablePositionExceptTheFinderCorners() {
        let m = QRMatrix(version: 7)  // positions 6, 22, 38
        for (cx, cy) in [(22, 6), (6, 22), (22, 22), (38, 22), (22, 38), (38, 38)] {
            for dy in -2...2 {
                for dx in -2...2 {
                    let ring = max(abs(dx), abs(dy))
                    #expect(m[cx + dx, cy + dy] == (ring == 1 ? 0 : 1), "alignment at \(cx),\(cy)")
                    #expect(m.isFunction[(cy + dy) * m.size + cx + dx])
                }
            }
        }
        // Versions 2–6 have one alignment pattern; version 1 has none.
        #expect(QRMatrix.alignmentPositions[1].isEmpty)
        #expect(QRMatrix(version: 2)[18, 18] == 1 && QRMatrix(version: 2)[17, 18] == 0)
    }

    /// Annex E's positions: first 6, last size − 7, the rest evenly spaced (even steps) from the last.
    @Test func alignmentPositionTable_followsTheStandardsSpacingRule() {
        for version in 2...40 {
            let positions = QRMatrix.alignmentPositions[version]
            #expect(positions.count == version / 7 + 2, "version \(version)")
            #expect(positions.first == 6 && positions.last == version * 4 + 10, "version \(version)")
            let steps = zip(positions.dropFirst(2), positions.dropFirst()).map { $0 - $1 }
            #expect(Set(steps).count <= 1 && steps.allSatisfy { $0 % 2 == 0 }, "version \(version)")
        }
    }

    @Test func versionInformation_isDrawnInBothCornersFromVersion7() {
        let m = QRMatrix(version: 7)
        let bits = FormatInformation.versionBits(version: 7)
        for i in 0..<18 {
            let expected: UInt8 = (bits >> i) & 1 == 1 ? 1 : 0
            #expect(m[m.size - 11 + i % 3, i / 3] == expected)
            #expect(m[i / 3, m.size - 11 + i % 3] == expected)
        }
        // Version 6 reserves nothing there: those modules carry data.
        let v6 = QRMatrix(version: 6)
        #expect(!v6.isFunction[0 * v6.size + v6.size - 11])
    }

    @Test func formatBits_areWrittenInTheStandardsReadingOrder() {
        var m = QRMatrix(version: 1)
        let word = FormatInformation.formatBits(level: .low, mask: .pattern4)  // 110011000101111
        m.drawFormatBits(word)
        // Copy 1: bits 14…9 along row 8, then 8 and 7, then up column 8.
        let copy1 = [
            (0, 8), (1, 8), (2, 8), (3, 8), (4, 8), (5, 8), (7, 8), (8, 8), (8, 7), (8, 5), (8, 4), (8, 3), (8, 2),
            (8, 1), (8, 0),
        ]
        // Copy 2: bits 14…8 up from the bottom of column 8, then bits 7…0 along row 8 to the right edge.
        let copy2 = (0..<7).map { (8, 20 - $0) } + (13...20).map { ($0, 8) }
        for copy in [copy1, copy2] {
            let read = copy.reduce(0) { $0 << 1 | Int(m[$1.0, $1.1]) }
            #expect(read == word)
        }
    }

    @Test func placeCodewords_startsAtTheBottomRightAndZigzagsUpward() {
        var m = QRMatrix(version: 1)
        var codewords = [UInt8](repeating: 0, count: 26)
        codewords[0] = 0b1010_0000  // bits 7 and 5
        m.placeCodewords(codewords)
        #expect(m[20, 20] == 1 && m[19, 20] == 0 && m[20, 19] == 1 && m[19, 19] == 0)
        #expect(m[20, 18] == 0)
    }

    @Test func placeCodewords_fillsEveryFreeModuleButTheRemainderBits() {
        for version in [1, 2, 7, 14, 21] {
            var m = QRMatrix(version: version)
            let total = BlockStructure(version: version, level: .low).totalCodewords
            let before = m.modules
            m.placeCodewords([UInt8](repeating: 0xFF, count: total))
            var lit = 0
            for i in 0..<(m.size * m.size) {
                if m.isFunction[i] { #expect(m.modules[i] == before[i]) } else { lit += Int(m.modules[i]) }
            }
            #expect(lit == total * 8, "version \(version)")
        }
    }

    @Test func applyMask_touchesOnlyDataModules_andIsItsOwnInverse() {
        let base = QRMatrix(version: 7)
        for mask in QRMask.allCases {
            var m = base
            m.applyMask(mask)
            #expect(m.modules != base.modules)
            for i in 0..<(m.size * m.size) where m.isFunction[i] { #expect(m.modules[i] == base.modules[i]) }
            m.applyMask(mask)
            #expect(m.modules == base.modules)
        }
    }

    @Test func maskConditions_matchTheStandardsFormulasAtTheOrigin() {
        // At (0, 0) every condition holds; at (1, 0) (column 1, row 0) only masks 1, 4, 5, 6 hold.
        #expect(QRMask.allCases.allSatisfy { $0.inverts(x: 0, y: 0) })
        #expect(QRMask.allCases.filter { $0.inverts(x: 1, y: 0) } == [.pattern1, .pattern4, .pattern5, .pattern6])
        #expect(QRMask.allCases.filter { $0.inverts(x: 0, y: 1) } == [.pattern2, .pattern4, .pattern5, .pattern6])
    }
}
