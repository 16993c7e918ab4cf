/// Byte classes from RFC 9110/9112/3986 and case-insensitive comparison, shared by the
/// parser, the header list and the cookie code. Tables are 256-entry lookups so every check is
/// one load, not a chain of comparisons.
enum ASCII {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    /// `tchar` (RFC 9110 §5.6.2): the characters of methods and header field names.
    static let tokenTable: [Bool] = (0..<256).map { byte in
        let b = UInt8(byte)
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    /// Bytes allowed in a field value: VCHAR, obs-text, SP and HTAB (RFC 9110 §5.5).
    static let fieldValueTable: [Bool] = (0..<256).map { byte in
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }

    /// Bytes allowed in a request-target: VCHAR except `#` (fragments are never sent).
    static let targetTable: [Bool] = (0..<256).map { byte in
        byte > 0x20 && byte < 0x7F && byte != 0x23
    }

    /// Bytes allowed in a Host value: RFC 3986 reg-name / IP-literal characters plus `:` for the port.
    static let hostTable: [Bool] = (0..<256).map { byte in
        let b = UInt8(byte)
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return "-._~!$&'()*+,;=%:[]".utf8.contains(b)
        }
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
        !bytes.isEmpty && bytes.allSatisfy { tokenTable[Int($0)] }
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
