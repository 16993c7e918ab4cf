"""The browser test's own tools, checked without a browser: oathtool against RFC 6238's test
vector, the wait for a fresh 30-second step (with a fake clock), and the otpauth URI checks."""

import unittest

from authenticator import Authenticator, check_uri, oathtool_code

# RFC 6238 appendix B: the SHA-1 seed "12345678901234567890", in Base32.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


class FakeClock:
    def __init__(self, now):
        self.now = now
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


class AuthenticatorTest(unittest.TestCase):
    def test_oathtool_gives_the_rfc_6238_codes(self):
        self.assertEqual(oathtool_code(RFC_SECRET, 59), "287082")
        self.assertEqual(oathtool_code(RFC_SECRET, 1111111109), "081804")

    def test_a_fresh_code_in_a_new_step_does_not_wait(self):
        clock = FakeClock(1111111109)
        app = Authenticator(clock=clock, sleep=clock.sleep)
        app.scan(RFC_SECRET)
        self.assertEqual(app.fresh_code(), "081804")
        clock.now = 1111111111  # the next step
        app.fresh_code()
        self.assertEqual(clock.slept, [])

    def test_a_fresh_code_in_the_used_step_waits_for_the_next_step(self):
        clock = FakeClock(1111111100)
        app = Authenticator(clock=clock, sleep=clock.sleep)
        app.scan(RFC_SECRET)
        app.current_code()
        first_step = app.last_step
        app.fresh_code()
        self.assertEqual(len(clock.slept), 1)
        self.assertGreater(app.last_step, first_step)
        self.assertEqual(app.last_step, int(clock.now // 30))
        self.assertLess(clock.slept[0], 31)

    def test_a_wrong_code_is_none_of_the_codes_around_now(self):
        clock = FakeClock(1111111109)
        app = Authenticator(clock=clock, sleep=clock.sleep)
        app.scan(RFC_SECRET)
        wrong = app.wrong_code()
        self.assertNotIn(wrong, {oathtool_code(RFC_SECRET, clock.now + d) for d in (-30, 0, 30)})

    def test_a_well_formed_uri_gives_its_secret(self):
        uri = (
            f"otpauth://totp/Twofold:you%40example.com?secret={RFC_SECRET}"
            "&issuer=Twofold&algorithm=SHA1&digits=6&period=30"
        )
        self.assertEqual(check_uri(self, uri, "Twofold", "you@example.com"), RFC_SECRET)

    def test_uris_breaking_a_rule_are_refused(self):
        good = {
            "label": "Twofold:you%40example.com",
            "secret": RFC_SECRET,
            "issuer": "Twofold",
            "algorithm": "SHA1",
            "digits": "6",
            "period": "30",
        }
        broken = {
            "padded secret": {"secret": RFC_SECRET + "===="},
            "lower-case secret": {"secret": RFC_SECRET.lower()},
            "short secret": {"secret": RFC_SECRET[:20]},
            "other account": {"label": "Twofold:someone%40example.com"},
            "other issuer": {"issuer": "Other"},
            "SHA256": {"algorithm": "SHA256"},
            "8 digits": {"digits": "8"},
            "60 s": {"period": "60"},
        }
        for name, change in broken.items():
            fields = {**good, **change}
            uri = f"otpauth://totp/{fields.pop('label')}?" + "&".join(f"{k}={v}" for k, v in fields.items())
            with self.subTest(name):
                with self.assertRaises(AssertionError):
                    check_uri(self, uri, "Twofold", "you@example.com")


if __name__ == "__main__":
    unittest.main()
