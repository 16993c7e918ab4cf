extension Pages {
    /// GET/POST `/login`: email and password, and the way to "Forgot password?". `email` is
    /// re-filled after a failed attempt; the password never is. An error about the password
    /// (`field` `password`) is shown at the password field, which then has the focus.
    /// `offerPasskeys`: a "Sign in with a passkey" form (passwordless) below the password form.
    public static func login(_ chrome: PageChrome, email: String, message: PageMessage?, offerPasskeys: Bool = false)
        -> String
    {
        let fields = [
            FormField(
                id: "email", name: "email", label: "Email", kind: .email, value: email, autocomplete: "username",
                autofocus: email.isEmpty),
            FormField(
                id: "password", name: "password", label: "Password", kind: .password,
                autocomplete: "current-password", autofocus: !email.isEmpty),
        ].showing(message)
        let forgot = #"<p class="field-link"><a href="/password/forgot">Forgot password?</a></p>"#
        let body = """
            <h1>Log in to \(Markup.text(chrome.issuer))</h1>
            <p class="lead">Enter your email and password. Next, you will enter a verification code from your \
            authenticator app.</p>
            \(Markup.messageBox(message, besides: fields.ids))\
            \(Markup.form(action: "/login", csrf: chrome.csrf, fields.map(\.html).joined(), forgot, Markup.submit("Log in")))
            \(offerPasskeys ? passwordlessForm(chrome) : "")
            <p class="fine">New to \(Markup.text(chrome.issuer))? Open the invite link you received to create your \
            account.</p>
            """
        return document(chrome, title: "Log in", body: body)
    }

    /// GET/POST `/login/code`: the code from the authenticator app, with the way to SMS recovery
    /// and "Not you? Log out" (ending the half-finished session). `email` is who is signing in.
    /// `offerPasskey`: the user has a passkey: "Use a passkey" next to the code form.
    public static func verificationCode(
        _ chrome: PageChrome, email: String? = nil, message: PageMessage?, offerPasskey: Bool = false
    ) -> String {
        let code = [FormField.authenticatorCode].showing(message)
        let body = """
            <h1>Enter your verification code</h1>
            <p class="lead">Open your authenticator app and enter the 6-digit code shown for \
            \(Markup.text(chrome.issuer)).</p>
            \(Markup.messageBox(message, besides: code.ids))\
            \(Markup.form(action: "/login/code", csrf: chrome.csrf, code.map(\.html).joined(), Markup.submit("Submit")))
            \(offerPasskey ? secondFactorPasskeyForm(chrome) : "")
            <ul class="links">
            <li><a href="/login/recovery">Can't access your multi-factor authentication app?</a></li>
            \(Markup.notYou(csrf: chrome.csrf, email: email))
            </ul>
            """
        return document(chrome, title: "Enter your verification code", body: body)
    }
}
