import Testing

@testable import TwofoldQR

@Suite struct QRCodeTests {
    @Test func encode_picksTheSmallestVersion_atEachCapacityLimit() throws {
        let rows = try VectorFile("capacity.txt").spaceFields
        #expect(rows.count == 8)
        for row in rows {
            let (version, level) = try versionAndLevel(row[0])
            for (column, unit) in [(1, "7"), (2, "A"), (3, "a")] {
                let limit = try #require(Int(row[column]))
                let atLimit = try QRCode.encode(String(repeating: unit, count: limit), level: level)
                #expect(atLimit.version == version, "\(row[0]) \(unit) × \(limit)")
                let oneMore = String(repeating: unit, count: limit + 1)
                if version == 40 {
                    #expect(throws: QRError.dataTooLong()) { try QRCode.encode(oneMore, level: level) }
                } else {
                    #expect(try QRCode.encode(oneMore, level: level).version == version + 1, "\(row[0]) \(unit)")
                }
            }
        }
    }

    @Test func encode_whenInputExceedsVersion40_throwsDataTooLong_withoutEchoingTheInput() {
        let secret = "JBSWY3DPEHPK3PXP"
        let text = String(repeating: "otpauth-\(secret)-", count: 200)
        do {
            _ = try QRCode.encode(text, level: .high)
            Issue.record("expected dataTooLong")
        } catch {
            #expect(error.code == "qr.data_too_long")
            #expect(!error.description.contains(secret) && !error.message.contains(secret))
            #expect(error.message.contains("version 40"))
        }
        #expect(throws: QRError.dataTooLong()) { try QRCode.encode(bytes: [UInt8](repeating: 0, count: 70_000)) }
    }

    @Test func encode_rejectsMinimumVersionOutside1To40() {
        #expect(throws: QRError.invalidVersion()) { try QRCode.encode("x", minimumVersion: 0) }
        #expect(throws: QRError.invalidVersion()) { try QRCode.encode("x", minimumVersion: 41) }
        #expect(QRError.invalidVersion(41).code == "qr.invalid_version")
    }

    @Test func encode_honoursMinimumVersion_andStillGrowsPastIt() throws {
        #expect(try QRCode.encode("x", minimumVersion: 5).version == 5)
        #expect(try QRCode.encode("x", minimumVersion: 40).size == 177)
        // 9-M holds 180 bytes, so 200 need version 10.
        #expect(try QRCode.encode(String(repeating: "x", count: 200), minimumVersion: 2).version == 10)
    }

    @Test func encode_defaultsToMediumAndKeepsTheRequestedLevel_unlessBoosted() throws {
        let plain = try QRCode.encode("HELLO")
        #expect(plain.level == .medium && plain.version == 1)
        let boosted = try QRCode.encode("HELLO", boostLevel: true)
        #expect(boosted.level == .high && boosted.version == 1)
        // 14 bytes fill 1-M exactly, so boosting cannot raise the level.
        let full = try QRCode.encode("abcdefghijklmn", boostLevel: true)
        #expect(full.level == .medium && full.version == 1)
    }

    @Test func encode_usesTheForcedMask_orElseTheLowestPenaltyOne() throws {
        for mask in QRMask.allCases { #expect(try QRCode.encode("Twofold", mask: mask).mask == mask) }
        let automatic = try QRCode.encode("Twofold")
        let scores = try QRMask.allCases.map { mask in
            let code = try QRCode.encode("Twofold", mask: mask)
            return MaskPenalty.score(code.modules, size: code.size)
        }
        #expect(scores[automatic.mask.rawValue] == scores.min())
        #expect(scores.firstIndex(of: scores.min() ?? 0) == automatic.mask.rawValue)
    }

    @Test func encode_writesTheFormatInformationOfTheChosenLevelAndMask() throws {
        let code = try QRCode.encode("otpauth://totp/Twofold:alice?secret=JBSWY3DPEHPK3PXP", level: .quartile)
        let expected = FormatInformation.formatBits(level: .quartile, mask: code.mask)
        let read = [
            (0, 8), (1, 8), (2, 8), (3, 8), (4, 8), (5, 8), (7, 8), (8, 8), (8, 7), (8, 5), (8, 4), (8, 3), (8, 2),
            (8, 1), (8, 0),
        ]
        .reduce(0) { $0 << 1 | (code[$1.0, $1.1] ? 1 : 0) }
        #expect(read == expected)
    }

    @Test func encode_ofEmptyInput_isAValidVersion1Symbol() throws {
        let code = try QRCode.encode("")
        #expect(code.version == 1 && code.size == 21)
    }

    @Test func encode_ofTextEqualsEncodeOfItsUTF8Bytes() throws {
        let text = "Zoë 日本語 🔐"
        #expect(try QRCode.encode(text) == QRCode.encode(bytes: Array(text.utf8)))
        #expect(try QRCode.encode(text).version == 2)  // 20 bytes: more than 1-M's 14
    }

    @Test func subscript_reportsDarkModules_includingTheFinderCorners() throws {
        let code = try QRCode.encode("Twofold")
        #expect(code[0, 0] && code[6, 0] && code[0, 6] && code[20, 0] && code[0, 20])
        #expect(!code[7, 0] && !code[1, 1] && code[8, code.size - 8])
        var dark = 0
        for y in 0..<code.size { for x in 0..<code.size where code[x, y] { dark += 1 } }
        #expect(dark == code.modules.reduce(0) { $0 + Int($1) })
    }
}
