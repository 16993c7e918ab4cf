"""My Profile → Security: MFA reset, the recovery phone, and password change, with the sessions
each of them revokes."""

import unittest

import harness
from client import Api, Browser
from flows import (
    api_login,
    api_password,
    api_setup,
    api_signed_up,
    html_confirm,
    html_login,
    html_password,
    html_setup_page,
    html_signed_up,
)
from otp import Authenticator

SECURITY = "/profile/security"


def setUpModule():
    harness.shared()


class SecurityTabPages(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def security_page(self, browser):
        response = browser.get(SECURITY)
        self.assertEqual(response.status, 200, response)
        return response.page()

    def test_mfa_reset_needs_the_password_keeps_the_old_authenticator_until_confirmed_then_revokes_sessions(self):
        browser, person = html_signed_up(self, self.cluster)
        other = Api(self.cluster)
        api_login(self, other, person)
        page = self.security_page(browser)
        self.assertIn("Reset multi-factor authentication", page.form(f"{SECURITY}/reset-mfa").buttons)
        for action in (f"{SECURITY}/phone", f"{SECURITY}/password"):  # no remove form without a phone
            page.form(action)

        wrong = browser.submit(page, f"{SECURITY}/reset-mfa", {"password": "not my password at all"})
        self.assertNotEqual(wrong.location, "/mfa/setup", wrong)
        self.assertEqual(wrong.status, 401, wrong)
        reset = browser.submit(self.security_page(browser), f"{SECURITY}/reset-mfa", {"password": person.password})
        self.assertEqual((reset.status, reset.location), (303, "/mfa/setup"), reset)

        old = Authenticator(person.authenticator.secret)
        meanwhile = Api(self.cluster)
        api_login(self, meanwhile, person)  # the old authenticator still works before the new one is confirmed
        setup_page, _, _ = html_setup_page(self, browser, person)
        # The confirmation goes back to the Security tab, where the reset started.
        html_confirm(self, browser, person, setup_page, expect_location="/profile/security")
        self.assertIn("Multi-factor authentication was reset.", browser.get("/profile/security").page().text)
        for api in (other, meanwhile):
            self.assertEqual(api.error_code("GET", "/api/v1/me", expect=401), "auth.required")
        later = Api(self.cluster)
        api_password(self, later, person)
        refused = later.error_code("POST", "/api/v1/login/code", {"code": old.current_code()}, expect=401)
        self.assertEqual(refused, "code.invalid", "the old authenticator's codes are no longer valid")

    def test_the_recovery_phone_is_added_without_code_and_changed_or_removed_with_one(self):
        browser, person = html_signed_up(self, self.cluster)
        added = browser.submit(self.security_page(browser), f"{SECURITY}/phone", {"phone": "+880 1712 345678", "code": ""})
        self.assertIn(added.status, (200, 303), added)
        page = self.security_page(browser)
        self.assertIn("Bangladesh", page.text, "the page notes that SMS recovery is unavailable for the country")
        self.assertTrue(self.cluster.admin("user.show", user=person.email)["mfa"]["phone_masked"].endswith("78"))

        us = self.cluster.new_phone()
        no_code = browser.submit(page, f"{SECURITY}/phone", {"phone": us, "code": ""})
        self.assertEqual(no_code.status, 401, no_code)
        changed = browser.submit(self.security_page(browser), f"{SECURITY}/phone", {"phone": us, "code": person.code()})
        self.assertIn(changed.status, (200, 303), changed)
        self.assertTrue(self.cluster.admin("user.show", user=person.email)["mfa"]["phone_masked"].endswith(us[-2:]))

        no_code = browser.submit(self.security_page(browser), f"{SECURITY}/phone/remove", {"code": ""})
        self.assertEqual(no_code.status, 401, no_code)
        removed = browser.submit(self.security_page(browser), f"{SECURITY}/phone/remove", {"code": person.code()})
        self.assertIn(removed.status, (200, 303), removed)
        mfa = self.cluster.admin("user.show", user=person.email)["mfa"]
        self.assertEqual(mfa["sms_recovery"], "no_phone")
        self.assertNotIn("phone_masked", mfa)

    def test_a_password_change_revokes_the_other_sessions(self):
        browser, person = html_signed_up(self, self.cluster)
        other = Api(self.cluster)
        api_login(self, other, person)
        old_password = person.password
        new_password = old_password + " changed"
        self.cluster.remember(new_password)
        wrong = browser.submit(self.security_page(browser), f"{SECURITY}/password",
                               {"current_password": "not my password!", "new_password": new_password})
        self.assertEqual(wrong.status, 401, wrong)
        weak = browser.submit(self.security_page(browser), f"{SECURITY}/password",
                              {"current_password": old_password, "new_password": "short"})
        self.assertEqual(weak.status, 422, weak)
        changed = browser.submit(self.security_page(browser), f"{SECURITY}/password",
                                 {"current_password": old_password, "new_password": new_password})
        self.assertIn(changed.status, (200, 303), changed)
        self.assertEqual(browser.get("/home").status, 200, "this session stays")
        self.assertEqual(other.error_code("GET", "/api/v1/me", expect=401), "auth.required")
        self.assertEqual(html_password(self, Browser(self.cluster), person, password=old_password).status, 401)
        person.password = new_password
        html_login(self, Browser(self.cluster), person)

    def test_the_security_tab_needs_a_full_session(self):
        response = Browser(self.cluster).get(SECURITY)
        self.assertEqual((response.status, response.location), (303, "/login"), response)


class SecurityTabAPI(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def test_mfa_reset_needs_the_password_keeps_the_old_authenticator_until_confirmed_then_revokes_sessions(self):
        api, person = api_signed_up(self, self.cluster)
        other = Browser(self.cluster)
        html_login(self, other, person)
        wrong = api.error_code("POST", "/api/v1/mfa/reset", {"password": "wrong password!"}, expect=401)
        self.assertEqual(wrong, "login.failed")
        result = api.post("/api/v1/mfa/reset", {"password": person.password}, expect=200)
        self.assertEqual(result["stage"], "setup")
        self.assertEqual(api.error_code("GET", "/api/v1/me", expect=403), "auth.stage")

        old = Authenticator(person.authenticator.secret)
        meanwhile = Api(self.cluster)
        api_login(self, meanwhile, person)
        setup = api_setup(self, api, person)
        api.post("/api/v1/mfa/confirm", {"enrollment_id": setup["enrollment_id"], "code": person.code()}, expect=200)
        self.assertEqual(meanwhile.error_code("GET", "/api/v1/me", expect=401), "auth.required")
        self.assertEqual(other.get("/home").location, "/login")
        later = Api(self.cluster)
        api_password(self, later, person)
        refused = later.error_code("POST", "/api/v1/login/code", {"code": old.current_code()}, expect=401)
        self.assertEqual(refused, "code.invalid", "the old authenticator's codes are no longer valid")

    def test_the_recovery_phone_is_added_without_code_and_changed_or_removed_with_one(self):
        api, person = api_signed_up(self, self.cluster)
        first = self.cluster.new_phone()
        result = api.call("PUT", "/api/v1/phone", {"phone": first}, expect=200)[1]
        self.assertEqual((result["country"], result["sms_recovery"]), ("US", "available"))
        self.assertEqual(api.error_code("PUT", "/api/v1/phone", {"phone": "12"}, expect=422), "phone.invalid")
        blocked = "+62 812 3456 7890"
        self.assertEqual(api.error_code("PUT", "/api/v1/phone", {"phone": blocked}, expect=401), "code.required")
        wrong = person.authenticator.wrong_code()
        self.assertEqual(api.error_code("PUT", "/api/v1/phone", {"phone": blocked, "code": wrong}, expect=401), "code.invalid")
        result = api.call("PUT", "/api/v1/phone", {"phone": blocked, "code": person.code()}, expect=200)[1]
        self.assertEqual(
            (result["country"], result["country_name"], result["sms_recovery"]), ("ID", "Indonesia", "unsupported_country")
        )
        self.assertEqual(api.error_code("DELETE", "/api/v1/phone", {}, expect=401), "code.required")
        api.call("DELETE", "/api/v1/phone", {"code": person.code()}, expect=204)
        self.assertEqual(self.cluster.admin("user.show", user=person.user_id)["mfa"]["sms_recovery"], "no_phone")

    def test_a_password_change_revokes_the_other_sessions(self):
        api, person = api_signed_up(self, self.cluster)
        other = Browser(self.cluster)
        html_login(self, other, person)
        new_password = person.password + " changed"
        self.cluster.remember(new_password)
        body = {"current_password": "not my password!", "new_password": new_password}
        self.assertEqual(api.error_code("POST", "/api/v1/password", body, expect=401), "login.failed")
        body = {"current_password": person.password, "new_password": "short"}
        self.assertEqual(api.error_code("POST", "/api/v1/password", body, expect=422), "password.too_short")
        old_token = api.token
        api.post("/api/v1/password", {"current_password": person.password, "new_password": new_password}, expect=200)
        self.assertNotEqual(api.token, old_token)
        self.assertEqual(api.error_code("GET", "/api/v1/me", token=old_token, expect=401), "auth.required")
        api.get("/api/v1/me", expect=200)
        self.assertEqual(other.get("/home").location, "/login")
        self.assertEqual(
            Api(self.cluster).error_code(
                "POST", "/api/v1/login", {"email": person.email, "password": person.password}, expect=401
            ),
            "login.failed",
        )
        person.password = new_password
        api_password(self, Api(self.cluster), person)


if __name__ == "__main__":
    unittest.main()
