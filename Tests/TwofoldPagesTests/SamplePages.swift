import TwofoldPages
import TwofoldQR

/// Every page in its interesting states, rendered with plausible values: the shared input of the
/// invariant tests and of the render-to-disk test.
enum SamplePages {
    static let csrf = "csrf-token-Zx9_Yw8-abcdefghijklmnopqrstuvwxyz0123"
    static let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    static let uri =
        "otpauth://totp/Twofold:ada%40example.com?secret=\(secret)&issuer=Twofold&algorithm=SHA1&digits=6&period=30"
    /// A real QR code of the key's otpauth URI, as the vault would render it.
    static let qrSVG: String = (try? QRCode.encode(uri).svg(title: "QR code")) ?? "<svg></svg>"

    static let setup = Pages.SetupView(
        qrSVG: qrSVG, secret: secret, uri: uri, accountName: "ada@example.com", enrollmentID: "e-0011223344556677")

    static func chrome(signedIn: Bool = false, stylesheetHref: String = Pages.stylesheetPath) -> PageChrome {
        PageChrome(
            csrf: csrf, signedInEmail: signedIn ? "ada@example.com" : nil,
            accountName: signedIn ? "Acme Marketing" : nil, stylesheetHref: stylesheetHref)
    }

    static let security = Pages.SecurityView(
        email: "ada@example.com", phoneMasked: "+44 •••• ••0958", phoneCountryName: "United Kingdom",
        smsRecovery: "available", mfaEnrolled: true)

    /// (file name, page) for every page and state worth looking at.
    static func all(stylesheetHref: String = Pages.stylesheetPath) -> [(name: String, html: String)] {
        let plain = chrome(stylesheetHref: stylesheetHref)
        let signedIn = chrome(signedIn: true, stylesheetHref: stylesheetHref)
        let accounts = [
            Pages.AccountChoice(id: "a-0123456789abcdef", name: "Acme Marketing"),
            Pages.AccountChoice(id: "a-fedcba9876543210", name: "Globex Europe"),
            Pages.AccountChoice(id: "a-00112233445566ff", name: "Initech"),
        ]
        var pages: [(String, String)] = [
            ("login", Pages.login(plain, email: "", message: nil)),
            (
                "login-error",
                Pages.login(
                    plain, email: "ada@example.com", message: .error("Incorrect email or password.", field: "password"))
            ),
            (
                "login-notice",
                Pages.login(
                    plain, email: "",
                    message: .notice(
                        "Your password was changed, and you were logged out everywhere. Log in with your new password.")
                )
            ),
            (
                "sign-up",
                Pages.signUp(
                    plain, token: "i-0123456789abcdef.tok", email: "", phone: "", message: nil,
                    minimumPasswordLength: 12,
                    smsUnavailableCountries: ["Algeria", "Azerbaijan", "Bangladesh", "Indonesia"])
            ),
            (
                "sign-up-error",
                Pages.signUp(
                    plain, token: "tok", email: "ada@example.com", phone: "+44 20 7946 0958",
                    message: .error("Use at least 12 characters.", field: "new-password"), minimumPasswordLength: 12)
            ),
            (
                "sign-up-phone",
                Pages.signUpPhone(
                    plain,
                    view: Pages.SignUpPhoneView(phoneMasked: "+880 •••• ••5678", blockedCountryName: "Bangladesh"),
                    message: nil)
            ),
            (
                "sign-up-phone-error",
                Pages.signUpPhone(
                    plain, view: Pages.SignUpPhoneView(phoneMasked: "+800 •••• 5678", blockedCountryName: nil),
                    message: .error("That phone number has no country code.", field: "phone"))
            ),
            ("code", Pages.verificationCode(plain, email: "ada@example.com", message: nil)),
            (
                "code-error",
                Pages.verificationCode(
                    plain, email: "ada@example.com",
                    message: .error(
                        "That code is not valid. Check your authenticator app and try again. 3 attempts left before "
                            + "codes are paused.", field: "code"))
            ),
            (
                "recovery-available",
                Pages.recovery(plain, availability: .available(phoneMasked: "+1 ••• •••0100"), message: nil)
            ),
            ("recovery-no-phone", Pages.recovery(plain, availability: .noPhone, message: nil)),
            (
                "recovery-country",
                Pages.recovery(plain, availability: .unsupportedCountry(countryName: "Sri Lanka"), message: nil)
            ),
            ("recovery-number", Pages.recovery(plain, availability: .unsupportedNumber, message: nil)),
            ("recovery-code", Pages.recoveryCode(plain, phoneMasked: "+1 ••• •••0100", message: nil)),
            (
                "recovery-code-error",
                Pages.recoveryCode(
                    plain, phoneMasked: "+1 ••• •••0100",
                    message: .error("That code is not valid. 2 attempts left.", field: "code"))
            ),
            ("forgot-password", Pages.forgotPassword(plain, email: "", message: nil)),
            ("forgot-password-code", Pages.forgotPasswordCode(plain, message: nil)),
            (
                "forgot-password-code-error",
                Pages.forgotPasswordCode(
                    plain,
                    message: .error("That code is not valid. 4 attempts left before codes are paused.", field: "code"))
            ),
            ("forgot-password-sms", Pages.forgotPasswordSMS(plain, phoneMasked: "+1 ••• •••0100", message: nil)),
            (
                "new-password",
                Pages.newPassword(
                    plain, context: .forgotPassword, email: "ada@example.com", minimumPasswordLength: 12, message: nil)
            ),
            (
                "new-password-link-error",
                Pages.newPassword(
                    plain, context: .resetLink(token: "tok"), email: "ada@example.com", minimumPasswordLength: 12,
                    message: .error("The two new passwords do not match.", field: "new-password-confirm"))
            ),
            ("choose-account", Pages.chooseAccount(signedIn, accounts: accounts, selectedID: "a-fedcba9876543210")),
            ("choose-account-none", Pages.chooseAccount(signedIn, accounts: [], selectedID: nil)),
            (
                "choose-account-recovered",
                Pages.chooseAccount(
                    signedIn, accounts: accounts, selectedID: nil,
                    message: .notice("Your account is recovered. Your new authenticator app is set up."))
            ),
            (
                "profile",
                Pages.profile(
                    signedIn,
                    view: Pages.ProfileView(
                        email: "ada@example.com", name: "Ada Lovelace", accounts: accounts,
                        currentAccountID: "a-0123456789abcdef"), message: nil)
            ),
            (
                "profile-error",
                Pages.profile(
                    signedIn,
                    view: Pages.ProfileView(
                        email: "ada@example.com", name: nil, accounts: [], currentAccountID: nil),
                    message: .error("That name is too long.", field: "name"))
            ),
            (
                "home",
                Pages.home(
                    signedIn, email: "ada@example.com", accountName: "Acme Marketing", accountCount: 3, message: nil)
            ),
            (
                "home-notice",
                Pages.home(
                    signedIn, email: "ada@example.com", accountName: "Acme Marketing", accountCount: 1,
                    message: .notice("Multi-factor authentication is set up."))
            ),
            ("security", Pages.security(signedIn, view: security, message: nil, messageFor: nil)),
            (
                "security-country",
                Pages.security(
                    signedIn,
                    view: Pages.SecurityView(
                        email: "ada@example.com", phoneMasked: "+94 •• ••• 4567", phoneCountryName: "Sri Lanka",
                        smsRecovery: "unsupported_country", mfaEnrolled: true),
                    message: .error(
                        "Enter a current verification code from your authenticator app.", field: "phone-code"),
                    messageFor: .phone)
            ),
            (
                "security-no-phone",
                Pages.security(
                    signedIn,
                    view: Pages.SecurityView(email: "ada@example.com", smsRecovery: "no_phone", mfaEnrolled: true),
                    message: .notice("Your password was changed."), messageFor: nil)
            ),
            (
                "message",
                Pages.message(
                    plain, title: "This invite link is no longer valid",
                    text: "This invite link is no longer valid. Ask your representative for a new invite.",
                    link: (href: "/login", label: "Go to the login page"))
            ),
            (
                "message-no-link",
                Pages.message(
                    plain, title: "Temporarily unavailable",
                    text: "Twofold is temporarily unavailable. Try again in a moment.", link: nil)
            ),
        ]
        let reasons: [(String, Pages.SetupReason)] = [
            ("sign-up", .signUp), ("required", .required), ("recovery", .recovery), ("reset", .reset),
        ]
        for (name, reason) in reasons {
            pages.append(("mfa-setup-\(name)", Pages.mfaSetup(plain, reason: reason, setup: setup, message: nil)))
        }
        pages.append(
            (
                "mfa-setup-stale",
                Pages.mfaSetup(
                    plain, reason: .signUp, setup: setup,
                    message: .error(
                        "That code may come from an old setup of Twofold in your app. Add this setup to your app "
                            + "again (or try a different authenticator app) and enter its code.", field: "code"))
            ))
        pages += backupCodePages(plain: plain, signedIn: signedIn)
        return pages
    }

    static let backupCodes = [
        "k7qd-3mzt-9hvw", "xc4p-8nbf-r2ja", "5tge-wh6u-mk3y", "p9sa-d2xn-7fcq", "hr8m-4vkb-t6ez",
        "z3wj-q5pe-n9gu", "6cyt-a8rh-2mxk", "ub4f-j7sw-e3nd", "8npz-k2ya-w5ht", "f6ex-r9mc-4qjb",
    ]

    /// The pages of issue 19 (backup codes) in their states.
    static func backupCodePages(plain: PageChrome, signedIn: PageChrome) -> [(String, String)] {
        let withCodes = Pages.SecurityView(
            email: "ada@example.com", smsRecovery: "no_phone", mfaEnrolled: true, backupCodesLeft: 7)
        return [
            ("backup-codes", Pages.backupCodes(signedIn, view: .init(codes: backupCodes), message: nil)),
            (
                "backup-codes-generated",
                Pages.backupCodes(signedIn, view: .init(codes: backupCodes, generated: true), message: nil)
            ),
            (
                "backup-codes-withheld",
                Pages.backupCodes(
                    signedIn, view: .init(codes: nil),
                    message: .error("That code is not valid.", field: "backup-generate-code"))
            ),
            (
                "recovery-backup-available",
                Pages.recovery(
                    plain, availability: .available(phoneMasked: "+1 ••• •••0100"), message: nil, backupCodes: true)
            ),
            (
                "recovery-backup-country",
                Pages.recovery(
                    plain, availability: .unsupportedCountry(countryName: "Bangladesh"), message: nil,
                    backupCodes: true)
            ),
            ("recovery-backup-code", Pages.recoveryBackupCode(plain, email: "ada@example.com", message: nil)),
            (
                "recovery-backup-code-error",
                Pages.recoveryBackupCode(
                    plain, message: .error("That backup code is not valid, or was already used.", field: "backup-code"))
            ),
            (
                "security-backup-codes",
                Pages.security(
                    signedIn, view: withCodes,
                    message: .error("That code is not valid.", field: "backup-codes-code"), messageFor: .backupCodes)
            ),
        ]
    }
}
