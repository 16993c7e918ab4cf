import TwofoldPhone

/// The vault's rules, all in one place so operators can see (and tests can shrink) them.
public struct VaultPolicy: Sendable {
    /// Steps accepted behind and ahead of the current one.
    public var stepsBehind: UInt64 = 1
    public var stepsAhead: UInt64 = 1
    /// A pending enrollment (and a superseded seed kept to recognise codes from an old scan) lives this long.
    public var enrollmentLifetimeMillis: Int64 = 10 * 60_000
    /// Consecutive failures answered without delay.
    public var freeFailures: UInt32 = 5
    /// Lockout after the first failure past the free ones; doubles with each further failure.
    public var firstLockoutMillis: Int64 = 30_000
    public var maximumLockoutMillis: Int64 = 15 * 60_000
    /// After this many consecutive failures, codes are refused until SMS recovery or an operator reset.
    public var hardStopFailures: UInt32 = 100

    /// SMS recovery codes.
    public var recoveryCodeLifetimeMillis: Int64 = 10 * 60_000
    public var recoveryResendCooldownMillis: Int64 = 60_000
    /// Sends allowed per user, and per phone number, within `recoveryQuotaWindowMillis`.
    public var recoverySendsPerUser: Int = 5
    public var recoverySendsPerNumber: Int = 5
    public var recoveryQuotaWindowMillis: Int64 = 24 * 3_600_000
    /// Wrong recovery codes allowed before the code is burnt.
    public var recoveryAttempts: UInt8 = 5

    /// Backup codes made at setup completion and by `backup.generate` (at most 15: their MACs
    /// share one 255-byte field of the record).
    public var backupCodeCount: Int = 10

    /// Passkeys a user may register (each one's record entry is at most about 2 KiB with an RSA key).
    public var maximumPasskeys: Int = 10
    /// How long a WebAuthn challenge may be answered (WebAuthn §13.4.3 asks for a short, bounded time).
    public var passkeyChallengeLifetimeMillis: Int64 = 5 * 60_000
    /// Challenges issued and not yet answered, across all users, kept in memory (the oldest is
    /// dropped first: a flood of sign-in pages can make a slow user retry, never grow the vault).
    public var maximumPendingCeremonies: Int = 10_000
    /// Whether a passkey used as the second factor (after the password) must verify the user (PIN,
    /// biometrics). A passwordless sign-in always requires it: there the passkey is both factors.
    public var passkeySecondFactorRequiresUserVerification = false

    /// Answers recorded by idempotency key are kept this long (well above every client's deadline,
    /// so a retry after a lost answer finds it)…
    public var idempotencyRetentionMillis: Int64 = 5 * 60_000
    /// …and at most this many per user, the oldest dropped first.
    public var idempotencyMaximumEntries: Int = 16

    /// Which countries SMS recovery refuses (the help article's 13 by default).
    public var smsRecovery = SMSRecoveryPolicy()

    /// Issuer shown in authenticator apps, and the SMS texts' product name.
    public var issuer: String = "Twofold"

    public init() {}

    /// The lockout that follows the `failures`-th consecutive failure (0 while failures are free).
    public func lockoutMillis(afterFailures failures: UInt32) -> Int64 {
        guard failures > freeFailures else { return 0 }
        let doublings = min(Int(failures - freeFailures - 1), 40)
        let (value, overflow) = firstLockoutMillis.multipliedReportingOverflow(by: Int64(1) << doublings)
        return overflow ? maximumLockoutMillis : min(value, maximumLockoutMillis)
    }
}
