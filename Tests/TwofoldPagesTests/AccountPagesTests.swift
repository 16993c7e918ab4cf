import Testing
import TwofoldPages

@Suite struct AccountPagesTests {
    let chrome = SamplePages.chrome(signedIn: true)

    @Test func chooseAccount_offersOneSubmitButtonPerAccountAndMarksTheCurrentOne() throws {
        let html = Pages.chooseAccount(
            chrome, accounts: [.init(id: "a-1", name: "Acme"), .init(id: "a-2", name: "Globex")], selectedID: "a-2")
        let page = HTMLScan(html)
        #expect(html.contains("<h1>Choose an account</h1>"))
        let form = try #require(page.forms.first { $0.form["action"] == "/accounts" })
        let buttons = form.inside.filter { $0.name == "button" }
        #expect(buttons.map { $0["name"] } == ["account", "account"])
        #expect(buttons.map { $0["value"] } == ["a-1", "a-2"])
        #expect(buttons.map { $0["aria-current"] } == [nil, "true"])
        #expect(page.text.contains("Acme"))
        #expect(page.text.contains("Globex Current"))
    }

    @Test func chooseAccount_withNoAccounts_hasNoFormAndSaysWhy() {
        let page = HTMLScan(Pages.chooseAccount(chrome, accounts: [], selectedID: nil))
        #expect(!page.forms.contains { $0.form["action"] == "/accounts" })
        #expect(page.text.contains("not a member of any account"))
    }

    @Test func home_showsWhoAndWhichAccountAndTheSwitchLinkOnlyWithSeveralAccounts() {
        let several = HTMLScan(
            Pages.home(chrome, email: "ada@example.com", accountName: "Acme", accountCount: 2, message: nil))
        #expect(several.text.contains("Signed in as ada@example.com"))
        #expect(several.text.contains("You are viewing the account Acme"))
        #expect(several.tags("a").contains { $0["href"] == "/accounts" })
        #expect(several.tags("a").contains { $0["href"] == "/profile" })
        #expect(several.forms.contains { $0.form["action"] == "/logout" })

        let one = HTMLScan(
            Pages.home(chrome, email: "ada@example.com", accountName: "Acme", accountCount: 1, message: nil))
        #expect(!one.text.contains("Switch account"))
        #expect(!one.tags("a").contains { $0["href"] == "/accounts" })
    }

    @Test func home_withoutAChosenAccount_pointsToTheChoice() {
        let page = HTMLScan(Pages.home(chrome, email: "a@b.c", accountName: nil, accountCount: 2, message: nil))
        #expect(page.text.contains("You have not chosen an account yet"))
        let none = HTMLScan(Pages.home(chrome, email: "a@b.c", accountName: nil, accountCount: 0, message: nil))
        #expect(none.text.contains("not a member of any account"))
    }

    @Test func header_whenSignedIn_showsEmailAccountAndNavigation() throws {
        let page = HTMLScan(Pages.message(chrome, title: "T", text: "x", link: nil))
        let nav = try #require(page.tags("nav").first)
        #expect(nav["aria-label"] == "Main")
        #expect(page.text.contains("ada@example.com · Acme Marketing"))
        #expect(page.tags("a").contains { $0["href"] == "/home" })
        #expect(page.tags("a").contains { $0["href"] == "/profile" }, "My Profile opens its Profile tab")
        #expect(page.forms.contains { $0.form["action"] == "/logout" })
    }

    @Test func header_whenSignedOut_hasNoNavigation() {
        let page = HTMLScan(Pages.message(SamplePages.chrome(), title: "T", text: "x", link: nil))
        #expect(page.tags("nav").isEmpty)
        #expect(page.forms.isEmpty)
    }

    @Test func message_showsTitleTextAndOptionalLink() throws {
        let html = Pages.message(
            SamplePages.chrome(), title: "Gone", text: "This invite link is no longer valid.",
            link: (href: "/login", label: "Log in"))
        let page = HTMLScan(html)
        #expect(html.contains("<h1>Gone</h1>"))
        #expect(html.contains("<title>Gone · Twofold</title>"))
        #expect(page.text.contains("This invite link is no longer valid."))
        #expect(page.tags("a").contains { $0["href"] == "/login" })
        let noLink = HTMLScan(Pages.message(SamplePages.chrome(), title: "Gone", text: "x", link: nil))
        #expect(noLink.tags("a").map { $0["href"] } == ["/"])
    }

    @Test func issuer_isTheProductNameInTitleAndHeader() {
        let html = Pages.login(PageChrome(issuer: "Acme Login", csrf: "c"), email: "", message: nil)
        #expect(html.contains("<title>Log in · Acme Login</title>"))
        #expect(html.contains("<span>Acme Login</span>"))
        #expect(!html.contains("Twofold"))
    }
}
