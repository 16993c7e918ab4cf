import TwofoldWebAuthn

extension FuzzHarness {
    /// CBOR as a relying party reads it (attestation objects, COSE keys).
    static let webAuthnCBOR = FuzzHarness(
        name: "webauthn-cbor",
        summary: "CBOR through the strict (CTAP2) and lenient decoders: canonical input re-encodes to itself, the "
            + "decoders agree, a decoded value's canonical encoding decodes to the same value and is stable "
            + "(WebAuthnFuzz.cbor)"
    ) { input throws(FuzzFailure) in
        try WebAuthnHarness.run(WebAuthnFuzz.cbor(input.rest()))
    }

    /// A registration response (clientDataJSON, attestation object) verified against a fixed relying party.
    static let webAuthnRegistration = FuzzHarness(
        name: "webauthn-registration",
        summary: "challenge, clientDataJSON and attestation object through WebAuthnVerifier.verifyRegistration: "
            + "deterministic outcome, authenticator data and keys re-encode to their bytes, a registered key "
            + "parses back from its stored form (WebAuthnFuzz.registration)"
    ) { input throws(FuzzFailure) in
        try WebAuthnHarness.run(WebAuthnFuzz.registration(input.rest()))
    }

    /// An assertion (clientDataJSON, authenticator data, signature) against a stored credential.
    static let webAuthnAssertion = FuzzHarness(
        name: "webauthn-assertion",
        summary: "challenge, COSE key, credential id, clientDataJSON, authenticator data and signature through "
            + "WebAuthnVerifier.verifyAssertion: deterministic outcome, canonical keys and authenticator data "
            + "re-encode to themselves (WebAuthnFuzz.assertion)"
    ) { input throws(FuzzFailure) in
        try WebAuthnHarness.run(WebAuthnFuzz.assertion(input.rest()))
    }
}

/// The WebAuthn module's own fuzz entry points (`WebAuthnFuzz`) return the invariants that broke.
enum WebAuthnHarness {
    static func run(_ violations: [String]) throws(FuzzFailure) {
        try check(violations.isEmpty, violations.joined(separator: "; "))
    }
}
