import Testing

@testable import TwofoldPages

@Suite struct PasskeyPagesTests {
    static let chrome = PageChrome(csrf: "csrf-token-123")
    static let hostile = #"<script>alert("x")</script>' onmouseover='x"#

    @Test func ceremonyPage_loadsOnlyTheSameOriginScript_andEscapesTheOptions() {
        let html = Pages.passkeyCeremony(
            Self.chrome, ceremony: .get, title: "Use your passkey", lead: "Lead",
            optionsJSON: #"{"challenge":"\#(Self.hostile)"}"#, challengeID: Self.hostile,
            action: "/login/passkey/finish",
            button: "Use your passkey", back: (href: "/login/code", label: "Back"))
        let scripts = html.ranges(of: "<script").count
        #expect(scripts == 1)
        #expect(html.contains(#"<script src="/assets/passkeys.js" defer></script>"#))
        #expect(!html.contains(Self.hostile))
        #expect(html.contains("data-options=\"{&quot;challenge&quot;:&quot;&lt;script&gt;"))
        #expect(!html.lowercased().contains("onmouseover='"))
        #expect(html.contains(#"data-webauthn="get""#))
        for name in ["csrf", "challenge_id", "credential_id", "client_data_json", "authenticator_data", "signature"] {
            #expect(html.contains(#"name="\#(name)""#), "\(name)")
        }
        let create = Pages.passkeyCeremony(
            Self.chrome, ceremony: .create, title: "Add a passkey", lead: "Lead", optionsJSON: "{}", challengeID: "ab",
            action: "/profile/security/passkeys/finish", button: "Create", back: (href: "/", label: "Cancel"))
        #expect(create.contains(#"name="attestation_object""#))
        #expect(!create.contains(#"name="signature""#))
    }

    @Test func loginAndCodePages_offerPasskeysOnlyWhenAsked_andStayWithoutScript() {
        let plain = Pages.login(Self.chrome, email: "", message: nil)
        #expect(!plain.contains("/login/passwordless"))
        let offered = Pages.login(Self.chrome, email: "", message: nil, offerPasskeys: true)
        #expect(offered.contains(#"action="/login/passwordless""#))
        #expect(offered.contains("Sign in with a passkey"))
        #expect(!offered.lowercased().contains("<script"))
        #expect(!Pages.verificationCode(Self.chrome, message: nil).contains("/login/passkey"))
        let code = Pages.verificationCode(Self.chrome, message: nil, offerPasskey: true)
        #expect(code.contains(#"action="/login/passkey""#))
        #expect(!code.lowercased().contains("<script"))
    }

    @Test func securityTab_listsPasskeys_andKeepsTheLastSecondFactor() {
        let rows = [
            PasskeyRow(id: "AQID", name: Self.hostile, createdAtMillis: 1_764_892_800_000, lastUsedAtMillis: nil)
        ]
        var view = Pages.SecurityView(
            email: "a@example.com", smsRecovery: "no_phone", mfaEnrolled: true, passkeys: rows)
        var html = Pages.security(Self.chrome, view: view, message: nil, messageFor: nil)
        #expect(html.contains(#"id="security-passkeys""#))
        #expect(html.contains("added 2025-12-05 00:00 UTC, never used"))
        #expect(html.contains(#"action="/profile/security/passkeys/remove""#))
        #expect(!html.contains(Self.hostile))
        // Without an authenticator app, the only passkey is the last second factor: no Remove.
        view.mfaEnrolled = false
        html = Pages.security(Self.chrome, view: view, message: nil, messageFor: nil)
        #expect(!html.contains(#"action="/profile/security/passkeys/remove""#))
        view.passkeys = nil
        #expect(!Pages.security(Self.chrome, view: view, message: nil, messageFor: nil).contains("security-passkeys"))
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01 00:00 UTC"), (951_782_400_000, "2000-02-29 00:00 UTC"),
        (1_764_921_599_000, "2025-12-05 07:59 UTC"), (-60_000, "1969-12-31 23:59 UTC"),
    ])
    func utcTime_isTheProlepticGregorianDate(millis: Int64, expected: String) {
        #expect(Pages.utcTime(millis) == expected)
    }
}
