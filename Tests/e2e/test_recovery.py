"""SMS recovery ("Can't access your multi-factor authentication app?"): the happy path, the
recovery-only session, the new authenticator replacing the old one, and the refusals."""

import unittest

import harness
from client import Api, Browser
from flows import (
    api_confirm,
    api_password,
    api_setup,
    api_signed_up,
    html_confirm,
    html_password,
    html_setup_page,
    html_signed_up,
)
from otp import Authenticator

CONTACT = "You will need to contact your representative to regain access to your account."
UNAVAILABLE = "Twofold is temporarily unavailable. Try again in a moment."

# Routes a recovery session must not reach through the API: (method, path, body).
API_ROUTES_BEYOND_RECOVERY = [
    ("GET", "/api/v1/me", None),
    ("POST", "/api/v1/login/code", {"code": "123456"}),
    ("GET", "/api/v1/recovery", None),
    ("POST", "/api/v1/recovery/send", {}),
    ("POST", "/api/v1/recovery/verify", {"code": "123456"}),
    ("POST", "/api/v1/accounts/select", {"account": "a-0000000000000000"}),
    ("PUT", "/api/v1/phone", {"phone": "+1 415 555 2671", "code": "123456"}),
    ("DELETE", "/api/v1/phone", {"code": "123456"}),
    ("POST", "/api/v1/password", {"current_password": "x" * 12, "new_password": "y" * 12}),
    ("POST", "/api/v1/mfa/reset", {"password": "x" * 12}),
]
PAGES_BEYOND_RECOVERY = ["/home", "/accounts", "/profile/security", "/login/code", "/login/recovery", "/login/recovery/code"]


def setUpModule():
    harness.shared()


class RecoveryThroughPages(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def test_sms_recovery_gives_a_setup_only_session_and_the_new_authenticator_replaces_the_old(self):
        phone = self.cluster.new_phone()
        _, person = html_signed_up(self, self.cluster, phone=phone)
        old = Authenticator(person.authenticator.secret)
        browser = Browser(self.cluster)
        html_password(self, browser, person)
        recovery = browser.get("/login/recovery")
        self.assertEqual(recovery.status, 200, recovery)
        self.assertIn(person.e164[-2:], recovery.page().text, "the masked phone shows its last digits")
        self.assertNotIn(person.e164[2:-2], recovery.page().text, "the phone is masked")
        self.assertIn("Send code by SMS", recovery.page().form("/login/recovery/send").buttons)

        since = len(self.cluster.outbox())
        sent = browser.submit(recovery, "/login/recovery/send")
        self.assertEqual((sent.status, sent.location), (303, "/login/recovery/code"), sent)
        code = self.cluster.sms_code(person.e164, since)
        code_page = browser.get("/login/recovery/code")
        self.assertEqual(code_page.status, 200, code_page)
        self.assertIn("Code from the SMS", code_page.page().text)
        code_page.page().input("code")
        wrong = browser.submit(code_page, "/login/recovery/code", {"code": "000000" if code != "000000" else "111111"})
        self.assertEqual(wrong.status, 401, wrong)
        self.assertIn("4 attempts left", wrong.page().text)
        accepted = browser.submit(browser.get("/login/recovery/code"), "/login/recovery/code", {"code": code})
        self.assertEqual((accepted.status, accepted.location), (303, "/mfa/setup"), accepted)

        for path in PAGES_BEYOND_RECOVERY:
            with self.subTest(path=path):
                response = browser.get(path)
                self.assertEqual(response.status, 303, f"GET {path} in a recovery session: {response!r}")
                self.assertIn(response.location, ("/mfa/setup", "/login"))
        setup_page, _, _ = html_setup_page(self, browser, person)
        csrf = setup_page.form("/mfa/setup").fields["csrf"]
        for path, fields in [
            ("/profile/security/password", {"current_password": person.password, "new_password": "z" * 16}),
            ("/accounts", {"account": person.accounts[0]["id"]}),
            ("/login/code", {"code": "123456"}),
        ]:
            with self.subTest(path=path):
                cookies = dict(browser.cookies)
                response = browser.post(path, {**fields, "csrf": csrf})
                self.assertEqual((response.status, response.location), (303, "/login"), f"POST {path}: {response!r}")
                browser.cookies = cookies  # the gateway also drops the cookie; the session itself lives on

        setup_page, _, _ = html_setup_page(self, browser, person)
        html_confirm(self, browser, person, setup_page)
        self.assertGreaterEqual(
            len([m for m in self.cluster.outbox()[since:] if m["to"] == person.e164]), 2,
            "the recovery is notified to the phone on file besides the code",
        )
        later = Browser(self.cluster)
        html_password(self, later, person)
        refused = later.submit(later.get("/login/code"), "/login/code", {"code": old.current_code()})
        self.assertEqual(refused.status, 401, "the old authenticator's codes are no longer valid")

    def test_blocked_country_phone_gets_the_contact_your_representative_page(self):
        _, person = html_signed_up(self, self.cluster, phone="+880 1712 345678")
        browser = Browser(self.cluster)
        html_password(self, browser, person)
        page = browser.get("/login/recovery")
        self.assertEqual(page.status, 200, page)
        self.assertIn(CONTACT, page.page().text)
        self.assertIn("We are unable to send a recovery SMS to phone numbers from Bangladesh.", page.page().text)
        self.assertNotIn("/login/recovery/send", [form.action for form in page.page().forms])

    def test_without_a_phone_the_page_says_to_contact_the_representative(self):
        _, person = html_signed_up(self, self.cluster)
        browser = Browser(self.cluster)
        html_password(self, browser, person)
        page = browser.get("/login/recovery")
        self.assertEqual(page.status, 200, page)
        self.assertIn(CONTACT, page.page().text)
        self.assertNotIn("unable to send", page.page().text)

    def test_recovery_needs_a_password_session(self):
        response = Browser(self.cluster).get("/login/recovery")
        self.assertEqual((response.status, response.location), (303, "/login"), response)


class RecoveryThroughTheAPI(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def test_sms_recovery_gives_a_setup_only_session_and_the_new_authenticator_replaces_the_old(self):
        first_session, person = api_signed_up(self, self.cluster, phone=self.cluster.new_phone())
        old = Authenticator(person.authenticator.secret)
        api = Api(self.cluster)
        api_password(self, api, person)
        status = api.get("/api/v1/recovery", expect=200)
        self.assertEqual(status["sms_recovery"], "available")
        self.assertTrue(status["phone_masked"].endswith(person.e164[-2:]))
        since = len(self.cluster.outbox())
        sent = api.post("/api/v1/recovery/send", expect=200)
        self.assertEqual(sent["phone_masked"], status["phone_masked"])
        self.assertEqual(api.error_code("POST", "/api/v1/recovery/send", {}, expect=429), "recovery.cooldown")
        code = self.cluster.sms_code(person.e164, since)
        not_the_code = "000000" if code != "000000" else "111111"
        _, wrong, _ = api.call("POST", "/api/v1/recovery/verify", {"code": not_the_code}, expect=401)
        self.assertEqual((wrong["error"]["code"], wrong["error"].get("attempts_left")), ("recovery.code_invalid", 4))
        password_token = api.token
        result = api.post("/api/v1/recovery/verify", {"code": code}, expect=200)
        self.assertEqual(result["stage"], "recovery")
        self.assertNotEqual(api.token, password_token)
        self.assertEqual(api.error_code("GET", "/api/v1/recovery", token=password_token, expect=401), "auth.required")

        for method, path, body in API_ROUTES_BEYOND_RECOVERY:
            with self.subTest(path=path):
                got = api.error_code(method, path, body, expect=403, validate_request=False)
                self.assertEqual(got, "auth.stage", f"{method} {path}")

        setup = api_setup(self, api, person)
        api_confirm(self, api, person, setup["enrollment_id"])
        self.assertEqual(api.error_code("GET", "/api/v1/me", token=first_session.token, expect=401), "auth.required")
        later = Api(self.cluster)
        api_password(self, later, person)
        self.assertEqual(
            later.error_code("POST", "/api/v1/login/code", {"code": old.current_code()}, expect=401), "code.invalid"
        )
        later.post("/api/v1/login/code", {"code": person.code()}, expect=200)

    def test_verifying_before_any_code_was_sent_answers_expired(self):
        _, person = api_signed_up(self, self.cluster, phone=self.cluster.new_phone())
        api = Api(self.cluster)
        api_password(self, api, person)
        code = api.error_code("POST", "/api/v1/recovery/verify", {"code": "123456"}, expect=410)
        self.assertEqual(code, "recovery.code_expired")

    def test_blocked_country_phones_are_refused_with_the_country_named(self):
        for phone, country in (("+62 812 3456 7890", "Indonesia"), ("+972 50 123 4567", "Israel")):
            with self.subTest(country=country):
                _, person = api_signed_up(self, self.cluster, phone=phone)
                api = Api(self.cluster)
                api_password(self, api, person)
                status = api.get("/api/v1/recovery", expect=200)
                self.assertEqual((status["sms_recovery"], status.get("country_name")), ("unsupported_country", country))
                self.assertEqual(
                    api.error_code("POST", "/api/v1/recovery/send", {}, expect=409), "recovery.unsupported_country"
                )

    def test_without_a_phone_recovery_is_refused(self):
        _, person = api_signed_up(self, self.cluster)
        api = Api(self.cluster)
        api_password(self, api, person)
        self.assertEqual(api.get("/api/v1/recovery", expect=200), {"sms_recovery": "no_phone", "backup_codes_left": 10})
        self.assertEqual(api.error_code("POST", "/api/v1/recovery/send", {}, expect=409), "recovery.no_phone")


class SMSWorkerDown(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def test_sending_answers_503_within_a_second_and_works_again_when_the_worker_is_back(self):
        _, api_person = api_signed_up(self, self.cluster, phone=self.cluster.new_phone())
        _, page_person = html_signed_up(self, self.cluster, phone=self.cluster.new_phone())
        api = Api(self.cluster)
        api_password(self, api, api_person)
        browser = Browser(self.cluster)
        html_password(self, browser, page_person)
        recovery_page = browser.get("/login/recovery")
        self.cluster.stop("sms-sender")
        try:
            status, body, response = api.call("POST", "/api/v1/recovery/send", {}, expect=503)
            self.assertIn(body["error"]["code"], ("sms.unavailable", "service.unavailable"))
            self.assertLess(response.elapsed, 1.0)
            self.assertIsNotNone(response.header("Retry-After"))
            page = browser.submit(recovery_page, "/login/recovery/send")
            self.assertEqual(page.status, 503, page)
            self.assertLess(page.elapsed, 1.0)
        finally:
            self.cluster.restart("sms-sender")
        since = len(self.cluster.outbox())
        api.post("/api/v1/recovery/send", expect=200)
        self.cluster.sms_code(api_person.e164, since)


if __name__ == "__main__":
    unittest.main()
