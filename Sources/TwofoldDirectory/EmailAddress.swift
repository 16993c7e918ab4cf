/// Email addresses as login names: trimmed and lower-cased, with a deliberately simple shape
/// check (one `@`, something on each side, a dot in the domain, no spaces or controls, at most
/// 254 bytes). Deliverability is the operator's concern when inviting.
public enum EmailAddress {
    public static func normalize(_ raw: String) -> String? {
        let trimmed = raw.trimmingWhitespace().lowercased()
        let bytes = Array(trimmed.utf8)
        guard (3...254).contains(bytes.count) else { return nil }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 != 0x7f && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else { return nil }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64 else { return nil }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else {
            return nil
        }
        return trimmed
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    public func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
