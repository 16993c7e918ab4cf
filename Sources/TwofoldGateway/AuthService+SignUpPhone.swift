import TwofoldDirectory
import TwofoldWire

/// The recovery phone right after the sign-up, before the MFA setup: a phone SMS recovery cannot
/// use is pointed out then (`/signup/phone`), and the user may replace or remove it. The vault
/// asks no code to change the phone of a user without an authenticator, and this is only offered
/// to the sign-up's own session.
extension AuthService {
    /// `session` if it is a sign-up's, still before its MFA setup.
    public func signUpSession(_ session: SessionRecord?) throws(AuthError) -> SessionRecord {
        let (session, _) = try require(session, in: [.setup])
        guard session.purpose == "signup" else { throw AuthError.wrongStage }
        return session
    }

    /// The vault's view of the user's phone and MFA (any stage after the password).
    public func phoneStatus(_ session: SessionRecord) async throws(AuthError) -> SecurityStatus {
        let (_, user) = try require(session, in: [.setup, .full])
        let status = try await vaultStatus(user.id)
        return SecurityStatus(
            enrolled: status.bool("enrolled") ?? false, smsRecovery: status.string("sms_recovery") ?? "no_phone",
            phoneMasked: status.string("phone_masked"), countryName: status.string("phone_country_name"))
    }

    /// Replaces the sign-up's phone; answers the vault's `phone.set` result.
    public func setSignUpPhone(_ session: SessionRecord?, phone: String, address: String?) async throws(AuthError)
        -> [String: JSONValue]
    {
        let session = try signUpSession(session)
        let reply = await vault.call(
            "phone.set", ["user": .string(session.userID), "phone": .string(try Self.phoneInput(phone))])
        switch reply {
        case .success(let result):
            audit.record("phone.set", user: session.userID, address: address, outcome: "ok", detail: "sign-up")
            return result
        case .failure(let payload) where payload.code == "phone.invalid":
            audit.record("phone.set", user: session.userID, address: address, outcome: payload.detail ?? payload.code)
            throw AuthError("phone.invalid", .unprocessableContent, payload.message)
        default: throw unexpected(reply, "phone.set", user: session.userID)
        }
    }

    /// Removes the sign-up's phone.
    public func clearSignUpPhone(_ session: SessionRecord?, address: String?) async throws(AuthError) {
        let session = try signUpSession(session)
        let reply = await vault.call("phone.clear", ["user": .string(session.userID)])
        guard case .success = reply else { throw unexpected(reply, "phone.clear", user: session.userID) }
        audit.record("phone.clear", user: session.userID, address: address, outcome: "ok", detail: "sign-up")
    }
}
