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

        public init(
            email: String, phoneMasked: String? = nil, phoneCountryName: String? = nil, smsRecovery: String,
            mfaEnrolled: Bool
        ) {
            self.email = email
            self.phoneMasked = phoneMasked
            self.phoneCountryName = phoneCountryName
            self.smsRecovery = smsRecovery
            self.mfaEnrolled = mfaEnrolled
        }
    }

    /// The forms of the Security tab, to show a message next to the one it is about.
    public enum SecurityForm: Sendable, Equatable {
        case resetMFA, phone, removePhone, password
    }

    /// GET `/profile/security`: My Profile → Security. `message` appears next to the form named by
    /// `messageFor`, or at the top when that is nil. The Profile tab links to `profileHref`.
    public static func security(
        _ chrome: PageChrome, view: SecurityView, message: PageMessage?, messageFor: SecurityForm?,
        minimumPasswordLength: Int = 12, profileHref: String = "/home"
    ) -> String {
        // The remove form exists only with a phone; a message for it would otherwise be lost.
        let target = messageFor == .removePhone && view.phoneMasked == nil ? nil : messageFor
        func messageAt(_ form: SecurityForm?) -> String {
            target == form ? Markup.messageBox(message) : ""
        }
        let body = """
            <h1>My Profile</h1>
            <nav class="tabs" aria-label="My Profile">\
            <a href="\(Markup.text(profileHref))">Profile</a>\
            <a href="/profile/security" aria-current="page">Security</a></nav>
            \(messageAt(nil))\
            <p class="lead">Signed in as <strong class="wrap">\(Markup.userText(view.email))</strong>.</p>
            \(mfaSection(chrome, view: view, message: messageAt(.resetMFA)))
            \(phoneSection(chrome, view: view, message: messageAt(.phone), removeMessage: messageAt(.removePhone)))
            \(passwordSection(chrome, minimumPasswordLength: minimumPasswordLength, message: messageAt(.password)))
            """
        return document(chrome, title: "Security", width: .wide, body: body)
    }

    private static func mfaSection(_ chrome: PageChrome, view: SecurityView, message: String) -> String {
        let status =
            view.mfaEnrolled
            ? #"<span class="status on">On</span>"# : #"<span class="status off">Not set up</span>"#
        let password = FormField(
            id: "reset-password", name: "password", label: "Password", kind: .password,
            autocomplete: "current-password", hint: "Enter your password to confirm it is you.")
        return """
            <section class="section" aria-labelledby="mfa-heading">
            <h2 id="mfa-heading">Multi-factor authentication \(status)</h2>
            <p>Reset multi-factor authentication if you lost your phone or want to use a different authenticator \
            app. Your current authenticator app keeps working until you confirm the new setup with a code from \
            the new one.</p>
            \(message)\
            \(Markup.form(action: "/profile/security/reset-mfa", csrf: chrome.csrf, password.html,
                Markup.submit("Reset multi-factor authentication")))
            </section>
            """
    }

    private static func phoneSection(
        _ chrome: PageChrome, view: SecurityView, message: String, removeMessage: String
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
                    autofocus: false, invalid: false),
            ]
            let removeCode = FormField.code(
                id: "remove-code", label: "Verification code", hint: "The code from your authenticator app.",
                autofocus: false, invalid: false)
            removeForm = """
                <h3>Remove the recovery phone</h3>
                \(removeMessage)\
                \(Markup.form(action: "/profile/security/phone/remove", csrf: chrome.csrf, removeCode.html,
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
        return """
            <section class="section" aria-labelledby="phone-heading">
            <h2 id="phone-heading">Recovery phone</h2>
            \(about)
            <h3>\(heading)</h3>
            \(message)\
            \(Markup.form(action: "/profile/security/phone", csrf: chrome.csrf, className: "row",
                fields.map(\.html).joined(), Markup.submit(button)))
            \(removeForm)
            </section>
            """
    }

    private static func passwordSection(_ chrome: PageChrome, minimumPasswordLength: Int, message: String) -> String {
        let length = max(minimumPasswordLength, 1)
        let fields = [
            FormField(
                id: "current-password", name: "current_password", label: "Current password", kind: .password,
                autocomplete: "current-password"),
            FormField(
                id: "new-password", name: "new_password", label: "New password", kind: .password,
                autocomplete: "new-password", minLength: length, hint: "At least \(length) characters."),
            FormField(
                id: "new-password-confirm", name: "new_password_confirm", label: "Confirm new password",
                kind: .password, autocomplete: "new-password", minLength: length),
        ]
        return """
            <section class="section" aria-labelledby="password-heading">
            <h2 id="password-heading">Password</h2>
            <p>Changing your password logs you out everywhere else.</p>
            \(message)\
            \(Markup.form(action: "/profile/security/password", csrf: chrome.csrf, fields.map(\.html).joined(),
                Markup.submit("Change password")))
            </section>
            """
    }
}
