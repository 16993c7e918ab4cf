"""TOTP (RFC 6238 over RFC 4226, HMAC-SHA1, 6 digits, 30 s) with Python's hmac, independent of
the project's Swift code, and the bookkeeping of which time steps a user has already spent.

The vault accepts the current step and one either side, and never a step at or below the last
one it accepted. So a fresh user can log in up to three times inside one 30-second window
(steps now-1, now and now+1); after that `Authenticator.next_code` waits for the next window
instead of failing.
"""

import base64
import hashlib
import hmac
import struct
import time
from urllib.parse import parse_qs, unquote, urlparse

PERIOD = 30
DIGITS = 6
# A code for step now-1 stops working when the window ends; keep a margin for the round trip.
MARGIN = 3.0


def hotp(secret_b32, counter, digits=DIGITS):
    padding = "=" * (-len(secret_b32) % 8)
    key = base64.b32decode(secret_b32.upper() + padding)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % (10**digits)).zfill(digits)


def current_step(now=None):
    return int((time.time() if now is None else now) // PERIOD)


def parse_otpauth(uri):
    """(label, parameters) of an otpauth://totp/ URI; parameters map name → single value."""
    parsed = urlparse(uri)
    if parsed.scheme != "otpauth" or parsed.netloc != "totp":
        raise ValueError(f"not an otpauth://totp URI: {uri!r}")
    label = unquote(parsed.path.lstrip("/"))
    params = {name: values[0] for name, values in parse_qs(parsed.query, keep_blank_values=True).items()}
    return label, params


class Authenticator:
    """One user's authenticator app: the current secret, and the last step spent on the user.

    The last step belongs to the user, not to the secret (a new secret does not reset the
    vault's replay guard as far as the tests know), so `replace_secret` keeps it.
    """

    def __init__(self, secret, clock=time.time):
        self.secret = secret
        self.last_step = None
        self.clock = clock

    def replace_secret(self, secret):
        self.secret = secret

    def code_at(self, step):
        return hotp(self.secret, step)

    def next_code(self):
        """A code the vault should accept now, for a step above any spent one; spends it."""
        while True:
            now = self.clock()
            step = current_step(now)
            remaining = PERIOD - (now % PERIOD)
            candidates = ([step - 1] if remaining > MARGIN else []) + [step, step + 1]
            for candidate in candidates:
                if self.last_step is None or candidate > self.last_step:
                    self.last_step = candidate
                    return hotp(self.secret, candidate)
            time.sleep(remaining + 0.05)

    def current_code(self):
        """The code of the current step, without spending it (for codes that must be refused)."""
        return hotp(self.secret, current_step(self.clock()))

    def wrong_code(self):
        """Six digits that are no code of this secret for any step the vault might accept."""
        step = current_step(self.clock())
        valid = {hotp(self.secret, s) for s in range(step - 3, step + 4)}
        candidate = int(hotp(self.secret, step))
        while True:
            candidate = (candidate + 1) % 1_000_000
            text = str(candidate).zfill(DIGITS)
            if text not in valid:
                return text
