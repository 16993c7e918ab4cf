import Testing
import TwofoldPages

@Suite struct LoginPagesTests {
    let chrome = SamplePages.chrome()

    @Test func login_postsEmailAndPasswordWithTheRightAutocomplete() throws {
        let page = HTMLScan(Pages.login(chrome, email: "ada@example.com", message: nil))
        let form = try #require(page.forms.first)
        #expect(form.form["action"] == "/login")
        let email = try #require(page.tags("input").first { $0["name"] == "email" })
        #expect(email["type"] == "email")
        #expect(email["autocomplete"] == "username")
        #expect(email["value"] == "ada@example.com")
        let password = try #require(page.tags("input").first { $0["name"] == "password" })
        #expect(password["type"] == "password")
        #expect(password["autocomplete"] == "current-password")
        #expect(page.tags("label").contains { $0["for"] == email["id"] })
        #expect(!page.html.contains("role=\"alert\""))
    }

    @Test func login_withAnErrorAboutThePassword_showsItThereAndFocusesIt() throws {
        let html = Pages.login(
            chrome, email: "ada@example.com", message: .error("Incorrect email or password.", field: "password"))
        let page = HTMLScan(html)
        let password = try #require(page.tags("input").first { $0["name"] == "password" })
        #expect(password["aria-invalid"] == "true")
        #expect(password["aria-describedby"] == "password-error")
        #expect(password.attributes.keys.contains("autofocus"))
        #expect(page.tags.filter { $0.attributes.keys.contains("autofocus") }.count == 1)
        #expect(html.contains(#"<p class="field-error" id="password-error" role="alert">"#))
        #expect(!html.contains("msg-error"), "not in a box at the top as well")
    }

    @Test func login_withAnErrorAboutNoField_showsItAboveTheFormAsAnAlert() {
        let html = Pages.login(chrome, email: "", message: .error("Too many failed sign-in attempts."))
        #expect(html.contains(#"<div class="msg msg-error" role="alert">"#))
        #expect(!html.contains("aria-invalid"))
    }

    @Test func login_offersForgotPassword() throws {
        let page = HTMLScan(Pages.login(chrome, email: "", message: nil))
        let link = try #require(page.tags("a").first { $0["href"] == "/password/forgot" })
        #expect(
            page.html[page.html.index(page.html.startIndex, offsetBy: link.offset)...].hasPrefix(
                #"<a href="/password/forgot">Forgot password?</a>"#))
    }

    @Test func notice_isPoliteStatusNotAlert() {
        let html = Pages.login(chrome, email: "", message: .notice("You have been logged out."))
        #expect(html.contains(#"role="status""#))
        #expect(!html.contains(#"role="alert""#))
    }

    @Test func verificationCode_hasTheSeedsHeadingInputAndRecoveryLink() throws {
        let html = Pages.verificationCode(chrome, message: nil)
        let page = HTMLScan(html)
        #expect(html.contains("<h1>Enter your verification code</h1>"))
        #expect(page.forms.first?.form["action"] == "/login/code")
        let code = try #require(page.tags("input").first { $0["name"] == "code" })
        #expect(code["autocomplete"] == "one-time-code")
        #expect(code["inputmode"] == "numeric")
        #expect(code["pattern"] == "[0-9 ]*")
        #expect(code["maxlength"] == "8")
        #expect(code["type"] == "text")
        let label = try #require(page.tags("label").first { $0["for"] == code["id"] })
        #expect(html.contains(#"<label for="\#(label["for"] ?? "")">Verification code</label>"#))
        let recovery = try #require(page.tags("a").first { $0["href"] == "/login/recovery" })
        #expect(
            html[html.index(html.startIndex, offsetBy: recovery.offset)...]
                .hasPrefix(#"<a href="/login/recovery">Can't access your multi-factor authentication app?</a>"#))
        #expect(page.forms.contains { $0.form["action"] == "/logout" })
        #expect(page.text.contains("Not you? Log out"))
        #expect(!page.text.contains("Use a different account"))
        #expect(page.text.contains("Submit"))
    }

    @Test func signUp_postsToTheInviteWithAllFieldsAndThePhoneAdvice() throws {
        let html = Pages.signUp(
            chrome, token: "i-abc", email: "ada@example.com", phone: "+44 20 7946 0958", message: nil,
            minimumPasswordLength: 14, smsUnavailableCountries: ["Algeria", "Vietnam"])
        let page = HTMLScan(html)
        #expect(page.forms.first?.form["action"] == "/invite/i-abc")
        let inputs = Dictionary(
            page.tags("input").map { ($0["name"] ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(inputs["email"]?["autocomplete"] == "username")
        #expect(inputs["email"]?["value"] == "ada@example.com")
        #expect(inputs["temporary_password"]?["type"] == "password")
        #expect(inputs["new_password"]?["autocomplete"] == "new-password")
        #expect(inputs["new_password"]?["minlength"] == "14")
        #expect(inputs["new_password_confirm"]?["autocomplete"] == "new-password")
        #expect(inputs["phone"]?["type"] == "tel")
        #expect(inputs["phone"]?["value"] == "+44 20 7946 0958")
        #expect(inputs["phone"]?.attributes.keys.contains("required") == false)
        #expect(inputs["email"]?.attributes.keys.contains("required") == true)
        #expect(
            page.text.contains(
                "We recommend providing a phone number to use in case you lose access to your device with the "
                    + "authenticator app"))
        #expect(page.text.contains("SMS recovery is not available for phone numbers from some countries"))
        #expect(html.contains("<li>Algeria</li><li>Vietnam</li>"))
        #expect(page.text.contains("At least 14 characters."))
    }

    @Test func signUp_withoutACountryList_showsNoCountryDetails() {
        let html = Pages.signUp(chrome, token: "t", email: "", phone: "", message: nil, minimumPasswordLength: 12)
        #expect(!html.contains("<details"))
    }

    @Test func signUp_percentEncodesTheTokenInTheFormAction() {
        let html = Pages.signUp(
            chrome, token: "a/../b?c=\"d\" é", email: "", phone: "", message: nil, minimumPasswordLength: 12)
        #expect(HTMLScan(html).forms.first?.form["action"] == "/invite/a%2F..%2Fb%3Fc%3D%22d%22%20%C3%A9")
    }

    @Test func signUp_withAnErrorAboutAField_summarisesItAtTheTopAndShowsItAtTheField() throws {
        let html = Pages.signUp(
            chrome, token: "t", email: "ada@example.com", phone: "",
            message: .error(
                "Use at least 12 characters.",
                field: "new-password"), minimumPasswordLength: 12)
        let page = HTMLScan(html)
        let summary = try #require(page.tags("div").first { $0["class"] == "error-summary" })
        let field = try #require(page.tags("input").first { $0["id"] == "new-password" })
        #expect(summary.offset < field.offset)
        #expect(field["aria-describedby"] == "new-password-error new-password-hint")
        #expect(field.attributes.keys.contains("autofocus"))
        #expect(page.tags("input").first { $0["id"] == "email" }?.attributes.keys.contains("autofocus") == false)
    }

    @Test func signUpPhone_putsTheBlockedCountryNoticeNextToThePhoneField() throws {
        let html = Pages.signUpPhone(
            chrome, view: Pages.SignUpPhoneView(phoneMasked: "+880 •••• ••5678", blockedCountryName: "Bangladesh"),
            message: nil)
        let page = HTMLScan(html)
        #expect(page.text.contains("SMS recovery is not available for phone numbers from Bangladesh."))
        #expect(page.text.contains("contact your representative"))
        let notice = try #require(page.tags.first { $0["id"] == "phone-notice" })
        let phone = try #require(page.tags("input").first { $0["id"] == "phone" })
        let between = page.tags.filter { $0.offset > notice.offset && $0.offset < phone.offset && $0.name == "input" }
        #expect(between.allSatisfy { $0["type"] == "hidden" }, "nothing to fill in between the notice and the field")
        for action in ["/signup/phone", "/signup/phone/keep", "/signup/phone/remove"] {
            #expect(page.forms.contains { $0.form["action"] == action })
        }
    }
}
