import TwofoldWebAuthn

extension FuzzHarness {
    /// CBOR as a relying party reads it (attestation objects, COSE keys).
    static let webAuthnCBOR = webAuthn(
        "webauthn-cbor",
        "CBOR through the strict (CTAP2) and lenient decoders: canonical input re-encodes to itself, the "
            + "decoders agree, a decoded value's canonical encoding decodes to the same value and is stable "
            + "(WebAuthnFuzz.cbor)",
        WebAuthnFuzz.cbor)

    /// A registration response (clientDataJSON, attestation object) verified against a fixed relying party.
    static let webAuthnRegistration = webAuthn(
        "webauthn-registration",
        "challenge, clientDataJSON and attestation object through WebAuthnVerifier.verifyRegistration: "
            + "deterministic outcome, authenticator data and keys re-encode to their bytes, a registered key "
            + "parses back from its stored form (WebAuthnFuzz.registration)",
        WebAuthnFuzz.registration)

    /// An assertion (clientDataJSON, authenticator data, signature) against a stored credential.
    static let webAuthnAssertion = webAuthn(
        "webauthn-assertion",
        "challenge, COSE key, credential id, clientDataJSON, authenticator data and signature through "
            + "WebAuthnVerifier.verifyAssertion: deterministic outcome, canonical keys and authenticator data "
            + "re-encode to themselves (WebAuthnFuzz.assertion)",
        WebAuthnFuzz.assertion)

    /// A harness around one of the WebAuthn module's own fuzz entry points (`WebAuthnFuzz`), which
    /// take the input's bytes and return the invariants that broke.
    private static func webAuthn(
        _ name: String, _ summary: String, _ entryPoint: @escaping @Sendable ([UInt8]) -> [String]
    ) -> FuzzHarness {
        FuzzHarness(name: name, summary: summary) { input throws(FuzzFailure) in
            let violations = entryPoint(input.rest())
            try check(violations.isEmpty, violations.joined(separator: "; "))
        }
    }
}
