"""CSRF tokens and the Origin check, session expiry, logout, and invite expiry."""

import time
import unittest

import harness
from client import Api, Browser
from flows import Person, api_signed_up, api_signup, html_signed_up, html_signup, signup_fields

# A refused form says why, by cause (issue 17): another site, no cookie at all, a session that
# ended, or a form from before a login or logout in another window.
REFUSALS = (
    "This form came from another site, so it was not accepted.",
    "Your browser did not send the cookie of your session with this form",
    "Your session ended before you sent this form",
    "This page was opened before you logged in or out in another window",
)
INVITE_GONE = "This invite link is no longer valid. Ask your representative for a new invite."


def setUpModule():
    harness.shared()


class CrossSiteRequests(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def assertRefused(self, response):
        self.assertEqual(response.status, 403, response)
        text = response.page().text
        self.assertTrue(any(reason in text for reason in REFUSALS), f"a refusal that says why: {text[:300]}")

    def test_a_form_post_without_csrf_token_or_with_a_foreign_one_is_refused(self):
        browser = Browser(self.cluster)
        page = browser.get("/login")
        fields = {"email": "someone@example.com", "password": "whatever password"}
        self.assertRefused(browser.submit(page, "/login", fields, csrf=False))
        self.assertRefused(browser.submit(page, "/login", {**fields, "csrf": "A" * 43}))
        other = Browser(self.cluster)
        other_token = other.get("/login").page().form("/login").fields["csrf"]
        self.assertRefused(browser.submit(page, "/login", {**fields, "csrf": other_token}))

    def test_a_form_post_from_a_foreign_origin_or_without_origin_and_referer_is_refused(self):
        browser = Browser(self.cluster)
        page = browser.get("/login")
        fields = {"email": "someone@example.com", "password": "whatever password"}
        self.assertRefused(browser.submit(page, "/login", fields, origin="http://evil.example"))
        self.assertRefused(browser.submit(page, "/login", fields, origin=f"http://127.0.0.1:{self.cluster.port + 1}"))
        self.assertRefused(browser.submit(page, "/login", fields, origin=None))
        with_referer = browser.post(
            "/login", {**page.page().form("/login").fields, **fields}, origin=None,
            headers={"Referer": self.cluster.origin + "/login"},
        )
        self.assertIn(with_referer.status, (401, 429), f"a same-site Referer stands in for a missing Origin: {with_referer!r}")

    def test_a_signed_in_form_needs_the_session_csrf_token(self):
        browser, _ = html_signed_up(self, self.cluster)
        home = browser.get("/home")
        self.assertRefused(browser.submit(home, "/logout", csrf=False))
        self.assertRefused(browser.submit(home, "/logout", origin="https://evil.example"))
        self.assertEqual(browser.get("/home").status, 200, "the refused logout did nothing")

    def test_the_api_refuses_a_foreign_origin_and_accepts_none(self):
        api = Api(self.cluster)
        body = {"email": "someone@example.com", "password": "whatever password"}
        self.assertEqual(
            api.error_code("POST", "/api/v1/login", body, expect=403, headers={"Origin": "http://evil.example"}),
            "csrf.origin",
        )
        self.assertEqual(api.error_code("POST", "/api/v1/login", body, expect=401), "login.failed")
        self.assertEqual(
            api.error_code("POST", "/api/v1/login", body, expect=401, headers={"Origin": self.cluster.origin}),
            "login.failed",
        )


class Logout(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def test_logout_invalidates_the_token_and_the_cookie(self):
        api, _ = api_signed_up(self, self.cluster)
        token = api.token
        api.call("POST", "/api/v1/logout", {}, expect=204)
        self.assertEqual(api.error_code("GET", "/api/v1/me", token=token, expect=401), "auth.required")
        api.call("POST", "/api/v1/logout", {}, token=token, expect=(204, 401))  # either: logout is idempotent

        browser, _ = html_signed_up(self, self.cluster)
        cookies = dict(browser.cookies)
        logout = browser.submit(browser.get("/home"), "/logout")
        self.assertEqual((logout.status, logout.location), (303, "/login"), logout)
        browser.cookies = dict(cookies)
        self.assertEqual(browser.get("/home").location, "/login", "the old cookie value is dead")
        self.assertEqual(
            api.error_code("GET", "/api/v1/me", token=cookies["__Host-twofold"], expect=401), "auth.required",
            "nor does the API accept it",
        )


class CookiesWithoutTLS(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared("plain-http", public_host="twofold.test")

    def test_a_non_loopback_http_public_url_gets_plain_cookies_without_secure(self):
        person = Person.invited(self.cluster)
        browser = Browser(self.cluster)
        html_signup(self, browser, person)
        self.assertNotIn("__Host-twofold", browser.cookies)
        self.assertRegex(browser.cookies.get("twofold", ""), r"^[A-Za-z0-9_-]{43}$")
        for name in ("twofold", "twofold-csrf"):
            with self.subTest(cookie=name):
                attributes = browser.cookie_attributes[name]
                self.assertNotIn("secure", attributes)
                for attribute in ("httponly", "samesite=lax", "path=/"):
                    self.assertIn(attribute, attributes)
        refused = browser.submit(browser.get("/mfa/setup"), "/mfa/setup", {"code": "123456"}, origin="http://127.0.0.1")
        self.assertEqual(refused.status, 403, "the public origin is the configured one")


class AbsoluteSessionLifetime(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared("absolute", ["--session-absolute", "3s"])

    def test_a_busy_session_still_ends_at_the_absolute_timeout(self):
        person = Person.invited(self.cluster)
        api = Api(self.cluster)
        api_signup(self, api, person)
        started = time.monotonic()
        while time.monotonic() - started < 2.5:
            api.post("/api/v1/mfa/setup", expect=200)
            time.sleep(0.5)
        time.sleep(max(0.0, 3.3 - (time.monotonic() - started)))
        self.assertEqual(api.error_code("POST", "/api/v1/mfa/setup", {}, expect=401), "auth.required")


class IdleSessionsExpire(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared("idle", ["--session-idle", "2s"])

    def test_a_session_idle_longer_than_the_timeout_is_gone(self):
        person = Person.invited(self.cluster)
        api = Api(self.cluster)
        api_signup(self, api, person)
        time.sleep(1.0)
        api.post("/api/v1/mfa/setup", expect=200)
        time.sleep(1.2)
        api.post("/api/v1/mfa/setup", expect=200)  # activity keeps it alive past 2 s in total
        time.sleep(2.5)
        self.assertEqual(api.error_code("POST", "/api/v1/mfa/setup", {}, expect=401), "auth.required")

        page_person = Person.invited(self.cluster)
        browser = Browser(self.cluster)
        html_signup(self, browser, page_person)
        time.sleep(2.5)
        response = browser.get("/mfa/setup")
        self.assertEqual((response.status, response.location), (303, "/login"), response)


class InvitesExpire(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared("short-invites", ["--invite-ttl", "2s"])

    def test_an_expired_invite_is_gone_for_pages_and_api(self):
        first = Person.invited(self.cluster)
        second = Person.invited(self.cluster)
        time.sleep(2.5)
        page = Browser(self.cluster).get(f"/invite/{first.invite_token}")
        self.assertEqual(page.status, 410, page)
        self.assertIn(INVITE_GONE, page.page().text)
        path = f"/api/v1/invites/{second.invite_token}/accept"
        self.assertEqual(Api(self.cluster).error_code("POST", path, signup_fields(second), expect=410), "invite.invalid")
        statuses = {i["email"]: i["status"] for i in self.cluster.admin("invite.list")["invites"]}
        self.assertEqual(statuses[second.email.lower()], "expired")


if __name__ == "__main__":
    unittest.main()
