/// Email addresses as login names: trimmed and lower-cased, with a deliberately simple shape
/// check (one `@`, something on each side, a dot in the domain, no spaces), the `UserText` rule
/// (no control or bidirectional characters), and the vault's rule for the account name shown in
/// authenticator apps (at most 200 bytes, no `:`, which separates the issuer in the otpauth
/// label), so every invited address can finish sign-up. Deliverability is the operator's concern
/// when inviting.
public enum EmailAddress {
    /// The longest address, in UTF-8 bytes: the vault's limit for an authenticator label.
    public static let maximumBytes = 200

    public static func normalize(_ raw: String) -> String? {
        // Bounded before any other work: trimming and lower-casing walk the whole text.
        guard raw.utf8.count <= 4 * maximumBytes else { return nil }
        let trimmed = raw.trimmingWhitespace().lowercased()
        guard UserText.problem(trimmed, maximumBytes: maximumBytes) == nil else { return nil }
        let bytes = Array(trimmed.utf8)
        guard bytes.count >= 3 else { return nil }
        guard
            bytes.allSatisfy({
                $0 > 0x20 && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: ":")
            })
        else { return nil }
        // Any Unicode whitespace, not only ASCII spaces (U+00A0, U+3000…).
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.isWhitespace }) else { return nil }
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
