"""The authenticator app's side, done with tools independent of the project.

`decode_qr` reads the QR code from a screenshot with `zbarimg` (zbar-tools); `check_uri` checks
the otpauth URI it holds against Google's key-URI format; `Authenticator` computes codes with
`oathtool` (never with the project's own TOTP code) and remembers the last time step it used, so
a fresh code waits for the next 30-second step instead of failing as a replay.
"""

import re
import subprocess
import time
from urllib.parse import parse_qs, unquote, urlsplit

PERIOD = 30
BASE32 = re.compile(r"[A-Z2-7]+")


def decode_qr(png_path):
    """The text of the one QR code in the PNG at `png_path`; raises when there is not exactly one."""
    done = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png_path)], capture_output=True, text=True, timeout=30
    )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or len(lines) != 1:
        raise AssertionError(
            f"zbarimg found {len(lines)} QR code(s) in {png_path} (exit status {done.returncode})"
        )
    return lines[0]


def check_uri(test, uri, issuer, account):
    """Checks an otpauth URI with `test`'s assertions; returns its secret.

    Expected: `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER`, SHA1, 6 digits, 30 s, and
    a Base32 secret without padding. Failure messages never show the secret.
    """
    parts = urlsplit(uri)
    test.assertEqual(parts.scheme, "otpauth")
    test.assertEqual(parts.netloc, "totp")
    label = unquote(parts.path.lstrip("/"))
    test.assertEqual(label, f"{issuer}:{account}", "the label is ISSUER:ACCOUNT")
    query = parse_qs(parts.query, keep_blank_values=True)
    test.assertTrue(all(len(values) == 1 for values in query.values()), "each parameter appears once")
    params = {key: values[0] for key, values in query.items()}
    test.assertEqual(params.get("issuer"), issuer)
    test.assertEqual(params.get("algorithm", "SHA1"), "SHA1")
    test.assertEqual(params.get("digits", "6"), "6")
    test.assertEqual(params.get("period", "30"), "30")
    test.assertIn("algorithm", params, "the URI states the algorithm")
    test.assertIn("digits", params, "the URI states the digits")
    test.assertIn("period", params, "the URI states the period")
    secret = params.get("secret", "")
    test.assertNotIn("=", secret, "the secret has no Base32 padding")
    test.assertTrue(BASE32.fullmatch(secret), "the secret is upper-case Base32")
    test.assertGreaterEqual(len(secret) * 5, 128, "the secret has at least 128 bits")
    return secret


def oathtool_code(secret, unix_time):
    """The 6-digit TOTP code of `secret` (Base32) at `unix_time`, computed by oathtool."""
    done = subprocess.run(
        ["oathtool", "--totp", "-b", "--digits=6", f"--now=@{int(unix_time)}", secret],
        capture_output=True, text=True, timeout=10,
    )
    code = done.stdout.strip()
    if done.returncode != 0 or not re.fullmatch(r"\d{6}", code):
        raise AssertionError(f"oathtool failed (exit status {done.returncode}): {done.stderr.strip()}")
    return code


class Authenticator:
    """One user's authenticator app: the current secret and the last step whose code was used."""

    def __init__(self, clock=time.time, sleep=time.sleep):
        self.secret = None
        self.last_step = None
        self.clock = clock
        self.sleep = sleep
        self.waited = 0.0

    def scan(self, secret):
        """Adds (replaces) the account in the app, as scanning a new QR code does."""
        self.secret = secret

    def current_code(self):
        """The code shown now, as a person types it when confirming a new setup."""
        now = self.clock()
        self.last_step = int(now // PERIOD)
        return oathtool_code(self.secret, now)

    def wrong_code(self):
        """A 6-digit code that is none of the codes the vault's window accepts now."""
        now = self.clock()
        valid = {oathtool_code(self.secret, now + offset) for offset in (-PERIOD, 0, PERIOD)}
        return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)

    def fresh_code(self):
        """A code of a step after the last one used, waiting for the next 30-s step if needed."""
        now = self.clock()
        if self.last_step is not None and int(now // PERIOD) <= self.last_step:
            pause = (self.last_step + 1) * PERIOD - now + 0.2
            self.waited += pause
            self.sleep(pause)
            now = self.clock()
        self.last_step = int(now // PERIOD)
        return oathtool_code(self.secret, now)
