/// Strict percent-decoding (RFC 3986 §2.1) shared by form, query and path decoding.
enum PercentEncoding {
    /// Decodes `%XX` escapes (and `+` as space when `plusAsSpace`), then requires valid UTF-8.
    /// A `%` not followed by two hex digits is an error rather than being kept literally, so
    /// two parsers can never disagree about what a value means.
    static func decode<C: Collection<UInt8>>(_ bytes: C, plusAsSpace: Bool) throws(HTTPError) -> String {
        if !bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) {
            return try validUTF8(bytes)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            bytes.formIndex(after: &index)
            switch byte {
            case UInt8(ascii: "%"):
                guard index != bytes.endIndex, let high = ASCII.hexValue(bytes[index]) else {
                    throw .invalidPercentEncoding()
                }
                bytes.formIndex(after: &index)
                guard index != bytes.endIndex, let low = ASCII.hexValue(bytes[index]) else {
                    throw .invalidPercentEncoding()
                }
                bytes.formIndex(after: &index)
                decoded.append(high << 4 | low)
            case UInt8(ascii: "+") where plusAsSpace:
                decoded.append(ASCII.space)
            default:
                decoded.append(byte)
            }
        }
        return try validUTF8(decoded)
    }

    private static func validUTF8<C: Collection<UInt8>>(_ bytes: C) throws(HTTPError) -> String {
        guard let string = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8() }
        return string
    }
}
