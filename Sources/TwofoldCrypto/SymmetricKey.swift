/// A 256-bit key for AES-256-GCM.
public struct SymmetricKey: Sendable, Equatable, CustomStringConvertible {
    let secret: SecretBytes

    public init(_ secret: SecretBytes) throws(CryptoError) {
        guard secret.count == 32 else { throw .invalidLength("an AES-256 key is 32 bytes, got \(secret.count)") }
        self.secret = secret
    }

    public init(bytes: [UInt8]) throws(CryptoError) { try self.init(SecretBytes(bytes)) }

    /// A fresh key from the CSPRNG.
    public static func random() -> SymmetricKey { try! SymmetricKey(SecretBytes.random(count: 32)) }

    public var description: String { "SymmetricKey(256 bits)" }
}
