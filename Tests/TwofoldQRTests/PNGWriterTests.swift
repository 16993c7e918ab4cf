import Testing

@testable import TwofoldQR

@Suite struct PNGWriterTests {
    @Test func checksums_matchTheirCheckValues() throws {
        let rows = try VectorFile("checksums.txt").tabFields
        #expect(rows.count == 6)
        for row in rows {
            let input = Array(row[1].utf8)
            let expected = try #require(UInt32(row[2], radix: 16))
            switch row[0] {
            case "crc32": #expect(CRC32.checksum(input) == expected, "\(row[1])")
            case "adler32": #expect(Adler32.checksum(input) == expected, "\(row[1])")
            default: Issue.record("unknown algorithm \(row[0])")
            }
        }
    }

    @Test func crc32_canContinueARunningChecksum() {
        let data = Array("123456789".utf8)
        #expect(CRC32.checksum(data[4...], continuing: CRC32.checksum(data[..<4])) == CRC32.checksum(data))
    }

    @Test func adler32_staysExactPastItsReductionInterval() {
        let data = [UInt8](repeating: 0xFF, count: 100_000)
        var a: UInt64 = 1
        var b: UInt64 = 0
        for byte in data {
            a = (a + UInt64(byte)) % 65521
            b = (b + a) % 65521
        }
        #expect(Adler32.checksum(data) == UInt32(b << 16 | a))
    }

    @Test func zlibStored_splitsDataIntoBlocksOfAtMost65535Bytes() throws {
        let data = (0..<140_000).map { UInt8($0 % 251) }
        let stream = PNGWriter.zlibStored(data)
        let blocks = try PNGFile.storedBlocks(stream)
        #expect(blocks.map(\.data.count) == [65535, 65535, 8930])
        #expect(blocks.map(\.isFinal) == [false, false, true])
        #expect(blocks.flatMap(\.data) == data)
    }

    @Test func zlibStored_ofNothingIsOneEmptyFinalBlock() throws {
        let blocks = try PNGFile.storedBlocks(PNGWriter.zlibStored([]))
        #expect(blocks.count == 1 && blocks[0].isFinal && blocks[0].data.isEmpty)
    }

    @Test func png_isWellFormed_andItsPixelsAreTheModules_atBothBitDepths() throws {
        let code = try QRCode.encode("otpauth://totp/Twofold:alice?secret=JBSWY3DPEHPK3PXP")
        for depth in PNGBitDepth.allCases {
            for scale in [1, 3, 4] {
                let png = try PNGFile(try code.png(scale: scale, bitDepth: depth))
                let width = (code.size + 8) * scale
                #expect(png.width == width && png.height == width && png.bitDepth == depth.rawValue)
                #expect(png.colorType == 0 && png.interlace == 0)
                var mismatches = 0
                for py in 0..<width {
                    for px in 0..<width {
                        let mx = px / scale - 4
                        let my = py / scale - 4
                        let dark = (0..<code.size).contains(mx) && (0..<code.size).contains(my) && code[mx, my]
                        if png.isBlack(x: px, y: py) != dark { mismatches += 1 }
                    }
                }
                #expect(mismatches == 0, "depth \(depth.rawValue) scale \(scale)")
            }
        }
    }

    @Test func png_ofVersion40_spansSeveralDeflateBlocks() throws {
        let code = try QRCode.encode(String(repeating: "a", count: 2331))
        let png = try PNGFile(try code.png(scale: 4, bitDepth: .eight))
        #expect(png.width == 740 && png.storedBlockCount > 1)
    }

    @Test func png_rejectsScaleOutsideItsRange() throws {
        let code = try QRCode.encode("x")
        #expect(throws: QRError.invalidScale()) { try code.png(scale: 0) }
        #expect(throws: QRError.invalidScale()) { try code.png(scale: 33) }
        #expect(try code.png(scale: 32).count > 0)
    }
}
