/// A registered passkey as the Security tab lists it.
public struct PasskeyRow: Sendable, Equatable {
    /// The credential id (base64url), posted back to remove it.
    public var id: String
    public var name: String
    public var createdAtMillis: Int64
    public var lastUsedAtMillis: Int64?

    public init(id: String, name: String, createdAtMillis: Int64, lastUsedAtMillis: Int64?) {
        self.id = id
        self.name = name
        self.createdAtMillis = createdAtMillis
        self.lastUsedAtMillis = lastUsedAtMillis
    }
}

extension Pages {
    /// Where the gateway serves `passkeysScript`.
    public static let passkeysScriptPath = "/assets/passkeys.js"

    /// Which browser call a passkey page makes.
    public enum PasskeyCeremony: String, Sendable {
        /// `navigator.credentials.create()`: adding a passkey.
        case create
        /// `navigator.credentials.get()`: signing in with one.
        case get
    }

    /// The page that runs one passkey ceremony: a form whose `data-options` are the WebAuthn
    /// options (JSON, binary values base64url) and whose hidden inputs the script fills with the
    /// browser's answer before posting it to `action`. The only pages with a script (same-origin,
    /// `passkeysScriptPath`); without JavaScript the button posts an empty answer, which is refused
    /// with a message, and every other way to sign in still works.
    public static func passkeyCeremony(
        _ chrome: PageChrome, ceremony: PasskeyCeremony, title: String, lead: String, optionsJSON: String,
        challengeID: String, action: String, button: String, back: (href: String, label: String),
        message: PageMessage? = nil
    ) -> String {
        let answer =
            switch ceremony {
            case .create: ["client_data_json", "attestation_object", "transports"]
            case .get: ["credential_id", "client_data_json", "authenticator_data", "signature", "user_handle"]
            }
        let hidden =
            #"<input type="hidden" name="challenge_id" value="\#(Markup.text(challengeID))">"#
            + answer.map { #"<input type="hidden" name="\#($0)" value="">"# }.joined()
        let form =
            #"<form method="post" action="\#(Markup.text(action))" data-webauthn="\#(ceremony.rawValue)" "#
            + #"data-options="\#(Markup.text(optionsJSON))">"# + Markup.csrfInput(chrome.csrf) + hidden
            + Markup.submit(button) + "</form>"
        let body = """
            <h1>\(Markup.text(title))</h1>
            <p class="lead">\(Markup.text(lead))</p>
            \(Markup.messageBox(message))\
            \(form)
            <p class="fine" id="passkey-status" role="status"></p>
            <ul class="links"><li><a href="\(Markup.text(back.href))">\(Markup.text(back.label))</a></li></ul>
            """
        return document(chrome, title: title, body: body, scripts: [passkeysScriptPath])
    }

    /// "Sign in with a passkey" on the login page: a plain form (no script on that page).
    static func passwordlessForm(_ chrome: PageChrome) -> String {
        #"<div class="or"><p class="fine">Or, without your password:</p>"#
            + Markup.form(
                action: "/login/passwordless", csrf: chrome.csrf,
                Markup.submit("Sign in with a passkey", style: .secondary))
            + "</div>"
    }

    /// "Use a passkey" beside the verification code form.
    static func secondFactorPasskeyForm(_ chrome: PageChrome) -> String {
        Markup.form(action: "/login/passkey", csrf: chrome.csrf, Markup.submit("Use a passkey", style: .secondary))
    }

    /// The Security tab's passkeys: the list (name, added, last used, Remove) and the form to add
    /// one, which asks for the password and a current code, as the vault requires a fresh one.
    static func passkeysSection(
        _ chrome: PageChrome, view: SecurityView, passkeys: [PasskeyRow], message: PageMessage?
    ) -> String {
        // The last passkey of a user without an authenticator app is the last second factor.
        let removable = view.mfaEnrolled || passkeys.count > 1
        var list = "<p>You have no passkey yet.</p>"
        if !passkeys.isEmpty {
            list =
                #"<ul class="passkeys">"#
                + passkeys.map { passkey in
                    let used = passkey.lastUsedAtMillis.map { "last used " + utcTime($0) } ?? "never used"
                    let remove =
                        removable
                        ? Markup.form(
                            action: "/profile/security/passkeys/remove", csrf: chrome.csrf, className: "inline",
                            #"<input type="hidden" name="credential_id" value="\#(Markup.text(passkey.id))">"#,
                            Markup.submit("Remove", style: .link))
                        : #"<span class="fine">(your only second factor: add another before removing it)</span>"#
                    return #"<li><strong class="wrap">\#(Markup.userText(passkey.name))</strong> "#
                        + #"<span class="fine">added \#(utcTime(passkey.createdAtMillis)), \#(used)</span> "# + remove
                        + "</li>"
                }.joined() + "</ul>"
        }
        let fields = [
            FormField(
                id: "passkey-password", name: "password", label: "Password", kind: .password,
                autocomplete: "current-password"),
            .code(
                id: "passkey-code", label: "Verification code", hint: "The code from your authenticator app.",
                autofocus: false),
            FormField(
                id: "passkey-name", name: "name", label: "Name", autocomplete: "off", maxLength: 64,
                required: false, hint: "To tell your passkeys apart, for example \"Work laptop\"."),
        ].showing(message, summarised: true)
        let notice = message?.kind == .notice ? Markup.messageBox(message) : ""
        let error =
            message?.kind == .error ? Markup.messageBox(message, besides: fields.ids, summary: true) : ""
        return """
            <section class="section" id="security-passkeys" aria-labelledby="passkeys-heading">
            <h2 id="passkeys-heading">Passkeys</h2>
            \(notice)\
            <p>A passkey signs you in with your device's screen lock or a security key, and cannot be phished.</p>
            \(list)
            <h3>Add a passkey</h3>
            \(error)\
            \(Markup.form(action: "/profile/security/passkeys", csrf: chrome.csrf, fields.map(\.html).joined(),
                Markup.submit("Add a passkey")))
            </section>
            """
    }

    /// `millis` as `2026-12-05 07:30 UTC` (proleptic Gregorian, no locale, no Foundation).
    static func utcTime(_ millis: Int64) -> String {
        let seconds = millis / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let minuteOfDay = (seconds - days * 86_400) / 60
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPart = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPart + 2) / 5 + 1
        let month = monthPart < 10 ? monthPart + 3 : monthPart - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(minuteOfDay / 60)):\(two(minuteOfDay % 60)) UTC"
    }
}
