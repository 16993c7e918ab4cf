import Foundation
import Testing
import TwofoldTestSupport

@testable import TwofoldWebAuthn

/// The committed seed corpus (Corpus/<kind>/*, written by Vectors/make-fuzz-corpus.py).
private func corpus(_ kind: String) throws -> [(name: String, bytes: [UInt8])] {
    let folder = testDirectory.appendingPathComponent("Corpus/\(kind)")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    return try names.map { ($0, Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
}

private let entryPoints: [(kind: String, run: @Sendable ([UInt8]) -> [String])] = [
    ("cbor", WebAuthnFuzz.cbor), ("registration", WebAuthnFuzz.registration), ("assertion", WebAuthnFuzz.assertion),
]

/// Bytes that matter to CBOR heads and WebAuthn flags, favoured by the mutator.
private let interesting: [UInt8] = [
    0x00, 0x01, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1F, 0x5F, 0x7F, 0x9F, 0xBF, 0xF9, 0xFF, 0x40, 0x80,
]

private func mutate(_ input: [UInt8], using random: inout SplitMix64) -> [UInt8] {
    var bytes = input.isEmpty ? [0] : input
    for _ in 0..<Int.random(in: 1...4, using: &random) {
        let position = Int.random(in: 0..<bytes.count, using: &random)
        let byte =
            Bool.random(using: &random)
            ? interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0: bytes[position] = byte
        case 1: bytes.insert(byte, at: position)
        case 2: if bytes.count > 1 { bytes.remove(at: position) }
        default: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        }
    }
    return bytes
}

@Test func fuzzEntryPoints_holdEveryInvariant_overTheCommittedCorpus() throws {
    for (kind, run) in entryPoints {
        let inputs = try corpus(kind)
        #expect(inputs.count >= 15, "\(kind)")
        for (name, bytes) in inputs {
            #expect(run(bytes) == [], "\(kind)/\(name)")
        }
    }
}

@Test func fuzzCorpus_reachesSuccessfulVerification_soMutationsExerciseTheDeepPaths() throws {
    let relyingParty = try #require(WebAuthnFuzz.relyingParty)
    let verifier = WebAuthnVerifier(relyingParty: relyingParty)
    let registration = try #require(try corpus("registration").first { $0.name == "packed-rs256" })
    let parts = WebAuthnFuzz.fields(registration.bytes, count: 3)
    let challenge = try WebAuthnChallenge(
        bytes: parts[0], ceremony: .registration, userHandle: Spec.user, requiresUserVerification: false,
        expiresAt: WebAuthnFuzz.now + 1)
    let registered = try verifier.verifyRegistration(
        RegistrationResponse(clientDataJSON: parts[1], attestationObject: parts[2]), challenge: challenge,
        now: WebAuthnFuzz.now)
    #expect(registered.credential.publicKey.algorithm == .rs256)

    let assertion = try #require(try corpus("assertion").first { $0.name == "packed-eddsa" })
    let fields = WebAuthnFuzz.fields(assertion.bytes, count: 6)
    #expect(WebAuthnFuzz.pack(fields) == assertion.bytes)
    let key = try CredentialPublicKey(coseKey: fields[1])
    #expect(key.algorithm == .eddsa)
    let credential = StoredCredential(
        id: try CredentialID(fields[2]), publicKey: key, signCount: 0, userHandle: Spec.user,
        backupEligible: fields[4][32] & 0x08 != 0)
    let outcome = try verifier.verifyAssertion(
        AssertionResponse(
            credentialID: fields[2], clientDataJSON: fields[3], authenticatorData: fields[4], signature: fields[5],
            userHandle: Spec.user.bytes),
        challenge: try WebAuthnChallenge(
            bytes: fields[0], ceremony: .assertion, userHandle: nil, requiresUserVerification: false,
            expiresAt: WebAuthnFuzz.now + 1),
        credential: credential, now: WebAuthnFuzz.now)
    guard case .verified = outcome else {
        Issue.record("the corpus assertion does not verify: \(outcome)")
        return
    }
}

@Test(arguments: 0..<6)
func fuzzEntryPoints_holdEveryInvariant_overMutatedCorpusInputs(seed: Int) throws {
    var random = SplitMix64(seed: UInt64(seed) &* 0x1000_0001)
    for (kind, run) in entryPoints {
        let inputs = try corpus(kind).map(\.bytes)
        for _ in 0..<150 {
            let input = mutate(inputs.randomElement(using: &random)!, using: &random)
            #expect(run(input) == [], "\(kind) seed \(seed): \(hex(input))")
        }
    }
}

@Test func fields_splitAnyBytes_withoutTrapping() {
    #expect(WebAuthnFuzz.fields([], count: 2) == [[], []])
    #expect(WebAuthnFuzz.fields([0x00], count: 1) == [[]])
    #expect(WebAuthnFuzz.fields([0xFF, 0xFF, 1, 2], count: 2) == [[1, 2], []])
    #expect(WebAuthnFuzz.fields([0x00, 0x01, 7, 0x00, 0x00], count: 3) == [[7], [], []])
    #expect(WebAuthnFuzz.pack([[1], [], [2, 3]]) == [0, 1, 1, 0, 0, 0, 2, 2, 3])
}

/// Random CBOR values (no duplicate keys, no tags under the strict rules) survive encode → decode.
@Test(arguments: 0..<4)
func randomValues_encodeCanonically_andDecodeBackToThemselves(seed: Int) throws {
    var random = SplitMix64(seed: UInt64(seed) &+ 0xC0B0)
    for _ in 0..<300 {
        let allowsTags = Bool.random(using: &random)
        let value = randomValue(depth: 0, tags: allowsTags, using: &random)
        let bytes = CBOREncoder.encode(value)
        let options = allowsTags ? WebAuthnFuzz.canonicalWithTags : .ctap2
        let decoded = try CBORDecoder(options: options).decode(bytes)
        #expect(decoded == WebAuthnFuzz.sortedMaps(value), "\(value)")
        #expect(CBOREncoder.encode(decoded) == bytes)
        #expect(WebAuthnFuzz.cbor(bytes) == [])
    }
}

private func randomValue(depth: Int, tags: Bool, using random: inout SplitMix64) -> CBORValue {
    let kinds = depth >= 4 ? 7 : (tags ? 11 : 10)
    switch Int.random(in: 0..<kinds, using: &random) {
    case 0: return .unsigned(randomInteger(using: &random))
    case 1: return .negative(randomInteger(using: &random))
    case 2:
        return .bytes(
            (0..<Int.random(in: 0..<40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
    case 3:
        return .text(
            String(
                (0..<Int.random(in: 0..<30, using: &random)).map { _ in "aé水😀\u{0}\"".randomElement(using: &random)! }))
    case 4:
        return [
            CBORValue.bool(true), .bool(false), .null, .undefined, .simple(0), .simple(19), .simple(32), .simple(255),
        ]
        .randomElement(using: &random)!
    case 5:
        let bits = UInt64.random(in: 0...UInt64.max, using: &random)
        return .float(
            [
                Double(bitPattern: bits), Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits))), 1.5, -0.0,
                .infinity, .nan, 0x1p-24,
            ]
            .randomElement(using: &random)!.normalizedNaN)
    case 6: return .integer(Int64.random(in: -300...300, using: &random))
    case 7:
        return .array(
            (0..<Int.random(in: 0..<5, using: &random)).map { _ in
                randomValue(depth: depth + 1, tags: tags, using: &random)
            })
    case 8, 9:
        var entries: [CBORMapEntry] = []
        var keys = Set<CBORValue>()
        for _ in 0..<Int.random(in: 0..<6, using: &random) {
            let key = randomValue(depth: depth + 2, tags: tags, using: &random)
            if keys.insert(key).inserted {
                entries.append(CBORMapEntry(key, randomValue(depth: depth + 1, tags: tags, using: &random)))
            }
        }
        return .map(entries)
    default: return .tagged(randomInteger(using: &random), randomValue(depth: depth + 1, tags: tags, using: &random))
    }
}

private func randomInteger(using random: inout SplitMix64) -> UInt64 {
    let limits: [UInt64] = [23, 24, 0xFF, 0x100, 0xFFFF, 0x1_0000, 0xFFFF_FFFF, 0x1_0000_0000, .max]
    return UInt64.random(in: 0...limits.randomElement(using: &random)!, using: &random)
}

extension Double {
    /// NaN as the decoder produces it.
    fileprivate var normalizedNaN: Double { isNaN ? .nan : self }
}
