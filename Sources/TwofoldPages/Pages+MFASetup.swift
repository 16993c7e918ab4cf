extension Pages {
    /// Why the user is setting up multi-factor authentication; it decides the page's lead text.
    public enum SetupReason: Sendable, Equatable {
        /// The last step of the invite sign-up.
        case signUp
        /// Login of a user without an authenticator (for example after an operator reset).
        case required
        /// After SMS recovery.
        case recovery
        /// Started from My Profile → Security.
        case reset
    }

    /// The authenticator apps the help article names, in its order.
    static let authenticatorApps = [
        "Google Authenticator", "Apple Passwords", "Microsoft Authenticator", "Authy", "Duo Mobile",
    ]

    /// GET/POST `/mfa/setup`: install an app, scan the QR code (or type the key), enter the code.
    ///
    /// `qrSVG` is trusted markup rendered by the vault and inserted as it is; everything else is
    /// escaped. `secret` is the Base32 key, shown in groups of four.
    public static func mfaSetup(
        _ chrome: PageChrome, reason: SetupReason, qrSVG: String, secret: String, accountName: String,
        enrollmentID: String, message: PageMessage?
    ) -> String {
        let issuer = Markup.text(chrome.issuer)
        let account = Markup.text(accountName)
        let code = FormField.code(
            id: "code", label: "Verification code", hint: "Type in the 6-digit code currently shown in your app.",
            autofocus: message != nil, invalid: message?.kind == .error)
        let enrollment = #"<input type="hidden" name="enrollment_id" value="\#(Markup.text(enrollmentID))">"#
        let apps = authenticatorApps.map { "<li>\($0)</li>" }.joined()
        let body = """
            \(eyebrow(setupEyebrow(reason)))
            <h1>Set up multi-factor authentication</h1>
            <p class="lead">\(setupLead(reason)).</p>
            \(Markup.messageBox(message))\
            <ol class="steps">
            <li><h2>Install an authenticator app</h2>
            <p>On your phone, install an authenticator app from the App Store or Google Play, for example:</p>
            <ul class="apps">\(apps)</ul></li>
            <li><h2>Scan the QR code</h2>
            <p>In the app, add an account and scan this QR code. With Apple Passwords, point your iPhone's camera \
            at the code and tap "Set Up Verification Code in Passwords".</p>
            <figure class="qr"><div class="qr-image" role="img" \
            aria-label="QR code that adds \(issuer) (\(account)) to your authenticator app">\(qrSVG)</div></figure>
            <details><summary>Can't scan? Enter this key manually</summary>
            <dl class="facts">
            <dt>Key</dt><dd><code class="secret" aria-label="\(spelledOut(secret))">\
            \(Markup.text(grouped(secret)))</code></dd>
            <dt>Account</dt><dd>\(Markup.userText(accountName))</dd>
            <dt>Issuer</dt><dd>\(issuer)</dd>
            <dt>Type</dt><dd>Time-based, 6 digits</dd>
            </dl></details></li>
            <li><h2>Enter the verification code</h2>
            \(Markup.form(action: "/mfa/setup", csrf: chrome.csrf, enrollment, code.html, Markup.submit("Submit")))
            <p class="fine">If \(issuer) says that the code is not valid, you may be using a code from an old setup \
            of \(issuer) in your app. Scan this QR code again, or try a different authenticator app.</p></li>
            </ol>
            <ul class="links"><li><a href="/mfa/setup?new=1">Start again with a new QR code</a></li>\
            <li>\(Markup.logoutForm(csrf: chrome.csrf))</li></ul>
            """
        return document(chrome, title: "Set up multi-factor authentication", width: .medium, body: body)
    }

    static func setupEyebrow(_ reason: SetupReason) -> String? {
        switch reason {
        case .signUp: "Step 2 of 2"
        case .recovery: "Account recovery"
        case .reset: "Security"
        case .required: nil
        }
    }

    static func setupLead(_ reason: SetupReason) -> String {
        switch reason {
        case .signUp: "Set up multi-factor authentication to finish creating your account"
        case .required: "You need to set up multi-factor authentication before you continue"
        case .recovery: "Set up your authenticator again to finish recovering your account"
        case .reset: "Your current authenticator keeps working until you finish this setup"
        }
    }

    /// The key in groups of four characters ("JBSW Y3DP EHPK 3PXP"), as authenticator apps
    /// accept it with or without the spaces.
    static func grouped(_ secret: String) -> String {
        var groups: [String] = []
        var current = ""
        for character in secret where !character.isWhitespace {
            current.append(character)
            if current.count == 4 {
                groups.append(current)
                current = ""
            }
        }
        if !current.isEmpty { groups.append(current) }
        return groups.joined(separator: " ")
    }

    /// The accessible name of the key: each character separately, groups separated by commas,
    /// so a screen reader spells it out instead of reading it as words.
    static func spelledOut(_ secret: String) -> String {
        let groups = grouped(secret).split(separator: " ").map { group in
            group.map { String($0) }.joined(separator: " ")
        }
        return Markup.text("Setup key: " + groups.joined(separator: ", "))
    }
}
