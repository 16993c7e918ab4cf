import Testing
import TwofoldPages

@Suite struct ProfilePageTests {
    let chrome = SamplePages.chrome(signedIn: true)
    let accounts = [Pages.AccountChoice(id: "a-1", name: "Acme"), Pages.AccountChoice(id: "a-2", name: "Globex")]

    func render(name: String? = "Ada Lovelace", accounts: [Pages.AccountChoice]? = nil, message: PageMessage? = nil)
        -> String
    {
        Pages.profile(
            chrome,
            view: Pages.ProfileView(
                email: "ada@example.com", name: name, accounts: accounts ?? self.accounts, currentAccountID: "a-2"),
            message: message)
    }

    @Test func profile_isMyProfileWithTheProfileTabCurrent_andTheTabBarKept() throws {
        let page = HTMLScan(render())
        #expect(page.html.contains("<h1>My Profile</h1>"))
        let current = page.tags("a").filter { $0["aria-current"] == "page" }
        #expect(current.map { $0["href"] } == ["/profile"])
        #expect(page.tags("a").contains { $0["href"] == "/profile/security" })
        #expect(page.html.contains(#"<nav class="tabs" aria-label="My Profile">"#))
    }

    @Test func profile_showsNameEmailAccountsAndTheWayToSecurity() throws {
        let page = HTMLScan(render())
        #expect(page.text.contains("Email ada@example.com"))
        #expect(page.text.contains("Name Ada Lovelace"))
        #expect(page.text.contains("Acme"))
        #expect(page.text.contains("Globex Current"))
        #expect(page.tags("a").contains { $0["href"] == "/accounts" }, "two accounts: a way to switch")
        let security = try #require(
            page.tags("a").first { $0["class"] == "button secondary" && $0["href"] == "/profile/security" })
        #expect(security.name == "a")
        let form = try #require(page.forms.first { $0.form["action"] == "/profile/name" })
        let name = try #require(form.inside.first { $0["name"] == "name" })
        #expect(name["value"] == "Ada Lovelace")
        #expect(name["autocomplete"] == "name")
        #expect(!name.attributes.keys.contains("required"))
    }

    @Test func profile_withoutNameOrAccounts_saysSo() {
        let page = HTMLScan(render(name: nil, accounts: []))
        #expect(page.text.contains("Name Not set"))
        #expect(page.text.contains("not a member of any account"))
        #expect(!page.tags("a").contains { $0["href"] == "/accounts" })
    }

    @Test func profile_withANameError_showsItAtTheNameField() throws {
        let page = HTMLScan(render(message: .error("That name is too long.", field: "name")))
        let name = try #require(page.tags("input").first { $0["name"] == "name" })
        #expect(name["aria-describedby"] == "name-error name-hint")
        #expect(name["aria-invalid"] == "true")
        #expect(!page.html.contains("msg-error"))
    }
}
