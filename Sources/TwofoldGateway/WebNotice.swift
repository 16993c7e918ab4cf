/// A confirmation shown once, on the page that a successful form post redirects to
/// (post/redirect/get: a reload then shows the page again instead of sending the form again). Only
/// its name travels, in a cookie that lasts a minute; the text is the gateway's own, so nothing a
/// request carries becomes page text. The page that shows it deletes the cookie.
enum WebNotice: String, CaseIterable, Sendable {
    /// "Not you? Log out" and every other logout.
    case loggedOut = "logged-out"
    /// "Forgot password?" finished: on the login page.
    case passwordReset = "password-reset"
    /// An operator's reset link was used: on the code step (or the MFA setup).
    case resetLinkUsed = "reset-link-used"
    /// The sign-up's MFA setup (or a required one) is confirmed.
    case setupDone = "setup-done"
    /// The new setup after SMS recovery is confirmed.
    case recovered = "recovered"
    /// The new setup after a reset from the Security tab is confirmed.
    case mfaReset = "mfa-reset"
    case phoneSaved = "phone-saved"
    case phoneRemoved = "phone-removed"
    case passwordChanged = "password-changed"
    case nameSaved = "name-saved"
    /// On the sign-up's phone check: the other number was saved, or the number removed.
    case signUpPhoneSaved = "sign-up-phone-saved"
    case signUpPhoneRemoved = "sign-up-phone-removed"
    /// "Send a new code" in "Forgot password?".
    case smsSent = "sms-sent"
    case passkeyAdded = "passkey-added"
    case passkeyRemoved = "passkey-removed"
    /// "Continue" after the new backup codes made from the Security tab.
    case backupCodesNew = "backup-codes-new"

    var text: String {
        switch self {
        case .loggedOut: "You are logged out."
        case .passwordReset:
            "Your password was changed, and you were logged out everywhere. Log in with your new password."
        case .resetLinkUsed: "Your new password is saved. To finish logging in, use your authenticator app."
        case .setupDone: "Multi-factor authentication is set up. You will enter a code from your app at each login."
        case .recovered:
            "Your account is recovered. Your new authenticator app is set up, and the old one no longer works."
        case .mfaReset:
            "Multi-factor authentication was reset. Use your new authenticator app from now on: the old one no "
                + "longer works."
        case .phoneSaved: "Your recovery phone was saved."
        case .phoneRemoved: "Your recovery phone was removed."
        case .passwordChanged: "Your password was changed. Other sessions were logged out."
        case .nameSaved: "Your name was saved."
        case .signUpPhoneSaved: "Your recovery phone was saved."
        case .signUpPhoneRemoved: "Your recovery phone was removed. You can add one later in My Profile."
        case .smsSent: "A new code was sent."
        case .passkeyAdded: "Your passkey was added. You can use it to sign in from now on."
        case .passkeyRemoved: "The passkey was removed."
        case .backupCodesNew: "Your new backup codes are ready. The old ones no longer work."
        }
    }
}
