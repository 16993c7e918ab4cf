import Foundation
import Testing

@testable import TwofoldQR

/// Renders many symbols to PNG and requires an independent decoder (zbar) to read back exactly
/// the bytes that went in: the end-to-end check that the apps users scan with will agree.
@Suite struct ZbarDecodeTests {
    struct Case {
        let name: String
        let bytes: [UInt8]
        let level: ErrorCorrectionLevel
        var mask: QRMask? = nil
        var minimumVersion = 1
    }

    /// Deterministic printable ASCII from a xorshift generator: varied content exercises varied masks.
    static func text(length: Int, seed: UInt64, alphabet: String = "") -> [UInt8] {
        let symbols = Array(
            (alphabet.isEmpty ? String((0x20...0x7E).map { Character(UnicodeScalar($0)) }) : alphabet).utf8)
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<length).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return symbols[Int(state % UInt64(symbols.count))]
        }
    }

    /// The longest byte-mode input that still fits `version` at `level`, by asking the encoder.
    static func maximumBytes(version: Int, level: ErrorCorrectionLevel) -> Int {
        let segment = DataSegment(Array(repeating: 0x61, count: 1))
        let headerBits = 4 + segment.mode.characterCountBits(version: version)
        return (BlockStructure(version: version, level: level).dataCodewordCount * 8 - headerBits) / 8
    }

    static let otpauthURIs = [
        "otpauth://totp/Twofold:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Twofold&algorithm=SHA1&digits=6&period=30",
        "otpauth://totp/Twofold:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Twofold",
        "otpauth://totp/Acme%20Corp%20%28Europe%29:zo%C3%AB.m%C3%BCller%2Bmfa%40subsidiary.example.co.uk?secret=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU&issuer=Acme%20Corp%20%28Europe%29&algorithm=SHA1&digits=6&period=30",
    ]

    static var cases: [Case] {
        var cases: [Case] = []
        // Every version at every level, filled to the last byte it holds (version boundaries and
        // every block structure of the standard's table).
        for level in ErrorCorrectionLevel.allCases {
            for version in 1...40 {
                let length = maximumBytes(version: version, level: level)
                cases.append(
                    Case(
                        name: "\(version)-\(level.letter) full",
                        bytes: text(length: length, seed: UInt64(version * 7 + level.rawValue)), level: level))
            }
        }
        // Lengths from 1 byte to over 1,000, including one byte past a boundary.
        for length in [
            1, 2, 3, 14, 15, 26, 27, 42, 43, 62, 63, 84, 85, 106, 107, 120, 200, 331, 500, 765, 1000, 1024, 1500, 2331,
        ] {
            cases.append(
                Case(name: "ascii \(length)", bytes: text(length: length, seed: UInt64(length)), level: .medium))
        }
        // Numeric and alphanumeric modes, including their full version-40 capacities.
        for (length, level) in [
            (1, ErrorCorrectionLevel.medium), (2, .medium), (3, .low), (8, .medium), (34, .medium), (35, .medium),
            (100, .high), (1000, .quartile), (7089, .low), (3057, .high),
        ] {
            cases.append(
                Case(
                    name: "digits \(length)", bytes: text(length: length, seed: 99, alphabet: "0123456789"),
                    level: level))
        }
        let alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
        for (length, level) in [
            (1, ErrorCorrectionLevel.medium), (2, .low), (11, .quartile), (20, .medium), (21, .medium), (500, .high),
            (4296, .low),
        ] {
            cases.append(
                Case(
                    name: "alphanumeric \(length)", bytes: text(length: length, seed: 5, alphabet: alphanumeric),
                    level: level))
        }
        cases.append(Case(name: "HELLO WORLD", bytes: Array("HELLO WORLD".utf8), level: .quartile))
        // Multi-byte UTF-8 in byte mode, no ECI.
        for (index, string) in ["Zoë 日本語 🔐", "Ünïcödé ☃ ∑ 𝄞 — “quotes”", String(repeating: "日本語のテキスト🔐", count: 40)]
            .enumerated()
        {
            for level in ErrorCorrectionLevel.allCases {
                cases.append(Case(name: "utf8 \(index) \(level.letter)", bytes: Array(string.utf8), level: level))
            }
        }
        // Real enrollment URIs at every level, and every mask forced on small and large symbols.
        for (index, uri) in otpauthURIs.enumerated() {
            for level in ErrorCorrectionLevel.allCases {
                cases.append(Case(name: "otpauth \(index) \(level.letter)", bytes: Array(uri.utf8), level: level))
            }
        }
        for mask in QRMask.allCases {
            cases.append(
                Case(name: "mask \(mask.rawValue) v1", bytes: Array("Twofold".utf8), level: .medium, mask: mask))
            cases.append(
                Case(
                    name: "mask \(mask.rawValue) otpauth", bytes: Array(otpauthURIs[0].utf8), level: .medium, mask: mask
                ))
            cases.append(
                Case(
                    name: "mask \(mask.rawValue) v22", bytes: Array("minimum version".utf8), level: .high, mask: mask,
                    minimumVersion: 22))
        }
        return cases
    }

    @Test(
        .enabled(
            if: Zbar.isAvailable, "zbarimg is not installed (Debian package zbar-tools); external decode check skipped")
    )
    func zbar_decodesEveryRenderedSymbol_toTheExactInputBytes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["QR_KEEP"] == nil {
                try? FileManager.default.removeItem(at: directory)
            }
        }

        let cases = Self.cases
        var images: [URL] = []
        for (index, testCase) in cases.enumerated() {
            let code = try QRCode.encode(
                bytes: testCase.bytes, level: testCase.level, minimumVersion: testCase.minimumVersion,
                mask: testCase.mask)
            let png = try code.png(scale: 4, bitDepth: index % 2 == 0 ? .one : .eight)
            let url = directory.appendingPathComponent("case\(index).png")
            try Data(png).write(to: url)
            images.append(url)
        }

        // One image per zbarimg run: with -Sbinary zbar writes the raw bytes without a separator,
        // so a batch could not say which image a byte came from.
        let started = ContinuousClock.now
        var failures: [String] = []
        for (index, url) in images.enumerated() where try Zbar.decode([url], binary: true) != cases[index].bytes {
            failures.append(cases[index].name)
        }
        print("zbar decoded \(cases.count) symbols in \(ContinuousClock.now - started)")
        #expect(failures.isEmpty, "zbar did not read back: \(failures)")
        #expect(cases.count == 250)
    }

    /// Without -Sbinary zbar guesses the byte-mode charset, as phone apps do; UTF-8 without an ECI
    /// must be recognised as UTF-8.
    @Test(
        .enabled(
            if: Zbar.isAvailable, "zbarimg is not installed (Debian package zbar-tools); external decode check skipped")
    )
    func zbar_readsUTF8ByteModeAsUTF8_withoutBeingToldTheCharset() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("twofold-qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["QR_KEEP"] == nil {
                try? FileManager.default.removeItem(at: directory)
            }
        }
        for (index, text) in ["Zoë 日本語 🔐", Self.otpauthURIs[2], "Ünïcödé ☃ ∑ 𝄞"].enumerated() {
            let url = directory.appendingPathComponent("utf8-\(index).png")
            try Data(try QRCode.encode(text).png()).write(to: url)
            #expect(try Zbar.decode([url], binary: false) == Array((text + "\n").utf8), "\(text)")
        }
    }
}
