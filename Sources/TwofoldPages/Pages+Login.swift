extension Pages {
    /// GET/POST `/login`: email and password. `email` is re-filled after a failed attempt;
    /// the password never is.
    public static func login(_ chrome: PageChrome, email: String, message: PageMessage?) -> String {
        let emailField = FormField(
            id: "email", name: "email", label: "Email", kind: .email, value: email, autocomplete: "username",
            autofocus: email.isEmpty)
        let passwordField = FormField(
            id: "password", name: "password", label: "Password", kind: .password, autocomplete: "current-password",
            autofocus: !email.isEmpty, invalid: message?.kind == .error)
        let body = """
            <h1>Log in to \(Markup.text(chrome.issuer))</h1>
            <p class="lead">Enter your email and password. Next, you will enter a verification code from your \
            authenticator app.</p>
            \(Markup.messageBox(message))\
            \(Markup.form(action: "/login", csrf: chrome.csrf, emailField.html, passwordField.html, Markup.submit("Log in")))
            <p class="fine">New to \(Markup.text(chrome.issuer))? Open the invite link you received to create your \
            account.</p>
            """
        return document(chrome, title: "Log in", body: body)
    }

    /// GET/POST `/login/code`: the code from the authenticator app, with the way to SMS recovery
    /// and a way back to the login form (logging out of the half-finished session).
    public static func verificationCode(_ chrome: PageChrome, message: PageMessage?) -> String {
        let code = FormField.code(
            id: "code", label: "Verification code", hint: "The 6-digit code changes every 30 seconds.",
            autofocus: true, invalid: message?.kind == .error)
        let body = """
            <h1>Enter your verification code</h1>
            <p class="lead">Open your authenticator app and enter the 6-digit code shown for \
            \(Markup.text(chrome.issuer)).</p>
            \(Markup.messageBox(message))\
            \(Markup.form(action: "/login/code", csrf: chrome.csrf, code.html, Markup.submit("Submit")))
            <ul class="links">
            <li><a href="/login/recovery">Can't access your multi-factor authentication app?</a></li>
            <li>\(Markup.logoutForm(csrf: chrome.csrf, label: "Use a different account"))</li>
            </ul>
            """
        return document(chrome, title: "Enter your verification code", body: body)
    }
}
