import Testing
import TwofoldCrypto

@testable import TwofoldWebAuthn

/// A random source that hands out a fixed sequence, so issued challenges are predictable in tests.
private struct CountingRandom: RandomByteSource {
    func bytes(count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) } }
}

@Test func issue_drawsFreshRandomBytes_forFiveMinutesByDefault() throws {
    let challenge = try WebAuthnChallenge.issue(
        for: .registration, userHandle: Spec.user, requiresUserVerification: true, now: 1000)
    #expect(challenge.bytes.count == 32)
    #expect(challenge.expiresAt == 1300)
    #expect(challenge.ceremony == .registration)
    let other = try WebAuthnChallenge.issue(
        for: .registration, userHandle: Spec.user, requiresUserVerification: true, now: 1000)
    #expect(other.bytes != challenge.bytes)
    let fixed = try WebAuthnChallenge.issue(
        for: .assertion, userHandle: nil, requiresUserVerification: false, now: 0, lifetime: 60, length: 16,
        random: CountingRandom())
    #expect(fixed.bytes == CountingRandom().bytes(count: 16))
    #expect(fixed.base64URL == Base64URL.encode(fixed.bytes))
}

@Test func challenge_refusesShortLongOrUnboundOrEndlessForms() {
    #expect(
        errorCode {
            try WebAuthnChallenge.issue(
                for: .assertion, userHandle: nil, requiresUserVerification: false, now: 0, length: 256)
        } == "webauthn.malformed")
    #expect(
        errorCode {
            try WebAuthnChallenge.issue(
                for: .assertion, userHandle: nil, requiresUserVerification: false, now: 0, length: 15)
        } == "webauthn.malformed")
    #expect(
        errorCode {
            try WebAuthnChallenge.issue(for: .registration, userHandle: nil, requiresUserVerification: false, now: 0)
        } == "webauthn.malformed")
    #expect(
        errorCode {
            try WebAuthnChallenge.issue(
                for: .assertion, userHandle: nil, requiresUserVerification: false, now: 0, lifetime: 0)
        } == "webauthn.malformed")
    #expect(
        errorCode {
            try WebAuthnChallenge.issue(for: .assertion, userHandle: nil, requiresUserVerification: false, now: .max)
        } == "webauthn.malformed")
}

@Test func check_acceptsItsCeremonyUntilTheExpiry() throws {
    let challenge = try WebAuthnChallenge.issue(
        for: .assertion, userHandle: nil, requiresUserVerification: false, now: 100)
    #expect(errorCode { try challenge.check(ceremony: .assertion, now: 399) } == nil)
    #expect(errorCode { try challenge.check(ceremony: .assertion, now: 400) } == "webauthn.challenge_expired")
    #expect(errorCode { try challenge.check(ceremony: .registration, now: 100) } == "webauthn.ceremony_mismatch")
}

@Test func encoded_roundTripsEveryField_andRefusesDamagedForms() throws {
    let challenges = [
        try WebAuthnChallenge.issue(for: .registration, userHandle: Spec.user, requiresUserVerification: true, now: -5),
        try WebAuthnChallenge(
            bytes: [UInt8](repeating: 9, count: 255), ceremony: .assertion, userHandle: nil,
            requiresUserVerification: false, expiresAt: .max),
        try WebAuthnChallenge(
            bytes: [UInt8](repeating: 1, count: 16), ceremony: .assertion,
            userHandle: try UserHandle([UInt8](repeating: 2, count: 64)), requiresUserVerification: true,
            expiresAt: .min),
    ]
    for challenge in challenges {
        let encoded = challenge.encoded
        #expect(try WebAuthnChallenge(encoded: encoded) == challenge)
        for cut in 0..<encoded.count {
            #expect(errorCode { try WebAuthnChallenge(encoded: Array(encoded.prefix(cut))) } == "webauthn.malformed")
        }
        #expect(errorCode { try WebAuthnChallenge(encoded: encoded + [0]) } == "webauthn.malformed")
        var version = encoded
        version[0] = 2
        #expect(errorCode { try WebAuthnChallenge(encoded: version) } == "webauthn.malformed")
        var ceremony = encoded
        ceremony[1] = 3
        #expect(errorCode { try WebAuthnChallenge(encoded: ceremony) } == "webauthn.malformed")
        var flags = encoded
        flags[2] = 2
        #expect(errorCode { try WebAuthnChallenge(encoded: flags) } == "webauthn.malformed")
    }
}

@Test func userHandleAndCredentialID_areBoundedInBytes() {
    #expect(errorCode { try UserHandle([]) } == "webauthn.malformed")
    #expect(errorCode { try UserHandle([UInt8](repeating: 0, count: 65)) } == "webauthn.malformed")
    #expect(errorCode { try UserHandle([UInt8](repeating: 0, count: 64)) } == nil)
    #expect(errorCode { try CredentialID([]) } == "webauthn.malformed")
    #expect(errorCode { try CredentialID([UInt8](repeating: 0, count: 1024)) } == "webauthn.malformed")
    #expect(errorCode { try CredentialID([UInt8](repeating: 0, count: 1023)) } == nil)
    #expect((try? CredentialID([0xFB, 0xFF]))?.base64URL == "-_8")
}
