"""The gateway's password throttle: growing delays per email (and per address), never a
permanent lockout. Runs on its own gateway so its failures do not count against the address
every other test logs in from."""

import time
import unittest

import harness
from client import Api, Browser
from flows import api_signed_up

MAX_ATTEMPTS = 10


class PasswordThrottle(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared("throttle")

    def test_repeated_wrong_passwords_for_one_email_are_delayed_then_allowed_again(self):
        _, person = api_signed_up(self, self.cluster)
        api = Api(self.cluster)
        wrong = {"email": person.email, "password": "wrong password, again"}
        codes = []
        for _ in range(MAX_ATTEMPTS):
            status, body, _ = api.call("POST", "/api/v1/login", wrong, expect=(401, 429))
            codes.append(body["error"]["code"])
            if status == 429:
                break
        self.assertEqual(codes[-1], "login.throttled", codes)
        self.assertGreaterEqual(codes.count("login.failed"), 3, "a few mistakes are free")
        wait = body["error"]["retry_after_ms"]
        self.assertGreater(wait, 0)
        right = {"email": person.email, "password": person.password}
        self.assertEqual(api.error_code("POST", "/api/v1/login", right, expect=429), "login.throttled",
                         "while delayed, even the right password waits")
        time.sleep(wait / 1000 + 0.1)
        self.assertEqual(api.post("/api/v1/login", right, expect=200)["stage"], "password", "no permanent lockout")

    def test_the_login_page_says_to_wait(self):
        _, person = api_signed_up(self, self.cluster)
        for _ in range(MAX_ATTEMPTS):
            browser = Browser(self.cluster)
            response = browser.open_and_submit("/login", "/login", {"email": person.email, "password": "wrong!wrong!"})
            if response.status == 429:
                break
            self.assertEqual(response.status, 401, response)
        self.assertEqual(response.status, 429, response)
        self.assertIn("Too many failed sign-in attempts. Try again in", response.page().text)


if __name__ == "__main__":
    unittest.main()
