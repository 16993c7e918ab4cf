/// Byte classes from RFC 9110/9112/3986 and case-insensitive comparison, shared by the
/// parser, the header list and the cookie code.
enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    // Byte classes are bitmaps in code, not lookup arrays: a global table would cost a lazy
    // initialisation check (`swift_once`) on every byte of every request.

    /// `tchar` (RFC 9110 §5.6.2): the characters of methods and header field names.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        inBitmap(byte, low: 0x03FF_6CFA_0000_0000, high: 0x57FF_FFFF_C7FF_FFFE)
    }

    /// Bytes allowed in a field value: VCHAR, obs-text, SP and HTAB (RFC 9110 §5.5).
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= space && byte != 0x7F)
    }

    /// Bytes allowed in a request-target: VCHAR except `#` (fragments are never sent).
    @inline(__always)
    static func isTargetByte(_ byte: UInt8) -> Bool {
        byte > space && byte < 0x7F && byte != 0x23
    }

    /// Bytes allowed in a Host value: RFC 3986 reg-name / IP-literal characters plus `:` for the port.
    @inline(__always)
    static func isHostByte(_ byte: UInt8) -> Bool {
        inBitmap(byte, low: 0x2FFF_7FF2_0000_0000, high: 0x47FF_FFFE_AFFF_FFFE)
    }

    /// Whether bit `byte` is set in the 128-bit map `high:low`; bytes >= 0x80 never are.
    @inline(__always)
    private static func inBitmap(_ byte: UInt8, low: UInt64, high: UInt64) -> Bool {
        if byte < 64 { return (low >> UInt64(byte)) & 1 != 0 }
        if byte < 128 { return (high >> UInt64(byte &- 64)) & 1 != 0 }
        return false
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    /// Whether `bytes` equals `lowercaseLiteral` ignoring ASCII case; the literal must be lowercase.
    @inline(__always)
    static func equalsIgnoringCase<C: Collection<UInt8>>(_ bytes: C, _ lowercaseLiteral: StaticString) -> Bool {
        guard bytes.count == lowercaseLiteral.utf8CodeUnitCount else { return false }
        return lowercaseLiteral.withUTF8Buffer { literal in
            var index = 0
            for byte in bytes {
                if lowercased(byte) != literal[index] { return false }
                index += 1
            }
            return true
        }
    }

    /// ASCII case-insensitive equality of two strings (header names, hosts, cookie prefixes).
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count
            && zip(lhs.utf8, rhs.utf8).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// Whether `string` starts with `prefix`, ignoring ASCII case.
    static func hasPrefixIgnoringCase(_ string: String, _ prefix: String) -> Bool {
        string.utf8.count >= prefix.utf8.count
            && zip(string.utf8, prefix.utf8).allSatisfy { lowercased($0) == lowercased($1) }
    }

    static func isToken<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isTokenByte)
    }

    /// Value of a hex digit, or `nil`.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
