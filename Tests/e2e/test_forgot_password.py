"""Forgot password (issue 17), keeping two factors, through the pages and the JSON API against the
real daemons: the authenticator's code, then the SMS code when a phone is on file, then a new
password; every session ends and the vault tells the phone. And the operator's one-time
password-reset link (`twofold user reset-password`), after which the second factor is still
required."""

import json
import pathlib
import time
import unittest

import harness
import jsonschema
import referencing
from client import Api, Browser
from flows import Person, api_confirm, api_login, api_setup, api_signup, html_login, html_password, html_signed_up

NOTICE = "The password of your Twofold account was changed."
PASSWORD_RESET_DONE = "Your password was changed, and you were logged out everywhere."
SCHEMAS = pathlib.Path(__file__).resolve().parents[2] / "protocol" / "schemas" / "admin"


def setUpModule():
    harness.shared()


def admin_schema_check(name, document):
    """Validates an admin answer's envelope against protocol/schemas/admin/<name>."""
    resources = []
    for path in list(SCHEMAS.glob("*.json")) + list(SCHEMAS.parent.glob("*.json")):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], referencing.Resource.from_contents(schema)))
    registry = referencing.Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / name).read_text())
    jsonschema.Draft202012Validator(schema, registry=registry).validate(document)


def wrong_code(person):
    return person.authenticator.wrong_code()


class ForgotPasswordThroughPages(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def notices_to(self, e164, since, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.cluster.outbox()[since:] if m["to"] == e164 and NOTICE in m["text"]]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def forgot_until_code(self, browser, email):
        login = browser.get("/login")
        self.assertIn('href="/password/forgot"', login.text, "the login page links to Forgot password?")
        started = browser.open_and_submit("/password/forgot", "/password/forgot", {"email": email})
        self.assertEqual((started.status, started.location), (303, "/password/forgot/code"), started)
        page = browser.get("/password/forgot/code")
        self.assertEqual(page.status, 200, page)
        self.assertIn("contact your", page.page().text.lower().replace("\n", " "))
        return page

    def test_with_a_phone_it_takes_the_authenticator_code_then_the_sms_code_then_ends_every_session(self):
        phone = self.cluster.new_phone()
        old_browser, person = html_signed_up(self, self.cluster, phone=phone)
        self.assertEqual(old_browser.get("/home").status, 200)
        browser = Browser(self.cluster)
        page = self.forgot_until_code(browser, person.email)

        wrong = browser.submit(page, "/password/forgot/code", {"code": wrong_code(person)})
        self.assertEqual(wrong.status, 401, wrong)
        self.assertIn("attempts left", wrong.page().text)
        code_input = wrong.page().input("code")
        self.assertEqual(code_input.get("aria-invalid"), "true", "the error is tied to the field")
        self.assertIn(code_input.get("aria-describedby") or "", wrong.text)

        since = len(self.cluster.outbox())
        accepted = browser.submit(browser.get("/password/forgot/code"), "/password/forgot/code", {"code": person.code()})
        self.assertEqual((accepted.status, accepted.location), (303, "/password/forgot/sms"), accepted)
        self.assertEqual(browser.get("/password/forgot/new").location, "/password/forgot/sms", "no step is skipped")
        sms_page = browser.get("/password/forgot/sms")
        self.assertIn("valid for 10 minutes", sms_page.page().text)
        sms_code = self.cluster.sms_code(person.e164, since)
        passed = browser.submit(sms_page, "/password/forgot/sms", {"code": sms_code})
        self.assertEqual((passed.status, passed.location), (303, "/password/forgot/new"), passed)

        new_page = browser.get("/password/forgot/new")
        self.assertIn(person.email.lower(), new_page.page().text, "the email is shown once both codes passed")
        mismatch = browser.submit(
            new_page, "/password/forgot/new", {"new_password": "a new long password 1", "new_password_confirm": "x"})
        self.assertEqual(mismatch.status, 422, mismatch)
        weak = browser.submit(
            browser.get("/password/forgot/new"), "/password/forgot/new",
            {"new_password": "short", "new_password_confirm": "short"})
        self.assertEqual(weak.status, 422, "the same password policy as everywhere")
        new_password = "a brand new password " + person.password[-6:]
        self.cluster.remember(new_password)
        since = len(self.cluster.outbox())
        done = browser.submit(
            browser.get("/password/forgot/new"), "/password/forgot/new",
            {"new_password": new_password, "new_password_confirm": new_password})
        self.assertEqual((done.status, done.location), (303, "/login"), done)
        self.assertIn(PASSWORD_RESET_DONE, browser.get("/login").page().text)
        self.assertEqual(browser.get("/password/forgot/new").location, "/password/forgot", "the attempt is over")

        self.assertEqual(old_browser.get("/home").status, 303, "every session ended")
        self.assertEqual(html_password(self, Browser(self.cluster), person).status, 401, "the old password is gone")
        person.password = new_password
        html_login(self, Browser(self.cluster), person)
        self.assertEqual(len(self.notices_to(person.e164, since)), 1, "the phone is told once")

    def test_without_a_phone_the_authenticator_code_leads_to_the_new_password(self):
        _, person = html_signed_up(self, self.cluster)
        browser = Browser(self.cluster)
        page = self.forgot_until_code(browser, person.email)
        accepted = browser.submit(page, "/password/forgot/code", {"code": person.code()})
        self.assertEqual((accepted.status, accepted.location), (303, "/password/forgot/new"), accepted)
        new_password = "another new password " + person.password[-6:]
        self.cluster.remember(new_password)
        done = browser.submit(
            browser.get("/password/forgot/new"), "/password/forgot/new",
            {"new_password": new_password, "new_password_confirm": new_password})
        self.assertEqual((done.status, done.location), (303, "/login"), done)
        person.password = new_password
        html_login(self, Browser(self.cluster), person)

    def test_an_email_without_a_user_gets_the_same_pages_and_never_passes_the_code(self):
        browser = Browser(self.cluster)
        page = self.forgot_until_code(browser, self.cluster.new_email("nobody"))
        refused = browser.submit(page, "/password/forgot/code", {"code": "123456"})
        self.assertEqual(refused.status, 401, refused)
        self.assertIn("That code is not valid.", refused.page().text)
        self.assertIn("attempts left", refused.page().text)

    def test_a_step_without_an_attempt_goes_back_to_the_start(self):
        browser = Browser(self.cluster)
        for path in ("/password/forgot/code", "/password/forgot/sms", "/password/forgot/new"):
            with self.subTest(path=path):
                response = browser.get(path)
                self.assertEqual((response.status, response.location), (303, "/password/forgot"), response)


class ForgotPasswordThroughTheAPI(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def test_the_steps_answer_as_documented_and_the_new_password_ends_every_session(self):
        phone = self.cluster.new_phone()
        api, person = api_signed_up_with(self, self.cluster, phone)
        started = Api(self.cluster, token=None).post("/api/v1/password/forgot", {"email": person.email}, expect=200)
        self.assertEqual(started["step"], "code")
        token = started["reset_token"]
        self.cluster.remember(token)
        unknown = Api(self.cluster).post("/api/v1/password/forgot", {"email": self.cluster.new_email("x")}, expect=200)
        self.assertEqual(set(unknown), set(started), "the same answer for an email without a user")

        attempt = Api(self.cluster, token=token)
        self.assertEqual(
            attempt.error_code("POST", "/api/v1/password/forgot/password", {"new_password": "x" * 20}, expect=409),
            "password_reset.step")
        wrong = attempt.call("POST", "/api/v1/password/forgot/code", {"code": wrong_code(person)}, expect=401)[1]
        self.assertEqual(wrong["error"]["code"], "code.invalid")
        self.assertEqual(wrong["error"]["attempts_left"], 4)
        since = len(self.cluster.outbox())
        at_sms = attempt.post("/api/v1/password/forgot/code", {"code": person.code()}, expect=200)
        self.assertEqual(at_sms["step"], "sms")
        self.assertTrue(at_sms["phone_masked"].endswith(person.e164[-2:]))
        sms_code = self.cluster.sms_code(person.e164, since)
        at_password = attempt.post("/api/v1/password/forgot/sms", {"code": sms_code}, expect=200)
        self.assertEqual(at_password["step"], "password")
        new_password = "api new password " + person.password[-6:]
        self.cluster.remember(new_password)
        attempt.call("POST", "/api/v1/password/forgot/password", {"new_password": new_password}, expect=204)
        self.assertEqual(
            attempt.error_code("POST", "/api/v1/password/forgot/code", {"code": "123456"}, expect=401),
            "password_reset.required", "one attempt changes the password once")
        self.assertEqual(api.error_code("GET", "/api/v1/me", expect=401), "auth.required")
        person.password = new_password
        api_login(self, Api(self.cluster), person)

    def test_a_missing_or_malformed_reset_token_is_refused(self):
        for token in (None, "not-a-token"):
            with self.subTest(token=token):
                self.assertEqual(
                    Api(self.cluster, token=token).error_code(
                        "POST", "/api/v1/password/forgot/code", {"code": "123456"}, expect=401),
                    "password_reset.required")


def api_signed_up_with(test, cluster, phone):
    person = Person.invited(cluster, phone=phone)
    api = Api(cluster)
    api_signup(test, api, person)
    setup = api_setup(test, api, person)
    api_confirm(test, api, person, setup["enrollment_id"])
    return api, person


class ResetLink(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def make_link(self, person, **extra):
        envelope = self.cluster.admin_raw(
            "user.reset_password", {"user": person.email, "reason": "identity checked by video call", **extra})
        admin_schema_check("user.reset_password.response.schema.json", envelope)
        self.assertTrue(envelope["ok"], envelope)
        link = envelope["result"]["link"]
        self.assertTrue(link.startswith(self.cluster.origin + "/reset/"), link)
        token = link.rsplit("/", 1)[1]
        self.cluster.remember(token)
        return token

    def test_the_link_sets_a_new_password_once_and_the_second_factor_is_still_required(self):
        phone = self.cluster.new_phone()
        old_browser, person = html_signed_up(self, self.cluster, phone=phone)
        first = self.make_link(person)
        token = self.make_link(person)
        browser = Browser(self.cluster)
        self.assertEqual(browser.get(f"/reset/{first}").status, 410, "a new link revokes the earlier one")
        page = browser.get(f"/reset/{token}")
        self.assertEqual(page.status, 200, page)
        self.assertIn(person.email.lower(), page.page().text)
        self.assertEqual(old_browser.get("/home").status, 200, "nothing changes until the link is used")
        new_password = "link new password " + person.password[-6:]
        self.cluster.remember(new_password)
        since = len(self.cluster.outbox())
        used = browser.submit(
            page, f"/reset/{token}", {"new_password": new_password, "new_password_confirm": new_password})
        self.assertEqual((used.status, used.location), (303, "/login/code"), used)
        self.assertEqual(browser.get("/home").location, "/login/code", "the second factor is still required")
        code_page = browser.get("/login/code")
        self.assertIn("authenticator app", code_page.page().text)
        done = browser.submit(code_page, "/login/code", {"code": person.code()})
        self.assertEqual((done.status, done.location), (303, "/home"), done)
        self.assertEqual(old_browser.get("/home").status, 303, "every earlier session ended")
        self.assertEqual(Browser(self.cluster).get(f"/reset/{token}").status, 410, "the link works once")
        deadline = time.monotonic() + 5
        while not any(NOTICE in m["text"] for m in self.cluster.outbox()[since:] if m["to"] == person.e164):
            self.assertLess(time.monotonic(), deadline, "the password-changed notice reaches the phone")
            time.sleep(0.05)

    def test_through_the_api_the_link_answers_a_password_stage_session(self):
        api, person = api_signed_up_with(self, self.cluster, None)
        token = self.make_link(person)
        fresh = Api(self.cluster)
        new_password = "api link password " + person.password[-6:]
        self.cluster.remember(new_password)
        result = fresh.post(f"/api/v1/reset-links/{token}/accept", {"new_password": new_password}, expect=200)
        self.assertEqual(result["stage"], "password")
        full = fresh.post("/api/v1/login/code", {"code": person.code()}, expect=200)
        self.assertEqual(full["stage"], "full")
        self.assertEqual(
            Api(self.cluster).error_code(
                "POST", f"/api/v1/reset-links/{token}/accept", {"new_password": new_password + "2"}, expect=410),
            "reset_link.invalid")
        self.assertEqual(api.error_code("GET", "/api/v1/me", expect=401), "auth.required")

    def test_the_operator_is_refused_a_bad_lifetime_or_a_blank_reason_and_links_are_not_invites(self):
        _, person = api_signed_up_with(self, self.cluster, None)
        for args, code in [
            ({"user": person.email, "reason": "ok", "ttl_ms": 1000}, "admin.invalid"),
            ({"user": person.email, "reason": "  "}, "admin.invalid"),
            ({"user": "nobody@example.com", "reason": "ok"}, "admin.not_found"),
        ]:
            with self.subTest(args=args):
                envelope = self.cluster.admin_raw("user.reset_password", args)
                admin_schema_check("user.reset_password.response.schema.json", envelope)
                self.assertEqual(envelope["error"]["code"], code, envelope)
        self.make_link(person)
        invites = self.cluster.admin("invite.list")["invites"]
        self.assertFalse([i for i in invites if i["id"].startswith("r-")], "reset links are not listed as invites")


if __name__ == "__main__":
    unittest.main()
