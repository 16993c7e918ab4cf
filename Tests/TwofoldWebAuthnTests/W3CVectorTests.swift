import Testing
import TwofoldCrypto

@testable import TwofoldWebAuthn

/// Twofold's verdict on each W3C example's registration: accepted with this attestation, or
/// refused with this code. Certificate-based statements are accepted untrusted (see `Attestation`);
/// ES384, ES512 and Ed448 keys are not supported; cross-origin ceremonies are refused.
private let registrationVerdicts: [String: Result<Attestation, Refusal>] = [
    "none-es256": .success(.none),
    "packed-self-es256": .success(.selfAttestation),
    "none-es256-crossOrigin": .failure(Refusal("webauthn.cross_origin")),
    "none-es256-topOrigin": .failure(Refusal("webauthn.cross_origin")),
    "none-es256-long-credential-id": .success(.none),
    "packed-es256": .success(.untrusted(format: "packed")),
    "packed-es384": .failure(Refusal("webauthn.unsupported_algorithm")),
    "packed-es512": .failure(Refusal("webauthn.unsupported_algorithm")),
    "packed-rs256": .success(.untrusted(format: "packed")),
    "packed-eddsa": .success(.untrusted(format: "packed")),
    "packed-ed448": .failure(Refusal("webauthn.unsupported_algorithm")),
    "tpm-es256": .success(.untrusted(format: "tpm")),
    "android-key-es256": .success(.untrusted(format: "android-key")),
    "apple-es256": .success(.untrusted(format: "apple")),
    "fido-u2f-es256": .success(.untrusted(format: "fido-u2f")),
]

struct Refusal: Error, Equatable {
    let code: String
    init(_ code: String) { self.code = code }
}

private func outcome<T>(_ body: () throws -> T) -> Result<T, Refusal> {
    do {
        return .success(try body())
    } catch let error as WebAuthnError {
        return .failure(Refusal(error.code))
    } catch {
        return .failure(Refusal("not a WebAuthnError: \(error)"))
    }
}

private func accepted(_ vector: SpecVector) -> Bool {
    (try? registrationVerdicts[vector.id]?.get()) != nil
}

@Test func registration_replaysEveryW3CExample_withTwofoldsVerdict() throws {
    let vectors = try Spec.vectors()
    #expect(vectors.map(\.id).sorted() == registrationVerdicts.keys.sorted())
    for vector in vectors {
        let result = outcome { try Spec.register(vector) }
        #expect(result.map(\.attestation) == registrationVerdicts[vector.id], "\(vector)")
        guard case .success(let registered) = result else { continue }
        let credential = registered.credential
        #expect(credential.id.bytes == vector.registration["credential_id"], "\(vector)")
        #expect(credential.userHandle == Spec.user)
        #expect(registered.aaguid == vector.registration["aaguid"] ?? [UInt8](repeating: 0, count: 16), "\(vector)")
        let flags = vector.registrationAuthData[32]
        #expect(credential.backupEligible == (flags & 0x08 != 0), "\(vector)")
        #expect(registered.backedUp == (flags & 0x10 != 0), "\(vector)")
        #expect(registered.userVerified == (flags & 0x04 != 0), "\(vector)")
        // The stored form is the canonical COSE key exactly as the authenticator sent it.
        #expect(
            vector.registrationAuthData.suffix(credential.publicKey.coseKey.count) == credential.publicKey.coseKey[...])
        #expect(try CredentialPublicKey(coseKey: credential.publicKey.coseKey) == credential.publicKey)
    }
}

@Test func registration_withUserVerificationRequired_acceptsExactlyTheExamplesWithUV() throws {
    for vector in try Spec.vectors() where accepted(vector) {
        let verified = vector.registrationAuthData[32] & 0x04 != 0
        let result = outcome { try Spec.register(vector, requiresUserVerification: true) }
        #expect(
            result.map(\.attestation)
                == (verified ? registrationVerdicts[vector.id]! : .failure(Refusal("webauthn.user_not_verified"))),
            "\(vector)")
    }
}

@Test func registration_whenPolicyRefusesUntrustedAttestation_acceptsOnlyNoneAndSelfAttestation() throws {
    let strict = WebAuthnVerifier(
        relyingParty: Spec.relyingParty, policy: WebAuthnPolicy(acceptsUntrustedAttestation: false))
    for vector in try Spec.vectors() where accepted(vector) {
        let result = outcome { try Spec.register(vector, verifier: strict) }
        switch registrationVerdicts[vector.id]! {
        case .success(.untrusted):
            #expect(result.map(\.attestation) == .failure(Refusal("webauthn.attestation_refused")))
        case let expected: #expect(result.map(\.attestation) == expected, "\(vector)")
        }
    }
}

@Test func assertion_replaysEveryW3CExample_againstTheCredentialItRegistered() throws {
    for vector in try Spec.vectors() {
        let expected: Result<AssertionOutcome, Refusal>
        switch registrationVerdicts[vector.id]! {
        case .success:
            let credential = try Spec.register(vector).credential
            let flags = vector.authentication["authenticatorData"]![32]
            expected = .success(
                .verified(
                    VerifiedAssertion(
                        credentialID: credential.id, userHandle: Spec.user, signCount: 0,
                        userVerified: flags & 0x04 != 0, backedUp: flags & 0x10 != 0)))
            #expect(outcome { try Spec.assert(vector, credential: credential) } == expected, "\(vector)")
            // The key parsed back from its stored form verifies the same assertion.
            var stored = credential
            stored.publicKey = try CredentialPublicKey(coseKey: credential.publicKey.coseKey)
            #expect(outcome { try Spec.assert(vector, credential: stored) } == expected, "\(vector)")
        case .failure(let refusal):
            let result = outcome { try Spec.assert(vector) }
            #expect(result == .failure(refusal), "\(vector)")
        }
    }
}

@Test func assertion_withUserVerificationRequired_acceptsExactlyTheExamplesWithUV() throws {
    for vector in try Spec.vectors() where accepted(vector) {
        let verified = vector.authentication["authenticatorData"]![32] & 0x04 != 0
        let result = outcome {
            try Spec.assert(vector, challenge: Spec.assertionChallenge(vector, requiresUserVerification: true))
        }
        if verified {
            #expect(throws: Never.self, "\(vector)") { try result.get() }
        } else {
            #expect(result == .failure(Refusal("webauthn.user_not_verified")), "\(vector)")
        }
    }
}

// MARK: Negative variants of every accepted example

@Test func bothCeremonies_refuseEveryAcceptedExample_forAnotherOriginRPIDOrChallenge() throws {
    let otherOrigin = WebAuthnVerifier(
        relyingParty: try RelyingParty(id: "example.org", origin: "https://login.example.org"))
    let parentRPID = WebAuthnVerifier(relyingParty: try RelyingParty(id: "org", origin: "https://example.org"))
    for vector in try Spec.vectors() where accepted(vector) {
        #expect(
            errorCode { try Spec.register(vector, verifier: otherOrigin) } == "webauthn.origin_mismatch", "\(vector)")
        #expect(errorCode { try Spec.assert(vector, verifier: otherOrigin) } == "webauthn.origin_mismatch", "\(vector)")
        #expect(errorCode { try Spec.register(vector, verifier: parentRPID) } == "webauthn.rp_id_mismatch", "\(vector)")
        #expect(errorCode { try Spec.assert(vector, verifier: parentRPID) } == "webauthn.rp_id_mismatch", "\(vector)")

        var wrong = vector.registration["challenge"]!
        wrong[0] ^= 0x01
        let registration = Spec.registrationChallenge(vector, bytes: wrong)
        #expect(
            errorCode {
                try Spec.verifier.verifyRegistration(
                    Spec.registrationResponse(vector), challenge: registration, now: Spec.now)
            } == "webauthn.challenge_mismatch", "\(vector)")
        wrong = vector.authentication["challenge"]!
        wrong[wrong.count - 1] ^= 0x80
        #expect(
            errorCode { try Spec.assert(vector, challenge: Spec.assertionChallenge(vector, bytes: wrong)) }
                == "webauthn.challenge_mismatch", "\(vector)")
        // Each ceremony's challenge works for that ceremony only, and only until it expires.
        #expect(
            errorCode { try Spec.assert(vector, challenge: Spec.registrationChallenge(vector)) }
                == "webauthn.ceremony_mismatch", "\(vector)")
        #expect(errorCode { try Spec.assert(vector, now: Spec.now + 300) } == "webauthn.challenge_expired", "\(vector)")
        #expect(errorCode { try Spec.assert(vector, now: Spec.now + 299) } == nil, "\(vector)")
    }
}

@Test func assertion_refusesEveryAcceptedExample_withAFlippedSignatureByte() throws {
    for vector in try Spec.vectors() where accepted(vector) {
        let signature = vector.authentication["signature"]!
        for position in [0, signature.count / 2, signature.count - 1] {
            var flipped = signature
            flipped[position] ^= 0x01
            #expect(
                errorCode { try Spec.assert(vector, response: Spec.assertionResponse(vector, signature: flipped)) }
                    == "webauthn.signature_invalid", "\(vector) byte \(position)")
        }
        #expect(
            errorCode { try Spec.assert(vector, response: Spec.assertionResponse(vector, signature: [])) }
                == "webauthn.signature_invalid", "\(vector) empty")
        // Authenticator data that differs in one bit no longer matches the signature.
        var data = vector.authentication["authenticatorData"]!
        data[0] ^= 0x01
        #expect(
            errorCode { try Spec.assert(vector, response: Spec.assertionResponse(vector, authenticatorData: data)) }
                == "webauthn.rp_id_mismatch", "\(vector)")
    }
}

@Test func assertion_reportsARegressedCounter_afterTheSignatureVerifies() throws {
    for vector in try Spec.vectors() where accepted(vector) {
        let credential = try Spec.credential(vector, signCount: 5)
        let outcome = try Spec.assert(vector, credential: credential)
        #expect(outcome == .counterRegressed(credentialID: credential.id, stored: 5, received: 0), "\(vector)")
        // A forged assertion is a bad signature, never a counter report.
        var signature = vector.authentication["signature"]!
        signature[signature.count - 1] ^= 0x01
        #expect(
            errorCode {
                try Spec.assert(
                    vector, response: Spec.assertionResponse(vector, signature: signature), credential: credential)
            } == "webauthn.signature_invalid", "\(vector)")
    }
    #expect(WebAuthnError.counterRegressed(stored: 5, received: 0).code == "webauthn.counter_regressed")
}

@Test func bothCeremonies_refuseEveryAcceptedExample_withoutUserPresence() throws {
    for vector in try Spec.vectors() where accepted(vector) {
        var data = vector.authentication["authenticatorData"]!
        data[32] &= ~0x01
        #expect(
            errorCode { try Spec.assert(vector, response: Spec.assertionResponse(vector, authenticatorData: data)) }
                == "webauthn.user_not_present", "\(vector)")
        var authData = vector.registrationAuthData
        authData[32] &= ~0x01
        let object = Spec.attestationObject(vector) { Spec.replace("authData", with: .bytes(authData), in: &$0) }
        #expect(
            errorCode {
                try Spec.verifier.verifyRegistration(
                    Spec.registrationResponse(vector, attestationObject: object),
                    challenge: Spec.registrationChallenge(vector),
                    now: Spec.now)
            } == "webauthn.user_not_present", "\(vector)")
    }
}

@Test func registration_refusesTruncatedOverlongAndNonCanonicalAttestationObjects() throws {
    for vector in try Spec.vectors() where accepted(vector) {
        let object = vector.registration["attestationObject"]!
        func verdict(_ bytes: [UInt8]) -> String? {
            errorCode {
                try Spec.verifier.verifyRegistration(
                    Spec.registrationResponse(vector, attestationObject: bytes),
                    challenge: Spec.registrationChallenge(vector),
                    now: Spec.now)
            }
        }
        #expect(verdict(Array(object.dropLast())) == "webauthn.malformed", "\(vector) truncated")
        #expect(verdict(Array(object.prefix(1))) == "webauthn.malformed", "\(vector) one byte")
        #expect(verdict([]) == "webauthn.malformed", "\(vector) empty")
        #expect(verdict(object + [0x00]) == "webauthn.malformed", "\(vector) a byte too many")
        // The same attestation object with authData's length written in a longer head than needed.
        let authData = vector.registrationAuthData
        let overlong = [0x5A] + withUnsafeBytes(of: UInt32(authData.count).bigEndian, Array.init) + authData
        let canonicalHead = CBOREncoder.encode(.bytes(authData))
        var patched = Array(object.prefix(object.count - canonicalHead.count))
        #expect(Array(object.suffix(canonicalHead.count)) == canonicalHead, "\(vector) authData is last")
        patched += overlong
        #expect(verdict(patched) == "webauthn.cbor_not_canonical", "\(vector) overlong head")
        // Keys out of canonical order.
        var entries = try CBORDecoder().decode(object).mapEntries!
        entries.reverse()
        var reordered: [UInt8] = [0xA3]
        for entry in entries { reordered += CBOREncoder.encode(entry.key) + CBOREncoder.encode(entry.value) }
        #expect(verdict(reordered) == "webauthn.cbor_not_canonical", "\(vector) reordered")
        // Authenticator data with a byte too many or too few.
        for changed in [authData + [0], Array(authData.dropLast())] {
            let bytes = Spec.attestationObject(vector) { Spec.replace("authData", with: .bytes(changed), in: &$0) }
            #expect(verdict(bytes) == "webauthn.malformed", "\(vector) authData of \(changed.count) bytes")
        }
    }
}

@Test func assertion_refusesTruncatedOrExtendedAuthenticatorData() throws {
    let vector = try Spec.vector("none-es256")
    let data = vector.authentication["authenticatorData"]!
    for changed in [Array(data.dropLast()), data + [0xA0], [], Array(data.prefix(32))] {
        #expect(
            errorCode { try Spec.assert(vector, response: Spec.assertionResponse(vector, authenticatorData: changed)) }
                == "webauthn.malformed", "\(changed.count) bytes")
    }
}

@Test func assertion_bindsTheCredentialToItsUser() throws {
    let vector = try Spec.vector("packed-self-es256")
    let credential = try Spec.credential(vector)
    var otherID = vector.registration["credential_id"]!
    otherID[0] ^= 1
    var response = Spec.assertionResponse(vector)
    response.credentialID = otherID
    #expect(errorCode { try Spec.assert(vector, response: response) } == "webauthn.credential_mismatch")
    // Bound to another user.
    let forOther = Spec.assertionChallenge(vector, user: Spec.otherUser)
    #expect(errorCode { try Spec.assert(vector, challenge: forOther) } == "webauthn.user_handle_mismatch")
    // Passwordless: the response must name the credential's owner.
    let passwordless = Spec.assertionChallenge(vector, user: nil)
    #expect(errorCode { try Spec.assert(vector, challenge: passwordless) } == "webauthn.user_handle_mismatch")
    let named = Spec.assertionResponse(vector, userHandle: Spec.user.bytes)
    #expect(errorCode { try Spec.assert(vector, response: named, challenge: passwordless) } == nil)
    let misnamed = Spec.assertionResponse(vector, userHandle: Spec.otherUser.bytes)
    #expect(
        errorCode { try Spec.assert(vector, response: misnamed, challenge: passwordless) }
            == "webauthn.user_handle_mismatch")
    #expect(errorCode { try Spec.assert(vector, response: misnamed) } == "webauthn.user_handle_mismatch")
    #expect(errorCode { try Spec.assert(vector, response: named, credential: credential) } == nil)
}

@Test func registration_refusesBadAttestationStatements() throws {
    let selfAttested = try Spec.vector("packed-self-es256")
    let none = try Spec.vector("none-es256")
    let packed = try Spec.vector("packed-es256")
    func verdict(_ vector: SpecVector, _ change: (inout [CBORMapEntry]) -> Void) -> String? {
        let object = Spec.attestationObject(vector, change)
        return errorCode {
            try Spec.verifier.verifyRegistration(
                Spec.registrationResponse(vector, attestationObject: object),
                challenge: Spec.registrationChallenge(vector),
                now: Spec.now)
        }
    }
    let statement = try CBORDecoder().decode(selfAttested.registration["attestationObject"]!)[.text("attStmt")]!
    var signature = statement[.text("sig")]!.bytesValue!
    signature[signature.count - 1] ^= 1
    let cases: [(String, SpecVector, (inout [CBORMapEntry]) -> Void, String)] = [
        (
            "self attestation with RS256's alg", selfAttested,
            {
                Spec.replace(
                    "attStmt",
                    with: .map([
                        CBORMapEntry(.text("alg"), .integer(-257)),
                        CBORMapEntry(.text("sig"), statement[.text("sig")]!),
                    ]), in: &$0)
            }, "webauthn.attestation_invalid"
        ),
        (
            "self attestation with a flipped signature byte", selfAttested,
            {
                Spec.replace(
                    "attStmt",
                    with: .map([
                        CBORMapEntry(.text("alg"), .integer(-7)), CBORMapEntry(.text("sig"), .bytes(signature)),
                    ]), in: &$0)
            }, "webauthn.attestation_invalid"
        ),
        (
            "self attestation without sig", selfAttested,
            {
                Spec.replace("attStmt", with: .map([CBORMapEntry(.text("alg"), .integer(-7))]), in: &$0)
            }, "webauthn.attestation_invalid"
        ),
        (
            "self attestation with an extra member", selfAttested,
            {
                Spec.replace(
                    "attStmt", with: .map(statement.mapEntries! + [CBORMapEntry(.text("ver"), .text("2.0"))]), in: &$0)
            }, "webauthn.attestation_invalid"
        ),
        (
            "none with a statement", none,
            {
                Spec.replace("attStmt", with: statement, in: &$0)
            }, "webauthn.attestation_invalid"
        ),
        (
            "an unknown format", none, { Spec.replace("fmt", with: .text("nonsense"), in: &$0) },
            "webauthn.attestation_refused"
        ),
        (
            "format names are case-sensitive", none, { Spec.replace("fmt", with: .text("None"), in: &$0) },
            "webauthn.attestation_refused"
        ),
        ("a fourth member", none, { $0.append(CBORMapEntry(.text("x"), .null)) }, "webauthn.malformed"),
        (
            "fmt as bytes", none, { Spec.replace("fmt", with: .bytes(Array("none".utf8)), in: &$0) },
            "webauthn.malformed"
        ),
        ("attStmt as an array", packed, { Spec.replace("attStmt", with: .array([]), in: &$0) }, "webauthn.malformed"),
        ("authData as text", none, { Spec.replace("authData", with: .text("x"), in: &$0) }, "webauthn.malformed"),
    ]
    for (name, vector, change, code) in cases {
        #expect(verdict(vector, change) == code, "\(name)")
    }
}

@Test func registration_refusesAuthenticatorDataWithoutACredential() throws {
    let vector = try Spec.vector("none-es256")
    var authData = Array(vector.registrationAuthData.prefix(37))
    authData[32] &= ~0x40
    let object = Spec.attestationObject(vector) { Spec.replace("authData", with: .bytes(authData), in: &$0) }
    #expect(
        errorCode {
            try Spec.verifier.verifyRegistration(
                Spec.registrationResponse(vector, attestationObject: object),
                challenge: Spec.registrationChallenge(vector),
                now: Spec.now)
        } == "webauthn.malformed")
}

@Test func clientData_withADuplicateOrMissingMember_isMalformed_andTheWrongTypeIsATypeMismatch() throws {
    let vector = try Spec.vector("none-es256")
    let json = String(decoding: vector.authentication["clientDataJSON"]!, as: UTF8.self)
    let challenge = Base64URL.encode(vector.authentication["challenge"]!)
    let variants: [(String, String)] = [
        (json.replacingOccurrences(of: "{", with: "{\"challenge\":\"\(challenge)\","), "webauthn.malformed"),
        (json.replacingOccurrences(of: "\"type\":\"webauthn.get\",", with: ""), "webauthn.malformed"),
        (json.replacingOccurrences(of: "webauthn.get", with: "webauthn.create"), "webauthn.type_mismatch"),
        (
            json.replacingOccurrences(of: "\"crossOrigin\":false", with: "\"crossOrigin\":\"false\""),
            "webauthn.malformed"
        ),
        (json.replacingOccurrences(of: "\"crossOrigin\":false", with: "\"crossOrigin\":true"), "webauthn.cross_origin"),
        (
            json.replacingOccurrences(of: "https://example.org", with: "https://example.org/"),
            "webauthn.origin_mismatch"
        ),
        (json.replacingOccurrences(of: "https://example.org", with: "HTTPS://EXAMPLE.ORG"), "webauthn.origin_mismatch"),
        (json.replacingOccurrences(of: challenge, with: challenge + "="), "webauthn.challenge_mismatch"),
        (
            json.replacingOccurrences(of: challenge, with: Base64URL.encode(vector.authentication["challenge"]! + [0])),
            "webauthn.challenge_mismatch"
        ),
        (json + " x", "webauthn.malformed"),
        ("[" + json + "]", "webauthn.malformed"),
    ]
    for (variant, code) in variants {
        #expect(variant != json)
        let response = AssertionResponse(
            credentialID: vector.registration["credential_id"]!, clientDataJSON: Array(variant.utf8),
            authenticatorData: vector.authentication["authenticatorData"]!,
            signature: vector.authentication["signature"]!,
            userHandle: nil)
        #expect(errorCode { try Spec.assert(vector, response: response) } == code, "\(variant)")
    }
}
