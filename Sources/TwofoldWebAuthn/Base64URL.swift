import TwofoldCrypto

/// Base64url without padding (RFC 4648 §5, WebAuthn §3 "Base64url Encoding"): `TwofoldCrypto`'s
/// `Base64` with the URL-safe alphabet, strict on decoding.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String { Base64.encode(bytes, alphabet: .url) }

    /// The URL-safe alphabet only, no padding, no whitespace, and unused trailing bits zero, so
    /// each byte string has exactly one accepted text form.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? { Base64.decode(text, alphabet: .url) }
}
