"""Runs last (file order): no secret the tests handled (passwords, temporary passwords, invite
tokens, TOTP secrets, SMS codes, session tokens) appears in any daemon's log or audit file."""

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


if __name__ == "__main__":
    unittest.main()
