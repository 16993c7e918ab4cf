extension Pages {
    /// GET/POST `/invite/{token}`: the invite sign-up. `email` and `phone` are re-filled after a
    /// failed attempt; passwords never are. `smsUnavailableCountries`, when given, lists the
    /// countries whose numbers cannot receive a recovery SMS (the caller owns that list). An error
    /// about an input (`email`, `temporary-password`, `new-password`, `new-password-confirm`,
    /// `phone`) is shown at it and listed in a summary at the top of the form.
    public static func signUp(
        _ chrome: PageChrome, token: String, email: String, phone: String, message: PageMessage?,
        minimumPasswordLength: Int, smsUnavailableCountries: [String] = []
    ) -> String {
        let fields =
            [
                FormField(
                    id: "email", name: "email", label: "Email", kind: .email, value: email, autocomplete: "username",
                    autofocus: email.isEmpty),
                FormField(
                    id: "temporary-password", name: "temporary_password", label: "Temporary password", kind: .password,
                    autocomplete: "off", hint: "The temporary password that came with your invite."),
            ] + FormField.newPasswordPair(minimumLength: minimumPasswordLength)
        let phoneField = FormField(
            id: "phone", name: "phone", label: "Phone number (optional)", kind: .tel, value: phone,
            autocomplete: "tel", required: false,
            hint: "Include the country code, for example +1 415 555 0100.")
        let shown = (fields + [phoneField]).showing(message, summarised: true)
        var countries = ""
        if !smsUnavailableCountries.isEmpty {
            countries =
                #"<details class="countries"><summary>Countries where SMS recovery is not available</summary><ul>"#
                + smsUnavailableCountries.map { "<li>\(Markup.text($0))</li>" }.joined() + "</ul></details>"
        }
        let phoneSet = """
            <fieldset><legend>Recovery phone</legend>
            <p class="fine">We recommend providing a phone number to use in case you lose access to your device with \
            the authenticator app, to avoid being locked out of your account. We send a recovery code to it by SMS.</p>
            \(shown[4].html)
            <p class="fine">SMS recovery is not available for phone numbers from some countries. With such a number, \
            you will need to contact your representative if you lose your authenticator app.</p>
            \(countries)</fieldset>
            """
        let action = "/invite/" + Markup.pathSegment(token)
        let body = """
            \(eyebrow("Step 1 of 2"))
            <h1>Create your account</h1>
            <p class="lead">Enter your email and the temporary password from your invite, and create a new \
            password. Next, you will set up multi-factor authentication.</p>
            \(Markup.messageBox(message, besides: shown.ids, summary: true))\
            \(Markup.form(action: action, csrf: chrome.csrf, shown[0..<4].map(\.html).joined(), phoneSet,
                Markup.submit("Create account")))
            """
        return document(chrome, title: "Create your account", body: body)
    }

    /// What the sign-up learnt about the recovery phone it saved.
    public struct SignUpPhoneView: Sendable, Equatable {
        public var phoneMasked: String
        /// The phone's country when recovery SMS are not sent there; nil for a number SMS
        /// recovery cannot use for another reason (a non-geographic number).
        public var blockedCountryName: String?

        public init(phoneMasked: String, blockedCountryName: String?) {
            self.phoneMasked = phoneMasked
            self.blockedCountryName = blockedCountryName
        }
    }

    /// GET/POST `/signup/phone`: shown right after the sign-up when the phone it saved cannot
    /// receive recovery SMS, so the user hears it next to the phone field before relying on it:
    /// keep the number, save another one, or remove it. Then the MFA setup.
    public static func signUpPhone(_ chrome: PageChrome, view: SignUpPhoneView, message: PageMessage?) -> String {
        let reason =
            view.blockedCountryName.map {
                "SMS recovery is not available for phone numbers from \(Markup.text($0))."
            } ?? "SMS recovery is not available for this phone number."
        let notice = """
            <div class="msg msg-warning" id="phone-notice">\(Icon.alert)<div><p>\(reason) If you lose access to \
            your authenticator app, you will need to contact your representative to regain access to your \
            account.</p><p>You can save a phone number from another country instead, or keep this one.</p></div></div>
            """
        var field = FormField(
            id: "phone", name: "phone", label: "Another phone number", kind: .tel, autocomplete: "tel",
            autofocus: true, hint: "Include the country code, for example +1 415 555 0100.")
        field.error = message?.error(for: "phone")
        let keep = Markup.form(
            action: "/signup/phone/keep", csrf: chrome.csrf, className: "stack",
            Markup.submit("Keep \(view.phoneMasked)", style: .secondary))
        let remove = Markup.form(
            action: "/signup/phone/remove", csrf: chrome.csrf, className: "stack",
            Markup.submit("Remove the phone number", style: .secondary))
        let body = """
            \(eyebrow("Step 1 of 2"))
            <h1>Check your recovery phone</h1>
            <p class="lead">Your account is created, with the recovery phone \
            <strong class="nowrap">\(Markup.text(view.phoneMasked))</strong>.</p>
            \(message?.field == "phone" ? "" : Markup.messageBox(message))\
            \(notice)
            \(Markup.form(action: "/signup/phone", csrf: chrome.csrf, field.html, Markup.submit("Save this number")))
            <div class="choices-row">\(keep)\(remove)</div>
            """
        return document(chrome, title: "Check your recovery phone", body: body)
    }
}
