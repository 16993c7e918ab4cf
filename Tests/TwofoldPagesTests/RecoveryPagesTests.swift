import Testing
import TwofoldPages

@Suite struct RecoveryPagesTests {
    let chrome = SamplePages.chrome()

    @Test func recovery_withAPhone_offersTheSMSButtonAndShowsTheMaskedPhone() throws {
        let html = Pages.recovery(chrome, availability: .available(phoneMasked: "+1 ••• •••0100"), message: nil)
        let page = HTMLScan(html)
        let send = try #require(page.forms.first { $0.form["action"] == "/login/recovery/send" })
        #expect(send.inside.contains { $0.name == "button" })
        #expect(html.contains(">Send code by SMS</button>"))
        #expect(page.text.contains("+1 ••• •••0100"))
        #expect(page.tags("a").contains { $0["href"] == "/login/code" })
        #expect(!page.text.contains("contact your representative"))
    }

    @Test func recovery_withoutAPhone_saysToContactTheRepresentativeAndOffersNoSMS() {
        let page = HTMLScan(Pages.recovery(chrome, availability: .noPhone, message: nil))
        #expect(
            page.text.contains("You will need to contact your representative to regain access to your account."))
        #expect(!page.forms.contains { $0.form["action"] == "/login/recovery/send" })
        #expect(page.tags("a").contains { $0["href"] == "/login/code" })
    }

    @Test func recovery_forABlockedCountry_namesTheCountry() {
        let page = HTMLScan(
            Pages.recovery(
                chrome, availability: .unsupportedCountry(countryName: "Palestinian Territory"), message: nil))
        #expect(
            page.text.contains("We are unable to send a recovery SMS to phone numbers from Palestinian Territory."))
        #expect(
            page.text.contains("You will need to contact your representative to regain access to your account."))
        #expect(!page.forms.contains { $0.form["action"] == "/login/recovery/send" })
    }

    @Test func recovery_forAnUnsupportedNumber_saysToContactTheRepresentative() {
        let page = HTMLScan(Pages.recovery(chrome, availability: .unsupportedNumber, message: nil))
        #expect(page.text.contains("We are unable to send a recovery SMS to the phone number saved in your profile."))
        #expect(page.text.contains("contact your representative"))
        #expect(!page.forms.contains { $0.form["action"] == "/login/recovery/send" })
    }

    @Test func recoveryCode_hasTheSMSCodeInputAndAResendForm() throws {
        let html = Pages.recoveryCode(chrome, phoneMasked: "+1 ••• •••0100", message: .error("2 attempts left."))
        let page = HTMLScan(html)
        let submit = try #require(page.forms.first { $0.form["action"] == "/login/recovery/code" })
        let code = try #require(submit.inside.first { $0["name"] == "code" })
        #expect(code["autocomplete"] == "one-time-code")
        #expect(code["inputmode"] == "numeric")
        #expect(html.contains(#"<label for="\#(code["id"] ?? "")">Code from the SMS</label>"#))
        let resend = try #require(page.forms.first { $0.form["action"] == "/login/recovery/send" })
        #expect(resend.inside.contains { $0.name == "button" })
        #expect(html.contains(">Send a new code</button>"))
        #expect(page.text.contains("+1 ••• •••0100"))
        #expect(html.contains(#"role="alert""#))
    }

    @Test func recoveryCode_saysTheCodeIsValidFor10Minutes_asTheSMSDoes() {
        let page = HTMLScan(Pages.recoveryCode(chrome, phoneMasked: "+1 ••• •••0100", message: nil))
        #expect(page.text.contains("It is valid for 10 minutes."))
        #expect(!page.text.contains("a few minutes"))
    }

    @Test func recoveryPages_offerNotYouLogOut_namingWhoIsSigningIn() throws {
        for html in [
            Pages.recovery(chrome, availability: .noPhone, email: "ada@example.com", message: nil),
            Pages.recoveryCode(chrome, phoneMasked: "+1", email: "ada@example.com", message: nil),
            Pages.verificationCode(chrome, email: "ada@example.com", message: nil),
        ] {
            let page = HTMLScan(html)
            #expect(page.text.contains("Signing in as ada@example.com . Not you? Log out"))
            #expect(page.forms.contains { $0.form["action"] == "/logout" })
            #expect(!page.text.contains("Use a different account"))
        }
    }
}
