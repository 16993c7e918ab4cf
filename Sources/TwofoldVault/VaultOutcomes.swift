/// The answer to `totp.verify`. Wrong, replayed and locked codes are normal answers, not errors.
public enum VerifyOutcome: Sendable, Equatable {
    case accepted(step: UInt64)
    case invalid(failures: UInt32, retryAfterMillis: Int64?)
    case replayed
    case locked(retryAfterMillis: Int64?)
    case notEnrolled

    public var name: String {
        switch self {
        case .accepted: "accepted"
        case .invalid: "invalid"
        case .replayed: "replayed"
        case .locked: "locked"
        case .notEnrolled: "not_enrolled"
        }
    }
}

/// The answer to `enroll.confirm`.
public enum ConfirmOutcome: Sendable, Equatable {
    case confirmed(step: UInt64)
    case invalid(retryAfterMillis: Int64?)
    /// The code matches a seed from an older, replaced scan: the user should scan the new QR code.
    case staleSetup
    case locked(retryAfterMillis: Int64?)

    public var name: String {
        switch self {
        case .confirmed: "confirmed"
        case .invalid: "invalid"
        case .staleSetup: "stale_setup"
        case .locked: "locked"
        }
    }
}

/// The answer to `recovery.verify`.
public enum RecoveryOutcome: Sendable, Equatable {
    case accepted
    case invalid(attemptsLeft: UInt8)
    /// No live code: none was sent, it expired, it was used, or it was burnt by wrong attempts.
    case expired

    public var name: String {
        switch self {
        case .accepted: "accepted"
        case .invalid: "invalid"
        case .expired: "expired"
        }
    }
}

/// What `enroll.begin` hands to the gateway: the one moment a seed leaves the vault.
public struct EnrollmentStart: Sendable {
    public let enrollmentID: String
    public let secretBase32: String
    public let uri: String
    public let qrSVG: String
    public let expiresAtMillis: Int64
}

/// What `status` reports about a user.
public struct VaultUserStatus: Sendable, Equatable {
    public let enrolled: Bool
    public let pending: Bool
    public let phoneMasked: String?
    public let phoneCountry: String?
    public let phoneCountryName: String?
    /// `available`, `no_phone`, `unsupported_country` or `unsupported_number`.
    public let smsRecovery: String
    public let locked: Bool
    public let lockedRetryAfterMillis: Int64?
}
