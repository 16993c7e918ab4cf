"""Peers down and back: the vault stopped (503 within a second, then working again without a
gateway restart), and kill -9 of the gateway and of the vault losing no acknowledged write."""

import unittest

import harness
from client import Api, Browser
from flows import Person, api_password, api_signed_up, api_signup, html_password, html_signed_up

UNAVAILABLE = "Twofold is temporarily unavailable. Try again in a moment."


def setUpModule():
    harness.shared()


class VaultDownAndBack(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def test_pages_and_api_answer_503_promptly_and_recover_without_a_gateway_restart(self):
        _, api_person = api_signed_up(self, self.cluster)
        _, page_person = html_signed_up(self, self.cluster)
        api = Api(self.cluster)
        api_password(self, api, api_person)
        browser = Browser(self.cluster)
        html_password(self, browser, page_person)
        code_page = browser.get("/login/code")
        gateway_pid = self.cluster.daemons["auth-gateway"].proc.pid

        self.cluster.stop("secret-vault")
        try:
            code = {"code": api_person.authenticator.current_code()}
            _, body, response = api.call("POST", "/api/v1/login/code", code, expect=503)
            self.assertEqual(body["error"]["code"], "service.unavailable")
            self.assertLess(response.elapsed, 1.0)
            self.assertEqual(response.header("Retry-After"), "1")
            page = browser.submit(code_page, "/login/code", {"code": page_person.authenticator.current_code()})
            self.assertEqual(page.status, 503, page)
            self.assertLess(page.elapsed, 1.0)
            self.assertIn(UNAVAILABLE, page.page().text)
            health = Api(self.cluster).call("GET", "/healthz", expect=503)[2]
            self.assertLess(health.elapsed, 1.0)
        finally:
            self.cluster.restart("secret-vault")

        self.assertEqual(Api(self.cluster).get("/healthz", expect=200), {"status": "ok", "vault": "up"})
        api.post("/api/v1/login/code", {"code": api_person.code()}, expect=200)
        response = browser.submit(browser.get("/login/code"), "/login/code", {"code": page_person.code()})
        self.assertEqual((response.status, response.location), (303, "/home"), response)
        self.assertEqual(self.cluster.daemons["auth-gateway"].proc.pid, gateway_pid, "the gateway was not restarted")


class SignUpWhileTheVaultIsDown(harness.E2ETestCase):
    def test_the_invite_page_still_opens_promptly_with_the_default_country_list(self):
        # A cluster of its own: the shared one's gateway may already hold the vault's answer.
        cluster = harness.shared("vault-down-signup")
        person = Person.invited(cluster)
        cluster.stop("secret-vault")
        try:
            response = Browser(cluster).get(f"/invite/{person.invite_token}")
            self.assertEqual(response.status, 200, response)
            self.assertLess(response.elapsed, 2.0, "one bounded ask of the vault, not a hang")
            self.assertIn("Bangladesh", response.page().text, "the help article's list until the vault answers")
        finally:
            cluster.restart("secret-vault")


class KillNine(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def test_an_acknowledged_signup_survives_kill_9_of_the_gateway(self):
        person = Person.invited(self.cluster)
        api_signup(self, Api(self.cluster), person)
        self.cluster.kill9("auth-gateway")
        self.cluster.restart("auth-gateway")
        result = Api(self.cluster).post("/api/v1/login", {"email": person.email, "password": person.password}, expect=200)
        self.assertEqual(result["stage"], "setup", "the user exists and has no authenticator yet")
        self.assertEqual(
            Api(self.cluster).error_code(
                "POST", f"/api/v1/invites/{person.invite_token}/accept",
                {"email": person.email, "temporary_password": person.temporary_password, "new_password": person.password},
                expect=410,
            ),
            "invite.invalid",
            "the invite stays used",
        )

    def test_a_confirmed_authenticator_and_its_replay_guard_survive_kill_9_of_the_vault(self):
        api, person = api_signed_up(self, self.cluster)
        api.call("POST", "/api/v1/logout", {}, expect=204)
        api_password(self, api, person)
        code = person.code()
        api.post("/api/v1/login/code", {"code": code}, expect=200)
        self.cluster.kill9("secret-vault")
        self.cluster.restart("secret-vault")
        again = Api(self.cluster)
        api_password(self, again, person)
        self.assertEqual(again.error_code("POST", "/api/v1/login/code", {"code": code}, expect=401), "code.replayed")
        again.post("/api/v1/login/code", {"code": person.code()}, expect=200)


if __name__ == "__main__":
    unittest.main()
