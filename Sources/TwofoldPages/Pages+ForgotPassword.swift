extension Pages {
    /// What a user who cannot prove their authenticator is told: the help article's way out.
    static let cannotUseAuthenticator =
        "Can't use your authenticator app? Then you cannot choose a new password on your own. Contact your "
        + "representative: they will verify your identity, and then help you regain access to your account."

    /// GET/POST `/password/forgot`: "Forgot password?" starts with the email. Whatever the email,
    /// the next page is the same (a page never tells whether an address has a user).
    public static func forgotPassword(_ chrome: PageChrome, email: String, message: PageMessage?) -> String {
        let fields = [
            FormField(
                id: "email", name: "email", label: "Email", kind: .email, value: email, autocomplete: "username",
                autofocus: true)
        ].showing(message)
        let body = """
            \(eyebrow("Forgot password"))
            <h1>Reset your password</h1>
            <p class="lead">To choose a new password, you will need your authenticator app and, if your profile has \
            a phone number, a code we send to it by SMS.</p>
            \(Markup.messageBox(message, besides: fields.ids))\
            \(Markup.form(action: "/password/forgot", csrf: chrome.csrf, fields.map(\.html).joined(), Markup.submit("Continue")))
            \(Markup.infoBox([Markup.text(cannotUseAuthenticator)]))
            <ul class="links"><li><a href="/login">Back to log in</a></li></ul>
            """
        return document(chrome, title: "Reset your password", body: body)
    }

    /// GET/POST `/password/forgot/code`: the authenticator's current code, checked by the vault.
    public static func forgotPasswordCode(_ chrome: PageChrome, message: PageMessage?) -> String {
        let code = [FormField.authenticatorCode].showing(message)
        let body = """
            \(eyebrow("Forgot password"))
            <h1>Enter your verification code</h1>
            <p class="lead">Open your authenticator app and enter the 6-digit code shown for \
            \(Markup.text(chrome.issuer)). It shows that this is you.</p>
            \(Markup.messageBox(message, besides: code.ids))\
            \(Markup.form(action: "/password/forgot/code", csrf: chrome.csrf, code.map(\.html).joined(), Markup.submit("Continue")))
            \(Markup.infoBox([Markup.text(cannotUseAuthenticator)]))
            <ul class="links"><li><a href="/login">Back to log in</a></li></ul>
            """
        return document(chrome, title: "Enter your verification code", body: body)
    }

    /// GET/POST `/password/forgot/sms`: the code sent to the phone on file (only when a phone is on
    /// file and its country is one SMS go to), and a form to send a new one.
    public static func forgotPasswordSMS(_ chrome: PageChrome, phoneMasked: String, message: PageMessage?) -> String {
        let code = [FormField.code(id: "code", label: "Code from the SMS", autofocus: true)].showing(message)
        let resend = Markup.form(
            action: "/password/forgot/sms/send", csrf: chrome.csrf,
            Markup.submit("Send a new code", style: .secondary))
        let body = """
            \(eyebrow("Forgot password"))
            <h1>Enter the code from the SMS</h1>
            <p class="lead">We sent a code by SMS to <strong class="nowrap">\(Markup.text(phoneMasked))</strong>. \
            It is valid for 10 minutes.</p>
            \(Markup.messageBox(message, besides: code.ids))\
            \(Markup.form(action: "/password/forgot/sms", csrf: chrome.csrf, code.map(\.html).joined(), Markup.submit("Continue")))
            <div class="aside"><p>Didn't get the SMS?</p>\(resend)</div>
            <ul class="links"><li><a href="/login">Back to log in</a></li></ul>
            """
        return document(chrome, title: "Enter the code from the SMS", body: body)
    }

    /// Where a new password is chosen, and what happens next.
    public enum NewPasswordContext: Sendable, Equatable {
        /// The last step of "Forgot password?" (`/password/forgot/new`).
        case forgotPassword
        /// An operator's one-time link (`/reset/{token}`); the second factor follows.
        case resetLink(token: String)
    }

    /// GET/POST `/password/forgot/new` and `/reset/{token}`: a new password, under the same
    /// policy as everywhere, for `email`. Errors about `new-password` or `new-password-confirm` are
    /// shown at that input and listed in a summary.
    public static func newPassword(
        _ chrome: PageChrome, context: NewPasswordContext, email: String, minimumPasswordLength: Int,
        message: PageMessage?
    ) -> String {
        let fields = FormField.newPasswordPair(minimumLength: minimumPasswordLength, autofocus: true)
            .showing(message, summarised: true)
        let action: String
        let after: String
        switch context {
        case .forgotPassword:
            action = "/password/forgot/new"
            after =
                "You will be logged out everywhere, and if your profile has a phone number, we will send a notice to it. "
                + "Then log in with your new password."
        case .resetLink(let token):
            action = "/reset/" + Markup.pathSegment(token)
            after =
                "You will be logged out everywhere. Then, to finish logging in, you will use your authenticator app."
        }
        let body = """
            \(eyebrow("Reset your password"))
            <h1>Choose a new password</h1>
            <p class="lead">For <strong class="wrap">\(Markup.userText(email))</strong>. \(Markup.text(after))</p>
            \(Markup.messageBox(message, besides: fields.ids, summary: true))\
            \(Markup.form(action: action, csrf: chrome.csrf, fields.map(\.html).joined(), Markup.submit("Save new password")))
            <ul class="links"><li><a href="/login">Back to log in</a></li></ul>
            """
        return document(chrome, title: "Choose a new password", body: body)
    }
}
