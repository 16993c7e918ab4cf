"""Random Unicode in every field people type, over HTTP to the real gateway: combining marks (one
Character of thousands of scalars), astral characters, NULs and other controls, bidirectional
controls, right-to-left letters, separators, up to 64 KiB. Sign-up (the form and the API), login,
the code step, the phone (the API and the Security tab). Every answer must be a proper answer (a
page, a redirect, or a JSON error the OpenAPI document describes), never a 5xx or a dropped
connection, and the three daemons must be alive and healthy afterwards. A fixed seed and a bounded
count: the same requests every run."""

import json
import random
import unittest

import harness
from client import Api, Browser, request
from flows import Person, api_confirm, api_setup, api_signup, html_signed_up

SEED = 20260101
ROUNDS = 40  # per target

# Pools of code points to draw from; each string mixes a few of them.
POOLS = {
    "ascii": [(0x20, 0x7E)],
    "digits": [(0x30, 0x39), (0x2B, 0x2B), (0x20, 0x20)],
    "combining": [(0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x20D0, 0x20FF)],
    "astral": [(0x1F300, 0x1FAFF), (0x10000, 0x1007F), (0x20000, 0x2A6DF), (0xE0000, 0xE007F)],
    "controls": [(0x00, 0x1F), (0x7F, 0x9F)],
    "bidi": [(0x200E, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069), (0x061C, 0x061C)],
    "rtl": [(0x05D0, 0x05EA), (0x0627, 0x064A)],
    "odd": [(0x2028, 0x2029), (0xFEFF, 0xFEFF), (0xFFFE, 0xFFFF), (0x200B, 0x200D), (0x00A0, 0x00A0), (0x3000, 0x3000)],
    "mail": [(0x40, 0x40), (0x2E, 0x2E), (0x3A, 0x3A), (0x61, 0x7A)],
}
SIZES = [0, 1, 6, 12, 40, 200, 201, 1000, 4000, 20_000, 60_000]


def random_text(rng):
    """A string of random size (in UTF-8 bytes, up to about 64 KiB) from 1 to 3 pools."""
    pools = rng.sample(list(POOLS), rng.randint(1, 3))
    target = rng.choice(SIZES)
    if "combining" in pools and rng.random() < 0.5:
        # One base letter carrying every mark: a single Character of many scalars.
        marks = [chr(rng.randint(0x0300, 0x036F)) for _ in range(max(1, target // 2))]
        return "a" + "".join(marks)
    characters = []
    size = 0
    while size < target:
        low, high = rng.choice(POOLS[rng.choice(pools)])
        character = chr(rng.randint(low, high))
        characters.append(character)
        size += len(character.encode("utf-8"))
    return "".join(characters)


class RandomUnicodeInputs(harness.E2ETestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = harness.Cluster(name="unicode").start()
        cls.rng = random.Random(SEED)

    def check_api_answer(self, status, parsed, response, what):
        self.assertLess(status, 500, f"{what}: {status} {parsed}")
        self.assertTrue(status == 204 or response.header("Content-Type").startswith("application/json"), what)
        if status >= 400:
            self.assertIsInstance(parsed, dict, what)
            self.assertIn("code", parsed["error"], what)

    def check_page(self, response, what):
        self.assertLess(response.status, 500, f"{what}: {response!r}")
        if response.status in (302, 303):
            self.assertTrue(response.location, what)
            return
        self.assertTrue(response.header("Content-Type").startswith("text/html"), f"{what}: {response!r}")
        text = response.body.decode("utf-8")  # a page is valid UTF-8, whatever was typed
        self.assertTrue(text.startswith("<!doctype html>"), what)
        self.assertFalse(
            any(ord(c) < 0x20 and c not in "\t\n\r" for c in text), f"{what}: a control character reached the page"
        )

    def test_api_signup_login_code_and_phone(self):
        rng = self.rng
        person = Person.invited(self.cluster)
        for round_ in range(ROUNDS):
            body = {
                "email": rng.choice([person.email, random_text(rng)]),
                "temporary_password": rng.choice([person.temporary_password, random_text(rng)]),
                "new_password": random_text(rng),
                "phone": rng.choice([None, random_text(rng)]),
            }
            status, parsed, response = Api(self.cluster).call(
                "POST", f"/api/v1/invites/{person.invite_token}/accept", json.dumps(body).encode(), validate_request=False
            )
            self.check_api_answer(status, parsed, response, f"accept #{round_}")
            if status == 201:  # a random new password was good enough: sign up someone else next
                person = Person.invited(self.cluster)
        for round_ in range(ROUNDS):
            body = {"email": random_text(rng), "password": random_text(rng)}
            status, parsed, response = Api(self.cluster).call(
                "POST", "/api/v1/login", json.dumps(body).encode(), validate_request=False
            )
            self.check_api_answer(status, parsed, response, f"login #{round_}")

        signed_up = Person.invited(self.cluster, phone="+1 415 555 2671")
        api = Api(self.cluster)
        api_signup(self, api, signed_up)
        setup = api_setup(self, api, signed_up)
        api_confirm(self, api, signed_up, setup["enrollment_id"])
        for round_ in range(ROUNDS):
            body = {"phone": random_text(rng), "code": rng.choice([None, random_text(rng)])}
            status, parsed, response = api.call("PUT", "/api/v1/phone", json.dumps(body).encode(), validate_request=False)
            self.check_api_answer(status, parsed, response, f"phone #{round_}")
        password = Api(self.cluster)
        password.post("/api/v1/login", {"email": signed_up.email, "password": signed_up.password}, expect=200)
        for round_ in range(ROUNDS):
            status, parsed, response = password.call(
                "POST", "/api/v1/login/code", json.dumps({"code": random_text(rng)}).encode(), validate_request=False
            )
            self.check_api_answer(status, parsed, response, f"code #{round_}")
        self.assert_alive()

    def test_html_signup_and_security_phone_forms(self):
        rng = self.rng
        person = Person.invited(self.cluster)
        browser = Browser(self.cluster)
        for round_ in range(ROUNDS):
            page = browser.get(f"/invite/{person.invite_token}")
            self.check_page(page, f"invite page #{round_}")
            if page.status != 200:
                person = Person.invited(self.cluster)
                continue
            new = random_text(rng)
            response = browser.submit(
                page,
                f"/invite/{person.invite_token}",
                {
                    "email": rng.choice([person.email, random_text(rng)]),
                    "temporary_password": rng.choice([person.temporary_password, random_text(rng)]),
                    "new_password": new,
                    "new_password_confirm": rng.choice([new, random_text(rng)]),
                    "phone": random_text(rng),
                },
            )
            self.check_page(response, f"sign-up #{round_}")
            if response.status == 303:
                person = Person.invited(self.cluster)
                browser = Browser(self.cluster)

        browser, _ = html_signed_up(self, self.cluster)
        for round_ in range(ROUNDS):
            page = browser.get("/profile/security")
            self.check_page(page, f"security page #{round_}")
            response = browser.submit(
                page, "/profile/security/phone", {"phone": random_text(rng), "code": random_text(rng)}
            )
            self.check_page(response, f"phone form #{round_}")
        self.assert_alive()

    def assert_alive(self):
        for name, daemon in self.cluster.daemons.items():
            self.assertTrue(daemon.running, f"{name} is still running")
        health = request(self.cluster.port, "GET", "/healthz")
        self.assertEqual(health.status, 200, health)


if __name__ == "__main__":
    unittest.main()
