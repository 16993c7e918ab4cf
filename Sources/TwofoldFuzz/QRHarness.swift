import TwofoldQR

extension FuzzHarness {
    /// Entry point 5 (second half): the QR encoder, as the vault's enrollment and the CLI use it,
    /// over arbitrary data, levels, masks and minimum versions.
    static let qr = FuzzHarness(
        name: "qr",
        summary:
            "QR encoder: smallest version, valid patterns and format words, data read back by an independent reader"
    ) { input throws(FuzzFailure) in
        try QRHarness.run(&input)
    }
}

enum QRHarness {
    static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
        // Control byte: level (bits 0–1), boost (2), render (3), mask (4–7: 0–7 fixed, 8–15 automatic).
        let options = input.byte()
        let level = ErrorCorrectionLevel.allCases[Int(options & 3)]
        let boost = options & 4 != 0
        let render = options & 8 != 0
        let mask = options >> 4 < 8 ? QRMask.allCases[Int(options >> 4)] : nil
        let minimumVersion = Int(input.byte()) % 42  // 0 and 41 are out of range
        let data = input.rest()

        let code: QRCode
        do {
            code = try QRCode.encode(
                bytes: data, level: level, minimumVersion: minimumVersion, boostLevel: boost, mask: mask)
        } catch {
            if !(1...40).contains(minimumVersion) {
                try check(error == .invalidVersion(), "minimum version \(minimumVersion) refused with \(error.code)")
            } else {
                try check(
                    error == .dataTooLong() && smallestVersion(data, level: level, from: minimumVersion) == nil,
                    "\(data.count) bytes at \(level.letter) from version \(minimumVersion) refused with \(error.code)")
            }
            return
        }
        try check((1...40).contains(minimumVersion), "minimum version \(minimumVersion) accepted")
        let mode = Self.mode(of: data)
        try check(
            code.version == smallestVersion(data, level: level, from: minimumVersion),
            "version \(code.version) for \(data.count) bytes at \(level.letter) from \(minimumVersion)")
        var expectedLevel = level
        if boost {
            for stronger in ErrorCorrectionLevel.allCases where stronger > level {
                if fits(data.count, mode: mode, version: code.version, level: stronger) { expectedLevel = stronger }
            }
        }
        try check(code.level == expectedLevel, "level \(code.level.letter), expected \(expectedLevel.letter)")
        if let mask { try check(code.mask == mask, "mask \(code.mask) instead of \(mask)") }

        let reader = QRSymbolReader(code)
        try reader.checkFunctionPatterns()
        try reader.checkFormatAndVersion()
        let codewords = try reader.readCodewords()
        try check(codewords.count == rawDataModules(code.version) / 8, "\(codewords.count) codewords")
        let decoded = try reader.decodeSegment(try reader.dataCodewords(codewords))
        try check(decoded == .init(mode: mode, bytes: data), "the symbol reads back differently")

        if render { try checkRenderings(code, title: String(decoding: data.prefix(64), as: UTF8.self)) }
    }

    static func checkRenderings(_ code: QRCode, title: String) throws(FuzzFailure) {
        let png = try? code.png(scale: 1)
        try check(png?.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == true, "not a PNG")
        try check((try? code.png(scale: 0)) == nil && (try? code.png(scale: 33)) == nil, "a scale out of range")
        // The title is escaped: it adds no markup-significant characters to the document.
        let markup: (String) -> Int = { text in
            var text = text
            return text.withUTF8 { $0.reduce(0) { $0 + ($1 == UInt8(ascii: "<") || $1 == UInt8(ascii: "\"") ? 1 : 0) } }
        }
        try check(markup(code.svg(title: title)) == markup(code.svg(title: "")), "the SVG title is not escaped")
        try check(code.terminalText().utf8.count > code.size, "terminal rendering too short")
    }

    // MARK: Capacity, from the standard rather than the encoder

    static func mode(of data: [UInt8]) -> Int {
        let alphanumeric = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
        if data.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return 1 }
        if data.allSatisfy({ alphanumeric.contains($0) }) { return 2 }
        return 4
    }

    static func smallestVersion(_ data: [UInt8], level: ErrorCorrectionLevel, from minimum: Int) -> Int? {
        let mode = mode(of: data)
        return (minimum...40).first { fits(data.count, mode: mode, version: $0, level: level) }
    }

    static func fits(_ count: Int, mode: Int, version: Int, level: ErrorCorrectionLevel) -> Bool {
        let range = version <= 9 ? 0 : version <= 26 ? 1 : 2
        let countBits: Int
        let dataBits: Int
        switch mode {
        case 1:
            countBits = [10, 12, 14][range]
            dataBits = count / 3 * 10 + [0, 4, 7][count % 3]
        case 2:
            countBits = [9, 11, 13][range]
            dataBits = count / 2 * 11 + count % 2 * 6
        default:
            countBits = [8, 16, 16][range]
            dataBits = count * 8
        }
        let ec = QRSymbolReader.ecPerBlock[level.rawValue][version] * QRSymbolReader.blockCount[level.rawValue][version]
        return count < 1 << countBits && 4 + countBits + dataBits <= (rawDataModules(version) / 8 - ec) * 8
    }

    /// Modules left for codewords once every function pattern is drawn (ISO/IEC 18004 §6.4.10).
    static func rawDataModules(_ version: Int) -> Int {
        var modules = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            modules -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { modules -= 36 }
        }
        return modules
    }
}
