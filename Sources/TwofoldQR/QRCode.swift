/// A QR Code Model 2 symbol (ISO/IEC 18004): an immutable square of dark and light modules.
///
/// Built by `encode`, which picks the most compact single mode (numeric, alphanumeric or byte),
/// the smallest version that fits, and the mask with the lowest penalty. Rendering adds the
/// 4-module quiet zone; the matrix itself does not include it.
public struct QRCode: Hashable, Sendable {
    /// 1...40; the symbol is `4 × version + 17` modules wide.
    public let version: Int
    public let level: ErrorCorrectionLevel
    public let mask: QRMask
    /// Row-major module values, 0 = light, 1 = dark.
    let modules: [UInt8]

    /// Modules per side, without quiet zone.
    public var size: Int { version * 4 + 17 }

    /// The light margin, in modules, that every renderer draws around the symbol (ISO/IEC 18004 §6.3.8).
    public static let quietZone = 4

    /// Whether the module at column `x`, row `y` (origin top left) is dark.
    ///
    /// Both coordinates must be in `0..<size`; anything else is a programmer error.
    public subscript(x: Int, y: Int) -> Bool {
        precondition((0..<size).contains(x) && (0..<size).contains(y), "module coordinates out of range")
        return modules[y * size + x] == 1
    }

    /// Encodes text as its UTF-8 bytes.
    ///
    /// - Parameters:
    ///   - level: the error-correction level; medium (15%) by default.
    ///   - minimumVersion: the smallest version to consider (1...40), for callers that want a
    ///     stable symbol size across inputs of different lengths.
    ///   - boostLevel: when true, the level is raised as far as the data still fits in the chosen
    ///     version: extra error correction at no cost in size. Off by default so that `level` is
    ///     exactly what was asked for.
    ///   - mask: a fixed mask instead of the lowest-penalty one; nil (the default) is what readers expect
    ///     and fixed masks exist for testing.
    /// - Throws: `QRError.dataTooLong` when the data exceeds version 40 at the (requested) level,
    ///   `QRError.invalidVersion` when `minimumVersion` is outside 1...40.
    public static func encode(
        _ text: String, level: ErrorCorrectionLevel = .medium, minimumVersion: Int = 1, boostLevel: Bool = false,
        mask: QRMask? = nil
    ) throws(QRError) -> QRCode {
        try encode(
            bytes: Array(text.utf8), level: level, minimumVersion: minimumVersion, boostLevel: boostLevel, mask: mask)
    }

    /// Encodes arbitrary bytes; the parameters are as for `encode(_:level:minimumVersion:boostLevel:mask:)`.
    public static func encode(
        bytes: [UInt8], level: ErrorCorrectionLevel = .medium, minimumVersion: Int = 1, boostLevel: Bool = false,
        mask: QRMask? = nil
    ) throws(QRError) -> QRCode {
        guard (1...40).contains(minimumVersion) else { throw .invalidVersion(minimumVersion) }
        let segment = DataSegment(bytes)
        let version = try smallestVersion(for: segment, level: level, from: minimumVersion)
        var chosenLevel = level
        if boostLevel {
            for stronger in ErrorCorrectionLevel.allCases where stronger > level {
                if fits(segment, version: version, level: stronger) { chosenLevel = stronger }
            }
        }
        let structure = BlockStructure(version: version, level: chosenLevel)
        let codewords = structure.interleave(
            dataCodewords(segment, capacity: structure.dataCodewordCount, version: version))

        var matrix = QRMatrix(version: version)
        matrix.placeCodewords(codewords)
        let chosenMask = mask ?? lowestPenaltyMask(for: matrix, level: chosenLevel)
        matrix.applyMask(chosenMask)
        matrix.drawFormatBits(FormatInformation.formatBits(level: chosenLevel, mask: chosenMask))
        return QRCode(version: version, level: chosenLevel, mask: chosenMask, modules: matrix.modules)
    }

    // MARK: Steps

    static func fits(_ segment: DataSegment, version: Int, level: ErrorCorrectionLevel) -> Bool {
        guard let bits = segment.bitLength(version: version) else { return false }
        return bits <= BlockStructure(version: version, level: level).dataCodewordCount * 8
    }

    static func smallestVersion(
        for segment: DataSegment, level: ErrorCorrectionLevel, from minimumVersion: Int
    ) throws(QRError) -> Int {
        for version in minimumVersion...40 where fits(segment, version: version, level: level) {
            return version
        }
        throw .dataTooLong(
            bitsNeeded: 4 + segment.mode.characterCountBits(version: 40) + segment.dataBitCount,
            bitsAvailable: BlockStructure(version: 40, level: level).dataCodewordCount * 8)
    }

    /// The data codewords: segment, terminator (up to four zero bits), zero bits to a byte
    /// boundary, then alternating pad bytes 0xEC, 0x11 up to `capacity` (ISO/IEC 18004 §7.4.9–7.4.10).
    static func dataCodewords(_ segment: DataSegment, capacity: Int, version: Int) -> [UInt8] {
        let capacityBits = capacity * 8
        var buffer = BitBuffer(capacityInBits: capacityBits)
        segment.append(to: &buffer, version: version)
        precondition(buffer.count <= capacityBits, "segment must fit the chosen version")
        buffer.append(0, bits: min(4, capacityBits - buffer.count))
        buffer.append(0, bits: (8 - buffer.count % 8) % 8)
        var bytes = buffer.bytes
        var pad: UInt8 = 0xEC
        while bytes.count < capacity {
            bytes.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return bytes
    }

    /// Tries all eight masks (with their format information drawn, as a reader would see them)
    /// and returns the first with the lowest penalty.
    static func lowestPenaltyMask(for unmasked: QRMatrix, level: ErrorCorrectionLevel) -> QRMask {
        var best = QRMask.pattern0
        var bestScore = Int.max
        for mask in QRMask.allCases {
            var candidate = unmasked
            candidate.applyMask(mask)
            candidate.drawFormatBits(FormatInformation.formatBits(level: level, mask: mask))
            let score = MaskPenalty.score(candidate.modules, size: candidate.size)
            if score < bestScore {
                best = mask
                bestScore = score
            }
        }
        return best
    }
}
