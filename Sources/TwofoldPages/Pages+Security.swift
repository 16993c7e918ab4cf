extension Pages {
    /// What the Security tab shows about the signed-in user.
    public struct SecurityView: Sendable, Equatable {
        public var email: String
        public var phoneMasked: String?
        public var phoneCountryName: String?
        /// The vault's word for SMS recovery: `available`, `no_phone`, `unsupported_country` or
        /// `unsupported_number`.
        public var smsRecovery: String
        public var mfaEnrolled: Bool
        /// The unused backup codes; nil (section not shown) when the vault did not say.
        public var backupCodesLeft: Int?
        /// The user's passkeys, oldest first; nil when passkeys are not offered (no section).
        public var passkeys: [PasskeyRow]?

        public init(
            email: String, phoneMasked: String? = nil, phoneCountryName: String? = nil, smsRecovery: String,
            mfaEnrolled: Bool, backupCodesLeft: Int? = nil, passkeys: [PasskeyRow]? = nil
        ) {
            self.email = email
            self.phoneMasked = phoneMasked
            self.phoneCountryName = phoneCountryName
            self.smsRecovery = smsRecovery
            self.mfaEnrolled = mfaEnrolled
            self.backupCodesLeft = backupCodesLeft
            self.passkeys = passkeys
        }
    }

    /// The forms of the Security tab, to show a message next to the one it is about.
    public enum SecurityForm: Sendable, Equatable {
        case resetMFA, phone, removePhone, password, backupCodes, passkeys
    }

    /// GET `/profile/security`: My Profile → Security. `message` appears in the section of the
    /// form named by `messageFor` (an error about one of its inputs at that input), or at the top
    /// when that is nil. Each section has an id (`security-mfa`, `security-phone`,
    /// `security-password`), so a redirect to `/profile/security#security-phone` after a change
    /// shows its confirmation without scrolling.
    public static func security(
        _ chrome: PageChrome, view: SecurityView, message: PageMessage?, messageFor: SecurityForm?,
        minimumPasswordLength: Int = 12, profileHref: String = "/profile"
    ) -> String {
        // The remove form exists only with a phone; a message for it would otherwise be lost.
        let target = messageFor == .removePhone && view.phoneMasked == nil ? nil : messageFor
        func shown(at form: SecurityForm?) -> PageMessage? { target == form ? message : nil }
        let body = """
            <h1>My Profile</h1>
            \(profileTabs(current: .security, profileHref: profileHref))
            \(Markup.messageBox(shown(at: nil)))\
            <p class="lead">Signed in as <strong class="wrap">\(Markup.userText(view.email))</strong>.</p>
            \(mfaSection(chrome, view: view, message: shown(at: .resetMFA)))
            \(view.passkeys.map { passkeysSection(chrome, view: view, passkeys: $0, message: shown(at: .passkeys)) } ?? "")
            \(backupCodesSection(chrome, view: view, message: shown(at: .backupCodes)))
            \(phoneSection(chrome, view: view, message: shown(at: .phone), removeMessage: shown(at: .removePhone)))
            \(passwordSection(chrome, minimumPasswordLength: minimumPasswordLength, message: shown(at: .password)))
            """
        return document(chrome, title: "Security", width: .wide, body: body)
    }

    enum ProfileTab { case profile, security }

    /// The tab bar of My Profile, on both of its pages.
    static func profileTabs(current: ProfileTab, profileHref: String = "/profile") -> String {
        let profile = current == .profile ? #" aria-current="page""# : ""
        let security = current == .security ? #" aria-current="page""# : ""
        return #"<nav class="tabs" aria-label="My Profile">"#
            + #"<a href="\#(Markup.text(profileHref))"\#(profile)>Profile</a>"#
            + #"<a href="/profile/security"\#(security)>Security</a></nav>"#
    }

    private static func mfaSection(_ chrome: PageChrome, view: SecurityView, message: PageMessage?) -> String {
        let status =
            view.mfaEnrolled
            ? #"<span class="status on">On</span>"# : #"<span class="status off">Not set up</span>"#
        let password = [
            FormField(
                id: "reset-password", name: "password", label: "Password", kind: .password,
                autocomplete: "current-password", hint: "Enter your password to confirm it is you.")
        ].showing(message)
        return """
            <section class="section" id="security-mfa" aria-labelledby="mfa-heading">
            <h2 id="mfa-heading">Multi-factor authentication \(status)</h2>
            \(Markup.messageBox(message, besides: password.ids))\
            <p>Reset multi-factor authentication if you lost your phone or want to use a different authenticator \
            app. Your current authenticator app keeps working until you confirm the new setup with a code from \
            the new one.</p>
            \(Markup.form(action: "/profile/security/reset-mfa", csrf: chrome.csrf, password.map(\.html).joined(),
                Markup.submit("Reset multi-factor authentication")))
            </section>
            """
    }

    private static func phoneSection(
        _ chrome: PageChrome, view: SecurityView, message: PageMessage?, removeMessage: PageMessage?
    ) -> String {
        var about: String
        var fields: [FormField] = []
        var removeForm = ""
        if let masked = view.phoneMasked {
            let country = view.phoneCountryName.map { " (\(Markup.text($0)))" } ?? ""
            about = #"<p>Your recovery phone: <strong class="nowrap">\#(Markup.text(masked))</strong>\#(country).</p>"#
            switch view.smsRecovery {
            case "unsupported_country":
                let name = Markup.text(view.phoneCountryName ?? "this country")
                about += Markup.infoBox([
                    "SMS recovery is not available for phone numbers from \(name). If you lose your authenticator "
                        + "app you will need to contact your representative."
                ])
            case "unsupported_number":
                about += Markup.infoBox([
                    "SMS recovery is not available for this phone number. If you lose your authenticator app you "
                        + "will need to contact your representative."
                ])
            default:
                about +=
                    "<p>If you lose access to your authenticator app, we can send a recovery code to this phone.</p>"
            }
            fields = [
                FormField(
                    id: "phone", name: "phone", label: "New phone number", kind: .tel, autocomplete: "tel",
                    hint: "Include the country code, for example +1 415 555 0100."),
                .code(
                    id: "phone-code", label: "Verification code",
                    hint: "The code from your authenticator app, required to change your recovery phone.",
                    autofocus: false),
            ]
            let removeCode = [
                FormField.code(
                    id: "remove-code", label: "Verification code", hint: "The code from your authenticator app.",
                    autofocus: false)
            ].showing(removeMessage)
            removeForm = """
                <h3>Remove the recovery phone</h3>
                \(Markup.messageBox(removeMessage, besides: removeCode.ids))\
                \(Markup.form(action: "/profile/security/phone/remove", csrf: chrome.csrf, removeCode.map(\.html).joined(),
                    Markup.submit("Remove phone number", style: .secondary)))
                """
        } else {
            about =
                "<p>You have no recovery phone. We recommend providing a phone number to use in case you lose access "
                + "to your device with the authenticator app.</p>"
            fields = [
                FormField(
                    id: "phone", name: "phone", label: "Phone number", kind: .tel, autocomplete: "tel",
                    hint: "Include the country code, for example +1 415 555 0100.")
            ]
        }
        let heading = view.phoneMasked == nil ? "Add a recovery phone" : "Change the recovery phone"
        let button = view.phoneMasked == nil ? "Add phone number" : "Change phone number"
        let shown = fields.showing(message, summarised: fields.count > 1)
        // A notice (the phone was saved or removed) comes first, above what the section says
        // about the phone now; an error goes with the form.
        let notice = message?.kind == .notice ? Markup.messageBox(message) : ""
        let error =
            message?.kind == .error ? Markup.messageBox(message, besides: shown.ids, summary: shown.count > 1) : ""
        return """
            <section class="section" id="security-phone" aria-labelledby="phone-heading">
            <h2 id="phone-heading">Recovery phone</h2>
            \(notice)\
            \(about)
            <h3>\(heading)</h3>
            \(error)\
            \(Markup.form(action: "/profile/security/phone", csrf: chrome.csrf, className: "row",
                shown.map(\.html).joined(), Markup.submit(button)))
            \(removeForm)
            </section>
            """
    }

    private static func passwordSection(_ chrome: PageChrome, minimumPasswordLength: Int, message: PageMessage?)
        -> String
    {
        let fields =
            [
                FormField(
                    id: "current-password", name: "current_password", label: "Current password", kind: .password,
                    autocomplete: "current-password")
            ] + FormField.newPasswordPair(minimumLength: minimumPasswordLength)
        let shown = fields.showing(message, summarised: true)
        return """
            <section class="section" id="security-password" aria-labelledby="password-heading">
            <h2 id="password-heading">Password</h2>
            \(Markup.messageBox(message, besides: shown.ids, summary: true))\
            <p>Changing your password logs you out everywhere else.</p>
            \(Markup.form(action: "/profile/security/password", csrf: chrome.csrf, shown.map(\.html).joined(),
                Markup.submit("Change password")))
            </section>
            """
    }
}
