"""Runs last (file order): no secret the tests handled (passwords, temporary passwords, invite
tokens, TOTP secrets, SMS codes, session tokens) appears in any daemon's log or audit file."""

import json
import re
import unittest

import harness


class NoSecretsInLogs(harness.E2ETestCase):
    def test_no_secret_of_this_run_appears_in_any_log(self):
        clusters = harness.all_clusters()
        if not clusters:
            self.skipTest("no cluster ran in this process")
        for cluster in clusters:
            if cluster.started and cluster.name == "main":
                self.assertTrue(cluster.secrets, "the tests recorded their secrets")
            for path in cluster.log_files():
                text = path.read_text(errors="replace")
                for secret in cluster.secrets:
                    # A 6-digit code could also be part of a longer number (a timestamp): match it alone.
                    pattern = rf"(?<![0-9]){re.escape(secret)}(?![0-9])" if secret.isdigit() else re.escape(secret)
                    with self.subTest(log=str(path), secret=secret[:2] + "…"):
                        self.assertIsNone(re.search(pattern, text), f"a secret appears in {path}")


class AuditLog(harness.E2ETestCase):
    """The gateway's audit log (--audit-log): one JSON line per security event with time, user,
    IP and outcome, covering every kind of event issue 6 names."""

    CATEGORIES = ("login.", "mfa.setup", "mfa.reset", "recovery.", "phone.", "password.", "session.revoked", "admin.")

    def test_security_events_are_audited_with_time_user_ip_and_outcome(self):
        main = [c for c in harness.all_clusters() if c.name == "main" and c.started]
        if not main:
            self.skipTest("the main cluster did not run in this process")
        lines = [json.loads(line) for line in main[0].audit_log.read_text().splitlines() if line.strip()]
        self.assertTrue(lines, "audit lines")
        for entry in lines:
            for key in ("time", "user", "ip", "outcome"):
                self.assertIn(key, entry, entry)
        events = {entry.get("event", entry.get("msg")) for entry in lines}
        for category in self.CATEGORIES:
            with self.subTest(category=category):
                self.assertTrue(any(e.startswith(category) for e in events), f"no {category}* event in {sorted(events)}")
        logins = {e["outcome"] for e in lines if e.get("event", "").startswith("login.password")}
        self.assertGreaterEqual(len(logins), 2, f"login successes and failures: {logins}")


if __name__ == "__main__":
    unittest.main()
