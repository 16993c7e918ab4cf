extension Pages {
    /// What the Profile tab shows about the signed-in user.
    public struct ProfileView: Sendable, Equatable {
        public var email: String
        /// The name the user gave, if any.
        public var name: String?
        /// The accounts the user belongs to, by name, and the one being viewed.
        public var accounts: [AccountChoice]
        public var currentAccountID: String?

        public init(email: String, name: String?, accounts: [AccountChoice], currentAccountID: String?) {
            self.email = email
            self.name = name
            self.accounts = accounts
            self.currentAccountID = currentAccountID
        }
    }

    /// The longest name the Profile tab takes, in characters (the gateway bounds it in bytes).
    public static let maximumNameLength = 100

    /// GET `/profile`: My Profile → Profile. Name (which the user may change), email, the
    /// accounts, and the way to the Security tab. An error about the name (`field` `name`) is
    /// shown at it; a notice (the name was saved) above it.
    public static func profile(_ chrome: PageChrome, view: ProfileView, message: PageMessage?) -> String {
        var nameField = FormField(
            id: "name", name: "name", label: "Name", value: view.name ?? "", autocomplete: "name",
            maxLength: maximumNameLength, required: false,
            hint: "How you would like to be addressed. Leave it empty to remove it.")
        nameField.error = message?.error(for: "name")
        let accounts: String
        if view.accounts.isEmpty {
            accounts =
                "<p>Your user is not a member of any account yet. Contact your representative to be added to one.</p>"
        } else {
            let items = view.accounts.map { account in
                let tag = account.id == view.currentAccountID ? #" <span class="tag">Current</span>"# : ""
                return "<li>\(Markup.userText(account.name))\(tag)</li>"
            }
            let switchLink =
                view.accounts.count > 1
                ? #"<p><a class="button secondary" href="/accounts">Switch account</a></p>"# : ""
            accounts = #"<ul class="account-list">\#(items.joined())</ul>"# + switchLink
        }
        let body = """
            <h1>My Profile</h1>
            \(profileTabs(current: .profile))
            \(message?.field == "name" ? "" : Markup.messageBox(message))\
            <section class="section" id="about" aria-labelledby="about-heading">
            <h2 id="about-heading">About you</h2>
            <dl class="facts profile-facts">
            <dt>Email</dt><dd><strong class="wrap">\(Markup.userText(view.email))</strong></dd>
            <dt>Name</dt><dd>\(view.name.map(Markup.userText) ?? #"<span class="muted">Not set</span>"#)</dd>
            </dl>
            \(Markup.form(action: "/profile/name", csrf: chrome.csrf, nameField.html, Markup.submit("Save name")))
            </section>
            <section class="section" id="accounts" aria-labelledby="accounts-heading">
            <h2 id="accounts-heading">Accounts</h2>
            <p>Multi-factor authentication is set up for you as a user, so it is the same for every account.</p>
            \(accounts)
            </section>
            <section class="section" id="security-link" aria-labelledby="security-heading">
            <h2 id="security-heading">Security</h2>
            <p>Reset your multi-factor authentication, change your recovery phone or your password on the \
            Security tab.</p>
            <p><a class="button secondary" href="/profile/security">Go to Security</a></p>
            </section>
            """
        return document(chrome, title: "My Profile", width: .wide, body: body)
    }
}
