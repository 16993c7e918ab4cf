"""Invite sign-up, MFA setup, login with password and code, and every refusal on the way."""

import json
import re
import unittest

import harness
from client import SESSION_TOKEN, Api, Browser, request
from flows import (
    Person,
    api_confirm,
    api_password,
    api_setup,
    api_signed_up,
    api_signup,
    html_confirm,
    html_password,
    html_setup_page,
    html_signed_up,
    html_signup,
    signup_fields,
)

INCORRECT = "Incorrect email or password."
INVALID_CODE = "That code is not valid. Check your authenticator app and try again."
REPLAYED = "That code has already been used. Wait for the next code in your app."
LOCKED = re.compile(r"Too many wrong codes\. Try again in \d+ seconds?\.")
INVITE_GONE = "This invite link is no longer valid. Ask your representative for a new invite."
STALE = (
    "That code may come from an old setup of Twofold in your app. Scan this QR code again "
    "(or try a different authenticator app) and enter the new code."
)


def setUpModule():
    harness.shared()


class SignUpAndLoginThroughPages(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def test_invite_signup_setup_logout_login_and_replayed_code(self):
        person = Person.invited(self.cluster)
        browser = Browser(self.cluster)
        self.assertEqual((browser.get("/").status, browser.get("/").location), (303, "/login"))
        invite_page = browser.get(f"/invite/{person.invite_token}")
        self.assertEqual(invite_page.status, 200, invite_page)
        page = invite_page.page()
        for name in ("email", "temporary_password", "new_password", "phone", "csrf"):
            page.input(name)
        self.assertIn("recover", page.text.lower(), "the phone field says it is the way to recover")
        for country in ("Bangladesh", "Vietnam"):  # the vault's default list: the help article's
            self.assertIn(country, page.text)
        csrf_cookie = browser.cookies.get("__Host-twofold-csrf")
        self.assertIsNotNone(csrf_cookie, "a page without session sets the CSRF cookie")
        self.assertEqual(page.form(f"/invite/{person.invite_token}").fields["csrf"], csrf_cookie)

        response = browser.submit(page, f"/invite/{person.invite_token}", signup_fields(person))
        self.assertEqual((response.status, response.location), (303, "/mfa/setup"), response)
        setup_cookie = browser.cookies.get("__Host-twofold")
        self.assertRegex(setup_cookie or "", SESSION_TOKEN)
        attributes = browser.cookie_attributes["__Host-twofold"]
        for attribute in ("secure", "httponly", "samesite=lax", "path=/"):
            self.assertIn(attribute, attributes)
        self.assertFalse(any(a.startswith("domain=") for a in attributes), "__Host- cookies have no Domain")

        setup_page, _, _ = html_setup_page(self, browser, person)
        self.assertEqual(browser.get("/home").status, 303, "stage setup cannot reach /home")
        html_confirm(self, browser, person, setup_page)
        self.assertNotEqual(browser.session, setup_cookie, "a new session value at the stage change")

        home = browser.get("/home")
        self.assertEqual(home.status, 200, home)
        self.assertIn(f"Signed in as {person.email.lower()}", home.page().text)
        self.assertIn(person.accounts[0]["name"], home.page().text)
        self.assertIn("/profile/security", [href for href, _ in home.page().links])
        logout = browser.submit(home, "/logout")
        self.assertEqual((logout.status, logout.location), (303, "/login"), logout)
        self.assertEqual((browser.get("/home").status, browser.get("/home").location), (303, "/login"))

        response = html_password(self, browser, person)
        self.assertEqual((response.status, response.location), (303, "/login/code"), response)
        self.assertEqual(browser.get("/").location, "/login/code")
        password_cookie = browser.session
        self.assertEqual(browser.get("/home").location, "/login/code", "stage password reaches only the code step")
        code_response = browser.get("/login/code")
        code_page = code_response.page()
        self.assertIn("Enter your verification code", code_page.headings + [code_page.text])
        self.assertIn("Enter your verification code", code_page.text)
        code_input = code_page.input("code")
        self.assertEqual((code_input.get("autocomplete"), code_input.get("inputmode")), ("one-time-code", "numeric"))
        self.assertIn(("/login/recovery", "Can't access your multi-factor authentication app?"), code_page.links)
        code = person.code()
        response = browser.submit(code_page, "/login/code", {"code": code})
        self.assertEqual((response.status, response.location), (303, "/home"), response)
        self.assertNotEqual(browser.session, password_cookie, "a new session value after the code step")
        self.assertEqual(browser.get("/").location, "/home")

        browser.submit(browser.get("/home"), "/logout")
        html_password(self, browser, person)
        replay = browser.submit(browser.get("/login/code"), "/login/code", {"code": code})
        self.assertEqual(replay.status, 401, replay)
        self.assertIn(REPLAYED, replay.page().text)

    def test_wrong_password_and_unknown_email_get_the_same_page(self):
        browser, person = html_signed_up(self, self.cluster)
        wrong = html_password(self, Browser(self.cluster), person, password="not the password at all")
        unknown = Browser(self.cluster).open_and_submit(
            "/login", "/login", {"email": self.cluster.new_email("nobody"), "password": person.password}
        )
        for response in (wrong, unknown):
            self.assertEqual(response.status, 401, response)
            self.assertIn(INCORRECT, response.page().text)

    def test_wrong_code_is_refused_and_the_right_one_then_works(self):
        browser, person = html_signed_up(self, self.cluster)
        browser = Browser(self.cluster)
        html_password(self, browser, person)
        wrong = browser.submit(browser.get("/login/code"), "/login/code", {"code": person.authenticator.wrong_code()})
        self.assertEqual(wrong.status, 401, wrong)
        self.assertIn(INVALID_CODE, wrong.page().text)
        right = browser.submit(browser.get("/login/code"), "/login/code", {"code": person.code()})
        self.assertEqual((right.status, right.location), (303, "/home"), right)

    def test_repeated_wrong_codes_lock_the_code_step(self):
        _, person = html_signed_up(self, self.cluster)
        browser = Browser(self.cluster)
        html_password(self, browser, person)
        statuses = []
        for _ in range(8):
            response = browser.submit(browser.get("/login/code"), "/login/code", {"code": person.authenticator.wrong_code()})
            statuses.append(response.status)
            if response.status == 429:
                break
        self.assertEqual(statuses[-1], 429, f"statuses of wrong codes: {statuses}")
        self.assertLessEqual(len(statuses), 7, "5 free failures, the 6th locks, the 7th is refused as locked")
        self.assertRegex(response.page().text, LOCKED)
        right_but_locked = browser.submit(
            browser.get("/login/code"), "/login/code", {"code": person.authenticator.current_code()}
        )
        self.assertEqual(right_but_locked.status, 429, "a right code is refused while locked")

    def test_used_and_revoked_invites_are_gone(self):
        _, person = html_signed_up(self, self.cluster)
        used = Browser(self.cluster).get(f"/invite/{person.invite_token}")
        self.assertEqual(used.status, 410)
        self.assertIn(INVITE_GONE, used.page().text)

        token, _, created = self.cluster.create_invite()
        self.cluster.admin("invite.revoke", invite=created["invite"]["id"])
        revoked = Browser(self.cluster).get(f"/invite/{token}")
        self.assertEqual(revoked.status, 410, revoked)
        self.assertIn(INVITE_GONE, revoked.page().text)
        unknown = Browser(self.cluster).get("/invite/" + "A" * 43)
        self.assertEqual(unknown.status, 410, unknown)

    def test_signup_refuses_wrong_credentials_weak_password_and_bad_phone(self):
        person = Person.invited(self.cluster)
        browser = Browser(self.cluster)
        path = f"/invite/{person.invite_token}"
        wrong_temporary = browser.open_and_submit(path, path, {**signup_fields(person), "temporary_password": "nope-nope-nope"})
        self.assertEqual(wrong_temporary.status, 401, wrong_temporary)
        wrong_email = browser.open_and_submit(path, path, {**signup_fields(person), "email": self.cluster.new_email()})
        self.assertEqual(wrong_email.status, 401, wrong_email)
        weak = browser.open_and_submit(path, path, {**signup_fields(person), "new_password": "short"})
        self.assertEqual(weak.status, 422, weak)
        bad_phone = browser.open_and_submit(path, path, {**signup_fields(person), "phone": "12"})
        self.assertEqual(bad_phone.status, 422, bad_phone)
        ok = browser.open_and_submit(path, path, signup_fields(person))
        self.assertEqual((ok.status, ok.location), (303, "/mfa/setup"), "the invite survived the refusals")

    def test_a_code_from_an_older_setup_is_called_stale_and_a_wrong_one_keeps_the_same_qr(self):
        person = Person.invited(self.cluster)
        browser = Browser(self.cluster)
        first_page, first_secret, first_enrollment = html_signup(self, browser, person)
        old = person.authenticator.current_code()
        _, reloaded_secret, reloaded_enrollment = html_setup_page(self, browser, person)
        self.assertEqual((reloaded_secret, reloaded_enrollment), (first_secret, first_enrollment), "a reload keeps the QR")
        second_page, second_secret, second_enrollment = html_setup_page(self, browser, person, "/mfa/setup?new=1")
        self.assertNotEqual(first_secret, second_secret, "?new=1 starts a new setup")
        stale = browser.submit(first_page, "/mfa/setup", {"code": old})
        self.assertEqual(stale.status, 409, stale)
        self.assertIn(STALE, stale.page().text)

        invalid = browser.submit(second_page, "/mfa/setup", {"code": person.authenticator.wrong_code()})
        self.assertEqual(invalid.status, 401, invalid)
        self.assertIn("That code is not valid.", invalid.page().text)
        self.assertEqual(invalid.page().form("/mfa/setup").fields.get("enrollment_id"), second_enrollment)
        not_pending = browser.submit(invalid.page(), "/mfa/setup", {"enrollment_id": "0" * 32, "code": "123456"})
        # The spec says 303 /mfa/setup; the gateway shows the new QR at once with a 409 and a message.
        if not_pending.status == 409:
            self.assertNotEqual(not_pending.page().form("/mfa/setup").fields.get("enrollment_id"), second_enrollment)
        else:
            self.assertEqual((not_pending.status, not_pending.location), (303, "/mfa/setup"), not_pending)
        html_confirm(self, browser, person, html_setup_page(self, browser, person)[0])


class SignUpAndLoginThroughTheAPI(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def test_invite_signup_setup_logout_login_and_replayed_code(self):
        person = Person.invited(self.cluster)
        api = Api(self.cluster)
        api_signup(self, api, person)
        setup_token = api.token
        self.assertEqual(api.error_code("GET", "/api/v1/me", expect=403), "auth.stage")
        setup = api_setup(self, api, person)
        confirmed = api_confirm(self, api, person, setup["enrollment_id"])
        self.assertNotEqual(api.token, setup_token)
        self.assertEqual(confirmed["account"], person.accounts[0])
        self.assertEqual(confirmed["accounts"], person.accounts)
        self.assertEqual(api.error_code("GET", "/api/v1/me", token=setup_token, expect=401), "auth.required")
        me = api.get("/api/v1/me", expect=200)
        self.assertEqual(me["user"], {"id": person.user_id, "email": person.email.lower()})
        self.assertEqual(me["account"], person.accounts[0])

        api.call("POST", "/api/v1/logout", {}, expect=204)
        self.assertEqual(api.error_code("GET", "/api/v1/me", expect=401), "auth.required")

        api_password(self, api, person)
        code = person.code()
        result = api.post("/api/v1/login/code", {"code": code}, expect=200)
        self.assertEqual(result["account"], person.accounts[0])
        api.call("POST", "/api/v1/logout", {}, expect=204)
        api_password(self, api, person)
        self.assertEqual(api.error_code("POST", "/api/v1/login/code", {"code": code}, expect=401), "code.replayed")

    def test_wrong_password_and_unknown_email_get_the_same_answer(self):
        _, person = api_signed_up(self, self.cluster)
        api = Api(self.cluster)
        _, wrong, _ = api.call("POST", "/api/v1/login", {"email": person.email, "password": "wrong password!!"}, expect=401)
        _, unknown, _ = api.call(
            "POST", "/api/v1/login", {"email": self.cluster.new_email("nobody"), "password": person.password}, expect=401
        )
        self.assertEqual(wrong, unknown)
        self.assertEqual(wrong["error"]["code"], "login.failed")
        upper = api.post("/api/v1/login", {"email": person.email.upper(), "password": person.password}, expect=200)
        self.assertEqual(upper["stage"], "password", "emails are case-insensitive")

    def test_wrong_code_then_right_code(self):
        _, person = api_signed_up(self, self.cluster)
        api = Api(self.cluster)
        api_password(self, api, person)
        wrong = person.authenticator.wrong_code()
        self.assertEqual(api.error_code("POST", "/api/v1/login/code", {"code": wrong}, expect=401), "code.invalid")
        self.assertEqual(api.error_code("POST", "/api/v1/login/code", {"code": "12ab"}, expect=401), "code.invalid")
        api.post("/api/v1/login/code", {"code": person.code()}, expect=200)

    def test_repeated_wrong_codes_lock_the_code_step(self):
        _, person = api_signed_up(self, self.cluster)
        api = Api(self.cluster)
        api_password(self, api, person)
        codes = []
        for _ in range(8):
            status, body, response = api.call(
                "POST", "/api/v1/login/code", {"code": person.authenticator.wrong_code()}, expect=(401, 429)
            )
            codes.append(body["error"]["code"])
            if status == 429:
                break
        self.assertEqual(codes[-1], "code.locked", codes)
        self.assertLessEqual(len(codes), 7, codes)
        self.assertGreater(body["error"].get("retry_after_ms", 0), 0, "a timed lockout says when")
        self.assertEqual(
            api.error_code("POST", "/api/v1/login/code", {"code": person.authenticator.current_code()}, expect=429),
            "code.locked",
        )

    def test_used_revoked_and_unknown_invites_answer_invite_invalid(self):
        api, person = api_signed_up(self, self.cluster)
        path = f"/api/v1/invites/{person.invite_token}/accept"
        self.assertEqual(Api(self.cluster).error_code("POST", path, signup_fields(person), expect=410), "invite.invalid")
        token, temporary, created = self.cluster.create_invite()
        self.cluster.admin("invite.revoke", invite=created["invite"]["id"])
        body = {"email": created["invite"]["email"], "temporary_password": temporary, "new_password": person.password}
        self.assertEqual(
            Api(self.cluster).error_code("POST", f"/api/v1/invites/{token}/accept", body, expect=410), "invite.invalid"
        )
        unknown = "A" * 43  # the shape of a token, but no invite's
        self.assertEqual(
            Api(self.cluster).error_code("POST", f"/api/v1/invites/{unknown}/accept", body, expect=410), "invite.invalid"
        )
        # Not the shape of a token at all: a malformed request (openapi.json's pattern).
        self.assertEqual(
            Api(self.cluster).error_code("POST", "/api/v1/invites/nope/accept", body, expect=400), "request.invalid"
        )

    def test_signup_refuses_wrong_credentials_weak_password_bad_phone_and_bad_json(self):
        person = Person.invited(self.cluster)
        api = Api(self.cluster)
        path = f"/api/v1/invites/{person.invite_token}/accept"
        fields = signup_fields(person)
        cases = [
            ({**fields, "temporary_password": "nope-nope-nope"}, 401, "invite.credentials"),
            ({**fields, "email": self.cluster.new_email()}, 401, "invite.credentials"),
            ({**fields, "new_password": "short"}, 422, "password.too_short"),
            ({**fields, "new_password": "1qaz2wsx3edc"}, 422, "password.common"),  # in the shipped blocklist
            ({**fields, "new_password": "é" * 1000}, 422, "password.too_long"),  # 2000 bytes: over the 1024 limit
            ({**fields, "new_password": "x" * 5000}, 400, "request.invalid"),  # over the schema's 4096
            ({**fields, "phone": "415 555 2671"}, 422, "phone.invalid"),
        ]
        for body, status, code in cases:
            with self.subTest(code=code):
                got = api.error_code("POST", path, body, expect=status, validate_request=False)
                self.assertIn(got, code if isinstance(code, tuple) else (code,))
        self.assertEqual(api.error_code("POST", path, b"{not json", expect=400), "request.invalid")
        missing = {"email": person.email, "new_password": person.password}
        self.assertEqual(api.error_code("POST", path, missing, expect=400, validate_request=False), "request.invalid")
        api.post(path, fields, expect=201)

    def test_a_code_from_an_older_setup_is_stale_and_a_wrong_one_invalid(self):
        person = Person.invited(self.cluster)
        api = Api(self.cluster)
        api_signup(self, api, person)
        first = api_setup(self, api, person)
        old = person.authenticator.current_code()
        second = api_setup(self, api, person)
        self.assertNotEqual(first["secret"], second["secret"])
        self.assertEqual(
            api.error_code("POST", "/api/v1/mfa/confirm", {"enrollment_id": first["enrollment_id"], "code": old}, expect=409),
            "setup.stale",
        )
        unknown = {"enrollment_id": "0" * 32, "code": "123456"}
        self.assertEqual(api.error_code("POST", "/api/v1/mfa/confirm", unknown, expect=409), "setup.not_pending")
        second = api_setup(self, api, person)
        wrong = {"enrollment_id": second["enrollment_id"], "code": person.authenticator.wrong_code()}
        self.assertEqual(api.error_code("POST", "/api/v1/mfa/confirm", wrong, expect=401), "code.invalid")
        api_confirm(self, api, person, second["enrollment_id"])
        self.assertEqual(
            api.error_code("POST", "/api/v1/mfa/confirm", {"enrollment_id": second["enrollment_id"], "code": old}, expect=403),
            "auth.stage",
            "a full session cannot confirm a setup",
        )

    def test_oversized_bodies_unknown_routes_and_wrong_methods_get_error_objects(self):
        api = Api(self.cluster)
        # An oversized body is refused by the HTTP server itself, before any route is chosen
        # (so before hashing or parsing): a plain-text 413 for every path.
        huge = json.dumps({"email": "a@example.com", "password": "x" * (2 << 20)}).encode()
        response = request(self.cluster.port, "POST", "/api/v1/login", body=huge,
                           headers={"Content-Type": "application/json"})
        self.assertEqual(response.status, 413, response)
        for method, path, status, code in (("GET", "/api/v1/login", 405, "method"), ("GET", "/api/v1/nope", 404, "not_found")):
            with self.subTest(path=path):
                response = request(self.cluster.port, method, path, headers={"Accept": "application/json"})
                self.assertEqual(response.status, status, response)
                self.assertEqual(response.json()["error"]["code"], code)

    def test_the_code_step_needs_a_password_session(self):
        api = Api(self.cluster)
        self.assertEqual(api.error_code("POST", "/api/v1/login/code", {"code": "123456"}, expect=401), "auth.required")
        self.assertEqual(
            api.error_code("POST", "/api/v1/login/code", {"code": "123456"}, token="A" * 43, expect=401), "auth.required"
        )


class SignUpNamesTheVaultsCountries(harness.E2ETestCase):
    """The sign-up page names the countries the vault is configured to refuse SMS recovery for
    (`secret-vault --sms-blocked-countries`), not a list of its own."""

    def test_a_custom_vault_list_is_the_one_shown(self):
        cluster = harness.shared("custom-sms", vault_args=("--sms-blocked-countries", "FR,DE"))
        person = Person.invited(cluster)
        page = Browser(cluster).get(f"/invite/{person.invite_token}").page()
        self.assertIn("France", page.text)
        self.assertIn("Germany", page.text)
        self.assertNotIn("Bangladesh", page.text)


if __name__ == "__main__":
    unittest.main()
