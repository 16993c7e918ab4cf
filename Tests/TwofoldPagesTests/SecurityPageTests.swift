import Foundation
import Testing
import TwofoldPages

@Suite struct SecurityPageTests {
    let chrome = SamplePages.chrome(signedIn: true)

    func render(
        _ view: Pages.SecurityView = SamplePages.security, message: PageMessage? = nil,
        messageFor: Pages.SecurityForm? = nil
    ) -> String {
        Pages.security(chrome, view: view, message: message, messageFor: messageFor)
    }

    @Test func security_isMyProfileWithTheSecurityTabCurrent() throws {
        let html = render()
        let page = HTMLScan(html)
        #expect(html.contains("<h1>My Profile</h1>"))
        let tabs = try #require(page.tags("nav").first { $0["class"] == "tabs" })
        #expect(tabs["aria-label"] == "My Profile")
        let current = page.tags("a").filter { $0["aria-current"] == "page" }
        #expect(current.map { $0["href"] } == ["/profile/security"])
        #expect(html.contains(#"aria-current="page">Security</a>"#))
        #expect(html.contains(#">Profile</a>"#))
    }

    @Test func security_hasTheResetFormWithPasswordAndTheSeedsButton() throws {
        let html = render()
        let page = HTMLScan(html)
        let reset = try #require(page.forms.first { $0.form["action"] == "/profile/security/reset-mfa" })
        let password = try #require(reset.inside.first { $0["name"] == "password" })
        #expect(password["autocomplete"] == "current-password")
        #expect(html.contains(#"<button type="submit" class="button">Reset multi-factor authentication</button>"#))
        #expect(page.text.contains("keeps working until you confirm the new setup"))
    }

    @Test func security_withAPhone_changesItWithACodeAndCanRemoveIt() throws {
        let page = HTMLScan(render())
        #expect(page.text.contains("+44 •••• ••0958"))
        let change = try #require(page.forms.first { $0.form["action"] == "/profile/security/phone" })
        let names = change.inside.compactMap { $0.name == "input" ? $0["name"] : nil }
        #expect(names == ["csrf", "phone", "code"])
        let code = try #require(change.inside.first { $0["name"] == "code" })
        #expect(code.attributes.keys.contains("required"))
        #expect(code["autocomplete"] == "one-time-code")
        #expect(code["inputmode"] == "numeric")
        #expect(change.inside.first { $0["name"] == "phone" }?["type"] == "tel")
        let remove = try #require(page.forms.first { $0.form["action"] == "/profile/security/phone/remove" })
        #expect(remove.inside.contains { $0["name"] == "code" && $0["autocomplete"] == "one-time-code" })
    }

    @Test func security_withoutAPhone_addsOneWithoutCodeAndHasNoRemoveForm() throws {
        let view = Pages.SecurityView(email: "a@b.c", smsRecovery: "no_phone", mfaEnrolled: true)
        let page = HTMLScan(render(view))
        let add = try #require(page.forms.first { $0.form["action"] == "/profile/security/phone" })
        #expect(!add.inside.contains { $0["name"] == "code" })
        #expect(!page.forms.contains { $0.form["action"] == "/profile/security/phone/remove" })
        #expect(page.text.contains("You have no recovery phone."))
    }

    @Test func security_forAPhoneFromABlockedCountry_explainsSMSRecoveryIsUnavailable() {
        let view = Pages.SecurityView(
            email: "a@b.c", phoneMasked: "+92 ••• •••4567", phoneCountryName: "Pakistan",
            smsRecovery: "unsupported_country", mfaEnrolled: true)
        let text = HTMLScan(render(view)).text
        #expect(
            text.contains(
                "SMS recovery is not available for phone numbers from Pakistan. If you lose your authenticator app "
                    + "you will need to contact your representative."))
    }

    @Test func security_forAnUnsupportedNumber_explainsSMSRecoveryIsUnavailable() {
        let view = Pages.SecurityView(
            email: "a@b.c", phoneMasked: "+1 ••• •••0100", smsRecovery: "unsupported_number", mfaEnrolled: true)
        #expect(HTMLScan(render(view)).text.contains("SMS recovery is not available for this phone number."))
    }

    @Test func security_hasThePasswordFormWithNewPasswordAutocomplete() throws {
        let page = HTMLScan(
            Pages.security(
                chrome, view: SamplePages.security, message: nil, messageFor: nil,
                minimumPasswordLength: 16))
        let form = try #require(page.forms.first { $0.form["action"] == "/profile/security/password" })
        let inputs = form.inside.filter { $0.name == "input" && $0["type"] == "password" }
        #expect(inputs.map { $0["name"] } == ["current_password", "new_password", "new_password_confirm"])
        #expect(inputs.map { $0["autocomplete"] } == ["current-password", "new-password", "new-password"])
        #expect(inputs[1]["minlength"] == "16")
    }

    @Test func security_showsMFAStatus() {
        #expect(HTMLScan(render()).text.contains("Multi-factor authentication On"))
        let off = Pages.SecurityView(email: "a@b.c", smsRecovery: "no_phone", mfaEnrolled: false)
        #expect(HTMLScan(render(off)).text.contains("Multi-factor authentication Not set up"))
    }

    @Test(arguments: [
        (Pages.SecurityForm?.none, "/profile/security/reset-mfa"),
        (.resetMFA, "/profile/security/reset-mfa"),
        (.phone, "/profile/security/phone"),
        (.removePhone, "/profile/security/phone/remove"),
        (.password, "/profile/security/password"),
    ])
    func security_showsTheMessageRightBeforeTheFormItIsAbout(form: Pages.SecurityForm?, action: String) throws {
        let html = render(message: .error("Something about this form."), messageFor: form)
        let page = HTMLScan(html)
        #expect(html.components(separatedBy: "Something about this form.").count == 2)
        let alert = try #require(page.tags.first { $0["role"] == "alert" })
        let target = try #require(page.forms.first { $0.form["action"] == action })
        let formsBefore = page.forms.filter { $0.form.offset < target.form.offset && $0.form.offset > alert.offset }
        #expect(alert.offset < target.form.offset)
        if form == nil {
            #expect(page.tags("h1").first.map { $0.offset < alert.offset } == true)
            #expect(alert.offset < (page.tags("section").first?.offset ?? 0))
        } else {
            #expect(formsBefore.isEmpty, "the message is not next to its form")
        }
    }

    @Test func security_messageForTheRemoveFormWithoutAPhone_isShownAtTheTop() throws {
        let view = Pages.SecurityView(email: "a@b.c", smsRecovery: "no_phone", mfaEnrolled: true)
        let html = render(view, message: .notice("Your recovery phone was removed."), messageFor: .removePhone)
        let page = HTMLScan(html)
        let status = try #require(page.tags.first { $0["role"] == "status" })
        #expect(status.offset < (page.tags("section").first?.offset ?? 0))
        #expect(page.text.contains("Your recovery phone was removed."))
    }

    @Test func security_sectionsHaveIdsForTheRedirectAfterAChange() {
        let page = HTMLScan(render())
        let ids = page.tags("section").compactMap { $0["id"] }
        #expect(ids == ["security-mfa", "security-phone", "security-password"])
    }

    @Test func security_aNoticeAboutThePhone_comesRightUnderTheSectionHeading() throws {
        let html = render(message: .notice("Your recovery phone was saved."), messageFor: .phone)
        let page = HTMLScan(html)
        let heading = try #require(page.tags("h2").first { $0["id"] == "phone-heading" })
        let status = try #require(page.tags.first { $0["role"] == "status" })
        #expect(status.offset > heading.offset)
        let nextHeading = page.tags.first { ["h3", "p"].contains($0.name) && $0.offset > heading.offset }
        #expect(status.offset < (nextHeading?.offset ?? 0), "before anything else of the section")
    }

    @Test func security_aPhoneCodeError_isAtTheCodeField_andTheFormsErrorsAreSummarised() throws {
        let html = render(message: .error("That code is not valid.", field: "phone-code"), messageFor: .phone)
        let page = HTMLScan(html)
        let code = try #require(page.tags("input").first { $0["id"] == "phone-code" })
        #expect(code["aria-describedby"] == "phone-code-error phone-code-hint")
        #expect(code.attributes.keys.contains("autofocus"))
        #expect(page.tags("a").contains { $0["href"] == "#phone-code" })
    }

    @Test func security_theProfileTabLinksToTheProfilePage() {
        #expect(HTMLScan(render()).tags("a").contains { $0["href"] == "/profile" })
    }
}
