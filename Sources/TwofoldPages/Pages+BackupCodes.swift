extension Pages {
    /// Where the set being shown can be downloaded as a text file (the gateway serves it to the
    /// session it belongs to, `Cache-Control: no-store`, while the page is still being shown).
    public static let backupCodesDownloadPath = "/mfa/backup-codes.txt"

    /// What the "Save your backup codes" page shows.
    public struct BackupCodesView: Sendable, Equatable {
        /// The codes, shown once; nil when the vault withheld them (the answer reached the gateway
        /// only on a retry) and the user must generate a new set to have one.
        public var codes: [String]?
        /// Why the codes were made: with a setup (sign-up, recovery, reset) or by "Generate new
        /// codes" on the Security tab (the old ones then stopped working).
        public var generated: Bool

        public init(codes: [String]?, generated: Bool = false) {
            self.codes = codes
            self.generated = generated
        }
    }

    /// GET `/mfa/backup-codes`: the set just made, once, with a download as a text file and a
    /// print layout (only the codes are printed), then "Continue" to where the step that made them
    /// leads. Withheld codes: says so and offers "Generate new codes" (a current authenticator code
    /// is required; the error about it is at its input, `backup-generate-code`).
    public static func backupCodes(_ chrome: PageChrome, view: BackupCodesView, message: PageMessage?) -> String {
        let continueForm = { (label: String, style: Markup.ButtonStyle) in
            Markup.form(
                action: "/mfa/backup-codes/continue", csrf: chrome.csrf, className: "no-print",
                Markup.submit(label, style: style))
        }
        let body: String
        if let codes = view.codes {
            let items = codes.map { #"<li><code class="secret">\#(Markup.text($0))</code></li>"# }.joined()
            let replaced =
                view.generated
                ? "<p><strong>Your previous backup codes no longer work.</strong></p>\n" : ""
            body = """
                <h1>Save your backup codes</h1>
                <p class="lead">If you cannot use your authenticator app, log in with one of these codes instead. \
                Each code works once. Keep them somewhere safe: this is the only time they are shown.</p>
                \(Markup.messageBox(message))\
                \(replaced)\
                <ol class="backup-codes" aria-label="Your backup codes">\(items)</ol>
                <p class="print-only">\(Markup.text(chrome.issuer)) backup codes. Each code works once.</p>
                <div class="backup-actions no-print">
                <a class="button secondary" href="\(backupCodesDownloadPath)" download="\(Markup.text(downloadName(chrome.issuer)))">Download as a text file</a>
                <p class="hint">To print them, use your browser's Print command: only the codes are printed.</p>
                </div>
                \(continueForm("I saved my codes. Continue", .primary))
                """
        } else {
            let code = [
                FormField.code(
                    id: "backup-generate-code", label: "Verification code",
                    hint: "The code currently shown in your authenticator app.", autofocus: true)
            ].showing(message)
            body = """
                <h1>Generate your backup codes</h1>
                <p class="lead">Your backup codes could not be shown: they are shown only once, and the answer \
                that carried them was lost on the way. Generate a new set now, so that you can log in if you \
                cannot use your authenticator app.</p>
                \(Markup.messageBox(message, besides: code.ids))\
                \(Markup.form(action: "/mfa/backup-codes/generate", csrf: chrome.csrf, code.map(\.html).joined(),
                    Markup.submit("Generate new codes")))
                <div class="aside"><p>You can also generate them later in My Profile → Security.</p>\
                \(continueForm("Skip for now", .secondary))</div>
                """
        }
        return document(
            chrome, title: view.codes == nil ? "Generate your backup codes" : "Save your backup codes", body: body)
    }

    /// The download's file name: the issuer's letters and digits, then `-backup-codes.txt`.
    public static func downloadName(_ issuer: String) -> String {
        let kept = issuer.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        let name = String(String.UnicodeScalarView(kept.prefix(40)))
        return (name.isEmpty ? "twofold" : name) + "-backup-codes.txt"
    }

    /// The text file of a set: a title line, the codes one per line, and how to use them.
    public static func backupCodesText(issuer: String, account: String, codes: [String]) -> String {
        var lines = ["\(issuer) backup codes for \(account)", ""]
        lines += codes
        lines += [
            "", "Each code works once. Use one to log in if you cannot use your authenticator app.",
            "Generating new codes (My Profile > Security) makes these stop working.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The "Use a backup code" choice of "Can't access your multi-factor authentication app?": a
    /// primary button where SMS recovery is not possible (it is then the first choice), a secondary
    /// one beside the SMS otherwise.
    static func backupCodeChoice(primary: Bool) -> String {
        let link =
            #"<a class="\#(primary ? "button" : "button secondary")" href="/login/recovery/backup-code">Use a backup code</a>"#
        if primary {
            return """
                <div class="backup-choice"><p>Use one of the backup codes you saved when you set up multi-factor \
                authentication. Then set up your authenticator again.</p>
                \(link)</div>
                """
        }
        return #"<div class="aside"><p>Saved your backup codes? Log in with one instead.</p>\#(link)</div>"#
    }

    /// GET/POST `/login/recovery/backup-code`: one of the saved backup codes instead of the
    /// authenticator's code. An error about the code is at its input (`backup-code`).
    public static func recoveryBackupCode(_ chrome: PageChrome, email: String? = nil, message: PageMessage?) -> String {
        let code = [
            FormField(
                id: "backup-code", name: "code", label: "Backup code", autocomplete: "off", maxLength: 64,
                autofocus: true, inputClass: "code backup-input",
                hint: "12 letters and digits, like abcd-efgh-jkmn. Each code works once.")
        ].showing(message)
        let body = """
            <h1>Use a backup code</h1>
            <p class="lead">Enter one of the backup codes you saved when you set up multi-factor authentication. \
            After logging in, you will set up your authenticator app again.</p>
            \(Markup.messageBox(message, besides: code.ids))\
            \(Markup.form(action: "/login/recovery/backup-code", csrf: chrome.csrf, code.map(\.html).joined(), Markup.submit("Continue")))
            <ul class="links">
            <li><a href="/login/recovery">Other ways to recover your account</a></li>
            <li><a href="/login/code">Back to the verification code</a></li>
            \(Markup.notYou(csrf: chrome.csrf, email: email))
            </ul>
            """
        return document(chrome, title: "Use a backup code", body: body)
    }

    /// The Security tab's "Backup codes" section: how many are left and "Generate new codes",
    /// which needs a current authenticator code (its error is at `backup-codes-code`).
    static func backupCodesSection(_ chrome: PageChrome, view: SecurityView, message: PageMessage?) -> String {
        guard view.mfaEnrolled, let left = view.backupCodesLeft else { return "" }
        let status =
            left > 0
            ? #"<span class="status on">\#(left) left</span>"# : #"<span class="status off">None left</span>"#
        let code = [
            FormField.code(
                id: "backup-codes-code", label: "Verification code",
                hint: "The code from your authenticator app, required to generate new codes.", autofocus: false)
        ].showing(message)
        let about =
            left > 0
            ? "You have \(left) unused backup code\(left == 1 ? "" : "s"). Each one logs you in once if you cannot use your authenticator app."
            : "You have no unused backup codes. Generate a set, so that you can log in if you cannot use your authenticator app."
        return """
            <section class="section" id="security-backup-codes" aria-labelledby="backup-codes-heading">
            <h2 id="backup-codes-heading">Backup codes \(status)</h2>
            \(Markup.messageBox(message, besides: code.ids))\
            <p>\(about) Generating new codes makes the old ones stop working.</p>
            \(Markup.form(action: "/profile/security/backup-codes", csrf: chrome.csrf, code.map(\.html).joined(),
                Markup.submit("Generate new codes")))
            </section>
            """
    }

    /// The print layout and the codes' grid, appended to `stylesheet`.
    static let backupCodesStylesheet = """
        .backup-codes {
          display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .5rem 1.5rem;
          margin: 1rem 0 1.25rem; padding-left: 1.75rem;
        }
        .backup-codes .secret { font-size: 1.125rem; letter-spacing: .05em; }
        .backup-actions { margin-bottom: 1.25rem; }
        .print-only { display: none; }
        .backup-choice + h2 { margin-top: 1.75rem; }
        input.code.backup-input { font-size: 1.25rem; letter-spacing: .08em; }
        @media print {
          .topbar, .footer, .no-print, .lead, .msg { display: none; }
          .print-only { display: block; }
          .card { box-shadow: none; border: 0; }
          .backup-codes .secret { background: none; color: #000; }
        }

        """
}
