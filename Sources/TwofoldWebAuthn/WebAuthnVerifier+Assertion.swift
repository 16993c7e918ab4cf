import TwofoldCrypto

/// What the browser returns from `navigator.credentials.get()` that the relying party verifies.
public struct AssertionResponse: Sendable, Equatable {
    /// The credential that signed (`rawId`).
    public var credentialID: [UInt8]
    public var clientDataJSON: [UInt8]
    public var authenticatorData: [UInt8]
    public var signature: [UInt8]
    /// The account the credential belongs to; always present for discoverable credentials.
    public var userHandle: [UInt8]?

    public init(
        credentialID: [UInt8], clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8],
        userHandle: [UInt8]?
    ) {
        self.credentialID = credentialID
        self.clientDataJSON = clientDataJSON
        self.authenticatorData = authenticatorData
        self.signature = signature
        self.userHandle = userHandle
    }
}

/// A verified assertion: what to store back and what the caller may record.
public struct VerifiedAssertion: Sendable, Equatable {
    public let credentialID: CredentialID
    public let userHandle: UserHandle
    /// The counter to store (unchanged when the authenticator keeps none).
    public let signCount: UInt32
    public let userVerified: Bool
    public let backedUp: Bool
}

/// The result of an assertion whose every check passed except possibly the counter's.
///
/// A regressed counter comes with a genuine signature, so it is not a forgery but a sign that the
/// credential's key may have been cloned (WebAuthn §7.2 step 22): the caller refuses the sign-in
/// (with `WebAuthnError.counterRegressed`), audits it, and keeps the stored counter.
public enum AssertionOutcome: Sendable, Equatable {
    case verified(VerifiedAssertion)
    case counterRegressed(credentialID: CredentialID, stored: UInt32, received: UInt32)
}

extension WebAuthnVerifier {
    /// Verifies an assertion by `credential` against the challenge issued for it (WebAuthn §7.2).
    ///
    /// A challenge bound to a user accepts only that user's credential (sign-in after a password);
    /// an unbound one (passwordless) needs the response's user handle, which must be the
    /// credential's owner. The caller found `credential` by the response's credential ID.
    public func verifyAssertion(
        _ response: AssertionResponse, challenge: WebAuthnChallenge, credential: StoredCredential, now: Int64
    ) throws(WebAuthnError) -> AssertionOutcome {
        try challenge.check(ceremony: .assertion, now: now)
        guard response.credentialID == credential.id.bytes else { throw .credentialMismatch() }
        if let expected = challenge.userHandle, expected != credential.userHandle {
            throw .userHandleMismatch("the credential belongs to another user than the challenge's")
        }
        if let handle = response.userHandle {
            guard handle == credential.userHandle.bytes else {
                throw .userHandleMismatch("the response's user handle is not the credential's owner")
            }
        } else if challenge.userHandle == nil {
            throw .userHandleMismatch("a passwordless sign-in needs the response's user handle")
        }
        guard response.authenticatorData.count <= policy.maxAuthenticatorDataBytes else {
            throw .limitExceeded("authenticator data longer than \(policy.maxAuthenticatorDataBytes) bytes")
        }
        guard response.signature.count <= policy.maxSignatureBytes else {
            throw .limitExceeded("signature longer than \(policy.maxSignatureBytes) bytes")
        }

        let clientData = try CollectedClientData(json: response.clientDataJSON, maxBytes: policy.maxClientDataJSONBytes)
        try clientData.check(
            type: WebAuthnChallenge.Ceremony.assertion.clientDataType, challenge: challenge.bytes,
            origin: relyingParty.origin)
        let data = try AuthenticatorData(response.authenticatorData, cbor: policy.cbor)
        guard data.attestedCredential == nil else {
            throw .malformed("an assertion's authenticator data carries a new credential")
        }
        try checkFlags(data, requiresUserVerification: challenge.requiresUserVerification)
        guard data.flags.contains(.backupEligible) == credential.backupEligible else {
            throw .backupFlagsInvalid("BE differs from the value recorded at registration")
        }

        let signedData = response.authenticatorData + SHA256.hash(response.clientDataJSON)
        guard try credential.publicKey.isValidSignature(response.signature, for: signedData) else {
            throw .signatureInvalid()
        }

        var signCount = credential.signCount
        if data.signCount != 0 || credential.signCount != 0 {
            guard data.signCount > credential.signCount else {
                return .counterRegressed(
                    credentialID: credential.id, stored: credential.signCount, received: data.signCount)
            }
            signCount = data.signCount
        }
        return .verified(
            VerifiedAssertion(
                credentialID: credential.id, userHandle: credential.userHandle, signCount: signCount,
                userVerified: data.flags.contains(.userVerified), backedUp: data.flags.contains(.backedUp)))
    }
}
