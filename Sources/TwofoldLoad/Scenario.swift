/// What one iteration of the load does. `mixed` is not a scenario of its own: it is a blend
/// (`ScenarioMix`) of the others.
public enum Scenario: String, Sendable, CaseIterable, Comparable {
    /// Invite (admin socket) → sign-up → MFA setup → confirm → logout, through the JSON API.
    case enroll
    /// Password, then a verification code computed from the user's secret, then logout.
    case login
    /// `totp.verify` of a fresh code straight against the vault socket.
    case verify
    /// An authenticated API hit (`GET /api/v1/me` by default) with an existing full session.
    case session
    /// Password → SMS recovery code read from the sms-sender's outbox → new MFA setup → logout.
    case recovery
    /// An unauthenticated `GET` of `--path` (default `/healthz`): the HTTP path with no logic.
    case get
    /// `invite.create` of a fresh email on the admin socket (nothing else): the directory's
    /// cost per invite as it grows (issue 21).
    case invite

    /// Whether it talks to the gateway over HTTP.
    public var usesGateway: Bool { self != .verify && self != .invite }

    /// Whether each iteration takes a user from the TOTP pool (one fresh 30-s step per use).
    public var consumesTimeStep: Bool { self == .login || self == .verify || self == .recovery }

    public static func < (lhs: Scenario, rhs: Scenario) -> Bool { lhs.rawValue < rhs.rawValue }
}
