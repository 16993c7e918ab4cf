/// Writes CBOR in the CTAP2 canonical form: shortest heads, definite lengths, map entries sorted
/// by their encoded keys (major type, then length, then bytes), floats in their shortest exact width.
///
/// A value read by `CBORDecoder` with `Options.ctap2` encodes back to exactly the bytes it was read
/// from; the fuzz entry points check that. Used to store COSE keys in one form whatever their source.
public enum CBOREncoder {
    public static func encode(_ value: CBORValue) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    private static func append(_ value: CBORValue, to out: inout [UInt8]) {
        switch value {
        case .unsigned(let number): appendHead(0, number, to: &out)
        case .negative(let number): appendHead(1, number, to: &out)
        case .bytes(let bytes):
            appendHead(2, UInt64(bytes.count), to: &out)
            out += bytes
        case .text(let text):
            appendHead(3, UInt64(text.utf8.count), to: &out)
            out += text.utf8
        case .array(let items):
            appendHead(4, UInt64(items.count), to: &out)
            for item in items { append(item, to: &out) }
        case .map(let entries):
            appendHead(5, UInt64(entries.count), to: &out)
            let encoded = entries.map { (key: encode($0.key), value: encode($0.value)) }
            for entry in encoded.sorted(by: { precedes($0.key, $1.key) }) {
                out += entry.key
                out += entry.value
            }
        case .tagged(let tag, let content):
            appendHead(6, tag, to: &out)
            append(content, to: &out)
        case .bool(let flag): out.append(flag ? 0xF5 : 0xF4)
        case .null: out.append(0xF6)
        case .undefined: out.append(0xF7)
        case .simple(let number):
            if number < 24 {
                out.append(0xE0 | number)
            } else {
                out += [0xF8, number]
            }
        case .float(let number): appendFloat(number, to: &out)
        }
    }

    private static func appendHead(_ majorType: UInt8, _ argument: UInt64, to out: inout [UInt8]) {
        let type = majorType << 5
        switch argument {
        case 0..<24: out.append(type | UInt8(argument))
        case 24...0xFF: out += [type | 24, UInt8(argument)]
        case 0x100...0xFFFF: out.append(type | 25); appendBigEndian(argument, width: 2, to: &out)
        case 0x1_0000...0xFFFF_FFFF: out.append(type | 26); appendBigEndian(argument, width: 4, to: &out)
        default: out.append(type | 27); appendBigEndian(argument, width: 8, to: &out)
        }
    }

    private static func appendFloat(_ number: Double, to out: inout [UInt8]) {
        if let half = CBORFloat.halfBits(exactly: number) {
            out.append(0xF9)
            appendBigEndian(UInt64(half), width: 2, to: &out)
        } else if CBORFloat.fitsSingle(number) {
            out.append(0xFA)
            appendBigEndian(UInt64(Float(number).bitPattern), width: 4, to: &out)
        } else {
            out.append(0xFB)
            appendBigEndian(number.bitPattern, width: 8, to: &out)
        }
    }

    private static func appendBigEndian(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// CTAP2's key order (the decoder enforces the same one).
    static func precedes(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard let firstA = a.first, let firstB = b.first else { return a.count < b.count }
        if firstA >> 5 != firstB >> 5 { return firstA >> 5 < firstB >> 5 }
        if a.count != b.count { return a.count < b.count }
        return a.lexicographicallyPrecedes(b)
    }
}
