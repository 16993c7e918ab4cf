"""Issue 7's end-to-end browser test: a real browser, a real QR decoder and an independent TOTP.

Headless Chromium walks the help article's flows on the pages served by the three real daemons:
invite sign-up, MFA setup from the QR code on the screen (decoded by zbarimg, codes from
oathtool), the account picker, logout, login with a fresh code, a replayed code refused, SMS
recovery with the code from the outbox, a new setup, the Security tab's reset, switching
accounts and logout; and a user whose phone is from a country the seed lists as blocked, who is
told to contact their representative. Every page is photographed at 390x844 and 1280x900 (and
1280x900 with the dark colour scheme) into
$TWOFOLD_SCREENSHOTS (default: a new folder under /tmp), whose path is printed.
"""

import os
import sys
import tempfile
import time
import unittest

from authenticator import Authenticator, check_uri, decode_qr
from browser import Browser
from daemons import System

ISSUER = "Twofold"
PASSWORD = "correct horse battery staple 7"
ACCOUNTS = ("Demo Co", "Second Co")
# The seed's owner: on two accounts, with a US phone.
EMAIL = "you@example.com"
PHONE = "+1 415 555 2671"
PHONE_E164 = "+14155552671"
# A user whose phone is from Bangladesh, one of the seed's countries without recovery SMS.
BLOCKED_EMAIL = "rahim@example.com"
BLOCKED_PHONE = "+880 1712 345678"
BLOCKED_COUNTRY = "Bangladesh"

CONTACT_REPRESENTATIVE = "You will need to contact your representative to regain access to your account."
REPLAYED = "That code has already been used. Wait for the next code in your app."


def screenshots_dir():
    configured = os.environ.get("TWOFOLD_SCREENSHOTS")
    if configured:
        return configured
    return tempfile.mkdtemp(prefix=time.strftime("twofold-screenshots-%Y%m%d-%H%M%S-"))


class BrowserFlowsTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.shots = screenshots_dir()
        print(f"\nscreenshots: {cls.shots}", file=sys.stderr, flush=True)
        cls.system = System().start()
        try:
            for name in ACCOUNTS:
                cls.system.create_account(name)
            cls.browser = Browser(cls.system.origin, cls.shots)
        except Exception:
            sys.stderr.write(cls.system.tails() + "\n")
            cls.system.remove()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.system.remove()
        print(f"\nscreenshots: {cls.shots}", file=sys.stderr, flush=True)

    def setUp(self):
        self.browser.driver.delete_all_cookies()
        self.problems_before = len(self.browser.layout_problems)

    def assert_no_layout_problems(self):
        self.assertEqual(self.browser.layout_problems[self.problems_before :], [], "pages that scroll sideways")

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            sys.stderr.write("\n" + self.system.tails() + "\n")
            try:
                paths = self.browser.shoot("failure")
                sys.stderr.write(f"the page at the failure: {paths[1]}\n")
            except Exception as error:  # the browser itself may be what failed
                sys.stderr.write(f"no screenshot of the failure: {error}\n")
        return outcome

    # -- steps ---------------------------------------------------------------------------------

    def sign_up(self, email, phone, accounts, shot, landing="/mfa/setup"):
        """Opens a fresh invite link and creates the account; lands on the MFA setup page (or on
        `landing`, /signup/phone for a phone that cannot receive recovery SMS)."""
        b = self.browser
        link, temporary_password = self.system.invite_link(email, accounts)
        b.open(link)
        self.assertEqual(b.heading(), "Create your account")
        b.shoot(shot)
        b.fill("email", email)
        b.fill("temporary-password", temporary_password)
        b.fill("new-password", PASSWORD)
        b.fill("new-password-confirm", PASSWORD)
        b.fill("phone", phone)
        b.press("Create account")
        b.wait_for_path(landing)
        return link

    def set_up_app(self, app, email, shot, eyebrow, previous_secret=None, wrong_first=False):
        """On the setup page: decodes the QR from screenshots, checks it, confirms with oathtool.

        With `wrong_first`, a wrong code is typed first: the page says so and shows the same QR.
        """
        b = self.browser
        self.assertEqual(b.heading(), "Set up multi-factor authentication")
        self.assertIn(eyebrow, b.text())
        narrow, wide, dark = b.shoot(shot)
        uri = decode_qr(wide)
        self.assertEqual(decode_qr(narrow), uri, "the QR code reads the same on a phone-sized window")
        self.assertEqual(decode_qr(dark), uri, "the QR code reads the same with the dark colour scheme")
        secret = check_uri(self, uri, ISSUER, email)
        shown = b.element("code.secret").get_attribute("textContent").replace(" ", "")
        self.assertEqual(shown, secret, "the key for manual entry is the QR code's secret")
        if previous_secret is not None:
            self.assertNotEqual(secret, previous_secret, "a new setup has a new secret")
        app.scan(secret)
        if wrong_first:
            b.field_for_label("Verification code").send_keys(app.wrong_code())
            b.press("Submit")
            b.wait_for_path("/mfa/setup")
            self.assertIn("That code is not valid.", b.text())
            self.assertEqual(decode_qr(b.shoot(shot + "-wrong-code")[1]), uri, "the same QR code after a wrong code")
        field = b.field_for_label("Verification code")
        self.assertEqual(field.get_attribute("name"), "code")
        self.assertEqual(field.get_attribute("autocomplete"), "one-time-code")
        self.assertEqual(field.get_attribute("inputmode"), "numeric")
        field.send_keys(app.current_code())
        b.press("Submit")
        # Every confirmed setup shows a new set of backup codes once (issue 19), then goes on.
        b.wait_for_path("/mfa/backup-codes")
        self.assertEqual(b.heading(), "Save your backup codes")
        self.assertEqual(len(b.driver.find_elements("css selector", "ol.backup-codes code")), 10)
        b.press("I saved my codes. Continue")
        return secret

    def log_in(self, email, shot=None):
        b = self.browser
        b.open("/login")
        b.wait_for_path("/login")
        if shot:
            b.shoot(shot)
        b.fill("email", email)
        b.fill("password", PASSWORD)
        b.press("Log in")
        b.wait_for_path("/login/code")
        self.assertEqual(b.heading(), "Enter your verification code")

    def enter_code(self, code):
        b = self.browser
        field = b.field_for_label("Verification code")
        self.assertEqual(field.get_attribute("autocomplete"), "one-time-code")
        self.assertEqual(field.get_attribute("inputmode"), "numeric")
        field.send_keys(code)
        b.press("Submit")

    def choose(self, account, shot=None):
        b = self.browser
        b.wait_for_path("/accounts")
        self.assertEqual(b.heading(), "Choose an account")
        if shot:
            b.shoot(shot)
        b.press(account)
        b.wait_for_path("/home")
        self.assertIn(f"Signed in as {EMAIL}.", b.text())
        self.assertIn(f"You are viewing the account {account}.", b.text())

    def log_out(self):
        b = self.browser
        b.press("Log out")
        b.wait_for_path("/login")
        self.assertNotIn("__Host-twofold", b.cookies(), "logout deletes the session cookie")
        b.open("/home")
        b.wait_for_path("/login")

    def assert_session_cookie(self):
        cookie = self.browser.cookies().get("__Host-twofold")
        self.assertIsNotNone(cookie, "Chromium keeps the __Host-twofold cookie on http://127.0.0.1")
        self.assertTrue(cookie["secure"])
        self.assertTrue(cookie["httpOnly"])
        self.assertEqual(cookie["sameSite"], "Lax")
        self.assertEqual(cookie["path"], "/")
        self.assertEqual(cookie["domain"], "127.0.0.1", "a host-only cookie (no Domain attribute)")
        self.assertRegex(cookie["value"], r"^[A-Za-z0-9_-]{43}$")
        return cookie["value"]

    # -- the scenario --------------------------------------------------------------------------

    def test_the_help_articles_flows_work_in_a_real_browser(self):
        b = self.browser
        app = Authenticator()

        # Invite sign-up, then the setup page; the QR code is decoded from the screenshot.
        link = self.sign_up(EMAIL, PHONE, ACCOUNTS, "invite-sign-up")
        setup_cookie = self.assert_session_cookie()
        self.assertIn("Step 2 of 2", b.text())
        first_secret = self.set_up_app(app, EMAIL, "setup-after-sign-up", "Step 2 of 2", wrong_first=True)
        self.assertNotEqual(self.assert_session_cookie(), setup_cookie, "a new cookie value at each stage")

        # Two accounts: the picker, then home.
        self.choose(ACCOUNTS[0], "choose-account")
        b.shoot("home")

        # The invite link works once.
        b.open(link)
        self.assertIn("This invite link is no longer valid.", b.text())
        b.shoot("invite-used")
        b.open("/home")
        b.wait_for_path("/home")
        self.log_out()

        # A wrong password, then login with a fresh code (the next 30-s step after the setup's).
        b.fill("email", EMAIL)
        b.fill("password", "not the password at all")
        b.press("Log in")
        self.assertIn("Incorrect email or password.", b.text())
        b.shoot("login-wrong-password")
        self.log_in(EMAIL, shot="login")
        b.shoot("login-code")
        login_code = app.fresh_code()
        self.enter_code(login_code)
        self.choose(ACCOUNTS[1])
        self.log_out()

        # The same code again is refused.
        self.log_in(EMAIL)
        self.enter_code(login_code)
        b.wait_for_path("/login/code")
        self.assertIn(REPLAYED, b.text())
        b.shoot("login-code-replayed")

        # "Can't access your multi-factor authentication app?": SMS recovery.
        b.follow("Can't access your multi-factor authentication app?")
        b.wait_for_path("/login/recovery")
        self.assertEqual(b.heading(), "Recover your account")
        masked = b.element("strong.nowrap").text
        self.assertTrue(masked.startswith("+1") and masked.endswith("71"), "the phone is shown masked")
        self.assertNotIn("2671", b.text().replace(" ", ""), "the phone number is not shown in full")
        b.shoot("recovery")
        sent_before = len(self.system.outbox())
        b.press("Send code by SMS")
        b.wait_for_path("/login/recovery/code")
        b.shoot("recovery-code")
        sms_code = self.system.sms_code(PHONE_E164, sent_before)
        b.field_for_label("Code from the SMS").send_keys(sms_code)
        b.press("Continue")
        b.wait_for_path("/mfa/setup")
        second_secret = self.set_up_app(
            app, EMAIL, "setup-after-recovery", "Account recovery", previous_secret=first_secret
        )
        b.wait_for_path("/accounts")
        self.assertIn("Your account is recovered.", b.text(), "a confirmation after the recovery's setup")
        b.shoot("recovered")
        self.choose(ACCOUNTS[0])

        # My Profile → Security tab → "Reset multi-factor authentication" → a new setup.
        b.follow("My Profile")
        b.wait_for_path("/profile")
        self.assertEqual(b.element('nav.tabs a[aria-current="page"]').text, "Profile")
        b.shoot("profile")
        b.follow("Security")
        b.wait_for_path("/profile/security")
        current_tab = b.element('nav.tabs a[aria-current="page"]')
        self.assertEqual(current_tab.text, "Security")
        b.shoot("security")
        b.fill("reset-password", PASSWORD)
        b.press("Reset multi-factor authentication")
        b.wait_for_path("/mfa/setup")
        self.set_up_app(app, EMAIL, "setup-after-reset", "Security", previous_secret=second_secret)

        # The confirmation is on the Security tab; the account chosen before the reset stays
        # chosen; switching picks the other one.
        b.wait_for_path("/profile/security")
        self.assertIn("Multi-factor authentication was reset.", b.text())
        b.shoot("security-after-reset")
        b.open("/home")
        b.wait_for_path("/home")
        self.assertIn(f"You are viewing the account {ACCOUNTS[0]}.", b.text())
        b.follow("Switch account")
        b.wait_for_path("/accounts")
        self.assertIn("Current", b.element('button[aria-current="true"]').text)
        b.shoot("switch-account")
        b.press(ACCOUNTS[1])
        b.wait_for_path("/home")
        self.assertIn(f"You are viewing the account {ACCOUNTS[1]}.", b.text())
        b.shoot("home-second-account")
        self.log_out()
        b.shoot("logged-out")

        print(f"\nwaited {app.waited:.0f} s for fresh TOTP steps", file=sys.stderr, flush=True)
        self.assert_no_layout_problems()

    def test_a_phone_from_a_blocked_country_is_told_to_contact_the_representative(self):
        b = self.browser
        app = Authenticator()
        self.sign_up(BLOCKED_EMAIL, BLOCKED_PHONE, ACCOUNTS[:1], "blocked-invite-sign-up", landing="/signup/phone")
        # Told at sign-up, next to the phone field, before relying on the phone.
        self.assertIn(f"SMS recovery is not available for phone numbers from {BLOCKED_COUNTRY}.", b.text())
        self.assertIn(CONTACT_REPRESENTATIVE.lower(), b.text().lower())
        b.shoot("blocked-sign-up-phone")
        b.button("Keep " + b.element("strong.nowrap").text).click()
        b.wait_for_path("/mfa/setup")
        self.set_up_app(app, BLOCKED_EMAIL, "blocked-setup", "Step 2 of 2")
        b.wait_for_path("/home")
        self.assertIn(f"Signed in as {BLOCKED_EMAIL}.", b.text())
        b.follow("My Profile")
        b.wait_for_path("/profile")
        b.follow("Security")
        b.wait_for_path("/profile/security")
        self.assertIn(f"SMS recovery is not available for phone numbers from {BLOCKED_COUNTRY}.", b.text())
        b.shoot("blocked-security")
        b.press("Log out")
        b.wait_for_path("/login")

        self.log_in(BLOCKED_EMAIL)
        b.follow("Can't access your multi-factor authentication app?")
        b.wait_for_path("/login/recovery")
        text = b.text()
        self.assertIn(CONTACT_REPRESENTATIVE, text)
        self.assertIn(f"We are unable to send a recovery SMS to phone numbers from {BLOCKED_COUNTRY}.", text)
        self.assertEqual(b.driver.find_elements("xpath", "//button[normalize-space()='Send code by SMS']"), [])
        b.shoot("blocked-recovery")
        self.assertIn("Not you?", b.text())
        b.press("Log out")
        b.wait_for_path("/login")
        self.assert_no_layout_problems()


if __name__ == "__main__":
    unittest.main(verbosity=2)
