"""Self-checks of the harness: its TOTP against RFC 6238's vectors and against the real vault
(three codes per 30-second window, replays refused), and its page parser."""

import base64
import unittest

import harness
from client import Page
from otp import Authenticator, current_step, hotp


class HarnessTOTP(unittest.TestCase):
    def test_codes_match_rfc_6238_sha1_vectors(self):
        secret = base64.b32encode(b"12345678901234567890").decode().rstrip("=")
        for seconds, expected in ((59, "94287082"), (1111111109, "07081804"), (2000000000, "69279037")):
            with self.subTest(time=seconds):
                self.assertEqual(hotp(secret, seconds // 30, digits=8), expected)

    def test_a_wrong_code_is_none_of_the_nearby_codes(self):
        authenticator = Authenticator("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        step = current_step()
        wrong = authenticator.wrong_code()
        self.assertRegex(wrong, r"^[0-9]{6}$")
        self.assertNotIn(wrong, {authenticator.code_at(s) for s in range(step - 3, step + 4)})


class HarnessAgainstTheRealVault(harness.E2ETestCase):
    def test_three_codes_per_window_are_accepted_and_a_replay_is_refused(self):
        cluster = harness.Cluster(name="vault-check")
        cluster.daemons.pop("auth-gateway")
        cluster.start()
        try:
            begun = cluster.vault_raw("enroll.begin", {"user": "u-check", "account_name": "check@example.com"})["result"]
            authenticator = Authenticator(begun["secret"])
            code = authenticator.next_code()
            confirmed = cluster.vault_raw(
                "enroll.confirm", {"user": "u-check", "enrollment_id": begun["enrollment_id"], "code": code}
            )["result"]
            self.assertEqual(confirmed["outcome"], "confirmed")
            replay = cluster.vault_raw("totp.verify", {"user": "u-check", "code": code})["result"]
            self.assertEqual(replay["outcome"], "replayed")
            for _ in range(2):
                fresh = authenticator.next_code()
                result = cluster.vault_raw("totp.verify", {"user": "u-check", "code": fresh})["result"]
                self.assertEqual(result["outcome"], "accepted")
                self.assertEqual(result["step"], authenticator.last_step)
        finally:
            cluster.close()


class HarnessPageParser(unittest.TestCase):
    def test_forms_inputs_links_and_text_are_found(self):
        page = Page(
            '<h1>Enter your verification code</h1><form method="post" action="/login/code">'
            '<input type="hidden" name="csrf" value="abc"><label for="c">Code</label>'
            '<input id="c" name="code" autocomplete="one-time-code" inputmode="numeric">'
            '<button type="submit">Submit</button></form>'
            '<a href="/login/recovery">Can&#39;t access your multi-factor authentication app?</a>'
        )
        self.assertEqual(page.form("/login/code").fields, {"csrf": "abc"})
        self.assertEqual(page.form("/login/code").buttons, ["Submit"])
        self.assertEqual(page.input("code")["inputmode"], "numeric")
        self.assertIn(("/login/recovery", "Can't access your multi-factor authentication app?"), page.links)
        self.assertEqual(page.headings, ["Enter your verification code"])
        self.assertIn(("c", "Code"), page.labels)


if __name__ == "__main__":
    unittest.main()
