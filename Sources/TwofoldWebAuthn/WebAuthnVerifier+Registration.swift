import TwofoldCrypto

/// What the browser returns from `navigator.credentials.create()` that the relying party verifies.
public struct RegistrationResponse: Sendable, Equatable {
    public var clientDataJSON: [UInt8]
    public var attestationObject: [UInt8]

    public init(clientDataJSON: [UInt8], attestationObject: [UInt8]) {
        self.clientDataJSON = clientDataJSON
        self.attestationObject = attestationObject
    }
}

/// What a registration tells about the authenticator's provenance.
///
/// Twofold asks for `attestation: "none"` and makes no decision on an authenticator's make or
/// model, so it verifies no attestation certificate: that would need trust anchors (the FIDO
/// Metadata Service) which the vault, having no network, cannot fetch and keep fresh, and an X.509
/// parser inside the process that holds every seed, more attack surface for a decision it never
/// takes. Self attestation is verified because it is cheap and certificate-free: it proves the
/// authenticator holds the new credential's private key. A statement carrying certificates is not
/// checked at all and the credential is registered as if attestation were `none` (WebAuthn §7.1
/// step 24 allows this by policy), reported as `untrusted` for the audit log; with
/// `WebAuthnPolicy.acceptsUntrustedAttestation` off it is refused instead. Accepting it weakens
/// nothing: a `none` statement proves even less, and in both cases the registration's binding to
/// the session rests on the vault's challenge in the client data.
public enum Attestation: Sendable, Equatable {
    /// Format `none`: the browser or authenticator gave no attestation.
    case none
    /// Format `packed` without a certificate, its signature verified with the credential's own key.
    case selfAttestation
    /// A certificate-based statement of this format, neither verified nor trusted.
    case untrusted(format: String)
}

/// A credential as the relying party keeps it between ceremonies.
public struct StoredCredential: Sendable, Equatable {
    public var id: CredentialID
    public var publicKey: CredentialPublicKey
    /// The last signature counter accepted (0 for authenticators without one).
    public var signCount: UInt32
    public var userHandle: UserHandle
    /// BE at registration; it never changes for a credential (WebAuthn §6.1.3).
    public var backupEligible: Bool

    public init(
        id: CredentialID, publicKey: CredentialPublicKey, signCount: UInt32, userHandle: UserHandle,
        backupEligible: Bool
    ) {
        self.id = id
        self.publicKey = publicKey
        self.signCount = signCount
        self.userHandle = userHandle
        self.backupEligible = backupEligible
    }
}

/// A verified registration: the credential to store and what the audit log may record.
public struct RegisteredCredential: Sendable, Equatable {
    public let credential: StoredCredential
    public let attestation: Attestation
    public let aaguid: [UInt8]
    public let userVerified: Bool
    public let backedUp: Bool
}

extension WebAuthnVerifier {
    /// The attestation statement formats of the IANA registry (WebAuthn §8); any other `fmt` is refused.
    static let registeredFormats: Set<String> = [
        "packed", "tpm", "android-key", "android-safetynet", "fido-u2f", "apple", "none", "compound",
    ]

    /// Verifies a registration response against the challenge issued for it (WebAuthn §7.1).
    ///
    /// The challenge binds the user: the new credential belongs to its user handle. The caller
    /// must still refuse a credential ID already registered (to anyone).
    public func verifyRegistration(_ response: RegistrationResponse, challenge: WebAuthnChallenge, now: Int64)
        throws(WebAuthnError) -> RegisteredCredential
    {
        try challenge.check(ceremony: .registration, now: now)
        guard let userHandle = challenge.userHandle else {
            throw .ceremonyMismatch("a registration challenge without a user")
        }
        guard response.attestationObject.count <= policy.cbor.maxBytes else {
            throw .limitExceeded("attestation object longer than \(policy.cbor.maxBytes) bytes")
        }
        let clientData = try CollectedClientData(json: response.clientDataJSON, maxBytes: policy.maxClientDataJSONBytes)
        try clientData.check(
            type: WebAuthnChallenge.Ceremony.registration.clientDataType, challenge: challenge.bytes,
            origin: relyingParty.origin)
        let clientDataHash = SHA256.hash(response.clientDataJSON)

        let (format, statement, authenticatorData) = try parseAttestationObject(response.attestationObject)
        try checkFlags(authenticatorData, requiresUserVerification: challenge.requiresUserVerification)
        guard let credential = authenticatorData.attestedCredential else {
            throw .malformed("a registration's authenticator data has no attested credential")
        }
        let attestation = try verifyStatement(
            format: format, statement: statement, credential: credential.publicKey,
            signedData: authenticatorData.bytes + clientDataHash)
        return RegisteredCredential(
            credential: StoredCredential(
                id: credential.credentialID, publicKey: credential.publicKey, signCount: authenticatorData.signCount,
                userHandle: userHandle, backupEligible: authenticatorData.flags.contains(.backupEligible)),
            attestation: attestation, aaguid: credential.aaguid,
            userVerified: authenticatorData.flags.contains(.userVerified),
            backedUp: authenticatorData.flags.contains(.backedUp))
    }

    /// `{"fmt": text, "attStmt": map, "authData": bytes}` and nothing else (WebAuthn §6.5.4).
    func parseAttestationObject(_ bytes: [UInt8]) throws(WebAuthnError) -> (String, [CBORMapEntry], AuthenticatorData) {
        let object = try CBORDecoder(options: policy.cbor).decode(bytes)
        guard let entries = object.mapEntries, entries.count == 3,
            let format = object[.text("fmt")]?.textValue,
            let statement = object[.text("attStmt")]?.mapEntries,
            let authData = object[.text("authData")]?.bytesValue
        else { throw .malformed("an attestation object is a map of fmt, attStmt and authData") }
        guard Self.registeredFormats.contains(format) else {
            throw .attestationRefused("unknown attestation statement format")
        }
        return (format, statement, try AuthenticatorData(authData, cbor: policy.cbor))
    }

    func verifyStatement(
        format: String, statement: [CBORMapEntry], credential: CredentialPublicKey, signedData: [UInt8]
    ) throws(WebAuthnError) -> Attestation {
        let statementMap = CBORValue.map(statement)
        switch format {
        case "none":
            guard statement.isEmpty else { throw .attestationInvalid("a none attestation statement is not empty") }
            return .none
        case "packed" where statementMap[.text("x5c")] == nil:
            // WebAuthn §8.2, self attestation: {alg, sig} only.
            guard statement.count == 2, let alg = statementMap[.text("alg")]?.integerValue,
                let signature = statementMap[.text("sig")]?.bytesValue
            else { throw .attestationInvalid("a packed self attestation is {alg, sig}") }
            guard alg == credential.algorithm.rawValue else {
                throw .attestationInvalid("the self attestation's alg is not the credential's")
            }
            guard signature.count <= policy.maxSignatureBytes,
                try credential.isValidSignature(signature, for: signedData)
            else { throw .attestationInvalid("the self attestation signature does not verify") }
            return .selfAttestation
        default:
            guard policy.acceptsUntrustedAttestation else {
                throw .attestationRefused("\(format) attestation is not accepted by policy")
            }
            return .untrusted(format: format)
        }
    }
}
