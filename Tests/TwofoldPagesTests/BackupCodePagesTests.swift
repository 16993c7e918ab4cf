import Testing
import TwofoldPages

/// Issue 19's pages: "Save your backup codes", "Use a backup code" and the Security tab's section.
@Suite struct BackupCodePagesTests {
    let chrome = SamplePages.chrome(signedIn: true)
    let codes = SamplePages.backupCodes

    @Test func backupCodes_listsEveryCode_withADownloadAPrintLayoutAndContinue() throws {
        let html = Pages.backupCodes(chrome, view: .init(codes: codes), message: nil)
        let page = HTMLScan(html)
        #expect(page.tags("h1").count == 1)
        #expect(page.text.contains("Save your backup codes"))
        for code in codes { #expect(html.contains(#"<code class="secret">\#(code)</code>"#)) }
        let download = try #require(page.tags("a").first { $0["href"] == Pages.backupCodesDownloadPath })
        #expect(download["download"] == "twofold-backup-codes.txt")
        #expect(page.forms.contains { $0.form["action"] == "/mfa/backup-codes/continue" })
        #expect(!page.forms.contains { $0.form["action"] == "/mfa/backup-codes/generate" })
        #expect(!page.text.contains("no longer work"))
        #expect(Pages.stylesheet.contains("@media print"))
        let generated = Pages.backupCodes(chrome, view: .init(codes: codes, generated: true), message: nil)
        #expect(HTMLScan(generated).text.contains("Your previous backup codes no longer work."))
    }

    @Test func backupCodes_escapesWhatItShows() {
        let html = Pages.backupCodes(chrome, view: .init(codes: ["<b>&"]), message: nil)
        #expect(html.contains("&lt;b&gt;&amp;"))
        #expect(!html.contains("<b>&"))
    }

    @Test func backupCodes_withheld_saysSo_andOffersANewSetBehindACode() throws {
        let html = Pages.backupCodes(
            chrome, view: .init(codes: nil), message: .error("That code is not valid.", field: "backup-generate-code"))
        let page = HTMLScan(html)
        #expect(page.text.contains("could not be shown"))
        let generate = try #require(page.forms.first { $0.form["action"] == "/mfa/backup-codes/generate" })
        let code = try #require(generate.inside.first { $0["name"] == "code" })
        #expect(code["aria-invalid"] == "true")
        #expect(page.forms.contains { $0.form["action"] == "/mfa/backup-codes/continue" }, "or skip for now")
        #expect(!page.tags("a").contains { $0["href"] == Pages.backupCodesDownloadPath })
    }

    @Test func downloadName_keepsTheIssuersLettersAndDigitsOnly() {
        #expect(Pages.downloadName("Twofold") == "twofold-backup-codes.txt")
        #expect(Pages.downloadName(#"Acme "Login" / 2"#) == "acmelogin2-backup-codes.txt")
        #expect(Pages.downloadName("ÉÉ") == "twofold-backup-codes.txt")
    }

    @Test func backupCodesText_hasOneCodePerLine() {
        let text = Pages.backupCodesText(issuer: "Twofold", account: "ada@example.com", codes: codes)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "Twofold backup codes for ada@example.com")
        #expect(Array(lines[2..<12]) == codes)
    }

    @Test func recovery_withBackupCodes_offersThemBesideTheSMS() throws {
        let page = HTMLScan(
            Pages.recovery(
                SamplePages.chrome(), availability: .available(phoneMasked: "+1 ••• •••0100"), message: nil,
                backupCodes: true))
        #expect(page.forms.contains { $0.form["action"] == "/login/recovery/send" })
        let link = try #require(page.tags("a").first { $0["href"] == "/login/recovery/backup-code" })
        #expect(link["class"] == "button secondary")
        let text = page.text
        let sms = try #require(text.range(of: "Send code by SMS"))
        let backup = try #require(text.range(of: "Use a backup code"))
        #expect(sms.lowerBound < backup.lowerBound, "SMS first where it is available")
    }

    @Test(arguments: [
        Pages.RecoveryAvailability.noPhone, .unsupportedCountry(countryName: "Bangladesh"), .unsupportedNumber,
    ])
    func recovery_whereSMSIsRefused_offersTheBackupCodeFirst_andTheRepresentativeLast(
        availability: Pages.RecoveryAvailability
    ) throws {
        let page = HTMLScan(
            Pages.recovery(SamplePages.chrome(), availability: availability, message: nil, backupCodes: true))
        let link = try #require(page.tags("a").first { $0["href"] == "/login/recovery/backup-code" })
        #expect(link["class"] == "button")
        let text = page.text
        let backup = try #require(text.range(of: "Use a backup code"))
        let contact = try #require(
            text.range(of: "You will need to contact your representative to regain access to your account."))
        #expect(backup.lowerBound < contact.lowerBound)
        #expect(!text.contains("cannot recover your account on your own"))
        #expect(!page.forms.contains { $0.form["action"] == "/login/recovery/send" })
    }

    @Test func recovery_withoutBackupCodes_isAsBefore() {
        let html = Pages.recovery(SamplePages.chrome(), availability: .noPhone, message: nil)
        #expect(!html.contains("/login/recovery/backup-code"))
        #expect(html.contains("cannot recover your account on your own"))
    }

    @Test func recoveryBackupCode_hasATextInputThatTakesLettersAndTheErrorAtIt() throws {
        let html = Pages.recoveryBackupCode(
            SamplePages.chrome(), message: .error("That backup code is not valid.", field: "backup-code"))
        let page = HTMLScan(html)
        let form = try #require(page.forms.first { $0.form["action"] == "/login/recovery/backup-code" })
        let input = try #require(form.inside.first { $0["name"] == "code" })
        #expect(input["type"] == "text")
        #expect(input["inputmode"] == nil, "letters, not a numeric keypad")
        #expect(input["pattern"] == nil)
        #expect(input["aria-invalid"] == "true")
        #expect(html.contains("That backup code is not valid."))
    }

    @Test func security_showsHowManyCodesAreLeft_andGenerateNewCodesBehindACode() throws {
        for (left, status) in [(7, "7 left"), (0, "None left")] {
            let view = Pages.SecurityView(
                email: "ada@example.com", smsRecovery: "no_phone", mfaEnrolled: true, backupCodesLeft: left)
            let page = HTMLScan(Pages.security(chrome, view: view, message: nil, messageFor: nil))
            #expect(page.text.contains("Backup codes \(status)"))
            let form = try #require(page.forms.first { $0.form["action"] == "/profile/security/backup-codes" })
            #expect(form.inside.contains { $0["name"] == "code" && $0["id"] == "backup-codes-code" })
        }
        for view in [
            Pages.SecurityView(email: "a@example.com", smsRecovery: "no_phone", mfaEnrolled: false, backupCodesLeft: 3),
            Pages.SecurityView(email: "a@example.com", smsRecovery: "no_phone", mfaEnrolled: true),
        ] {
            let html = Pages.security(chrome, view: view, message: nil, messageFor: nil)
            #expect(!html.contains("/profile/security/backup-codes"), "no section without MFA or a count")
        }
    }
}
