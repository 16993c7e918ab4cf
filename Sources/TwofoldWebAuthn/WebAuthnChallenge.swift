import TwofoldCrypto

/// A challenge issued for one ceremony: random bytes, the ceremony kind, the user it is for (none
/// for a passwordless sign-in, where the credential names its user), whether that ceremony needs
/// user verification, and when it expires.
///
/// A value type with a compact binary `encoded` form, so the vault can store it sealed like its
/// other records. Single use is the store's part: it must remove the challenge before (not after)
/// verifying a response against it, so two concurrent responses cannot both use it.
public struct WebAuthnChallenge: Sendable, Equatable {
    public enum Ceremony: UInt8, Sendable {
        case registration = 1
        case assertion = 2

        /// The client data `type` of this ceremony.
        var clientDataType: String { self == .registration ? "webauthn.create" : "webauthn.get" }
    }

    /// WebAuthn §13.4.3 asks for at least 16 random bytes; the stored form has one length byte.
    public static let minimumLength = 16
    public static let maximumLength = 255
    public static let defaultLength = 32
    /// Five minutes, in seconds.
    public static let defaultLifetime: Int64 = 300

    public let bytes: [UInt8]
    public let ceremony: Ceremony
    /// The user whose credential must answer; required for registration.
    public let userHandle: UserHandle?
    public let requiresUserVerification: Bool
    /// Unix time in seconds from which the challenge is refused.
    public let expiresAt: Int64

    public init(
        bytes: [UInt8], ceremony: Ceremony, userHandle: UserHandle?, requiresUserVerification: Bool, expiresAt: Int64
    ) throws(WebAuthnError) {
        guard (Self.minimumLength...Self.maximumLength).contains(bytes.count) else {
            throw .malformed("a challenge is \(Self.minimumLength) to \(Self.maximumLength) bytes")
        }
        guard ceremony == .assertion || userHandle != nil else {
            throw .malformed("a registration challenge is bound to a user")
        }
        self.bytes = bytes
        self.ceremony = ceremony
        self.userHandle = userHandle
        self.requiresUserVerification = requiresUserVerification
        self.expiresAt = expiresAt
    }

    /// A fresh challenge of `length` random bytes, valid for `lifetime` seconds from `now`.
    public static func issue(
        for ceremony: Ceremony, userHandle: UserHandle?, requiresUserVerification: Bool, now: Int64,
        lifetime: Int64 = defaultLifetime, length: Int = defaultLength,
        random: some RandomByteSource = SystemRandomSource()
    ) throws(WebAuthnError) -> WebAuthnChallenge {
        guard lifetime > 0 else { throw .malformed("a challenge's lifetime is positive") }
        let (expiry, overflow) = now.addingReportingOverflow(lifetime)
        guard !overflow else { throw .malformed("a challenge's expiry is out of range") }
        return try WebAuthnChallenge(
            bytes: random.bytes(count: length), ceremony: ceremony, userHandle: userHandle,
            requiresUserVerification: requiresUserVerification, expiresAt: expiry)
    }

    /// What the browser receives as `challenge` (base64url, as JSON carries binary).
    public var base64URL: String { Base64URL.encode(bytes) }

    /// Refuses a challenge used for another ceremony or after its expiry.
    public func check(ceremony expected: Ceremony, now: Int64) throws(WebAuthnError) {
        guard ceremony == expected else { throw .ceremonyMismatch("the challenge was issued for another ceremony") }
        guard now < expiresAt else { throw .challengeExpired() }
    }

    // MARK: Stored form

    private static let formatVersion: UInt8 = 1

    /// `version(1) ‖ ceremony(1) ‖ flags(1, bit 0 = UV required) ‖ expiresAt(8, big-endian two's
    /// complement) ‖ length(1) ‖ challenge ‖ length(1, 0 = no user) ‖ user handle`.
    public var encoded: [UInt8] {
        var out: [UInt8] = [Self.formatVersion, ceremony.rawValue, requiresUserVerification ? 1 : 0]
        out += stride(from: 56, through: 0, by: -8).map {
            UInt8(truncatingIfNeeded: UInt64(bitPattern: expiresAt) >> $0)
        }
        out.append(UInt8(bytes.count))
        out += bytes
        let handle = userHandle?.bytes ?? []
        out.append(UInt8(handle.count))
        out += handle
        return out
    }

    public init(encoded: [UInt8]) throws(WebAuthnError) {
        guard encoded.count >= 13, encoded[0] == Self.formatVersion else {
            throw .malformed("not a stored challenge of format \(Self.formatVersion)")
        }
        guard let ceremony = Ceremony(rawValue: encoded[1]), encoded[2] <= 1 else {
            throw .malformed("a stored challenge with an unknown ceremony or flags")
        }
        let expiry = Int64(bitPattern: encoded[3..<11].reduce(0) { $0 << 8 | UInt64($1) })
        let length = Int(encoded[11])
        guard encoded.count >= 12 + length + 1 else { throw .malformed("a truncated stored challenge") }
        let bytes = Array(encoded[12..<(12 + length)])
        let handleLength = Int(encoded[12 + length])
        guard encoded.count == 13 + length + handleLength else {
            throw .malformed("a stored challenge of wrong length")
        }
        let handle = handleLength == 0 ? nil : try UserHandle(Array(encoded[(13 + length)...]))
        try self.init(
            bytes: bytes, ceremony: ceremony, userHandle: handle, requiresUserVerification: encoded[2] == 1,
            expiresAt: expiry)
    }
}
