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

    /// What the setup page shows of one enrollment (the vault's `enroll.begin`).
    public struct SetupView: Sendable, Equatable {
        /// The QR code: trusted markup rendered by the vault, inserted as it is.
        public var qrSVG: String
        /// The Base32 key, shown in groups of four.
        public var secret: String
        /// The `otpauth://` URI the QR code holds; the "Open in authenticator app" link.
        public var uri: String
        /// The account name in the app (the user's email).
        public var accountName: String
        public var enrollmentID: String

        public init(qrSVG: String, secret: String, uri: String, accountName: String, enrollmentID: String) {
            self.qrSVG = qrSVG
            self.secret = secret
            self.uri = uri
            self.accountName = accountName
            self.enrollmentID = enrollmentID
        }
    }

    /// GET/POST `/mfa/setup`: install an app, add the account to it, enter the code.
    ///
    /// Works on the phone it is done on: a narrow screen gets an "Open in authenticator app" link
    /// (the `otpauth://` URI, which phones hand to the installed app) and the key grouped in fours
    /// first, the QR code after them (for another device); a desktop gets the QR code and the code
    /// field side by side. An error about the code (`field` `code`) is shown at the code field.
    public static func mfaSetup(
        _ chrome: PageChrome, reason: SetupReason, setup: SetupView, message: PageMessage?
    ) -> String {
        let issuer = Markup.text(chrome.issuer)
        let account = Markup.text(setup.accountName)
        let code = [
            FormField.code(
                id: "code", label: "Verification code", hint: "Type in the 6-digit code currently shown in your app.",
                autofocus: false)
        ].showing(message)
        let enrollment = #"<input type="hidden" name="enrollment_id" value="\#(Markup.text(setup.enrollmentID))">"#
        let apps = authenticatorApps.map { "<li>\($0)</li>" }.joined()
        // Only an otpauth URI becomes a link: never another scheme, whatever the vault sent.
        let openApp =
            setup.uri.lowercased().hasPrefix("otpauth://")
            ? #"<a class="button open-app" href="\#(Markup.text(setup.uri))">Open in authenticator app</a>"# : ""
        let body = """
            \(eyebrow(setupEyebrow(reason)))
            <h1>Set up multi-factor authentication</h1>
            <p class="lead">\(setupLead(reason)).</p>
            \(Markup.messageBox(message, besides: code.ids))\
            <ol class="steps">
            <li class="step-app"><h2>Install an authenticator app</h2>
            <p>On your phone, install an authenticator app from the App Store or Google Play, for example:</p>
            <ul class="apps">\(apps)</ul></li>
            <li class="step-add"><h2>Add \(issuer) to the app</h2>
            <p class="narrow-only">On this phone, tap "Open in authenticator app", or enter the key below in \
            the app. To use another device, scan the QR code with it.</p>
            <p class="wide-only">In the app, add an account and scan this QR code. With Apple Passwords, point \
            your iPhone's camera at the code and tap "Set Up Verification Code in Passwords".</p>
            \(openApp)
            <figure class="qr"><div class="qr-image" role="img" \
            aria-label="QR code that adds \(issuer) (\(account)) to your authenticator app">\(setup.qrSVG)</div></figure>
            <div class="manual-key"><p class="key-title">Can't scan? Enter this key in the app:</p>
            <p><code class="secret" aria-label="\(spelledOut(setup.secret))">\
            \(Markup.text(grouped(setup.secret)))</code></p>
            <dl class="facts">
            <dt>Account</dt><dd>\(Markup.userText(setup.accountName))</dd>
            <dt>Issuer</dt><dd>\(issuer)</dd>
            <dt>Type</dt><dd>Time-based, 6 digits</dd>
            </dl></div></li>
            <li class="step-code"><h2>Enter the verification code</h2>
            \(Markup.form(action: "/mfa/setup", csrf: chrome.csrf, enrollment, code.map(\.html).joined(), Markup.submit("Submit")))
            <p class="fine">If \(issuer) says that the code is not valid, you may be using a code from an old setup \
            of \(issuer) in your app. Add this setup again, or try a different authenticator app.</p></li>
            </ol>
            <ul class="links"><li><a href="/mfa/setup?new=1">Start again with a new QR code</a></li>\
            <li>\(Markup.logoutForm(csrf: chrome.csrf))</li></ul>
            """
        return document(chrome, title: "Set up multi-factor authentication", width: .setup, body: body)
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
