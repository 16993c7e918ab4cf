/// The data of a symbol as one segment in the most compact of the numeric, alphanumeric and byte
/// modes that can represent it (ISO/IEC 18004 §7.4.3–7.4.5).
///
/// A single segment is used: mixed-mode segmentation would save a few bits on inputs such as
/// otpauth URIs, but those contain lowercase letters and end up in byte mode anyway. Byte mode
/// carries UTF-8 without an ECI header, which is what the authenticator apps' readers assume.
struct DataSegment: Sendable {
    enum Mode: Int, Sendable {
        case numeric = 0b0001
        case alphanumeric = 0b0010
        case byte = 0b0100

        /// Width of the character count indicator (ISO/IEC 18004 Table 3).
        func characterCountBits(version: Int) -> Int {
            let range = version <= 9 ? 0 : (version <= 26 ? 1 : 2)
            switch self {
            case .numeric: return [10, 12, 14][range]
            case .alphanumeric: return [9, 11, 13][range]
            case .byte: return [8, 16, 16][range]
            }
        }
    }

    let mode: Mode
    let bytes: [UInt8]

    /// Chooses the mode with the shortest encoding: numeric if every byte is a digit, alphanumeric
    /// if every byte is in the 45-character set, byte otherwise.
    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            mode = .numeric
        } else if bytes.allSatisfy({ Self.alphanumericValue($0) != nil }) {
            mode = .alphanumeric
        } else {
            mode = .byte
        }
    }

    /// Bits for mode indicator, character count and data in the given version, or nil when the
    /// character count does not fit the version's count indicator.
    func bitLength(version: Int) -> Int? {
        let countBits = mode.characterCountBits(version: version)
        guard bytes.count < 1 << countBits else { return nil }
        return 4 + countBits + dataBitCount
    }

    /// Bits of the encoded characters alone, without mode indicator and count.
    var dataBitCount: Int {
        let n = bytes.count
        switch mode {
        case .numeric: return n / 3 * 10 + [0, 4, 7][n % 3]
        case .alphanumeric: return n / 2 * 11 + n % 2 * 6
        case .byte: return n * 8
        }
    }

    /// Appends mode indicator, character count and the encoded data.
    func append(to buffer: inout BitBuffer, version: Int) {
        buffer.append(mode.rawValue, bits: 4)
        buffer.append(bytes.count, bits: mode.characterCountBits(version: version))
        switch mode {
        case .numeric:
            var i = 0
            while i < bytes.count {
                let group = min(3, bytes.count - i)
                var value = 0
                for k in 0..<group { value = value * 10 + Int(bytes[i + k] - 0x30) }
                buffer.append(value, bits: [0, 4, 7, 10][group])
                i += group
            }
        case .alphanumeric:
            var i = 0
            while i + 1 < bytes.count {
                buffer.append(alphanumericValue(at: i) * 45 + alphanumericValue(at: i + 1), bits: 11)
                i += 2
            }
            if i < bytes.count { buffer.append(alphanumericValue(at: i), bits: 6) }
        case .byte:
            for byte in bytes { buffer.append(Int(byte), bits: 8) }
        }
    }

    /// The alphanumeric value of `bytes[index]`; `init` chose this mode only if every byte has one.
    private func alphanumericValue(at index: Int) -> Int {
        guard let value = Self.alphanumericValue(bytes[index]) else {
            preconditionFailure("alphanumeric mode chosen for a byte outside the set")
        }
        return value
    }

    /// The value of a byte in the alphanumeric set "0–9 A–Z space $ % * + - . / :", or nil.
    static func alphanumericValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte - 0x30)
        case 0x41...0x5A: return Int(byte - 0x41) + 10
        case 0x20: return 36
        case 0x24: return 37
        case 0x25: return 38
        case 0x2A: return 39
        case 0x2B: return 40
        case 0x2D: return 41
        case 0x2E: return 42
        case 0x2F: return 43
        case 0x3A: return 44
        default: return nil
        }
    }
}
