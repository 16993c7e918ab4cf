/// The security notices the gateway may ask the vault to send to a user's phone, for events the
/// vault does not see itself. The texts are the vault's: the gateway names an event, never a text
/// or a number (it knows neither).
public enum NoticeEvent: String, Sendable, CaseIterable {
    /// The user's password was changed through "Forgot password?" or an operator's reset link.
    case passwordChanged = "password_changed"
}

extension Vault {
    /// Sends the notice of `event` to the phone on file, best effort (as the vault's own notices
    /// after a reset or a new authenticator): answers whether there was a phone to send it to.
    /// Any phone on file gets it, whatever its country: a notice is not a recovery code.
    public func sendNotice(user: UserID, event: NoticeEvent) throws(VaultError) -> Bool {
        guard let phone = try read(user, { record, _ in record.phone }) else {
            audit.record("notice.send", user: user, outcome: "no_phone")
            return false
        }
        let text: String
        switch event {
        case .passwordChanged:
            text =
                "The password of your \(policy.issuer) account was changed. If this was not you, contact your representative now."
        }
        notify(phone, text)
        audit.record("notice.send", user: user, outcome: event.rawValue)
        return true
    }
}
