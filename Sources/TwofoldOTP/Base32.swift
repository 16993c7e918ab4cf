/// RFC 4648 Base32 (the `A–Z2–7` alphabet authenticator apps use). Encoding omits padding, as the
/// Key Uri Format asks; decoding ignores case, spaces, hyphens and padding, so secrets typed by hand
/// from a setup page decode.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int((buffer >> UInt32(bits)) & 0x1F)])
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1F)]) }
        return String(decoding: output, as: UTF8.self)
    }

    public static func decode(_ text: String) throws(OTPError) -> [UInt8] {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        var symbols = 0
        var sawPadding = false
        for (position, byte) in text.utf8.enumerated() {
            let value: UInt8
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "\t"): continue
            case UInt8(ascii: "="):
                sawPadding = true
                continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a")
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = byte - UInt8(ascii: "2") + 26
            default:
                throw .invalidBase32("character at position \(position + 1) is not in the Base32 alphabet")
            }
            guard !sawPadding else { throw .invalidBase32("data after padding") }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            symbols += 1
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        // Valid unpadded lengths leave 0, 2, 4, 5 or 7 symbols in the last group of 8.
        guard [0, 2, 4, 5, 7].contains(symbols % 8) else {
            throw .invalidBase32("\(symbols) symbols is not a whole number of bytes")
        }
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else {
            throw .invalidBase32("the last symbol has non-zero trailing bits")
        }
        return output
    }
}
