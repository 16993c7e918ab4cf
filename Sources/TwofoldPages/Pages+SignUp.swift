extension Pages {
    /// GET/POST `/invite/{token}`: the invite sign-up. `email` and `phone` are re-filled after a
    /// failed attempt; passwords never are. `smsUnavailableCountries`, when given, lists the
    /// countries whose numbers cannot receive a recovery SMS (the caller owns that list).
    public static func signUp(
        _ chrome: PageChrome, token: String, email: String, phone: String, message: PageMessage?,
        minimumPasswordLength: Int, smsUnavailableCountries: [String] = []
    ) -> String {
        let length = max(minimumPasswordLength, 1)
        let fields = [
            FormField(
                id: "email", name: "email", label: "Email", kind: .email, value: email, autocomplete: "username",
                autofocus: email.isEmpty),
            FormField(
                id: "temporary-password", name: "temporary_password", label: "Temporary password", kind: .password,
                autocomplete: "off", hint: "The temporary password that came with your invite."),
            FormField(
                id: "new-password", name: "new_password", label: "New password", kind: .password,
                autocomplete: "new-password", minLength: length, hint: "At least \(length) characters."),
            FormField(
                id: "new-password-confirm", name: "new_password_confirm", label: "Confirm new password",
                kind: .password, autocomplete: "new-password", minLength: length),
        ]
        let phoneField = FormField(
            id: "phone", name: "phone", label: "Phone number (optional)", kind: .tel, value: phone,
            autocomplete: "tel", required: false,
            hint: "Include the country code, for example +1 415 555 0100.")
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
            \(phoneField.html)
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
            \(Markup.messageBox(message))\
            \(Markup.form(action: action, csrf: chrome.csrf, fields.map(\.html).joined(), phoneSet,
                Markup.submit("Create account")))
            """
        return document(chrome, title: "Create your account", body: body)
    }
}
