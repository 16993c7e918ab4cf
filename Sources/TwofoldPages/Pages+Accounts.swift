extension Pages {
    /// An account the user may view.
    public struct AccountChoice: Sendable, Equatable {
        public var id: String
        public var name: String

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// GET `/accounts`: one submit button per account (`account` = its id), the current one marked.
    public static func chooseAccount(_ chrome: PageChrome, accounts: [AccountChoice], selectedID: String?) -> String {
        let content: String
        if accounts.isEmpty {
            content = Markup.infoBox([
                "Your user is not a member of any account yet. Contact your representative to be added to one."
            ])
        } else {
            let buttons = accounts.map { account in
                let isCurrent = account.id == selectedID
                let current = isCurrent ? #" aria-current="true""# : ""
                let tag = isCurrent ? #"<span class="tag">Current</span>"# : #"<span class="chevron">›</span>"#
                return #"<li><button type="submit" name="account" value="\#(Markup.text(account.id))""#
                    + #" class="choice"\#(current)><span>\#(Markup.userText(account.name))</span>\#(tag)</button></li>"#
            }
            content = Markup.form(
                action: "/accounts", csrf: chrome.csrf, #"<ul class="choices">"#, buttons.joined(), "</ul>")
        }
        let body = """
            <h1>Choose an account</h1>
            <p class="lead">You are a user on several accounts. Choose which account you'd like to view. \
            Multi-factor authentication is set up for you as a user, so it is the same for every account.</p>
            \(content)
            """
        return document(chrome, title: "Choose an account", body: body)
    }

    /// GET `/home`: who is signed in, which account they view, and where to go next.
    public static func home(
        _ chrome: PageChrome, email: String, accountName: String?, accountCount: Int, message: PageMessage?
    ) -> String {
        let viewing: String
        if let accountName {
            viewing = #"You are viewing the account <strong>\#(Markup.userText(accountName))</strong>."#
        } else if accountCount == 0 {
            viewing = "Your user is not a member of any account yet. Contact your representative to be added to one."
        } else {
            viewing = #"You have not chosen an account yet. <a href="/accounts">Choose an account</a>."#
        }
        var actions: [String] = []
        if accountCount > 1 {
            actions.append(#"<li><a class="button secondary" href="/accounts">Switch account</a></li>"#)
        }
        actions.append(#"<li><a class="button secondary" href="/profile/security">My Profile</a></li>"#)
        actions.append("<li>" + Markup.logoutForm(csrf: chrome.csrf, style: .secondary) + "</li>")
        let body = """
            <h1>Welcome</h1>
            \(Markup.messageBox(message))\
            <p>Signed in as <strong class="wrap">\(Markup.userText(email))</strong>.</p>
            <p>\(viewing)</p>
            <ul class="actions">\(actions.joined())</ul>
            """
        return document(chrome, title: "Home", body: body)
    }
}
