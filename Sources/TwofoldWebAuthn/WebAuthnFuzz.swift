/// Entry points for a libFuzzer harness (`LLVMFuzzerTestOneInput` hands them its bytes) and for the
/// unit tests that replay a committed corpus through them.
///
/// Each one takes any bytes, never traps on them, and returns the invariants that failed (empty when
/// all hold); the harness traps on a non-empty answer so the fuzzer records the input.
///
/// Registration and assertion inputs are length-prefixed fields (`fields(_:)`, `pack(_:)`): each a
/// 2-byte big-endian length and its bytes; a missing field is empty.
public enum WebAuthnFuzz {
    /// Fixed context: the W3C test vectors' relying party and a time before any challenge expires.
    static let relyingParty = try? RelyingParty(id: "example.org", origin: "https://example.org")
    static let now: Int64 = 1_700_000_000
    static let canonicalWithTags = CBORDecoder.Options(
        maxDepth: 64, maxItems: 1 << 16, maxBytes: 1 << 20, canonical: true, allowsTags: true)

    /// CBOR: canonical input is a fixed point of decode then encode; whatever decodes leniently
    /// encodes to canonical bytes that decode strictly to the same value (maps sorted) and encode
    /// back to themselves; a strict decode agrees with the lenient one.
    public static func cbor(_ input: [UInt8]) -> [String] {
        var violations: [String] = []
        let strict = try? CBORDecoder(options: .ctap2).decode(input)
        let lenient = try? CBORDecoder(options: .wellFormed).decode(input)
        if let strict {
            if CBOREncoder.encode(strict) != input { violations.append("canonical input does not re-encode to itself") }
            if lenient != strict { violations.append("the strict and lenient decoders disagree") }
        }
        if let lenient {
            let canonical = CBOREncoder.encode(lenient)
            if let again = try? CBORDecoder(options: canonicalWithTags).decode(canonical) {
                if again != sortedMaps(lenient) { violations.append("decode(encode(value)) is another value") }
                if CBOREncoder.encode(again) != canonical { violations.append("canonical encoding is not stable") }
            } else {
                violations.append("the canonical encoding of a decoded value does not decode")
            }
        }
        return violations
    }

    /// Registration: fields `challenge, clientDataJSON, attestationObject`, verified for a user
    /// against the fixed relying party. The outcome is deterministic, and the authenticator data
    /// and credential key that parse re-encode to their own bytes.
    public static func registration(_ input: [UInt8]) -> [String] {
        let parts = fields(input, count: 3)
        guard let relyingParty, let handle = try? UserHandle([1]),
            let challenge = try? WebAuthnChallenge(
                bytes: parts[0], ceremony: .registration, userHandle: handle, requiresUserVerification: false,
                expiresAt: now + 1)
        else { return [] }
        let verifier = WebAuthnVerifier(relyingParty: relyingParty)
        let response = RegistrationResponse(clientDataJSON: parts[1], attestationObject: parts[2])
        var violations = parsingInvariants(attestationObject: parts[2], policy: verifier.policy)
        let first = Result { () throws(WebAuthnError) in
            try verifier.verifyRegistration(response, challenge: challenge, now: now)
        }
        let second = Result { () throws(WebAuthnError) in
            try verifier.verifyRegistration(response, challenge: challenge, now: now)
        }
        if !sameOutcome(first, second) { violations.append("registration is not deterministic") }
        if case .success(let registered) = first {
            let key = registered.credential.publicKey
            if (try? CredentialPublicKey(coseKey: key.coseKey)) != key {
                violations.append("a registered key does not parse back from its stored form")
            }
        }
        return violations
    }

    /// Assertion: fields `challenge, coseKey, credentialID, clientDataJSON, authenticatorData,
    /// signature`, verified for a passwordless sign-in by a credential with counter 0.
    public static func assertion(_ input: [UInt8]) -> [String] {
        let parts = fields(input, count: 6)
        guard let relyingParty, let handle = try? UserHandle([1]),
            let challenge = try? WebAuthnChallenge(
                bytes: parts[0], ceremony: .assertion, userHandle: nil, requiresUserVerification: false,
                expiresAt: now + 1)
        else { return [] }
        var violations: [String] = []
        guard let key = try? CredentialPublicKey(coseKey: parts[1]) else { return [] }
        if key.coseKey != parts[1] { violations.append("a canonical COSE key does not re-encode to itself") }
        guard let id = try? CredentialID(parts[2]) else { return violations }
        if let data = try? AuthenticatorData(parts[4]), data.encoded() != parts[4] {
            violations.append("authenticator data does not re-encode to itself")
        }
        let verifier = WebAuthnVerifier(relyingParty: relyingParty)
        let credential = StoredCredential(
            id: id, publicKey: key, signCount: 0, userHandle: handle,
            backupEligible: parts[4].count > 32 && parts[4][32] & AuthenticatorData.Flags.backupEligible.rawValue != 0)
        let response = AssertionResponse(
            credentialID: parts[2], clientDataJSON: parts[3], authenticatorData: parts[4], signature: parts[5],
            userHandle: handle.bytes)
        let first = Result { () throws(WebAuthnError) in
            try verifier.verifyAssertion(response, challenge: challenge, credential: credential, now: now)
        }
        let second = Result { () throws(WebAuthnError) in
            try verifier.verifyAssertion(response, challenge: challenge, credential: credential, now: now)
        }
        if !sameOutcome(first, second) { violations.append("assertion is not deterministic") }
        return violations
    }

    /// Splits `input` into `count` length-prefixed fields.
    public static func fields(_ input: [UInt8], count: Int) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var index = 0
        while out.count < count {
            guard input.count - index >= 2 else {
                out.append([])
                continue
            }
            let length = Int(input[index]) << 8 | Int(input[index + 1])
            index += 2
            let end = index + min(length, input.count - index)
            out.append(Array(input[index..<end]))
            index = end
        }
        return out
    }

    /// The inverse of `fields(_:count:)` for fields shorter than 64 KiB (longer ones are cut).
    public static func pack(_ parts: [[UInt8]]) -> [UInt8] {
        parts.flatMap { part -> [UInt8] in
            let field = part.prefix(0xFFFF)
            return [UInt8(field.count >> 8), UInt8(field.count & 0xFF)] + field
        }
    }

    // MARK: Helpers

    private static func parsingInvariants(attestationObject: [UInt8], policy: WebAuthnPolicy) -> [String] {
        guard let object = try? CBORDecoder(options: policy.cbor).decode(attestationObject),
            let authData = object[.text("authData")]?.bytesValue,
            let data = try? AuthenticatorData(authData, cbor: policy.cbor)
        else { return [] }
        var violations: [String] = []
        if data.encoded() != authData { violations.append("authenticator data does not re-encode to itself") }
        if let key = data.attestedCredential?.publicKey, (try? CredentialPublicKey(coseKey: key.coseKey)) != key {
            violations.append("an attested key does not parse back from its canonical form")
        }
        return violations
    }

    private static func sameOutcome<T: Equatable>(_ a: Result<T, WebAuthnError>, _ b: Result<T, WebAuthnError>) -> Bool
    {
        switch (a, b) {
        case (.success(let x), .success(let y)): x == y
        case (.failure(let x), .failure(let y)): x.code == y.code && x.message == y.message
        default: false
        }
    }

    /// `value` with every map's entries in canonical order, as the encoder writes them.
    static func sortedMaps(_ value: CBORValue) -> CBORValue {
        switch value {
        case .array(let items): return .array(items.map(sortedMaps))
        case .tagged(let tag, let content): return .tagged(tag, sortedMaps(content))
        case .map(let entries):
            let sorted = entries.map { CBORMapEntry(sortedMaps($0.key), sortedMaps($0.value)) }
            return .map(sorted.sorted { CBOREncoder.precedes(CBOREncoder.encode($0.key), CBOREncoder.encode($1.key)) })
        default: return value
        }
    }
}
