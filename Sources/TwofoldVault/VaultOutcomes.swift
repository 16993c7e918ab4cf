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

/// Backup codes in an answer: the new codes, shown once, or only the fact that they were made.
public enum IssuedBackupCodes: Sendable, Equatable {
    /// The new codes; the vault keeps only their MACs, so this is the one time they exist in clear.
    case shown([BackupCode])
    /// A recorded answer (a retry with the same idempotency key): the codes were made by the first
    /// request, whose answer was lost, and cannot be shown again. `backup.generate` makes new ones.
    case withheld
}

/// The answer to `enroll.confirm`.
public enum ConfirmOutcome: Sendable, Equatable {
    /// The new authenticator is active; a new set of backup codes replaced any earlier one.
    case confirmed(step: UInt64, backupCodes: IssuedBackupCodes)
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

/// The answer to `backup.verify`. Wrong codes count in the same back-off as authenticator codes.
public enum BackupVerifyOutcome: Sendable, Equatable {
    /// The code matched and is spent.
    case accepted(codesLeft: Int)
    case invalid(failures: UInt32, retryAfterMillis: Int64?)
    case locked(retryAfterMillis: Int64?)
    /// The user has no unused backup codes (none made, all used, or removed by a reset).
    case noCodes

    public var name: String {
        switch self {
        case .accepted: "accepted"
        case .invalid: "invalid"
        case .locked: "locked"
        case .noCodes: "no_codes"
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

/// What `enroll.begin` hands to the gateway: the one moment a seed leaves the vault. The gateway
/// draws the QR code from `uri`, so no rendering code runs in the process that holds the seeds.
public struct EnrollmentStart: Sendable {
    public let enrollmentID: String
    public let secretBase32: String
    public let uri: String
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
    /// Unused backup codes.
    public let backupCodesLeft: Int
    /// Registered passkeys.
    public let passkeys: Int
}
