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

    @Test func emailsAndAccountNames_areIsolatedInBdi_wherePagesShowThem() {
        // Right-to-left text (or an override that slipped into old data) must not reorder the
        // words after it: each user-chosen value sits in its own <bdi>.
        let email = "\u{05D0}\u{05D1}@example.com"
        let account = "Acme\u{202E}gnp.exe"
        let chrome = PageChrome(csrf: "c", signedInEmail: email, accountName: account)
        let view = Pages.SecurityView(email: email, smsRecovery: "no_phone", mfaEnrolled: true)
        let isolated = { (value: String) in "<bdi>\(value)</bdi>" }
        let pages = [
            Pages.home(chrome, email: email, accountName: account, accountCount: 2, message: nil),
            Pages.security(chrome, view: view, message: nil, messageFor: nil),
            Pages.chooseAccount(chrome, accounts: [.init(id: "a-1", name: account)], selectedID: nil),
            Pages.mfaSetup(
                chrome, reason: .signUp, qrSVG: "<svg></svg>", secret: "ABCD", accountName: email, enrollmentID: "e",
                message: nil),
        ]
        for page in pages {
            #expect(page.contains(isolated(email)) || page.contains(isolated(account)))
            #expect(page.contains("\(isolated(email)) · \(isolated(account))"), "the header names both, isolated")
        }
        #expect(pages[0].contains("<strong class=\"wrap\">\(isolated(email))</strong>"))
        #expect(pages[0].contains("<strong>\(isolated(account))</strong>"))
        #expect(pages[2].contains("<span>\(isolated(account))</span>"))
        #expect(pages[3].contains("<dd>\(isolated(email))</dd>"))
    }

    @Test func accountChoice_escapesIdAndName() {
        let html = Self.pages().first { $0.0 == "chooseAccount" }?.1 ?? ""
        #expect(html.contains(#"name="account" value="\#(Self.escaped)""#))
        #expect(html.contains("<span><bdi>\(Self.escaped)</bdi></span>"))
    }
}
