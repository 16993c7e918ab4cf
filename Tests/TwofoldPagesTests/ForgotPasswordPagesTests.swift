import Testing
import TwofoldPages

@Suite struct ForgotPasswordPagesTests {
    let chrome = SamplePages.chrome()

    @Test func forgotPassword_asksForTheEmailAndSaysWhatComesNextAndWhoCannotDoIt() throws {
        let html = Pages.forgotPassword(chrome, email: "", message: nil)
        let page = HTMLScan(html)
        #expect(html.contains("<h1>Reset your password</h1>"))
        let form = try #require(page.forms.first { $0.form["action"] == "/password/forgot" })
        let email = try #require(form.inside.first { $0["name"] == "email" })
        #expect(email["autocomplete"] == "username")
        #expect(email.attributes.keys.contains("autofocus"))
        #expect(page.text.contains("you will need your authenticator app"))
        #expect(page.text.contains("Can't use your authenticator app?"))
        #expect(page.text.contains("Contact your representative"))
        #expect(page.tags("a").contains { $0["href"] == "/login" })
    }

    @Test func forgotPasswordCode_takesTheAuthenticatorsCode_withTheErrorAtTheField() throws {
        let html = Pages.forgotPasswordCode(
            chrome, message: .error("That code is not valid. 4 attempts left before codes are paused.", field: "code"))
        let page = HTMLScan(html)
        let form = try #require(page.forms.first { $0.form["action"] == "/password/forgot/code" })
        let code = try #require(form.inside.first { $0["name"] == "code" })
        #expect(code["autocomplete"] == "one-time-code")
        #expect(code["aria-describedby"] == "code-error code-hint")
        #expect(code["aria-invalid"] == "true")
        #expect(page.text.contains("4 attempts left"))
        #expect(page.text.contains("Contact your representative"))
    }

    @Test func forgotPasswordSMS_saysTenMinutesAsTheSMSDoes_andCanSendANewCode() throws {
        let html = Pages.forgotPasswordSMS(chrome, phoneMasked: "+1 ••• •••0100", message: nil)
        let page = HTMLScan(html)
        #expect(page.text.contains("We sent a code by SMS to +1 ••• •••0100 . It is valid for 10 minutes."))
        #expect(page.forms.contains { $0.form["action"] == "/password/forgot/sms" })
        let resend = try #require(page.forms.first { $0.form["action"] == "/password/forgot/sms/send" })
        #expect(resend.inside.contains { $0.name == "button" })
    }

    @Test(arguments: [
        (Pages.NewPasswordContext.forgotPassword, "/password/forgot/new", "logged out everywhere"),
        (.resetLink(token: "a/b"), "/reset/a%2Fb", "use your authenticator app"),
    ])
    func newPassword_postsTwoNewPasswordFieldsToItsFlow(context: Pages.NewPasswordContext, action: String, next: String)
        throws
    {
        let html = Pages.newPassword(
            chrome, context: context, email: "ada@example.com", minimumPasswordLength: 14, message: nil)
        let page = HTMLScan(html)
        let form = try #require(page.forms.first { $0.form["action"] == action })
        let names = form.inside.compactMap { $0.name == "input" ? $0["name"] : nil }
        #expect(names == ["csrf", "new_password", "new_password_confirm"])
        #expect(form.inside.allSatisfy { $0["type"] != "password" || $0["autocomplete"] == "new-password" })
        #expect(form.inside.first { $0["name"] == "new_password" }?["minlength"] == "14")
        #expect(page.text.contains("For ada@example.com ."))
        #expect(page.text.contains(next))
    }

    @Test func newPassword_withAMismatch_listsItInASummaryAndShowsItAtTheConfirmation() throws {
        let text = "The two new passwords do not match."
        let html = Pages.newPassword(
            chrome, context: .forgotPassword, email: "a@b.c", minimumPasswordLength: 12,
            message: .error(text, field: "new-password-confirm"))
        let page = HTMLScan(html)
        let summary = try #require(page.tags("div").first { $0["class"] == "error-summary" })
        #expect(summary["role"] == "alert")
        #expect(page.tags("a").contains { $0["href"] == "#new-password-confirm" })
        let confirm = try #require(page.tags("input").first { $0["id"] == "new-password-confirm" })
        #expect(confirm["aria-describedby"] == "new-password-confirm-error")
        #expect(confirm.attributes.keys.contains("autofocus"))
        let fieldError = try #require(page.tags.first { $0["id"] == "new-password-confirm-error" })
        #expect(fieldError["role"] == nil, "the summary announces it; the field does not again")
        #expect(page.tags.filter { $0.attributes.keys.contains("autofocus") }.count == 1)
        #expect(html.components(separatedBy: text).count == 3, "in the summary and at the field")
    }
}
