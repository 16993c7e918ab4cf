/// The authenticator data (WebAuthn §6.1): what the authenticator signs besides the client data.
///
/// Parsing consumes every byte: the RP ID hash, flags, signature counter, the attested credential
/// data exactly when AT is set and an extensions map exactly when ED is set, and nothing after.
public struct AuthenticatorData: Sendable, Equatable {
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// UP: the user touched or otherwise acknowledged the authenticator.
        public static let userPresent = Flags(rawValue: 0x01)
        /// UV: the authenticator verified the user (PIN, biometric).
        public static let userVerified = Flags(rawValue: 0x04)
        /// BE: the credential may be synced to other devices (fixed for its lifetime).
        public static let backupEligible = Flags(rawValue: 0x08)
        /// BS: the credential is currently backed up (synced).
        public static let backedUp = Flags(rawValue: 0x10)
        /// AT: attested credential data follows the counter.
        public static let attestedCredentialData = Flags(rawValue: 0x40)
        /// ED: an extensions map ends the data.
        public static let extensionData = Flags(rawValue: 0x80)
    }

    /// The credential a registration creates (WebAuthn §6.5.1).
    public struct AttestedCredential: Sendable, Equatable {
        /// The authenticator model's AAGUID; all zeros when attestation is `none`.
        public let aaguid: [UInt8]
        public let credentialID: CredentialID
        public let publicKey: CredentialPublicKey
    }

    /// The minimum length: RP ID hash, flags and counter.
    public static let fixedLength = 37

    /// The exact bytes parsed (the signature covers these, not a re-encoding).
    public let bytes: [UInt8]
    public let rpIDHash: [UInt8]
    public let flags: Flags
    public let signCount: UInt32
    public let attestedCredential: AttestedCredential?
    /// The authenticator extension outputs, a CBOR map; present exactly when ED is set.
    public let extensions: CBORValue?

    public init(_ bytes: [UInt8], cbor options: CBORDecoder.Options = .ctap2) throws(WebAuthnError) {
        guard bytes.count >= Self.fixedLength else {
            throw .malformed("authenticator data of \(bytes.count) bytes is shorter than \(Self.fixedLength)")
        }
        self.bytes = bytes
        rpIDHash = Array(bytes[0..<32])
        flags = Flags(rawValue: bytes[32])
        signCount = bytes[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        var offset = Self.fixedLength
        let decoder = CBORDecoder(options: options)
        if flags.contains(.attestedCredentialData) {
            guard bytes.count - offset >= 18 else { throw .malformed("attested credential data is truncated") }
            let aaguid = Array(bytes[offset..<(offset + 16)])
            let idLength = Int(bytes[offset + 16]) << 8 | Int(bytes[offset + 17])
            offset += 18
            guard idLength <= bytes.count - offset else { throw .malformed("the credential ID runs past the data") }
            let credentialID = try CredentialID(Array(bytes[offset..<(offset + idLength)]))
            offset += idLength
            let (coseKey, end) = try decoder.decodePrefix(bytes, from: offset)
            offset = end
            attestedCredential = AttestedCredential(
                aaguid: aaguid, credentialID: credentialID, publicKey: try CredentialPublicKey(cose: coseKey))
        } else {
            attestedCredential = nil
        }
        if flags.contains(.extensionData) {
            let (value, end) = try decoder.decodePrefix(bytes, from: offset)
            guard value.mapEntries != nil else { throw .malformed("authenticator extensions are not a CBOR map") }
            extensions = value
            offset = end
        } else {
            extensions = nil
        }
        guard offset == bytes.count else {
            throw .malformed("\(bytes.count - offset) bytes after the authenticator data's last field")
        }
    }

    /// The data rebuilt from its fields: equal to `bytes` whenever they were canonical CBOR (the
    /// fuzz entry points check this).
    public func encoded() -> [UInt8] {
        var out = rpIDHash
        out.append(flags.rawValue)
        out += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: signCount >> $0) }
        if let credential = attestedCredential {
            let id = credential.credentialID.bytes
            out += credential.aaguid
            out += [UInt8(id.count >> 8), UInt8(id.count & 0xFF)]
            out += id
            out += credential.publicKey.coseKey
        }
        if let extensions { out += CBOREncoder.encode(extensions) }
        return out
    }
}
