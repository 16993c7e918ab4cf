"""MFA is per user; a user on several accounts picks one after login and can switch, a user on
one account goes straight in."""

import unittest

import harness
from flows import Person, api_signed_up, html_signed_up


def setUpModule():
    harness.shared()


def two_accounts(cluster):
    created = [cluster.admin("account.create", name=cluster.unique(prefix))["account"] for prefix in ("North ", "South ")]
    return [{"id": a["id"], "name": a["name"]} for a in created]


class SeveralAccountsPages(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def choose(self, browser, account):
        page = browser.get("/accounts")
        self.assertEqual(page.status, 200, page)
        for each in (account["name"],):
            self.assertIn(each, page.page().text)
        response = browser.submit(page, "/accounts", {"account": account["id"]})
        self.assertEqual((response.status, response.location), (303, "/home"), response)
        home = browser.get("/home").page()
        self.assertIn(account["name"], home.text)
        return home

    def test_a_user_on_two_accounts_picks_one_and_can_switch(self):
        accounts = two_accounts(self.cluster)
        browser, person = html_signed_up(self, self.cluster, accounts=accounts)  # confirm → /accounts
        self.assertEqual(browser.get("/").location, "/accounts", "no account picked yet")
        listing = browser.get("/accounts").page()
        for account in accounts:
            self.assertIn(account["name"], listing.text)
        home = self.choose(browser, accounts[0])
        self.assertIn(f"Signed in as {person.email.lower()}", home.text)
        self.assertIn("/accounts", [href for href, _ in home.links], "a Switch account link")
        home = self.choose(browser, accounts[1])
        self.assertNotIn(accounts[0]["name"], home.text)
        foreign = self.cluster.admin("account.create", name=self.cluster.unique("Foreign "))["account"]
        refused = browser.submit(browser.get("/accounts"), "/accounts", {"account": foreign["id"]})
        self.assertEqual(refused.status, 403, refused)

    def test_a_user_on_one_account_goes_straight_in(self):
        browser, person = html_signed_up(self, self.cluster)  # confirm → /home
        home = browser.get("/home").page()
        self.assertIn(person.accounts[0]["name"], home.text)
        self.assertNotIn("/accounts", [href for href, _ in home.links], "no Switch account link")


class SeveralAccountsAPI(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def test_a_user_on_two_accounts_picks_one_and_can_switch(self):
        accounts = two_accounts(self.cluster)
        person = Person.invited(self.cluster, accounts=accounts)
        api, _ = api_signed_up(self, self.cluster, person=person)
        me = api.get("/api/v1/me", expect=200)
        self.assertIsNone(me["account"])
        self.assertEqual(sorted(a["id"] for a in me["accounts"]), sorted(a["id"] for a in accounts))
        for account in (accounts[0], accounts[1]):
            self.assertEqual(api.post("/api/v1/accounts/select", {"account": account["id"]}, expect=200), {"account": account})
            self.assertEqual(api.get("/api/v1/me", expect=200)["account"], account)
        foreign = self.cluster.admin("account.create", name=self.cluster.unique("Foreign "))["account"]
        self.assertEqual(
            api.error_code("POST", "/api/v1/accounts/select", {"account": foreign["id"]}, expect=403), "account.not_member"
        )

    def test_a_user_on_one_account_goes_straight_in(self):
        api, person = api_signed_up(self, self.cluster)
        self.assertEqual(api.get("/api/v1/me", expect=200)["account"], person.accounts[0])


if __name__ == "__main__":
    unittest.main()
