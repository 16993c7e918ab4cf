"""Issue 17's browser test: the pages a new user meets, in headless Chromium against the real
daemons, at a phone's 390x844 (mobile emulation) and a desktop's 1280x800.

- Errors and notices are on screen without scrolling: each check takes the element's bounding box
  (`getBoundingClientRect`) against the viewport after the page loaded as the browser left it
  (autofocus, a redirect's #fragment). An error about a field is tied to it (aria-describedby,
  aria-invalid) and the field has the focus. Forms that change state answer with a redirect, so
  the page shown is a GET.
- Setup on the phone it is done on: the "Open in authenticator app" link's otpauth:// URI is the
  one the QR code holds (decoded by zbarimg from a screenshot), and the key shows grouped in
  fours; on desktop the QR code and the code field are visible together.
- Forgot password end to end, with a phone (the authenticator's code, then the SMS code) and
  without one; "N attempts left" before the TOTP back-off; "Not you? Log out"; a lost session
  cookie mid-login explained as such; the Profile page with the tab bar; touch targets >= 44 px.
Screenshots go to $TWOFOLD_SCREENSHOTS with the other browser tests'.
"""

import sys
import unittest

from authenticator import Authenticator, check_uri, decode_qr
from browser import Browser
from daemons import System
from test_browser_flows import ISSUER, screenshots_dir

PASSWORD = "correct horse battery staple 9"
ACCOUNT = "Newcomer Co"
SESSION_COOKIE = "__Host-twofold"
# (name, width, height, mobile emulation)
PHONE = ("phone", 390, 844, True)
DESKTOP = ("desktop", 1280, 800, False)
SIZES = (PHONE, DESKTOP)
US_PHONE, US_E164 = "+1 415 555 0147", "+14155550147"
BLOCKED_PHONE = "+880 1712 345679"


class NewUserPagesTest(unittest.TestCase):
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

    def setUp(self):
        self.browser.driver.delete_all_cookies()
        self.users = 0

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

    # -- viewport and geometry -----------------------------------------------------------------

    def viewport(self, size):
        _, width, height, mobile = size
        self.browser.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def shoot(self, name, size):
        """Screenshots (Browser.shoot resets the viewport; it is set again after)."""
        paths = self.browser.shoot(name)
        self.viewport(size)
        return paths

    def box(self, css):
        return self.browser.driver.execute_script(
            """const e = document.querySelector(arguments[0]);
            if (!e) return null;
            const r = e.getBoundingClientRect();
            return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height,
                    vw: window.innerWidth, vh: window.innerHeight};""", css)

    def assert_in_view(self, css, size, what):
        """The element's bounding box lies inside the viewport as the page was left (no scrolling)."""
        box = self.box(css)
        self.assertIsNotNone(box, f"{what}: no {css} on {self.browser.path}")
        self.assertGreater(box["height"], 0, f"{what}: {css} is not rendered")
        inside = box["top"] >= 0 and box["bottom"] <= box["vh"] + 0.5 and box["left"] >= 0 and box["right"] <= box["vw"] + 0.5
        self.assertTrue(inside, f"{what} at {size[0]} {size[1]}x{size[2]}: {css} at {box} is not inside the viewport")

    def assert_error_at_field(self, field_id, size, text):
        """The field's error is visible without scrolling, tied to it, and the field has the focus."""
        d = self.browser.driver
        field = d.find_element("id", field_id)
        self.assertEqual(field.get_attribute("aria-invalid"), "true")
        self.assertIn(f"{field_id}-error", (field.get_attribute("aria-describedby") or "").split())
        self.assertIn(text, d.find_element("id", f"{field_id}-error").text)
        self.assertEqual(d.execute_script("return document.activeElement.id"), field_id, "the focus is on the field")
        self.assert_in_view(f"#{field_id}-error", size, f"the error of {field_id}")
        self.assert_in_view(f"#{field_id}", size, f"the field {field_id}")

    def assert_touch_targets(self, size):
        """Buttons, inputs and links that stand alone are at least 44 px tall."""
        small = self.browser.driver.execute_script(
            """const found = [];
            const targets = document.querySelectorAll(
                'button, input:not([type=hidden]), header a, nav a, ul.links a, a.button, .field-link a');
            for (const e of targets) {
                const r = e.getBoundingClientRect();
                if (r.width === 0 && r.height === 0) continue;
                if (r.height < 44 || r.width < 44) found.push(`${e.tagName} "${e.textContent.trim().slice(0, 40)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
            }
            return found;""")
        self.assertEqual(small, [], f"touch targets under 44 px on {self.browser.path} ({size[0]})")

    # -- steps ---------------------------------------------------------------------------------

    def new_email(self, tag):
        self.users += 1
        return f"{tag}-{self._testMethodName[-12:]}-{self.users}@example.com".lower()

    def sign_up(self, email, phone=""):
        b = self.browser
        link, temporary = self.system.invite_link(email, [ACCOUNT])
        b.open(link)
        b.fill("email", email)
        b.fill("temporary-password", temporary)
        b.fill("new-password", PASSWORD)
        b.fill("new-password-confirm", PASSWORD)
        if phone:
            b.fill("phone", phone)
        b.press("Create account")

    def setup_secret(self, email, size, shot):
        """On /mfa/setup: the QR code's secret, checked against the page at this size."""
        b = self.browser
        b.wait_for_path("/mfa/setup")
        narrow, wide, _ = self.shoot(shot, size)
        uri = decode_qr(wide)
        self.assertEqual(decode_qr(narrow), uri)
        secret = check_uri(self, uri, ISSUER, email)
        key = b.element("code.secret")
        grouped = key.get_attribute("textContent")
        self.assertRegex(grouped, r"^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$", "the key is grouped in fours")
        self.assertEqual(grouped.replace(" ", ""), secret)
        link = b.element("a.open-app")
        self.assertEqual(link.get_attribute("textContent"), "Open in authenticator app")
        if size is PHONE:
            self.assertTrue(key.is_displayed(), "the key is shown, not collapsed, on a phone")
            self.assertTrue(link.is_displayed(), "a phone gets the Open in authenticator app link")
            self.assertEqual(link.get_attribute("href"), uri, "the link opens the QR code's otpauth URI")
            self.assert_touch_targets(size)
        else:
            self.assert_in_view(".qr-image svg", size, "the QR code")
            self.assert_in_view("#code", size, "the code field, beside the QR code")
        return uri, secret

    def save_backup_codes(self, size):
        """"Save your backup codes" after a confirmed setup: ten codes, then "Continue"."""
        b = self.browser
        b.wait_for_path("/mfa/backup-codes")
        self.assertEqual(b.heading(), "Save your backup codes")
        self.assertEqual(len(b.driver.find_elements("css selector", "ol.backup-codes code")), 10)
        self.assert_touch_targets(size)
        b.press("I saved my codes. Continue")

    def log_in_password(self, email, password=PASSWORD):
        b = self.browser
        b.open("/login")
        b.fill("email", email)
        b.fill("password", password)
        b.press("Log in")

    # -- the tests -----------------------------------------------------------------------------

    def test_errors_and_notices_are_on_screen_and_setup_works_on_a_phone_at_both_sizes(self):
        b = self.browser
        for size in SIZES:
            with self.subTest(size=size[0]):
                b.driver.delete_all_cookies()
                self.viewport(size)
                email = self.new_email(size[0])
                app = Authenticator()
                self.sign_up(email)
                uri, secret = self.setup_secret(email, size, f"setup-{size[0]}")
                app.scan(secret)

                # A wrong code: the error is at the field, on screen, and the QR code unchanged.
                b.field_for_label("Verification code").send_keys(app.wrong_code())
                b.press("Submit")
                b.wait_for_path("/mfa/setup")
                self.assert_error_at_field("code", size, "That code is not valid.")
                self.assertEqual(b.element("a.open-app").get_attribute("href"), uri)
                self.shoot(f"setup-wrong-code-{size[0]}", size)
                b.field_for_label("Verification code").send_keys(app.current_code())
                b.press("Submit")
                self.save_backup_codes(size)
                b.wait_for_path("/home")
                self.assertIn("Multi-factor authentication is set up.", b.text())
                self.assert_in_view(".msg", size, "the setup's confirmation")
                self.assert_touch_targets(size)

                # My Profile: a real page with the tab bar; Security from it.
                b.follow("My Profile")
                b.wait_for_path("/profile")
                self.assertEqual(b.heading(), "My Profile")
                self.assertEqual(b.element('nav.tabs a[aria-current="page"]').text, "Profile")
                self.assertIn(email, b.text())
                self.assertIn(ACCOUNT, b.text())
                self.shoot(f"profile-{size[0]}", size)
                self.assert_touch_targets(size)
                b.fill("name", "Ann Newcomer")
                b.press("Save name")
                b.wait_for_path("/profile")
                self.assertIn("Your name was saved.", b.text())
                self.assert_in_view(".msg", size, "the name's confirmation")
                b.follow("Go to Security")
                b.wait_for_path("/profile/security")
                self.assertEqual(b.element('nav.tabs a[aria-current="page"]').text, "Security")

                # Add phone number (a blocked country): redirected, and the answer is on screen.
                b.fill("phone", BLOCKED_PHONE)
                b.press("Add phone number")
                b.wait_for_path("/profile/security")
                self.assertIn("Your recovery phone was saved.", b.text())
                self.assertIn("SMS recovery is not available for phone numbers from Bangladesh.", b.text())
                self.assert_in_view("#security-phone .msg", size, "the phone's confirmation")
                self.assert_in_view("#security-phone .msg-info", size, "the Bangladesh notice")
                self.shoot(f"security-phone-saved-{size[0]}", size)
                self.assert_touch_targets(size)
                b.driver.refresh()  # a GET: reloading sends nothing again
                b.wait_for_path("/profile/security")
                self.assertNotIn("Your recovery phone was saved.", b.text(), "a confirmation is shown once")

                b.press("Log out")
                b.wait_for_path("/login")
                self.assertIn("You are logged out.", b.text())
                self.assert_touch_targets(size)

                # A wrong password: the message at the field, on screen.
                self.log_in_password(email, "not the password at all")
                self.assert_error_at_field("password", size, "Incorrect email or password.")

                # The code step: "Not you? Log out", and "N attempts left" before the back-off.
                self.log_in_password(email)
                b.wait_for_path("/login/code")
                self.assertIn("Not you?", b.text())
                self.assertIn(email, b.text())
                b.field_for_label("Verification code").send_keys(app.wrong_code())
                b.press("Submit")
                b.wait_for_path("/login/code")
                self.assert_error_at_field("code", size, "4 attempts left before codes are paused.")
                self.shoot(f"login-code-wrong-{size[0]}", size)

                # The session cookie lost mid-login is explained as such.
                b.driver.delete_cookie(SESSION_COOKIE)
                b.field_for_label("Verification code").send_keys(app.current_code())
                b.press("Submit")
                text = b.text()
                self.assertIn("Your session has ended", text)
                self.assertNotIn("another site", text)
                self.shoot(f"session-ended-{size[0]}", size)
        self.assertEqual(self.browser.layout_problems, [], "pages that scroll sideways")

    def test_forgot_password_end_to_end_with_a_phone_and_without(self):
        b = self.browser
        for size, phone in ((PHONE, US_PHONE), (DESKTOP, "")):
            with self.subTest(size=size[0], phone=bool(phone)):
                b.driver.delete_all_cookies()
                self.viewport(size)
                email = self.new_email("forgot")
                app = Authenticator()
                self.sign_up(email, phone)
                _, secret = self.setup_secret(email, size, f"forgot-setup-{size[0]}")
                app.scan(secret)
                b.field_for_label("Verification code").send_keys(app.current_code())
                b.press("Submit")
                self.save_backup_codes(size)
                b.wait_for_path("/home")
                b.press("Log out")
                b.wait_for_path("/login")

                b.follow("Forgot password?")
                b.wait_for_path("/password/forgot")
                self.assertIn("contact your representative", b.text().lower())
                self.shoot(f"forgot-email-{size[0]}", size)
                b.fill("email", email)
                b.press("Continue")
                b.wait_for_path("/password/forgot/code")
                self.shoot(f"forgot-code-{size[0]}", size)
                b.field_for_label("Verification code").send_keys(app.wrong_code())
                b.press("Continue")
                self.assert_error_at_field("code", size, "attempts left")
                sent_before = len(self.system.outbox())
                b.field_for_label("Verification code").send_keys(app.fresh_code())
                b.press("Continue")
                if phone:
                    b.wait_for_path("/password/forgot/sms")
                    self.assertIn("It is valid for 10 minutes.", b.text())
                    self.shoot(f"forgot-sms-{size[0]}", size)
                    b.field_for_label("Code from the SMS").send_keys("000000")
                    b.press("Continue")
                    self.assert_error_at_field("code", size, "attempts left")
                    b.field_for_label("Code from the SMS").send_keys(self.system.sms_code(US_E164, sent_before))
                    b.press("Continue")
                b.wait_for_path("/password/forgot/new")
                self.assertIn(email, b.text())
                new_password = PASSWORD + " renewed"
                b.fill("new-password", new_password)
                b.fill("new-password-confirm", new_password + " typo")
                b.press("Save new password")
                self.assert_error_at_field("new-password-confirm", size, "do not match")
                self.shoot(f"forgot-new-password-mismatch-{size[0]}", size)
                b.fill("new-password", new_password)
                b.fill("new-password-confirm", new_password)
                b.press("Save new password")
                b.wait_for_path("/login")
                self.assertIn("Your password was changed, and you were logged out everywhere.", b.text())
                self.assert_in_view(".msg", size, "the reset's confirmation")
                self.shoot(f"forgot-done-{size[0]}", size)
                if phone:
                    notices = [m for m in self.system.outbox()[sent_before:] if m["to"] == US_E164]
                    self.assertTrue(any("password of your Twofold account was changed" in m["text"] for m in notices))

                self.log_in_password(email, PASSWORD)
                self.assertIn("Incorrect email or password.", b.text(), "the old password no longer works")
                self.log_in_password(email, new_password)
                b.wait_for_path("/login/code")
                b.field_for_label("Verification code").send_keys(app.fresh_code())
                b.press("Submit")
                b.wait_for_path("/home")
        print(f"\nwaited {app.waited:.0f} s for fresh TOTP steps", file=sys.stderr, flush=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
