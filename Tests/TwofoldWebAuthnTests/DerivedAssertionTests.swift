import Testing

@testable import TwofoldWebAuthn

/// The none-es256 example's assertion with other authenticator data, re-signed with the example's
/// credential key (Vectors/webauthn-derived.json): the signature is right, so each verdict comes
/// from the counter or the flags.
private func derivedCase(_ name: String) throws -> (data: [UInt8], signature: [UInt8]) {
    let file = try loadVectors("webauthn-derived.json")
    let cases = try #require(file["cases"] as? [[String: String]])
    let found = try #require(cases.first { $0["name"] == name }, "\(name)")
    return (hex(found["authenticatorData"]!), hex(found["signature"]!))
}

private func verify(_ name: String, storedCount: UInt32 = 0, requiresUserVerification: Bool = false) throws -> Result<
    AssertionOutcome, Refusal
> {
    let vector = try Spec.vector("none-es256")
    let (data, signature) = try derivedCase(name)
    let response = Spec.assertionResponse(vector, authenticatorData: data, signature: signature)
    let challenge = Spec.assertionChallenge(vector, requiresUserVerification: requiresUserVerification)
    let credential = try Spec.credential(vector, signCount: storedCount)
    do {
        return .success(try Spec.assert(vector, response: response, challenge: challenge, credential: credential))
    } catch {
        return .failure(Refusal(error.code))
    }
}

private func verified(_ result: Result<AssertionOutcome, Refusal>) -> VerifiedAssertion? {
    if case .success(.verified(let assertion)) = result { return assertion }
    return nil
}

@Test func assertion_advancesTheCounter_andReportsEveryCountNotAboveTheStoredOne() throws {
    #expect(verified(try verify("counter 7", storedCount: 0))?.signCount == 7)
    #expect(verified(try verify("counter 7", storedCount: 6))?.signCount == 7)
    let id = try Spec.credential(try Spec.vector("none-es256")).id
    #expect(
        try verify("counter 7", storedCount: 7) == .success(.counterRegressed(credentialID: id, stored: 7, received: 7))
    )
    #expect(
        try verify("counter 7", storedCount: 8) == .success(.counterRegressed(credentialID: id, stored: 8, received: 7))
    )
    #expect(
        try verify("counter 7", storedCount: .max)
            == .success(.counterRegressed(credentialID: id, stored: .max, received: 7)))
}

@Test func assertion_ignoresExtensionOutputs_butRefusesAnExtensionFlagWithoutThem() throws {
    #expect(verified(try verify("extension data")) != nil)
    #expect(try verify("extension flag without extensions") == .failure(Refusal("webauthn.malformed")))
    #expect(try verify("trailing byte") == .failure(Refusal("webauthn.malformed")))
    #expect(try verify("attested credential flag in an assertion") == .failure(Refusal("webauthn.malformed")))
}

@Test func assertion_checksTheFlags_evenUnderAValidSignature() throws {
    #expect(try verify("user not present") == .failure(Refusal("webauthn.user_not_present")))
    #expect(verified(try verify("user verified"))?.userVerified == true)
    #expect(verified(try verify("user verified", requiresUserVerification: true))?.userVerified == true)
    #expect(try verify("backed up without backup eligibility") == .failure(Refusal("webauthn.backup_flags_invalid")))
    #expect(try verify("backup eligibility cleared") == .failure(Refusal("webauthn.backup_flags_invalid")))
}
