import Testing
import TwofoldPages

@Suite struct MFASetupPageTests {
    let chrome = SamplePages.chrome()

    func render(
        _ reason: Pages.SetupReason = .signUp, secret: String = SamplePages.secret, uri: String = SamplePages.uri,
        message: PageMessage? = nil
    ) -> String {
        Pages.mfaSetup(
            chrome, reason: reason,
            setup: Pages.SetupView(
                qrSVG: SamplePages.qrSVG, secret: secret, uri: uri, accountName: "ada@example.com", enrollmentID: "e-42"
            ),
            message: message)
    }

    @Test func setup_insertsTheQRCodeSVGVerbatimInsideAnImageWrapper() throws {
        let html = render()
        #expect(html.contains(SamplePages.qrSVG))
        let page = HTMLScan(html)
        let wrapper = try #require(page.tags.first { $0["class"] == "qr-image" })
        #expect(wrapper["role"] == "img")
        #expect(wrapper["aria-label"]?.contains("QR code") == true)
        #expect(
            html.contains(
                #"aria-label="QR code that adds Twofold (ada@example.com) to your authenticator app">"#
                    + SamplePages.qrSVG))
    }

    @Test func setup_showsTheSecretGroupedInFoursWithASpelledOutLabel() throws {
        let html = render(secret: "JBSWY3DPEHPK3PXPJB")
        let page = HTMLScan(html)
        let code = try #require(page.tags("code").first)
        #expect(html.contains(">JBSW Y3DP EHPK 3PXP JB</code>"))
        #expect(code["aria-label"] == "Setup key: J B S W, Y 3 D P, E H P K, 3 P X P, J B")
        #expect(code["class"] == "secret")
        #expect(page.text.contains("Can't scan? Enter this key in the app:"))
        #expect(page.tags("details").isEmpty, "the key is shown, not folded away")
        #expect(page.text.contains("Time-based, 6 digits"))
        #expect(page.text.contains("ada@example.com"))
    }

    @Test func setup_postsTheCodeAndEnrollmentID() throws {
        let html = render()
        let page = HTMLScan(html)
        let form = try #require(page.forms.first { $0.form["action"] == "/mfa/setup" })
        let enrollment = try #require(form.inside.first { $0["name"] == "enrollment_id" })
        #expect(enrollment["type"] == "hidden")
        #expect(enrollment["value"] == "e-42")
        let code = try #require(form.inside.first { $0["name"] == "code" })
        #expect(code["id"] == "code")
        #expect(code["autocomplete"] == "one-time-code")
        #expect(code["inputmode"] == "numeric")
        #expect(html.contains(#"<label for="code">Verification code</label>"#))
        #expect(html.contains(#"<button type="submit" class="button">Submit</button>"#))
        #expect(page.forms.contains { $0.form["action"] == "/logout" })
        #expect(page.text.contains("Log out"))
    }

    @Test func setup_listsTheFiveAppsOfTheHelpArticle() {
        let text = HTMLScan(render()).text
        for app in ["Google Authenticator", "Apple Passwords", "Microsoft Authenticator", "Authy", "Duo Mobile"] {
            #expect(text.contains(app))
        }
    }

    @Test(arguments: [
        (Pages.SetupReason.signUp, "Set up multi-factor authentication to finish creating your account"),
        (.recovery, "Set up your authenticator again to finish recovering your account"),
        (.reset, "Your current authenticator keeps working until you finish this setup"),
        (.required, "You need to set up multi-factor authentication before you continue"),
    ])
    func setup_explainsWhyForEachReason(reason: Pages.SetupReason, expected: String) {
        let text = HTMLScan(render(reason)).text
        #expect(text.contains(expected))
        let others = [
            "finish creating your account", "finish recovering your account", "keeps working until",
            "before you continue",
        ].filter { !expected.contains($0) }
        for other in others { #expect(!text.contains(other)) }
    }

    @Test func setup_withAStaleSetupError_showsItAtTheCodeFieldWhichIsDescribedByItAndFocused() throws {
        let text = "That code may come from an old setup of Twofold in your app."
        let html = render(message: .error(text, field: "code"))
        let page = HTMLScan(html)
        let code = try #require(page.tags("input").first { $0["name"] == "code" })
        #expect(code["aria-invalid"] == "true")
        #expect(code.attributes.keys.contains("autofocus"))
        #expect(code["aria-describedby"] == "code-error code-hint")
        let error = try #require(page.tags.first { $0["id"] == "code-error" })
        #expect(error["role"] == "alert")
        #expect(error.offset < code.offset, "the error comes right before the field, inside its group")
        let label = try #require(page.tags("label").first { $0["for"] == "code" })
        #expect(label.offset < error.offset)
        #expect(html.components(separatedBy: text).count == 2, "shown once, at the field")
        #expect(page.tags.filter { $0.attributes.keys.contains("autofocus") }.count == 1)
    }

    @Test func setup_withoutAnError_focusesNothing_soThePageOpensAtItsTop() {
        #expect(!render().contains(" autofocus"))
    }

    @Test func setup_offersTheOtpauthURIAsAnOpenInAppLink_forThePhoneItIsDoneOn() throws {
        let page = HTMLScan(render())
        let link = try #require(page.tags("a").first { $0["class"] == "button open-app" })
        #expect(link["href"] == SamplePages.uri.replacingOccurrences(of: "&", with: "&amp;"))
        #expect(page.text.contains("Open in authenticator app"))
        #expect(page.text.contains(#"On this phone, tap "Open in authenticator app""#))
    }

    @Test(arguments: ["javascript:alert(1)", "https://evil.example/", "", "data:text/html,x"])
    func setup_makesNoLinkOfAURIThatIsNotOtpauth(uri: String) {
        let page = HTMLScan(render(uri: uri))
        #expect(!page.tags("a").contains { $0["class"] == "button open-app" })
        #expect(!page.html.contains("javascript:"))
    }

    @Test func setup_namesItsStepsForTheTwoColumnLayout() {
        let page = HTMLScan(render())
        let classes = page.tags("li").compactMap { $0["class"] }.filter { $0.hasPrefix("step-") }
        #expect(classes == ["step-app", "step-add", "step-code"])
        #expect(page.tags("div").contains { $0["class"] == "card setup" })
    }
}
