"""Issue 18's browser test: passkeys in headless Chromium with a virtual authenticator (the Chrome
DevTools WebAuthn domain, through Selenium's `add_virtual_authenticator`) against the real daemons.

The public URL is `http://localhost:PORT` (a secure context with a domain name: an IP address
cannot be a WebAuthn RP ID), given to the gateway and to the vault (`--public-url`), which checks
every ceremony. The scenario:

- a new user signs up and sets up the authenticator app (codes from oathtool);
- registers a passkey from the Security tab (password + a fresh code, a name), made by a CTAP2
  "internal" authenticator with resident keys and user verification; the tab lists it;
- logs in with the password, is offered "Use a passkey" beside the code field, and signs in with
  it; the tab then shows when it was last used;
- logs in passwordless ("Sign in with a passkey" on the login page: discoverable credential with
  user verification, both factors);
- with the first authenticator removed, a second virtual authenticator holding a credential for
  this site and this very user (its user handle) that was never registered is refused: the
  vault knows no such credential, and the user stays signed out.
Screenshots go to $TWOFOLD_SCREENSHOTS with the other browser tests'.
"""

import sys
import unittest

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from selenium.webdriver.common.virtual_authenticator import Credential, VirtualAuthenticatorOptions
from selenium.webdriver.support.ui import WebDriverWait

from authenticator import Authenticator
from browser import WAIT, Browser
from daemons import System, harness
from test_browser_flows import screenshots_dir

PASSWORD = "correct horse battery staple 18"
ACCOUNT = "Passkey Co"
EMAIL = "pat@example.com"
PHONE = "+1 415 555 0188"
PASSKEY_NAME = "Test laptop"


class PasskeySystem(System):
    """The browser test's daemons, on http://localhost:PORT, with the vault told the same URL."""

    def __init__(self):
        harness.Cluster.__init__(self, name="browser-passkeys", public_host="localhost")
        self.daemons["secret-vault"].argv += ["--public-url", self.origin]


def authenticator_options():
    options = VirtualAuthenticatorOptions()
    options.protocol = VirtualAuthenticatorOptions.Protocol.CTAP2
    options.transport = VirtualAuthenticatorOptions.Transport.INTERNAL
    options.has_resident_key = True
    options.has_user_verification = True
    options.is_user_verified = True
    return options


class PasskeysTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.shots = screenshots_dir()
        print(f"\nscreenshots: {cls.shots}", file=sys.stderr, flush=True)
        cls.system = PasskeySystem().start()
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

    def sign_up(self, app):
        b = self.browser
        link, temporary_password = self.system.invite_link(EMAIL, [ACCOUNT])
        b.open(link)
        b.fill("email", EMAIL)
        b.fill("temporary-password", temporary_password)
        b.fill("new-password", PASSWORD)
        b.fill("new-password-confirm", PASSWORD)
        b.fill("phone", PHONE)
        b.press("Create account")
        b.wait_for_path("/mfa/setup")
        app.scan(b.element("code.secret").get_attribute("textContent").replace(" ", ""))
        b.field_for_label("Verification code").send_keys(app.current_code())
        b.press("Submit")
        b.open("/home")
        b.wait_for_path("/home")

    def log_in_with_password(self):
        b = self.browser
        b.open("/login")
        b.fill("email", EMAIL)
        b.fill("password", PASSWORD)
        b.press("Log in")
        b.wait_for_path("/login/code")

    def log_out(self):
        b = self.browser
        b.press("Log out")
        b.wait_for_path("/login")

    def run_ceremony(self, heading, button):
        """On a passkey page: presses its button; the script asks the virtual authenticator and
        posts the answer, which leaves the page."""
        b = self.browser
        self.assertEqual(b.heading(), heading)
        csp = b.driver.execute_script("return document.querySelector('form[data-webauthn]') !== null")
        self.assertTrue(csp, "the page has the ceremony form")
        b.shoot(heading.lower().replace(" ", "-"))
        b.press(button)

    def passkey_list(self):
        return [item.text for item in self.browser.driver.find_elements("css selector", "ul.passkeys li")]

    # -- the scenario --------------------------------------------------------------------------

    def test_register_then_sign_in_with_the_passkey_after_the_password_and_without_it(self):
        b = self.browser
        driver = b.driver
        app = Authenticator()
        driver.add_virtual_authenticator(authenticator_options())
        self.assertTrue(driver.virtual_authenticator_id)

        self.sign_up(app)

        # Security tab: add a passkey after the password and a fresh code.
        b.open("/profile/security")
        self.assertIn("You have no passkey yet.", b.text())
        b.fill("passkey-password", PASSWORD)
        b.fill("passkey-code", app.fresh_code())
        b.fill("passkey-name", PASSKEY_NAME)
        b.press("Add a passkey")
        self.run_ceremony("Add a passkey", "Create the passkey")
        b.wait_for_path("/profile/security")
        self.assertIn("Your passkey was added.", b.text())
        listed = self.passkey_list()
        self.assertEqual(len(listed), 1, listed)
        self.assertIn(PASSKEY_NAME, listed[0])
        self.assertIn("never used", listed[0])
        credentials = driver.get_credentials()
        self.assertEqual(len(credentials), 1)
        self.assertTrue(credentials[0].is_resident_credential)
        self.assertEqual(credentials[0].rp_id, "localhost")
        b.shoot("security-with-passkey")

        # A wrong password adds nothing (and no ceremony page is shown).
        b.fill("passkey-password", "not the password")
        b.fill("passkey-code", app.fresh_code())
        b.press("Add a passkey")
        self.assertEqual(b.path, "/profile/security/passkeys")
        self.assertIn("That password is not correct.", b.text())
        self.log_out()

        # Password, then "Use a passkey" beside the code field.
        self.log_in_with_password()
        self.assertIn("Enter your verification code", b.heading())
        count = driver.get_credentials()[0].sign_count
        b.press("Use a passkey")
        self.run_ceremony("Use your passkey", "Use your passkey")
        b.wait_for_path("/home")
        self.assertEqual(driver.get_credentials()[0].sign_count, count + 1, "one signature, the vault's challenge")
        b.open("/profile/security")
        self.assertIn("last used", self.passkey_list()[0])
        self.log_out()

        # Passwordless from the login page: the passkey is both factors.
        b.open("/login")
        b.press("Sign in with a passkey")
        self.run_ceremony("Sign in with a passkey", "Sign in with a passkey")
        b.wait_for_path("/home")
        self.assertIn(EMAIL, b.text())
        self.log_out()

        # A second authenticator with a credential for this site and this user, never registered.
        user_id = self.system.twofold("user", "show", EMAIL)["user"]["id"]
        driver.remove_virtual_authenticator()
        driver.add_virtual_authenticator(authenticator_options())
        key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        driver.add_credential(
            Credential.create_resident_credential(
                id=b"unregistered-credential-0001", rp_id="localhost", user_handle=user_id.encode(),
                private_key=key, sign_count=0))
        b.open("/login")
        b.press("Sign in with a passkey")
        self.run_ceremony("Sign in with a passkey", "Sign in with a passkey")
        WebDriverWait(driver, WAIT).until(lambda _: "That passkey was not accepted." in b.text())
        self.assertEqual(b.path, "/login/passwordless/finish")
        b.open("/home")
        b.wait_for_path("/login")

        # The same browser's registered passkey is gone with the first authenticator; the user can
        # still sign in with the password and a code (the TOTP path needs no script).
        self.log_in_with_password()
        b.field_for_label("Verification code").send_keys(app.fresh_code())
        b.press("Submit")
        b.wait_for_path("/home")


if __name__ == "__main__":
    unittest.main()
