"""The three real daemons for the browser test, and the operator's tool.

`System` is the end-to-end harness's `Cluster` (`Tests/e2e/harness.py`): `sms-sender`,
`secret-vault` and `auth-gateway` from `.build/debug/` (or `$TWOFOLD_BIN_DIR`) on a temporary
folder T, each awaited by its `"msg":"ready"` log line and killed when this interpreter dies. The
gateway hashes with `--scrypt-log-n 10` and its public URL is `http://127.0.0.1:PORT`, a loopback
origin, so the session cookie is `__Host-twofold` with `Secure`. Logs stay in T/logs; `tails()`
shows their last lines when a test fails.

What the browser test adds: accounts and invites are made with the operator's tool,
`twofold … --json`, the way a person would, not over the admin socket directly. Nothing here
builds: `scripts/browser-test.sh` runs `swift build` first.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

import harness  # noqa: E402  (the path above first)


class AdminCommandError(Exception):
    pass


class System(harness.Cluster):
    """The three daemons on one temporary folder T (T/run sockets, T/<daemon> data, T/logs)."""

    def __init__(self):
        super().__init__(name="browser")

    def remove(self):
        """Stops the daemons and deletes T, unless TWOFOLD_BROWSER_KEEP is set."""
        self.close()
        if not os.environ.get("TWOFOLD_BROWSER_KEEP"):
            shutil.rmtree(self.root, ignore_errors=True)

    # -- the operator's tool -------------------------------------------------------------------

    def twofold(self, *args):
        """Runs `twofold ARGS --admin-socket S --json`; its JSON result (exit status 0 required).

        The output of `invite create` holds the temporary password and the link's token, so a
        failure reports the exit status and stderr only, never stdout.
        """
        argv = [str(harness.BIN_DIR / "twofold"), *args, "--admin-socket", self.admin_socket, "--json"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise AdminCommandError(
                f"twofold {' '.join(args[:2])} exited with {done.returncode}: {done.stderr.strip()}"
            )
        return json.loads(done.stdout)

    def create_account(self, name):
        return self.twofold("account", "create", name)

    def invite_link(self, email, accounts):
        """An invite for `email` to `accounts` (names), made with `twofold invite create`:
        (link, temporary password)."""
        args = ["invite", "create", "--email", email]
        for account in accounts:
            args += ["--account", account]
        result = self.twofold(*args)
        link = result["link"]
        if not link.startswith(self.origin + "/invite/"):
            raise AssertionError(f"the invite link is not under the public URL {self.origin}")
        return link, result["temporary_password"]
