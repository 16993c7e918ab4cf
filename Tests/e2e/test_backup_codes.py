"""Backup codes (issue 19): shown once after setup (page, download), used instead of the
authenticator from "Can't access your multi-factor authentication app?" (then a new setup, as after
SMS recovery), single use, replaced by "Generate new codes", the same through the JSON API, and
never in any file or log of the three daemons."""

import re
import unittest

import harness
from client import Api, Browser
from flows import (
    BACKUP_CODE,
    Person,
    api_password,
    api_setup,
    api_signed_up,
    api_signup,
    html_backup_codes,
    html_confirm,
    html_password,
    html_setup_page,
    html_signed_up,
    html_signup,
)

CONTACT = "You will need to contact your representative to regain access to your account."
SECURITY = "/profile/security"
# Every code these tests were shown, per cluster root: looked for in every file at the end.
SHOWN = {}


def setUpModule():
    harness.shared()


def shown(cluster, codes):
    SHOWN.setdefault(str(cluster.root), (cluster, set()))[1].update(codes)


def wrong_code(person):
    """A well-formed code that is not one of the person's (the alphabet has no 0, 1, i, l, o)."""
    candidate = "2222-3333-4444"
    return candidate if candidate not in person.backup_codes else "5555-6666-7777"


class BackupCodesThroughPages(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def recover_with(self, person, code):
        """A new browser: password, then the backup code; returns (browser, answer)."""
        browser = Browser(self.cluster)
        response = html_password(self, browser, person)
        self.assertEqual((response.status, response.location), (303, "/login/code"), response)
        return browser, browser.open_and_submit("/login/recovery/backup-code", "/login/recovery/backup-code", {"code": code})

    def test_codes_are_shown_once_after_sign_up_then_one_recovers_the_account_once(self):
        person = Person.invited(self.cluster, phone=self.cluster.new_phone())
        browser = Browser(self.cluster)
        setup_page, _, _ = html_signup(self, browser, person)
        confirmed = browser.submit(setup_page, "/mfa/setup", {"code": person.code()})
        self.assertEqual((confirmed.status, confirmed.location), (303, "/mfa/backup-codes"), confirmed)

        page = browser.get("/mfa/backup-codes")
        self.assertEqual(page.status, 200, page)
        codes = BACKUP_CODE.findall(page.page().text)
        person.adopt_backup_codes(codes)
        shown(self.cluster, codes)
        self.assertEqual(len(set(codes)), 10, page.page().text)
        self.assertIn("this is the only time they are shown", page.page().text)
        self.assertIn("/mfa/backup-codes.txt", [href for href, _ in page.page().links])
        download = browser.get("/mfa/backup-codes.txt")
        self.assertEqual(download.status, 200, download)
        self.assertEqual(download.header("Cache-Control"), "no-store")
        self.assertTrue(download.header("Content-Type").startswith("text/plain"), download)
        self.assertTrue(download.header("Content-Disposition").startswith("attachment;"), download)
        self.assertEqual(BACKUP_CODE.findall(download.text), codes, "the file has the codes shown, in order")
        self.assertEqual(Browser(self.cluster).get("/mfa/backup-codes.txt").status, 404, "only for that session")

        done = browser.submit(page, "/mfa/backup-codes/continue")
        self.assertEqual((done.status, done.location), (303, "/home"), done)
        self.assertIn("Multi-factor authentication is set up.", browser.get("/home").page().text)
        self.assertEqual(browser.get("/mfa/backup-codes").status, 303, "shown once: gone after Continue")
        self.assertEqual(browser.get("/mfa/backup-codes.txt").status, 404)

        # "Can't access your multi-factor authentication app?": the backup code beside the SMS.
        other = Browser(self.cluster)
        html_password(self, other, person)
        recovery = other.get("/login/recovery").page()
        self.assertIn("/login/recovery/backup-code", [href for href, _ in recovery.links])
        recovery.form("/login/recovery/send")
        form = other.get("/login/recovery/backup-code")
        self.assertEqual(form.status, 200, form)
        wrong = other.submit(form, "/login/recovery/backup-code", {"code": wrong_code(person)})
        self.assertEqual(wrong.status, 401, wrong)
        self.assertIn("That backup code is not valid", wrong.page().text)
        self.assertIn("attempts left before codes are paused", wrong.page().text)
        self.assertEqual(wrong.page().input("code").get("aria-invalid"), "true", "the error is at the field")
        since = len(self.cluster.outbox())
        typed = " " + codes[0].upper().replace("-", " ") + " "  # any case, spaces for dashes
        accepted = other.submit(wrong, "/login/recovery/backup-code", {"code": typed})
        self.assertEqual((accepted.status, accepted.location), (303, "/mfa/setup"), accepted)
        self.assertEqual(other.get("/home").location, "/mfa/setup", "a recovery session can only set up MFA")
        notices = self.cluster.notices(person.e164, since, "backup code was used")
        self.assertTrue(any("backup code was used" in m["text"] for m in notices), notices)
        self.assertFalse(any(code in m["text"] for m in notices for code in codes))

        # Single use: refused the second time, while the rest of the set still works.
        _, again = self.recover_with(person, codes[0])
        self.assertEqual(again.status, 401, again)
        third, next_code = self.recover_with(person, codes[1])
        self.assertEqual((next_code.status, next_code.location), (303, "/mfa/setup"), next_code)

        # The new setup comes with a new set (shown, then "Continue" with the recovery's notice),
        # which replaces the old one.
        html_confirm(self, third, person, html_setup_page(self, third, person)[0])
        shown(self.cluster, person.backup_codes)
        self.assertIn("Your account is recovered.", third.get("/home").page().text)
        self.assertEqual(self.recover_with(person, codes[2])[1].status, 401, "the old set is gone")

    def test_generate_new_codes_needs_a_current_code_and_the_old_ones_stop_working(self):
        browser, person = html_signed_up(self, self.cluster)
        shown(self.cluster, person.backup_codes)
        old = list(person.backup_codes)
        page = browser.get(SECURITY).page()
        self.assertIn("Backup codes 10 left", page.headings)
        no_code = browser.submit(page, f"{SECURITY}/backup-codes", {"code": ""})
        self.assertEqual(no_code.status, 401, no_code)
        self.assertIn("Enter a current verification code", no_code.page().text)
        wrong = browser.submit(page, f"{SECURITY}/backup-codes", {"code": person.authenticator.wrong_code()})
        self.assertEqual(wrong.status, 401, wrong)
        field = [i for i in wrong.page().inputs if i.get("id") == "backup-codes-code"]
        self.assertEqual([i.get("aria-invalid") for i in field], ["true"], "the error is at the section's field")
        made = browser.submit(page, f"{SECURITY}/backup-codes", {"code": person.code()})
        self.assertEqual((made.status, made.location), (303, "/mfa/backup-codes"), made)
        self.assertIn("Your previous backup codes no longer work.", browser.get("/mfa/backup-codes").page().text)
        done = html_backup_codes(self, browser, person)
        shown(self.cluster, person.backup_codes)
        self.assertEqual((done.status, done.location), (303, SECURITY), done)
        page = browser.get(SECURITY).page()
        self.assertIn("Your new backup codes are ready.", page.text)
        self.assertIn("Backup codes 10 left", page.headings)
        self.assertTrue(set(old).isdisjoint(person.backup_codes))

        # No phone: the backup code is the first choice, the representative the last resort.
        recovering = Browser(self.cluster)
        html_password(self, recovering, person)
        text = recovering.get("/login/recovery").page().text
        self.assertLess(text.index("Use a backup code"), text.index(CONTACT), text)
        self.assertNotIn("/login/recovery/send", [f.action for f in recovering.get("/login/recovery").page().forms])
        refused = recovering.open_and_submit(
            "/login/recovery/backup-code", "/login/recovery/backup-code", {"code": old[0]})
        self.assertEqual(refused.status, 401, "an old code no longer works")
        accepted = recovering.submit(refused, "/login/recovery/backup-code", {"code": person.backup_codes[0]})
        self.assertEqual((accepted.status, accepted.location), (303, "/mfa/setup"), accepted)

    def test_a_phone_from_a_blocked_country_gets_the_backup_code_first(self):
        _, person = html_signed_up(self, self.cluster, phone="+880 1712 345678")
        shown(self.cluster, person.backup_codes)
        browser = Browser(self.cluster)
        html_password(self, browser, person)
        page = browser.get("/login/recovery").page()
        text = page.text
        self.assertIn("We are unable to send a recovery SMS to phone numbers from Bangladesh.", text)
        self.assertLess(text.index("Use a backup code"), text.index(CONTACT), text)
        self.assertNotIn("/login/recovery/send", [form.action for form in page.forms])


class BackupCodesThroughTheAPI(harness.E2ETestCase):
    def setUp(self):
        self.cluster = harness.shared()

    def password_stage(self, person):
        api = Api(self.cluster)
        api_password(self, api, person)
        return api

    def test_confirm_returns_the_set_which_recovers_once_and_generate_replaces_it(self):
        api, person = api_signed_up(self, self.cluster)
        shown(self.cluster, person.backup_codes)
        codes = list(person.backup_codes)
        self.assertEqual(len(set(codes)), 10, "the set comes with the confirmation")
        self.assertEqual(api.get("/api/v1/backup-codes", expect=200), {"backup_codes_left": 10})

        recovering = self.password_stage(person)
        self.assertEqual(recovering.get("/api/v1/recovery", expect=200)["backup_codes_left"], 10)
        self.assertEqual(recovering.error_code("GET", "/api/v1/backup-codes", expect=403), "auth.stage")
        status, wrong, _ = recovering.call(
            "POST", "/api/v1/recovery/backup-code", {"code": wrong_code(person)}, expect=401)
        self.assertEqual((wrong["error"]["code"], wrong["error"]["attempts_left"]), ("backup.code_invalid", 4))
        blank = recovering.error_code("POST", "/api/v1/recovery/backup-code", {"code": "  "}, expect=422)
        self.assertEqual(blank, "backup.code_missing")
        result = recovering.post("/api/v1/recovery/backup-code", {"code": codes[0].upper()}, expect=200)
        self.assertEqual(result["stage"], "recovery")
        self.assertEqual(recovering.error_code("GET", "/api/v1/me", expect=403), "auth.stage")
        self.assertEqual(api.error_code("GET", "/api/v1/me", expect=401), "auth.required", "other sessions end")

        again = self.password_stage(person)
        self.assertEqual(again.get("/api/v1/recovery", expect=200)["backup_codes_left"], 9)
        refused = again.error_code("POST", "/api/v1/recovery/backup-code", {"code": codes[0]}, expect=401)
        self.assertEqual(refused, "backup.code_invalid", "a code works once")

        # The recovery session sets up a new authenticator: a new set comes with it.
        setup = api_setup(self, recovering, person)
        confirmed = recovering.post(
            "/api/v1/mfa/confirm", {"enrollment_id": setup["enrollment_id"], "code": person.code()}, expect=200)
        self.assertEqual(confirmed["stage"], "full")
        person.adopt_backup_codes(confirmed["backup_codes"])
        shown(self.cluster, confirmed["backup_codes"])
        self.assertTrue(set(codes).isdisjoint(confirmed["backup_codes"]))

        full = recovering
        self.assertEqual(full.error_code("POST", "/api/v1/backup-codes", {}, expect=401), "code.required")
        self.assertEqual(
            full.error_code("POST", "/api/v1/backup-codes", {"code": person.authenticator.wrong_code()}, expect=401),
            "code.invalid")
        generated = full.post("/api/v1/backup-codes", {"code": person.code()}, expect=200)
        self.assertEqual(len(set(generated["backup_codes"])), 10)
        shown(self.cluster, generated["backup_codes"])
        previous, person.backup_codes = person.backup_codes, generated["backup_codes"]
        self.cluster.remember(*generated["backup_codes"])
        self.assertTrue(set(previous).isdisjoint(generated["backup_codes"]))
        stale = self.password_stage(person)
        self.assertEqual(
            stale.error_code("POST", "/api/v1/recovery/backup-code", {"code": previous[0]}, expect=401),
            "backup.code_invalid", "Generate new codes: the old set stops working")
        self.assertEqual(stale.post("/api/v1/recovery/backup-code", {"code": generated["backup_codes"][9]})["stage"], "recovery")

    def test_after_the_last_code_no_codes_is_answered_and_no_longer_offered(self):
        _, person = api_signed_up(self, self.cluster)
        shown(self.cluster, person.backup_codes)
        for code in person.backup_codes:
            api = self.password_stage(person)
            self.assertEqual(api.post("/api/v1/recovery/backup-code", {"code": code}, expect=200)["stage"], "recovery")
        api = self.password_stage(person)
        self.assertEqual(api.get("/api/v1/recovery", expect=200)["backup_codes_left"], 0)
        self.assertEqual(api.error_code("POST", "/api/v1/recovery/backup-code", {"code": person.backup_codes[0]}, expect=409), "backup.no_codes")
        self.assertEqual(self.cluster.admin("user.show", user=person.email)["mfa"]["backup_codes_left"], 0)
        browser = Browser(self.cluster)
        html_password(self, browser, person)
        self.assertNotIn("Use a backup code", browser.get("/login/recovery").page().text)
        no_codes = browser.open_and_submit(
            "/login/recovery/backup-code", "/login/recovery/backup-code", {"code": person.backup_codes[1]})
        self.assertEqual(no_codes.status, 409, no_codes)
        self.assertIn("You have no unused backup codes", no_codes.page().text)


class BackupCodeAcrossAVaultCrash(harness.E2ETestCase):
    def test_an_accepted_code_stays_spent_after_kill_9_of_the_vault(self):
        cluster = harness.Cluster(name="backup-crash").start()
        try:
            _, person = api_signed_up(self, cluster)
            shown(cluster, person.backup_codes)
            api = Api(cluster)
            api_password(self, api, person)
            api.post("/api/v1/recovery/backup-code", {"code": person.backup_codes[3]}, expect=200)
            cluster.kill9("secret-vault")
            cluster.restart("secret-vault")
            again = Api(cluster)
            api_password(self, again, person)
            refused = again.error_code(
                "POST", "/api/v1/recovery/backup-code", {"code": person.backup_codes[3]}, expect=401)
            self.assertEqual(refused, "backup.code_invalid")
            self.assertEqual(again.get("/api/v1/recovery", expect=200)["backup_codes_left"], 9)
            scan_for_codes(self, cluster, set(person.backup_codes))
        finally:
            cluster.close()


def scan_for_codes(test, cluster, codes):
    """No file under the cluster's folder (the three daemons' data folders, their logs and the
    audit log) holds any of `codes`, as shown, without dashes, or upper case."""
    spellings = set()
    for code in codes:
        for form in (code, code.replace("-", "")):
            spellings.update({form.encode(), form.upper().encode()})
    files = [path for path in cluster.root.rglob("*") if path.is_file()]
    test.assertTrue(any("vault" in str(path) for path in files), files)
    for path in files:
        data = path.read_bytes()
        for spelling in spellings:
            with test.subTest(file=str(path.relative_to(cluster.root)), code=spelling[:4]):
                test.assertNotIn(spelling, data, f"a backup code appears in {path}")


class ZZNoBackupCodeInAnyFile(harness.E2ETestCase):
    """Runs after the other classes of this module (alphabetical order)."""

    def test_no_code_shown_appears_in_any_data_file_or_log(self):
        if not SHOWN:
            self.skipTest("no backup codes were shown in this run")
        for cluster, codes in SHOWN.values():
            self.assertTrue(codes)
            scan_for_codes(self, cluster, codes)


if __name__ == "__main__":
    unittest.main()
