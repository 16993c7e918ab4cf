@testable import TwofoldWebAuthn

/// One example of the W3C WebAuthn Level 3 "Test Vectors" section (Vectors/webauthn-l3.json).
struct SpecVector: CustomStringConvertible {
    let id: String
    let registration: [String: [UInt8]]
    let authentication: [String: [UInt8]]

    var description: String { id }

    /// The authenticator data inside the registration's attestation object.
    var registrationAuthData: [UInt8] {
        let object = try! CBORDecoder(options: .ctap2).decode(registration["attestationObject"]!)
        return object[.text("authData")]!.bytesValue!
    }
}

/// The fixed context the examples were made for, and helpers that turn them into requests.
enum Spec {
    static let relyingParty = try! RelyingParty(id: "example.org", origin: "https://example.org")
    static let verifier = WebAuthnVerifier(relyingParty: relyingParty)
    static let user = try! UserHandle(Array("user-1".utf8))
    static let otherUser = try! UserHandle(Array("user-2".utf8))
    static let now: Int64 = 1_700_000_000

    static func vectors() throws -> [SpecVector] {
        let file = try loadVectors("webauthn-l3.json")
        let vectors = file["vectors"] as! [[String: Any]]
        func hexFields(_ object: Any?) -> [String: [UInt8]] {
            (object as? [String: String] ?? [:]).mapValues { hex($0) }
        }
        return vectors.compactMap { vector in
            guard vector["registration"] != nil else { return nil }
            return SpecVector(
                id: vector["id"] as! String, registration: hexFields(vector["registration"]),
                authentication: hexFields(vector["authentication"]))
        }
    }

    static func vector(_ id: String) throws -> SpecVector {
        try vectors().first { $0.id == id }!
    }

    static func registrationChallenge(
        _ vector: SpecVector, requiresUserVerification: Bool = false, bytes: [UInt8]? = nil
    ) -> WebAuthnChallenge {
        try! WebAuthnChallenge(
            bytes: bytes ?? vector.registration["challenge"]!, ceremony: .registration, userHandle: user,
            requiresUserVerification: requiresUserVerification, expiresAt: now + 300)
    }

    static func registrationResponse(_ vector: SpecVector, attestationObject: [UInt8]? = nil) -> RegistrationResponse {
        RegistrationResponse(
            clientDataJSON: vector.registration["clientDataJSON"]!,
            attestationObject: attestationObject ?? vector.registration["attestationObject"]!)
    }

    static func register(
        _ vector: SpecVector, verifier: WebAuthnVerifier = verifier, requiresUserVerification: Bool = false
    ) throws(WebAuthnError) -> RegisteredCredential {
        try verifier.verifyRegistration(
            registrationResponse(vector),
            challenge: registrationChallenge(vector, requiresUserVerification: requiresUserVerification), now: now)
    }

    /// The example's credential read straight from its attestation object, skipping the
    /// registration checks (for examples whose registration is refused, such as cross-origin ones).
    static func credential(_ vector: SpecVector, signCount: UInt32 = 0) throws(WebAuthnError) -> StoredCredential {
        let data = try AuthenticatorData(vector.registrationAuthData)
        let attested = data.attestedCredential!
        return StoredCredential(
            id: attested.credentialID, publicKey: attested.publicKey, signCount: signCount, userHandle: user,
            backupEligible: data.flags.contains(.backupEligible))
    }

    static func assertionChallenge(
        _ vector: SpecVector, requiresUserVerification: Bool = false, user: UserHandle? = Spec.user,
        bytes: [UInt8]? = nil
    ) -> WebAuthnChallenge {
        try! WebAuthnChallenge(
            bytes: bytes ?? vector.authentication["challenge"]!, ceremony: .assertion, userHandle: user,
            requiresUserVerification: requiresUserVerification, expiresAt: now + 300)
    }

    static func assertionResponse(
        _ vector: SpecVector, authenticatorData: [UInt8]? = nil, signature: [UInt8]? = nil, userHandle: [UInt8]? = nil
    ) -> AssertionResponse {
        AssertionResponse(
            credentialID: vector.registration["credential_id"]!,
            clientDataJSON: vector.authentication["clientDataJSON"]!,
            authenticatorData: authenticatorData ?? vector.authentication["authenticatorData"]!,
            signature: signature ?? vector.authentication["signature"]!, userHandle: userHandle)
    }

    static func assert(
        _ vector: SpecVector, response: AssertionResponse? = nil, challenge: WebAuthnChallenge? = nil,
        credential: StoredCredential? = nil, verifier: WebAuthnVerifier = verifier, now: Int64 = now
    ) throws(WebAuthnError) -> AssertionOutcome {
        let stored: StoredCredential
        if let credential { stored = credential } else { stored = try Spec.credential(vector) }
        return try verifier.verifyAssertion(
            response ?? assertionResponse(vector), challenge: challenge ?? assertionChallenge(vector),
            credential: stored, now: now)
    }

    /// The attestation object with its map changed by `change` and encoded again (canonically).
    static func attestationObject(_ vector: SpecVector, _ change: (inout [CBORMapEntry]) -> Void) -> [UInt8] {
        var entries = try! CBORDecoder(options: .ctap2).decode(vector.registration["attestationObject"]!).mapEntries!
        change(&entries)
        return CBOREncoder.encode(.map(entries))
    }

    /// `entries` with the value for text key `key` replaced.
    static func replace(_ key: String, with value: CBORValue, in entries: inout [CBORMapEntry]) {
        let index = entries.firstIndex { $0.key == .text(key) }!
        entries[index].value = value
    }
}
