extension Pages {
    /// Whether the user can recover their account by SMS, and if not, why.
    public enum RecoveryAvailability: Sendable, Equatable {
        /// A code can be sent to the phone on file, shown masked.
        case available(phoneMasked: String)
        /// The user never saved a recovery phone.
        case noPhone
        /// The phone is from a country where recovery SMS cannot be sent.
        case unsupportedCountry(countryName: String)
        /// The phone on file cannot receive SMS for another reason.
        case unsupportedNumber
    }

    static let contactRepresentative =
        "You will need to contact your representative to regain access to your account. They will verify your "
        + "identity, and then help you reset your authenticator."

    /// GET `/login/recovery` ("Can't access your multi-factor authentication app?"): offers the
    /// SMS, or explains why the user must contact their representative. With `backupCodes`, "Use a
    /// backup code" is offered too: beside the SMS, or first where SMS recovery is not possible
    /// (contacting the representative is then the last resort).
    public static func recovery(
        _ chrome: PageChrome, availability: RecoveryAvailability, email: String? = nil, message: PageMessage?,
        backupCodes: Bool = false
    ) -> String {
        var content: String
        switch availability {
        case .available(let phoneMasked):
            content = """
                <p>We will send a code by SMS to the phone number saved in your profile: \
                <strong class="nowrap">\(Markup.text(phoneMasked))</strong>. Use the code to log in, then set up \
                your authenticator again.</p>
                \(Markup.form(action: "/login/recovery/send", csrf: chrome.csrf, Markup.submit("Send code by SMS")))
                """
        case .noPhone:
            content = Markup.infoBox([
                backupCodes
                    ? "You did not save a phone number in your profile, so you cannot recover your account by SMS."
                    : "You did not save a phone number in your profile, so you cannot recover your account on your own.",
                contactRepresentative,
            ])
        case .unsupportedCountry(let countryName):
            content = Markup.infoBox([
                "We are unable to send a recovery SMS to phone numbers from \(Markup.text(countryName)).",
                contactRepresentative,
            ])
        case .unsupportedNumber:
            content = Markup.infoBox([
                "We are unable to send a recovery SMS to the phone number saved in your profile.",
                contactRepresentative,
            ])
        }
        if backupCodes {
            if case .available = availability {
                content += "\n" + backupCodeChoice(primary: false)
            } else {
                // The representative stays, as the last resort.
                content = backupCodeChoice(primary: true) + "\n<h2>No backup code left?</h2>\n" + content
            }
        }
        let body = """
            <h1>Recover your account</h1>
            <p class="lead">If you lose access to the device with your authenticator app, you can recover your \
            account through SMS\(backupCodes ? " or with one of your backup codes" : "").</p>
            \(Markup.messageBox(message))\
            \(content)
            <ul class="links">
            <li><a href="/login/code">Back to the verification code</a></li>
            \(Markup.notYou(csrf: chrome.csrf, email: email))
            </ul>
            """
        return document(chrome, title: "Recover your account", body: body)
    }

    /// GET/POST `/login/recovery/code`: the code from the SMS, and a form to send a new one. The
    /// SMS says the code expires in 10 minutes (the vault's policy); so does this page.
    public static func recoveryCode(
        _ chrome: PageChrome, phoneMasked: String, email: String? = nil, message: PageMessage?
    ) -> String {
        let code = [FormField.code(id: "code", label: "Code from the SMS", autofocus: true)].showing(message)
        let resend = Markup.form(
            action: "/login/recovery/send", csrf: chrome.csrf, Markup.submit("Send a new code", style: .secondary))
        let body = """
            <h1>Enter the code from the SMS</h1>
            <p class="lead">We sent a code by SMS to <strong class="nowrap">\(Markup.text(phoneMasked))</strong>. \
            It is valid for 10 minutes.</p>
            \(Markup.messageBox(message, besides: code.ids))\
            \(Markup.form(action: "/login/recovery/code", csrf: chrome.csrf, code.map(\.html).joined(), Markup.submit("Continue")))
            <div class="aside"><p>Didn't get the SMS?</p>\(resend)</div>
            <ul class="links">
            <li><a href="/login/code">Back to the verification code</a></li>
            \(Markup.notYou(csrf: chrome.csrf, email: email))
            </ul>
            """
        return document(chrome, title: "Enter the code from the SMS", body: body)
    }
}
