/// Verifies registration and assertion responses for one relying party (WebAuthn §7.1, §7.2).
///
/// Pure: no I/O and no clock of its own. The caller (the vault) looks up and removes the challenge,
/// passes the time, stores what a successful registration returns and the counter an assertion
/// advances to.
public struct WebAuthnVerifier: Sendable {
    public let relyingParty: RelyingParty
    public let policy: WebAuthnPolicy

    public init(relyingParty: RelyingParty, policy: WebAuthnPolicy = WebAuthnPolicy()) {
        self.relyingParty = relyingParty
        self.policy = policy
    }

    /// The flag checks common to both ceremonies (§7.1 steps 14–16, §7.2 steps 16–18).
    func checkFlags(_ data: AuthenticatorData, requiresUserVerification: Bool) throws(WebAuthnError) {
        guard data.rpIDHash == relyingParty.idHash else { throw .rpIDMismatch() }
        guard data.flags.contains(.userPresent) else { throw .userNotPresent() }
        if requiresUserVerification, !data.flags.contains(.userVerified) { throw .userNotVerified() }
        if data.flags.contains(.backedUp), !data.flags.contains(.backupEligible) {
            throw .backupFlagsInvalid("BS is set without BE")
        }
    }
}

/// The bounds and choices a relying party makes. Every input is measured in bytes against these
/// before any parsing.
public struct WebAuthnPolicy: Sendable, Equatable {
    /// Whether a certificate-based attestation (packed with `x5c`, tpm, android-key, apple,
    /// fido-u2f, …) registers the credential anyway, as `Attestation.untrusted`; when `false` it is
    /// refused with `webauthn.attestation_refused`. See `Attestation` for why none is verified.
    public var acceptsUntrustedAttestation: Bool
    /// The CBOR rules for attestation objects, COSE keys and extensions.
    public var cbor: CBORDecoder.Options
    public var maxClientDataJSONBytes: Int
    /// An assertion's authenticator data: 37 bytes plus extensions.
    public var maxAuthenticatorDataBytes: Int
    /// The largest RS256 signature (8192-bit modulus) is 1024 bytes.
    public var maxSignatureBytes: Int

    public init(
        acceptsUntrustedAttestation: Bool = true, cbor: CBORDecoder.Options = .ctap2,
        maxClientDataJSONBytes: Int = 8192,
        maxAuthenticatorDataBytes: Int = 4096, maxSignatureBytes: Int = 1024
    ) {
        self.acceptsUntrustedAttestation = acceptsUntrustedAttestation
        self.cbor = cbor
        self.maxClientDataJSONBytes = maxClientDataJSONBytes
        self.maxAuthenticatorDataBytes = maxAuthenticatorDataBytes
        self.maxSignatureBytes = maxSignatureBytes
    }
}
