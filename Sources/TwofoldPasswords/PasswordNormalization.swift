import Foundation

/// Unicode NFKC normalisation of passwords (NIST SP 800-63B 5.1.1.2, RFC 8265's OpaqueString
/// profile uses the same form), so that the same password typed on different keyboards or
/// pasted from different apps (composed "é" or "e" + U+0301, the "ﬁ" ligature or "fi",
/// full-width letters) hashes to the same bytes.
public enum PasswordNormalization {
    public static func normalize(_ string: String) -> String {
        // ASCII is its own NFKC form; skipping Foundation keeps the common case allocation-free.
        if string.utf8.allSatisfy({ $0 < 0x80 }) { return string }
        return string.precomposedStringWithCompatibilityMapping
    }
}
