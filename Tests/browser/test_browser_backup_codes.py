"""Issue 19's browser test: backup codes in headless Chromium against the real daemons.

A user with a +880 (Bangladesh) phone, to which recovery SMS are refused, saves the codes shown
after the sign-up's setup (the download has them, and the print layout shows only them); later,
without the authenticator, "Use a backup code" is the first choice on "Can't access your
multi-factor authentication app?" (the representative comes last), a wrong code is refused at its
field, one code logs in (then a new setup is required), the same code is refused the second time,
and "Generate new codes" on the Security tab makes the rest of the old set stop working. The
notice of the code's use still goes to that number (a notice is not a recovery code), and the
operator's `twofold user show` counts the codes left.
Screenshots go to $TWOFOLD_SCREENSHOTS with the other browser tests'.
"""

import http.client
import re
import subprocess
import sys
import unittest

from authenticator import Authenticator
from browser import Browser
from daemons import System, harness
from test_browser_flows import screenshots_dir

PASSWORD = "correct horse battery staple 19"
ACCOUNT = "Backup Co"
EMAIL = "nasrin@example.com"
BLOCKED_PHONE, BLOCKED_E164 = "+880 1712 345670", "+8801712345670"
CONTACT_REPRESENTATIVE = "You will need to contact your representative to regain access to your account."
CODE = re.compile(r"^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$")
SESSION_COOKIE = "__Host-twofold"


class BackupCodesTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.shots = screenshots_dir()
        print(f"\nscreenshots: {cls.shots}", file=sys.stderr, flush=True)
        cls.system = System().start()
        try:
            cls.system.create_account(ACCOUNT)
            cls.browser = Browser(cls.system.origin, cls.shots)
        except Exception:
            sys.stderr.write(cls.system.tails() + "\n")
            cls.system.remove()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.system.remove()

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            sys.stderr.write("\n" + self.system.tails() + "\n")
            try:
                sys.stderr.write(f"the page at the failure: {self.browser.shoot('failure')[1]}\n")
            except Exception as error:
                sys.stderr.write(f"no screenshot of the failure: {error}\n")
        return outcome

    # -- steps ---------------------------------------------------------------------------------

    def set_up_app(self, app):
        """On /mfa/setup: adds the key to `app` and confirms with its code; lands on the codes."""
        b = self.browser
        b.wait_for_path("/mfa/setup")
        app.scan(b.element("code.secret").get_attribute("textContent").replace(" ", ""))
        b.field_for_label("Verification code").send_keys(app.current_code())
        b.press("Submit")
        b.wait_for_path("/mfa/backup-codes")

    def shown_codes(self):
        """The codes on "Save your backup codes", each checked for the vault's spelling."""
        b = self.browser
        self.assertEqual(b.heading(), "Save your backup codes")
        codes = [e.get_attribute("textContent") for e in b.driver.find_elements("css selector", "ol.backup-codes code")]
        self.assertEqual(len(codes), 10, codes)
        self.assertEqual(len(set(codes)), 10)
        for code in codes:
            self.assertRegex(code, CODE)
        self.system.remember(*codes)
        return codes

    def download(self):
        """GET of the page's download link with the browser's session cookie: (response, text)."""
        b = self.browser
        link = b.element(".backup-actions a")
        self.assertEqual(link.get_attribute("textContent"), "Download as a text file")
        self.assertEqual(link.get_attribute("download"), "twofold-backup-codes.txt")
        path = link.get_attribute("href").removeprefix(self.system.origin)
        cookie = b.cookies()[SESSION_COOKIE]["value"]
        connection = http.client.HTTPConnection("127.0.0.1", self.system.port, timeout=10)
        try:
            connection.request("GET", path, headers={"Cookie": f"{SESSION_COOKIE}={cookie}"})
            response = connection.getresponse()
            return response, response.read().decode()
        finally:
            connection.close()

    def assert_print_layout_shows_only_the_codes(self):
        d = self.browser.driver
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            visible = lambda css: any(e.is_displayed() for e in d.find_elements("css selector", css))
            self.assertTrue(visible("ol.backup-codes"), "printed: the codes")
            for css in ("header.topbar", "footer.footer", "form", ".backup-actions"):
                self.assertFalse(visible(css), f"not printed: {css}")
        finally:
            d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    def log_in_password(self):
        b = self.browser
        b.open("/login")
        b.fill("email", EMAIL)
        b.fill("password", PASSWORD)
        b.press("Log in")
        b.wait_for_path("/login/code")

    def use_backup_code(self, code, shot=None):
        """From the code step: "Can't access …?" → "Use a backup code" (the first choice) → `code`."""
        b = self.browser
        b.follow("Can't access your multi-factor authentication app?")
        b.wait_for_path("/login/recovery")
        text = b.text()
        self.assertIn("We are unable to send a recovery SMS to phone numbers from Bangladesh.", text)
        self.assertLess(text.index("Use a backup code"), text.index(CONTACT_REPRESENTATIVE), "backup code first")
        self.assertEqual(b.driver.find_elements("css selector", "form[action='/login/recovery/send']"), [])
        if shot:
            b.shoot(shot)
        b.follow("Use a backup code")
        b.wait_for_path("/login/recovery/backup-code")
        b.fill("backup-code", code)
        b.press("Continue")

    def assert_refused_at_the_field(self, text):
        b = self.browser
        b.wait_for_path("/login/recovery/backup-code")
        field = b.element("#backup-code")
        self.assertEqual(field.get_attribute("aria-invalid"), "true")
        self.assertIn("backup-code-error", field.get_attribute("aria-describedby").split())
        self.assertIn(text, b.element("#backup-code-error").text)
        self.assertEqual(b.driver.execute_script("return document.activeElement.id"), "backup-code")

    def log_out(self):
        b = self.browser
        b.press("Log out")
        b.wait_for_path("/login")

    def user_show(self):
        """`twofold user show` as an operator reads it (text, not --json)."""
        argv = [str(harness.BIN_DIR / "twofold"), "user", "show", EMAIL, "--admin-socket", self.system.admin_socket]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout

    # -- the test ------------------------------------------------------------------------------

    def test_a_bangladesh_user_saves_codes_recovers_with_one_once_and_generate_new_codes_replaces_them(self):
        b = self.browser
        app = Authenticator()
        link, temporary = self.system.invite_link(EMAIL, [ACCOUNT])
        b.open(link)
        b.fill("email", EMAIL)
        b.fill("temporary-password", temporary)
        b.fill("new-password", PASSWORD)
        b.fill("new-password-confirm", PASSWORD)
        b.fill("phone", BLOCKED_PHONE)
        b.press("Create account")
        b.wait_for_path("/signup/phone")
        b.button("Keep " + b.element("strong.nowrap").text).click()
        self.set_up_app(app)

        # Shown once, with a download and a print layout.
        first = self.shown_codes()
        b.shoot("backup-codes-sign-up")
        self.assert_print_layout_shows_only_the_codes()
        response, text = self.download()
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("Cache-Control"), "no-store")
        self.assertTrue(response.getheader("Content-Disposition").startswith("attachment;"))
        self.assertEqual([line for line in text.splitlines() if CODE.match(line)], first)
        b.press("I saved my codes. Continue")
        b.wait_for_path("/home")
        self.assertIn("Multi-factor authentication is set up.", b.text())
        b.open("/mfa/backup-codes")
        b.wait_for_path("/home")  # gone once saved
        self.assertIn("Backup codes:  10 left", self.user_show())
        self.log_out()

        # Later, without the authenticator: the backup code is the first choice.
        sent_before = len(self.system.outbox())
        self.log_in_password()
        self.use_backup_code("2345-6789-abcd", shot="recovery-backup-first")
        self.assert_refused_at_the_field("That backup code is not valid")
        b.shoot("backup-code-wrong")
        b.fill("backup-code", first[0].upper().replace("-", " "))
        b.press("Continue")
        b.wait_for_path("/mfa/setup")
        self.assertIn("Account recovery", b.text())
        self.assertIn("Backup codes:  9 left", self.user_show())
        # Leaves without setting up a new authenticator: the old one still works until then.
        b.press("Log out")
        b.wait_for_path("/login")

        # The same code a second time is refused.
        self.log_in_password()
        self.use_backup_code(first[0])
        self.assert_refused_at_the_field("was already used")
        b.follow("Back to the verification code")
        b.wait_for_path("/login/code")
        b.field_for_label("Verification code").send_keys(app.fresh_code())
        b.press("Submit")
        b.wait_for_path("/home")

        # Security tab: 9 left; "Generate new codes" needs a current code, and replaces the set.
        b.follow("My Profile")
        b.follow("Security")
        b.wait_for_path("/profile/security")
        self.assertIn("Backup codes 9 left", b.text())
        b.fill("backup-codes-code", app.wrong_code())
        b.press("Generate new codes")
        b.wait_for_path("/profile/security/backup-codes")
        self.assertIn("That code is not valid.", b.element("#backup-codes-code-error").text)
        self.assertEqual(b.element("#backup-codes-code").get_attribute("aria-invalid"), "true")
        b.fill("backup-codes-code", app.fresh_code())
        b.press("Generate new codes")
        b.wait_for_path("/mfa/backup-codes")
        self.assertIn("Your previous backup codes no longer work.", b.text())
        second = self.shown_codes()
        self.assertTrue(set(first).isdisjoint(second))
        b.shoot("backup-codes-generated")
        b.press("I saved my codes. Continue")
        b.wait_for_path("/profile/security")
        self.assertIn("Your new backup codes are ready. The old ones no longer work.", b.text())
        self.assertIn("Backup codes 10 left", b.text())
        self.log_out()

        # An unused code of the old set no longer works; one of the new set does.
        self.log_in_password()
        self.use_backup_code(first[1])
        self.assert_refused_at_the_field("That backup code is not valid")
        b.fill("backup-code", second[0])
        b.press("Continue")
        self.set_up_app(app)
        third = self.shown_codes()
        self.assertTrue(set(second).isdisjoint(third), "the new setup comes with a new set")
        b.press("I saved my codes. Continue")
        b.wait_for_path("/home")
        self.assertIn("Your account is recovered.", b.text())
        b.shoot("recovered-with-backup-code")

        # Recovery codes are never texted to Bangladesh, but notices are, like every notice: each
        # accepted backup code (one of the first set, one of the second), with the count left.
        texts = [m["text"] for m in self.system.outbox()[sent_before:] if m["to"] == BLOCKED_E164]
        used = [t for t in texts if "A backup code was used" in t]
        self.assertEqual(len(used), 2, texts)
        self.assertTrue(all("(9 left)" in t for t in used), used)


if __name__ == "__main__":
    unittest.main()
