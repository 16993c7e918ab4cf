import Testing
import TwofoldPages

/// Hostile values in every slot that takes data: nothing of them survives as markup.
@Suite struct EscapingTests {
    static let hostile = #"<script>alert("x")</script>' onmouseover='x"#
    static let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x"

    static func pages() -> [(String, String)] {
        let h = hostile
        let chrome = PageChrome(issuer: h, csrf: h, signedInEmail: h, accountName: h)
        let view = Pages.SecurityView(
            email: h, phoneMasked: h, phoneCountryName: h, smsRecovery: "unsupported_country", mfaEnrolled: true)
        return [
            ("login", Pages.login(chrome, email: h, message: .error(h))),
            (
                "signUp",
                Pages.signUp(
                    chrome, token: h, email: h, phone: h, message: .notice(h), minimumPasswordLength: 12,
                    smsUnavailableCountries: [h])
            ),
            ("code", Pages.verificationCode(chrome, message: .error(h))),
            ("recovery", Pages.recovery(chrome, availability: .available(phoneMasked: h), message: .error(h))),
            (
                "recoveryCountry",
                Pages.recovery(chrome, availability: .unsupportedCountry(countryName: h), message: nil)
            ),
            ("recoveryCode", Pages.recoveryCode(chrome, phoneMasked: h, message: .error(h))),
            (
                "mfaSetup",
                Pages.mfaSetup(
                    chrome, reason: .reset, qrSVG: "<svg></svg>", secret: h, accountName: h, enrollmentID: h,
                    message: .error(h))
            ),
            ("chooseAccount", Pages.chooseAccount(chrome, accounts: [.init(id: h, name: h)], selectedID: h)),
            ("home", Pages.home(chrome, email: h, accountName: h, accountCount: 2, message: .notice(h))),
            ("security", Pages.security(chrome, view: view, message: .error(h), messageFor: .phone, profileHref: h)),
            ("message", Pages.message(chrome, title: h, text: h, link: (href: h, label: h))),
        ]
    }

    @Test(arguments: pages().map(\.0))
    func hostileValues_appearOnlyEscaped(name: String) throws {
        let html = try #require(Self.pages().first { $0.0 == name }?.1)
        #expect(!html.contains("<script"))
        #expect(!html.contains("'x"))
        #expect(!html.contains(#""x""#))
        #expect(html.contains("&lt;script&gt;"))
        let page = HTMLScan(html)
        for tag in page.tags {
            #expect(!tag.attributes.keys.contains { $0.hasPrefix("on") }, "\(name): \(tag.name) got a handler")
        }
    }

    @Test func csrfAndHiddenValues_areEscapedInsideTheirAttributes() {
        let html = Self.pages().first { $0.0 == "mfaSetup" }?.1 ?? ""
        #expect(html.contains(#"name="csrf" value="\#(Self.escaped)""#))
        #expect(html.contains(#"name="enrollment_id" value="\#(Self.escaped)""#))
        #expect(
            HTMLScan(html).forms.allSatisfy { form in
                form.inside.contains { $0["name"] == "csrf" && $0["value"] == Self.escaped }
            })
    }

    @Test func accountChoice_escapesIdAndName() {
        let html = Self.pages().first { $0.0 == "chooseAccount" }?.1 ?? ""
        #expect(html.contains(#"name="account" value="\#(Self.escaped)""#))
        #expect(html.contains("<span>\(Self.escaped)</span>"))
    }
}
